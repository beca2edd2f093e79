/* contact_rec.h - a contact in memory, shared by the files of the contact
 * module: contact.c (rules and writes) and contact_list.c (list pages).
 * Private to src/crm/contact*.c; every other module uses contact.h.
 * Depends on store/db.h, core/access.h, jansson. */
#ifndef KITH_CRM_CONTACT_REC_H
#define KITH_CRM_CONTACT_REC_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* Text columns of a contact, in the order CONTACT_COLS reads them:
 * X(index, column, column as lists read it). Written once: the S_* indexes
 * and both SELECT lists below come from it. Lists read NULL for notes and
 * consent_note to keep pages light. */
#define CONTACT_TEXT_COL_LIST(X)                                                                   \
	X(S_FIRST, "c.first_name", "c.first_name")                                                 \
	X(S_LAST, "c.last_name", "c.last_name")                                                    \
	X(S_DISPLAY, "c.display_name", "c.display_name")                                           \
	X(S_SORT, "c.sort_key", "c.sort_key")                                                      \
	X(S_TITLE, "c.job_title", "c.job_title")                                                   \
	X(S_STREET, "c.street", "c.street")                                                        \
	X(S_CITY, "c.city", "c.city")                                                              \
	X(S_REGION, "c.region", "c.region")                                                        \
	X(S_POSTAL, "c.postal_code", "c.postal_code")                                              \
	X(S_COUNTRY, "c.country", "c.country")                                                     \
	X(S_WEBSITE, "c.website", "c.website")                                                     \
	X(S_BIRTHDAY, "c.birthday", "c.birthday")                                                  \
	X(S_STATUS, "c.status", "c.status")                                                        \
	X(S_TEMP, "c.temperature", "c.temperature")                                                \
	X(S_SOURCE, "c.source", "c.source")                                                        \
	X(S_NOTES, "c.notes", "NULL")                                                              \
	X(S_CONSENT, "c.consent_note", "NULL")                                                     \
	X(S_CREATED, "c.created_at", "c.created_at")                                               \
	X(S_UPDATED, "c.updated_at", "c.updated_at")                                               \
	X(S_DELETED, "c.deleted_at", "c.deleted_at")
#define CONTACT_TEXT_ENUM_(i, col, list_col) i,
enum { CONTACT_TEXT_COL_LIST(CONTACT_TEXT_ENUM_) N_S };
enum { N_WRITTEN = S_CONSENT + 1 }; /* text columns an INSERT/UPDATE writes */

/* One contact row with its emails, phones and tags. */
typedef struct ContactRec {
	int64_t id;	    /* contact.id, 0 before insert */
	int64_t company_id; /* 0 = none */
	int64_t owner_id;   /* 0 = unassigned */
	int64_t version;    /* the ETag */
	int64_t cadence_days; /* desired days between touches (crm/cadence.h), 0 = none */
	char *s[N_S];	    /* text columns (malloc'd), NULL = SQL NULL */
	json_t *emails;	    /* [{"label","value","norm"}] in position order */
	json_t *phones;	    /* same shape; value is E.164 or as entered */
	json_t *tags;	    /* ["name"] */
	int oom;	    /* set when a copy failed; checked before writing */
} ContactRec;

/* The columns every read selects, in ContactRec order: ids, then S_* texts
 * (CONTACT_TEXT_COL_LIST), then cadence_days. This is the only place the
 * column list is written. */
#define CONTACT_COL_(i, col, list_col) ", " col
#define CONTACT_LIST_COL_(i, col, list_col) ", " list_col
#define CONTACT_COLS_HEAD "c.id, c.company_id, c.owner_id, c.version"
#define CONTACT_COLS_TAIL ", c.cadence_days"
#define CONTACT_COLS CONTACT_COLS_HEAD CONTACT_TEXT_COL_LIST(CONTACT_COL_) CONTACT_COLS_TAIL
#define CONTACT_LIST_COLS                                                                          \
	CONTACT_COLS_HEAD CONTACT_TEXT_COL_LIST(CONTACT_LIST_COL_) CONTACT_COLS_TAIL

/* NULL-terminated lists of the accepted status and temperature values. */
extern const char *const contact_statuses[];
extern const char *const contact_temperatures[];

/* 1 when s is one of the NULL-terminated list. */
int contact_one_of(const char *s, const char *const *list);

/* An empty record (empty lists); contact_rec_free releases it. A failed
 * allocation sets r->oom. */
void contact_rec_init(ContactRec *r);
void contact_rec_free(ContactRec *r);

/* Replace text column i with a copy of v (NULL = SQL NULL). */
void contact_rec_set(ContactRec *r, int i, const char *v);

/* Replace the list in *slot with list (stolen). */
void contact_rec_set_list(json_t **slot, json_t *list);

/* Fill r from the current row of a statement that selected CONTACT_COLS
 * or CONTACT_LIST_COLS. */
void contact_rec_from_row(DbStmt *st, ContactRec *r);

/* Load r's emails, phones and tags (r->id set). */
int contact_rec_children(Db *db, ContactRec *r, Err *err) KITH_WARN_UNUSED;

/* contact_rec_children for recs[0..n) at once (distinct ids): one read
 * per list for the whole page, so a page costs three statements, not
 * three per row (a round trip each on PostgreSQL). */
int contact_rec_children_many(Db *db, ContactRec *recs, int n, Err *err) KITH_WARN_UNUSED;

/* Load contact id with its lists. ERR_NOT_FOUND naming "id" when absent. */
int contact_rec_load(Db *db, int64_t id, ContactRec *r, Err *err) KITH_WARN_UNUSED;

/* KITH_OK when the actor may see contact id (owned by owner_id, or shared
 * with the actor: record_can_see; in the trash when deleted); ERR_NOT_FOUND
 * when hidden, ERR_GONE when trashed unless include_deleted. */
int contact_rec_visible(Db *db, const Actor *actor, int64_t id, int64_t owner_id, int deleted,
			int include_deleted, Err *err) KITH_WARN_UNUSED;

/* Load a contact the actor may see: ERR_NOT_FOUND when absent or hidden,
 * ERR_GONE when in the trash unless include_deleted. */
int contact_rec_find(Db *db, const Actor *actor, int64_t id, int include_deleted, ContactRec *r,
		     Err *err) KITH_WARN_UNUSED;

/* The JSON of contact.h (caller decrefs); full adds notes, consent_note
 * and custom, which list items leave out. The company's name is null when
 * the company is in the trash; it does not depend on the actor. */
int contact_rec_json(Db *db, const Actor *actor, const ContactRec *r, int full, json_t **out,
		     Err *err) KITH_WARN_UNUSED;

/* The list items (contact_rec_json with full = 0) of recs[0..n), appended
 * to arr in that order: the companies' names are read in one statement
 * for the page (company_names_many), not one per row. */
int contact_rec_json_page(Db *db, const ContactRec *recs, int n, json_t *arr,
			  Err *err) KITH_WARN_UNUSED;

/* contact_rec_json with its two lookups already done (a create knows both):
 * company_name is the linked company's name (NULL gives a null name; unused
 * when r->company_id is 0); custom (stolen; NULL = {}) is used when full and
 * released otherwise. Returns a new object (caller decrefs), NULL when out of
 * memory. */
json_t *contact_rec_json_known(const ContactRec *r, int full, const char *company_name,
			       json_t *custom);

#endif

/* contact.h - clients: people with names, emails, phones, address, company,
 * lifecycle status, temperature, source, owner, tags, notes, consent note and
 * custom fields. The rules, validation, access and SQL for contacts live in
 * contact.c; contact_cli.c and contact_api.c are thin adapters.
 * Depends on store/, base/, core/{access,audit,links,record,workspace},
 * crm/{cadence,tag,field,phone}.
 * Owns tables contact, contact_email, contact_phone, contact_tag, contact_fts.
 *
 * The JSON representation (contact_get output, list items):
 *   {"id", "first_name", "last_name", "display_name", "job_title",
 *    "emails": [{"label","value"}], "phones": [{"label","value"}],
 *    "address": {"street","city","region","postal_code","country"},
 *    "website", "birthday", "company": {"id","name"} | null,
 *    "status", "temperature", "source", "owner_id", "tags": ["..."],
 *    "cadence_days": n | null,
 *    "notes", "consent_note", "custom": {"key": value},
 *    "version", "created_at", "updated_at", "deleted_at"}
 * Input objects (create, update) use the same writable keys: first_name,
 * last_name, job_title, emails, phones, address, website, birthday,
 * company_id, status, temperature, source, owner_id, tags, notes,
 * consent_note, custom, cadence_days (1..3650 days between touches, see
 * crm/cadence.h). Unknown keys are rejected; null clears a field.
 * Emails and phones may be given as strings or {"label","value"}. */
#ifndef KITH_CRM_CONTACT_H
#define KITH_CRM_CONTACT_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/access.h"
#include "store/db.h"
#include "store/search.h"

enum {
	CONTACT_FORCE = 1,    /* skip the duplicate guard (email/phone already used) */
	CONTACT_NO_AUDIT = 2, /* bulk loads (demo, import): the caller writes one summary entry */
};

/* Create a contact from in. Requires a first name, last name or email.
 * Errors: ERR_INVALID naming the field ("emails[1].value", "birthday",
 * "custom.budget"...); ERR_CONFLICT when a normalized email or phone
 * belongs to another live contact (err->ref_id = that contact, the message
 * names it), unless CONTACT_FORCE. */
int contact_create(Db *db, const Actor *actor, const json_t *in, int flags, int64_t *id,
		   Err *err) KITH_WARN_UNUSED;

/* Warnings about contact id, just created, that do not stop it: another
 * live contact the actor may see has the same name (folded, as sorted) at
 * the same company ("same_name"); contacts without a company or a name
 * get none. *warnings is a JSON array (caller decrefs) of {"code",
 * "field", "message", "existing_id"}; empty when there is nothing to say.
 * Hidden contacts are never mentioned. Read-only. */
int contact_create_warnings(Db *db, const Actor *actor, int64_t id, json_t **warnings,
			    Err *err) KITH_WARN_UNUSED;

/* Create n contacts from in[0..n) in one transaction, each by the rules of
 * contact_create, for bulk loads (demo data, imports): lookups that cannot
 * change meanwhile (workspace, tags, custom-field generation) are done once.
 * ids (may be NULL) receives the new ids in input order. On the first
 * failing row nothing is created and err is that row's contact_create
 * error. */
int contact_create_many(Db *db, const Actor *actor, json_t *const *in, size_t n, int flags,
			int64_t *ids, Err *err) KITH_WARN_UNUSED;

/* The contact as JSON (caller decrefs). ERR_NOT_FOUND when absent or not
 * visible; ERR_GONE when in the trash, unless include_deleted. */
int contact_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
		Err *err) KITH_WARN_UNUSED;

/* The smallest and largest contact id in use, trashed ones included
 * (both 0 when there is none), for tools that pick records at random (demo
 * data); ids in between may be missing. */
int contact_id_span(Db *db, int64_t *first, int64_t *last, Err *err) KITH_WARN_UNUSED;

/* contact_get, serialized: *text is the contact's JSON (malloc'd, caller
 * frees) and *version its version. Served from the representation stored
 * at the last write, so a read is one row; built live when that is stale
 * (after a custom field's removal deleted values). Same errors. */
int contact_get_text(Db *db, const Actor *actor, int64_t id, int include_deleted, char **text,
		     int64_t *version, Err *err) KITH_WARN_UNUSED;

/* contact_get_text with cadence_annotate's keys appended (GET by id): the
 * stored representation and the next-touch inputs in one statement. Same
 * errors. */
int contact_get_text_annotated(Db *db, const Actor *actor, int64_t id, int include_deleted,
			       char **text, int64_t *version, Err *err) KITH_WARN_UNUSED;

/* Apply patch (keys as for create; absent keys unchanged). When
 * expected_version is non-zero and differs: ERR_STALE. The duplicate guard
 * applies to new emails/phones unless CONTACT_FORCE. *out (may be NULL)
 * receives the updated contact. */
int contact_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		   int64_t expected_version, int flags, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Move to the trash / restore from it / delete for good (only from the
 * trash). ERR_NOT_FOUND, ERR_GONE (already in trash), ERR_CONFLICT
 * (purge of a live contact, restore of a live contact). */
int contact_delete(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;
int contact_restore(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;
int contact_purge(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;

/* Merge other into keep: keep's empty fields take other's values, emails,
 * phones and tags are united, custom values copied where keep has none,
 * notes appended; other goes to the trash. One transaction, one audit
 * entry on each. ERR_INVALID when keep == other. */
int contact_merge(Db *db, const Actor *actor, int64_t keep, int64_t other, json_t **out,
		  Err *err) KITH_WARN_UNUSED;

/* Add and remove tags (arrays of names; either may be NULL). */
int contact_tag(Db *db, const Actor *actor, int64_t id, const json_t *add, const json_t *remove,
		json_t **out, Err *err) KITH_WARN_UNUSED;

typedef struct ContactQuery {
	const char *q;             /* full-text query (prefix match), NULL = none */
	const char *tag;           /* tag name */
	const char *status;        /* lead|prospect|customer|former */
	const char *temperature;   /* cold|warm|hot */
	const char *source;        /* exact source */
	int64_t owner_id;          /* 0 = any */
	int64_t company_id;        /* 0 = any */
	const char *updated_since; /* instant or date; rows updated at or after */
	const char *sort;          /* name|-name|created|-created|updated|-updated; NULL = name */
	int trash;                 /* 1 = list the trash instead of live contacts */
	int limit;                 /* page size, 1..KITH_LIST_MAX */
	const char *cursor;        /* opaque cursor from a previous page, NULL = first page */
} ContactQuery;

/* One page of contacts visible to the actor. *items: JSON array (caller
 * decrefs); *next: malloc'd cursor for the next page or NULL at the end
 * (caller frees). With q set, results come in search order (by id) and sort
 * must be NULL. ERR_INVALID naming the bad filter/sort/cursor/q. */
int contact_list(Db *db, const Actor *actor, const ContactQuery *query, json_t **items,
		 char **next, Err *err) KITH_WARN_UNUSED;

/* Rebuild the search documents and stored JSON of the contacts whose ids
 * ids holds (int64_t values; missing ones are skipped). Runs in the
 * caller's transaction. The refresh function of kind "contact" in
 * core/links (links_set_refresh): a contact shows its company's name, so
 * renaming, trashing, restoring or purging the company rebuilds them. */
int contact_reindex_ids(Db *db, const Buf *ids, Err *err) KITH_WARN_UNUSED;

/* Register contact_reindex_ids as the refresh function of kind "contact"
 * with core/links. Call once at start-up, before any thread starts (main.c,
 * the test fixtures). */
void contact_links_register(void);

/* Check the contacts' search index (store/search.h search_check): every
 * contact out of the trash has one document, equal to the one its next
 * write would store; no other contact has one. Findings go to chk.
 * KITH_OK once checked; ERR_STORAGE. */
int contact_search_check(Db *db, const SearchCheck *chk, Err *err) KITH_WARN_UNUSED;

/* Hand every contact (trashed ones too) of user `from` to user `to` (ids checked by the
 * caller), bumping versions; the changed ids are appended to ids (int64_t).
 * Runs in the caller's transaction; the caller audits. */
int contact_reassign(Db *db, int64_t from, int64_t to, Buf *ids, Err *err) KITH_WARN_UNUSED;

#endif

/* contact_rec.c - a contact in memory (contact_rec.h): reading a row and
 * its emails, phones and tags, access and trash checks on the way in, and
 * the JSON representation contact.h documents. Private to the contact
 * module (contact.c, contact_list.c). Depends on base/, store/,
 * core/{access, record}, crm/{company, field}. Statements follow contact.c's discipline:
 * each is stepped to its end and reset before the next prepare. */
#include "crm/contact_rec.h"

#include <stdlib.h>
#include <string.h>

#include "core/record.h"
#include "crm/company.h"
#include "crm/field.h"

enum { COL_TEXT0 = 4 }; /* first text column in CONTACT_COLS */

const char *const contact_statuses[] = {"lead", "prospect", "customer", "former", NULL};
const char *const contact_temperatures[] = {"cold", "warm", "hot", NULL};

int contact_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

void contact_rec_init(ContactRec *r)
{
	memset(r, 0, sizeof *r);
	r->emails = json_array();
	r->phones = json_array();
	r->tags = json_array();
	r->oom = !r->emails || !r->phones || !r->tags;
}

void contact_rec_free(ContactRec *r)
{
	for (int i = 0; i < N_S; i++)
		free(r->s[i]);
	json_decref(r->emails);
	json_decref(r->phones);
	json_decref(r->tags);
	memset(r, 0, sizeof *r);
}

void contact_rec_set(ContactRec *r, int i, const char *v)
{
	char *copy = v ? strdup(v) : NULL;
	if (v && !copy)
		r->oom = 1;
	free(r->s[i]);
	r->s[i] = copy;
}

void contact_rec_set_list(json_t **slot, json_t *list)
{
	json_decref(*slot);
	*slot = list;
}

void contact_rec_from_row(DbStmt *st, ContactRec *r)
{
	r->id = db_col_int(st, 0);
	r->company_id = db_col_int(st, 1);
	r->owner_id = db_col_int(st, 2);
	r->version = db_col_int(st, 3);
	for (int i = 0; i < N_S; i++)
		contact_rec_set(r, i,
				db_col_is_null(st, COL_TEXT0 + i) ? NULL
								  : db_col_text(st, COL_TEXT0 + i));
	r->cadence_days = db_col_int(st, COL_TEXT0 + N_S); /* NULL reads 0 */
}

/* Read [{"label","value","norm"}] rows of sql (one ? = contact id). */
static int load_entries(Db *db, const char *sql, int64_t id, json_t **out, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	json_t *arr = json_array();
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr,
				      json_pack("{ss ss ss}", "label", db_col_text(st, 0), "value",
						db_col_text(st, 1), "norm", db_col_text(st, 2)));
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KITH_OK;
}

int contact_rec_children(Db *db, ContactRec *r, Err *err)
{
	static const char emails[] = "SELECT label, email, email_norm FROM contact_email "
				     "WHERE contact_id = ? ORDER BY position";
	static const char phones[] = "SELECT label, phone, phone_norm FROM contact_phone "
				     "WHERE contact_id = ? ORDER BY position";
	static const char tags[] =
	    "SELECT t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id "
	    "WHERE ct.contact_id = ? ORDER BY t.name_norm";
	json_t *list = NULL;
	DbStmt *st;
	int rc = load_entries(db, emails, r->id, &list, err);
	if (rc)
		return rc;
	contact_rec_set_list(&r->emails, list);
	if ((rc = load_entries(db, phones, r->id, &list, err)))
		return rc;
	contact_rec_set_list(&r->phones, list);
	if ((rc = db_prepare(db, &st, tags, err)))
		return rc;
	list = json_array();
	db_bind_int(st, 1, r->id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(list, json_string(db_col_text(st, 0)));
	if (rc != DB_DONE) {
		json_decref(list);
		return rc;
	}
	contact_rec_set_list(&r->tags, list);
	return KITH_OK;
}

/* Where a contact id sits in the page: (id, index) pairs sorted by id. */
typedef struct RecAt {
	int64_t id;
	int at;
} RecAt;

static int rec_at_cmp(const void *a, const void *b)
{
	const RecAt *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* The record of id in recs, by the sorted index; NULL when none. */
static ContactRec *rec_of(ContactRec *recs, const RecAt *index, int n, int64_t id)
{
	RecAt key = {.id = id};
	const RecAt *hit = bsearch(&key, index, (size_t)n, sizeof *index, rec_at_cmp);
	return hit ? &recs[hit->at] : NULL;
}

/* One list of every contact of the page: sql selects (contact_id, ...)
 * in list order for the ids bound as parameter 1; row_fn appends a row's
 * entry to the list slot picks. */
static int load_many(Db *db, const char *sql, ContactRec *recs, const RecAt *index,
		     const int64_t *ids, int n, int which, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_ids(st, 1, ids, (size_t)n);
	while ((rc = db_step(st, err)) == DB_ROW) {
		ContactRec *r = rec_of(recs, index, n, db_col_int(st, 0));
		if (!r)
			continue;
		json_t *list = which == 0 ? r->emails : which == 1 ? r->phones : r->tags;
		json_t *v = which == 2
				? json_string(db_col_text(st, 1))
				: json_pack("{ss ss ss}", "label", db_col_text(st, 1), "value",
					    db_col_text(st, 2), "norm", db_col_text(st, 3));
		if (!v || json_array_append_new(list, v))
			r->oom = 1;
	}
	db_reset(st); /* PostgreSQL: frees the page's rows now, not at the next use */
	return rc == DB_DONE ? KITH_OK : rc;
}

int contact_rec_children_many(Db *db, ContactRec *recs, int n, Err *err)
{
	/* the statements of contact_rec_children, for every contact at once:
	 * three round trips for a page instead of three per row */
	static const char emails[] =
	    "SELECT contact_id, label, email, email_norm FROM contact_email "
	    "WHERE contact_id" DB_IN_IDS "ORDER BY contact_id, position";
	static const char phones[] =
	    "SELECT contact_id, label, phone, phone_norm FROM contact_phone "
	    "WHERE contact_id" DB_IN_IDS "ORDER BY contact_id, position";
	static const char tags[] = "SELECT ct.contact_id, t.name FROM contact_tag ct "
				   "JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id" DB_IN_IDS
				   "ORDER BY ct.contact_id, t.name_norm";
	if (n <= 0)
		return KITH_OK;
	RecAt *index = malloc((size_t)n * sizeof *index);
	int64_t *ids = malloc((size_t)n * sizeof *ids);
	int rc = KITH_OK;
	if (!index || !ids) {
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		goto done;
	}
	for (int i = 0; i < n; i++) {
		json_array_clear(recs[i].emails);
		json_array_clear(recs[i].phones);
		json_array_clear(recs[i].tags);
		index[i] = (RecAt){.id = recs[i].id, .at = i};
	}
	qsort(index, (size_t)n, sizeof *index, rec_at_cmp);
	for (int i = 0; i < n; i++)
		ids[i] = index[i].id;
	if ((rc = load_many(db, emails, recs, index, ids, n, 0, err)) == KITH_OK &&
	    (rc = load_many(db, phones, recs, index, ids, n, 1, err)) == KITH_OK)
		rc = load_many(db, tags, recs, index, ids, n, 2, err);
done:
	free(index);
	free(ids);
	return rc;
}

/* Load contact id with its lists. ERR_NOT_FOUND when there is no row. */
int contact_rec_load(Db *db, int64_t id, ContactRec *r, Err *err)
{
	static const char sql[] = "SELECT " CONTACT_COLS " FROM contact c WHERE c.id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW)
		contact_rec_from_row(st, r);
	db_reset(st);
	if (rc == DB_DONE)
		return err_set(err, ERR_NOT_FOUND, "id", "no contact #%lld", (long long)id);
	if (rc != DB_ROW)
		return rc;
	return contact_rec_children(db, r, err);
}

/* Load a contact the actor may see: ERR_NOT_FOUND when absent or hidden,
 * ERR_GONE when in the trash unless include_deleted. */
int contact_rec_visible(Db *db, const Actor *actor, int64_t id, int64_t owner_id, int deleted,
			int include_deleted, Err *err)
{
	if (!record_can_see(db, actor, RECORD_CONTACT, id, owner_id))
		return err_set(err, ERR_NOT_FOUND, "id", "no contact #%lld", (long long)id);
	if (deleted && !include_deleted)
		return err_set(err, ERR_GONE, "id", "contact #%lld is in the trash; restore it first",
			       (long long)id);
	return KITH_OK;
}

int contact_rec_find(Db *db, const Actor *actor, int64_t id, int include_deleted, ContactRec *r,
		     Err *err)
{
	int rc = contact_rec_load(db, id, r, err);
	if (rc == KITH_OK)
		rc = contact_rec_visible(db, actor, id, r->owner_id, r->s[S_DELETED] != NULL,
					 include_deleted, err);
	return rc;
}

/* ---- JSON representation ---- */

static json_t *entries_json(const json_t *list)
{
	json_t *arr = json_array(), *e;
	size_t i;
	json_array_foreach(list, i, e)
	{
		json_array_append_new(arr,
				      json_pack("{sO sO}", "label", json_object_get(e, "label"),
						"value", json_object_get(e, "value")));
	}
	return arr;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *company_link(int64_t id, const char *name)
{
	return id ? json_pack("{sI so}", "id", (json_int_t)id, "name", str_or_null(name))
		  : json_null();
}

/* Name of the linked company (*name NULL when the company is in the trash
 * or there is none). Whoever may see a contact sees the name of the company
 * it belongs to, so the JSON is the same for every actor (and can be
 * stored). *name is malloc'd (caller frees). */
static int company_lookup(Db *db, int64_t id, char **name, Err *err)
{
	const Actor system = ACTOR_SYSTEM;
	*name = NULL;
	if (!id)
		return KITH_OK;
	int rc = company_name(db, &system, id, name, err);
	if (rc == ERR_NOT_FOUND) {
		err_clear(err);
		rc = KITH_OK;
	}
	return rc;
}

/* The contact as contact.h documents it; full adds notes, consent_note and
 * custom (list items leave them out). */
int contact_rec_json(Db *db, const Actor *actor, const ContactRec *r, int full, json_t **out,
		     Err *err)
{
	json_t *custom = NULL;
	char *company = NULL;
	int rc = company_lookup(db, r->company_id, &company, err);

	if (rc == KITH_OK && full)
		rc = field_values_get(db, "contact", r->id, &custom, err);
	if (rc == KITH_OK) {
		*out = contact_rec_json_known(r, full, company, custom);
		if (!*out)
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	free(company);
	return rc;
}

int contact_rec_json_page(Db *db, const ContactRec *recs, int n, json_t *arr, Err *err)
{
	int64_t *ids = calloc((size_t)n + 1, sizeof *ids);
	char **names = calloc((size_t)n + 1, sizeof *names);
	int rc = KITH_OK;
	if (!ids || !names) {
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		goto done;
	}
	for (int i = 0; i < n; i++)
		ids[i] = recs[i].company_id;
	if ((rc = company_names_many(db, ids, (size_t)n, names, err)))
		goto done;
	for (int i = 0; i < n && rc == KITH_OK; i++) {
		json_t *item = contact_rec_json_known(&recs[i], 0, names[i], NULL);
		if (!item || json_array_append_new(arr, item))
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
done:
	for (int i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(ids);
	return rc;
}

json_t *contact_rec_json_known(const ContactRec *r, int full, const char *company_name,
			       json_t *custom)
{
	json_t *o = json_object();
	if (!o) {
		json_decref(custom);
		return NULL;
	}
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "first_name", json_string(r->s[S_FIRST] ? r->s[S_FIRST] : ""));
	json_object_set_new(o, "last_name", json_string(r->s[S_LAST] ? r->s[S_LAST] : ""));
	json_object_set_new(o, "display_name", str_or_null(r->s[S_DISPLAY]));
	json_object_set_new(o, "job_title", str_or_null(r->s[S_TITLE]));
	json_object_set_new(o, "emails", entries_json(r->emails));
	json_object_set_new(o, "phones", entries_json(r->phones));
	json_object_set_new(o, "address",
			    json_pack("{so so so so so}", "street", str_or_null(r->s[S_STREET]),
				      "city", str_or_null(r->s[S_CITY]), "region",
				      str_or_null(r->s[S_REGION]), "postal_code",
				      str_or_null(r->s[S_POSTAL]), "country",
				      str_or_null(r->s[S_COUNTRY])));
	json_object_set_new(o, "website", str_or_null(r->s[S_WEBSITE]));
	json_object_set_new(o, "birthday", str_or_null(r->s[S_BIRTHDAY]));
	json_object_set_new(o, "company", company_link(r->company_id, company_name));
	json_object_set_new(o, "status", str_or_null(r->s[S_STATUS]));
	json_object_set_new(o, "temperature", str_or_null(r->s[S_TEMP]));
	json_object_set_new(o, "source", str_or_null(r->s[S_SOURCE]));
	json_object_set_new(o, "owner_id", id_or_null(r->owner_id));
	json_object_set_new(o, "tags", json_deep_copy(r->tags));
	json_object_set_new(o, "cadence_days", id_or_null(r->cadence_days));
	if (full) {
		json_object_set_new(o, "notes", str_or_null(r->s[S_NOTES]));
		json_object_set_new(o, "consent_note", str_or_null(r->s[S_CONSENT]));
		json_object_set_new(o, "custom", custom ? custom : json_object());
	} else {
		json_decref(custom);
	}
	json_object_set_new(o, "version", json_integer(r->version));
	json_object_set_new(o, "created_at", str_or_null(r->s[S_CREATED]));
	json_object_set_new(o, "updated_at", str_or_null(r->s[S_UPDATED]));
	json_object_set_new(o, "deleted_at", str_or_null(r->s[S_DELETED]));
	return o;
}

/* company.c - organisations: validation, access, trash, tags, search and
 * lists. Owns tables company, company_tag and the company search index.
 * Depends on store/, base/, core/{access,audit,links,record,user,workspace},
 * crm/{collab,tag,field,phone}; never on the nouns that reference companies
 * (contacts, activities: what trash and purge do to them is declared in
 * core/links.def). The CLI and API adapters call only company.h.
 *
 * A change is one transaction: the row, its tags, its custom values, its
 * search document and one audit entry commit together or not at all. */
#include "crm/company.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cursor.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/links.h"
#include "core/record.h"
#include "crm/collab.h"
#include "crm/field.h"
#include "crm/phone.h"
#include "crm/tag.h"
#include "core/user.h"
#include "core/workspace.h"
#include "store/search.h"

enum { TAX_ID_MAX = KITH_MAX_TAX_ID }; /* limits.h */

static const char *const writable[] = {"legal_name", "tax_id", "address",       "website",
				       "phone",	     "email",  "phone_country", "owner_id",
				       "tags",	     "notes",  "custom",	NULL};
static const char *const address_keys[] = {"street", "city", "region", "postal_code", "country",
					   NULL};

/* ---- reading ----------------------------------------------------------- */

/* The record's columns in the representation's key order (core/record_cols.h);
 * tags and custom are placeholders company_fill() (company_load_page for a
 * page) fills, contact_count one row_json() fills. */
#define COMPANY_COL_LIST(X)                                                                        \
	X(ID, "c.id", "id")                                                                        \
	X(TEXT, "c.legal_name", "legal_name")                                                      \
	X(TEXT, "c.tax_id", "tax_id")                                                              \
	X(TEXT, "c.street", "address.street")                                                      \
	X(TEXT, "c.city", "address.city")                                                          \
	X(TEXT, "c.region", "address.region")                                                      \
	X(TEXT, "c.postal_code", "address.postal_code")                                            \
	X(TEXT, "c.country", "address.country")                                                    \
	X(TEXT, "c.website", "website")                                                            \
	X(TEXT, "c.phone", "phone")                                                                \
	X(TEXT, "c.email", "email")                                                                \
	X(INT, "c.owner_id", "owner_id")                                                           \
	X(ARRAY, NULL, "tags")                                                                     \
	X(TEXT, "c.notes", "notes")                                                                \
	X(OBJECT, NULL, "custom")                                                                  \
	X(LATER, NULL, "contact_count")                                                            \
	X(INT, "c.version", "version")                                                             \
	X(INSTANT, "c.created_at", "created_at")                                                   \
	X(INSTANT, "c.updated_at", "updated_at")                                                   \
	X(INSTANT, "c.deleted_at", "deleted_at")
#define COMPANY_COLS RECORD_COLS_SELECT(COMPANY_COL_LIST)
const RecordCols company_record_cols = RECORD_COLS(COMPANY_COL_LIST);

static int load_tags(Db *db, int64_t id, json_t *tags, Err *err)
{
	static const char sql[] = "SELECT t.name FROM company_tag ct JOIN tag t ON t.id = ct.tag_id "
				  "WHERE ct.company_id = ? ORDER BY t.name_norm";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(tags, json_string(db_col_text(st, 0)));
	return rc == DB_DONE ? KITH_OK : rc;
}

/* contact_count as a column of a company row c: the live contacts of the
 * company that the actor may see (issue 7: a count must not tell a member
 * about contacts hidden from them); every one for an owner, an admin or
 * actor NULL (internal reads). A member's count is built like their
 * contact list of one company (contact_list.c): their own contacts of the
 * company, found through contact_company (the unary + keeps SQLite off
 * contact_owner: a member may own thousands, a company has few), plus
 * those shared with them, driven by the collaborator index (a member's
 * shares are few); no visibility probe per contact. Read in the row's
 * statement, so a company costs no statement of its own for it. COUNT_MEMBER
 * binds the member's id three times. */
#define COUNT_ALL                                                                                  \
	"(SELECT COUNT(*) FROM contact x WHERE x.company_id = c.id AND x.deleted_at IS NULL)"
#define COUNT_MEMBER                                                                               \
	"(SELECT COUNT(*) FROM contact x WHERE x.company_id = c.id AND +x.owner_id = ? "           \
	"AND x.deleted_at IS NULL) + (SELECT COUNT(*) FROM contact_collaborator cl "               \
	"CROSS JOIN contact x WHERE cl.user_id = ? AND x.id = cl.contact_id "                      \
	"AND x.company_id = c.id AND x.owner_id IS DISTINCT FROM ? AND x.deleted_at IS NULL)"

/* Prepare the read of one company (many = 0: "c.id = ?") or of a page
 * (many = 1: c.id DB_IN_IDS) with its contact_count as the actor sees it
 * (the last column), and bind the count's parameters; *p receives the
 * number of the id parameter. */
static int rows_prepare(Db *db, const Actor *actor, int many, DbStmt **st, int *p, Err *err)
{
	static const char one_all[] =
	    "SELECT " COMPANY_COLS ", " COUNT_ALL " FROM company c WHERE c.id = ?";
	static const char one_member[] =
	    "SELECT " COMPANY_COLS ", " COUNT_MEMBER " FROM company c WHERE c.id = ?";
	static const char many_all[] =
	    "SELECT " COMPANY_COLS ", " COUNT_ALL " FROM company c WHERE c.id" DB_IN_IDS;
	static const char many_member[] =
	    "SELECT " COMPANY_COLS ", " COUNT_MEMBER " FROM company c WHERE c.id" DB_IN_IDS;
	int scoped = actor && !access_is_admin(actor);
	const char *sql = many ? (scoped ? many_member : many_all) : scoped ? one_member : one_all;
	int rc = db_prepare(db, st, sql, err);
	if (rc)
		return rc;
	*p = 1;
	for (int i = 0; scoped && i < 3; i++)
		db_bind_int(*st, (*p)++, actor->user_id);
	return KITH_OK;
}

/* The record of the current row of a rows_prepare statement, tags and
 * custom still empty; NULL when out of memory. */
static json_t *row_json(DbStmt *st)
{
	json_t *rec = record_cols_json(st, &company_record_cols);
	json_t *n = json_integer(db_col_int(st, db_col_count(st) - 1));
	if (!rec || json_object_set_new(rec, "contact_count", n)) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* Fill tags and custom values of a record read by row_json. */
static int company_fill(Db *db, json_t *rec, Err *err)
{
	int64_t id = json_integer_value(json_object_get(rec, "id"));
	json_t *custom = NULL;
	int rc = load_tags(db, id, json_object_get(rec, "tags"), err);
	if (rc || (rc = field_values_get(db, "company", id, &custom, err)))
		return rc;
	json_object_set_new(rec, "custom", custom);
	return KITH_OK;
}

/* The record of id with contact_count as actor sees it (NULL: all), without
 * access checks; ERR_NOT_FOUND when absent. */
static int company_load(Db *db, const Actor *actor, int64_t id, json_t **out, Err *err)
{
	DbStmt *st;
	json_t *rec = NULL;
	int p, rc = rows_prepare(db, actor, 0, &st, &p, err);
	if (rc)
		return rc;
	db_bind_int(st, p, id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		rec = row_json(st);
		rc = rec ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "id", "no company %lld", (long long)id);
	}
	db_reset(st);
	if (rc == KITH_OK && (rc = company_fill(db, rec, err)) == KITH_OK) {
		*out = rec;
		return KITH_OK;
	}
	json_decref(rec);
	return rc;
}

/* Where a company id sits in a page: (id, index) pairs sorted by id. */
typedef struct IdAt {
	int64_t id;
	int at;
} IdAt;

static int id_at_cmp(const void *a, const void *b)
{
	const IdAt *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* The index in the page of id (index sorted, n entries); -1 when none. */
static int page_at(const IdAt *index, int n, int64_t id)
{
	IdAt key = {.id = id};
	const IdAt *hit = bsearch(&key, index, (size_t)n, sizeof *index, id_at_cmp);
	return hit ? hit->at : -1;
}

/* The tags of the page's records recs (by index), one statement. */
static int page_tags(Db *db, const int64_t *ids, const IdAt *index, int n, json_t **recs, Err *err)
{
	static const char sql[] = "SELECT ct.company_id, t.name FROM company_tag ct "
				  "JOIN tag t ON t.id = ct.tag_id WHERE ct.company_id" DB_IN_IDS
				  "ORDER BY ct.company_id, t.name_norm";
	DbStmt *st;
	int oom = 0, rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_ids(st, 1, ids, (size_t)n);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int at = page_at(index, n, db_col_int(st, 0));
		if (at >= 0 && recs[at])
			oom |= json_array_append_new(json_object_get(recs[at], "tags"),
						     json_string(db_col_text(st, 1)));
	}
	db_reset(st);
	if (rc == DB_DONE && oom)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	return rc == DB_DONE ? KITH_OK : rc;
}

/* company_load for the page ids[0..n) (distinct), appended to arr in that
 * order, in three statements however long the page: the rows with their
 * contact counts, the tags, the custom values (each a round trip on
 * PostgreSQL; one company_load each cost four per row). */
static int company_load_page(Db *db, const Actor *actor, const int64_t *ids, int n, json_t *arr,
			     Err *err)
{
	json_t **recs = calloc((size_t)n + 1, sizeof *recs);
	json_t **customs = calloc((size_t)n + 1, sizeof *customs);
	IdAt *index = malloc(((size_t)n + 1) * sizeof *index);
	DbStmt *st;
	int p, rc = KITH_OK, oom = 0;
	if (!recs || !customs || !index) {
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		goto done;
	}
	for (int i = 0; i < n; i++)
		index[i] = (IdAt){.id = ids[i], .at = i};
	qsort(index, (size_t)n, sizeof *index, id_at_cmp);
	if (n == 0 || (rc = rows_prepare(db, actor, 1, &st, &p, err)))
		goto done;
	db_bind_ids(st, p, ids, (size_t)n);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int at = page_at(index, n, db_col_int(st, 0));
		if (at >= 0 && !recs[at])
			oom |= !(recs[at] = row_json(st));
	}
	db_reset(st);
	if (rc == DB_DONE && oom)
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc != DB_DONE || (rc = page_tags(db, ids, index, n, recs, err)) ||
	    (rc = field_values_get_many(db, "company", ids, (size_t)n, customs, err)))
		goto done;
	for (int i = 0; i < n; i++) {
		if (!recs[i])
			continue; /* not there any more */
		json_object_set_new(recs[i], "custom", customs[i]);
		customs[i] = NULL;
		json_array_append_new(arr, recs[i]);
		recs[i] = NULL;
	}
done:
	for (int i = 0; i < n && recs && customs; i++) {
		json_decref(recs[i]);
		json_decref(customs[i]);
	}
	free(recs);
	free(customs);
	free(index);
	return rc;
}

/* The record if the actor may see it: ERR_NOT_FOUND when absent or hidden,
 * ERR_GONE when in the trash and !include_deleted. */
static int company_visible(Db *db, const Actor *actor, int64_t id, int include_deleted,
			   json_t **out, Err *err)
{
	json_t *rec = NULL;
	int rc = company_load(db, actor, id, &rec, err);
	if (rc)
		return rc;
	if (!record_can_see(db, actor, RECORD_COMPANY, id, json_int_of(rec, "owner_id"))) {
		json_decref(rec);
		return err_set(err, ERR_NOT_FOUND, "id", "no company %lld", (long long)id);
	}
	if (!include_deleted && !json_is_null(json_object_get(rec, "deleted_at"))) {
		json_decref(rec);
		return err_set(err, ERR_GONE, "id",
			       "company %lld is in the trash; restore it first", (long long)id);
	}
	*out = rec;
	return KITH_OK;
}

/* company_visible after locking the row (record_lock), for a change
 * computed from what it reads: a concurrent writer of the same company
 * waits, then reads what this one committed. */
static int company_locked(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
			  Err *err)
{
	int rc = record_lock(db, RECORD_COMPANY, id, err);
	return rc ? rc : company_visible(db, actor, id, include_deleted, out, err);
}

int company_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
		Err *err)
{
	return company_visible(db, actor, id, include_deleted, out, err);
}

int company_id_span(Db *db, int64_t *first, int64_t *last, Err *err)
{
	static const char sql[] = "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM company";
	return db_query_int2(db, sql, first, last, err);
}

int company_name(Db *db, const Actor *actor, int64_t id, char **name, Err *err)
{
	static const char sql[] = "SELECT legal_name, owner_id FROM company "
				  "WHERE id = ? AND deleted_at IS NULL";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	int64_t owner_id = rc == DB_ROW ? db_col_int(st, 1) : 0;
	char *copy = rc == DB_ROW ? strdup(db_col_text(st, 0)) : NULL;
	db_reset(st); /* before record_can_see prepares its own statement */
	if (rc == DB_ROW && !copy) {
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	} else if (rc == DB_ROW && record_can_see(db, actor, RECORD_COMPANY, id, owner_id)) {
		*name = copy;
		return KITH_OK;
	} else if (rc == DB_ROW || rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "company_id", "no company %lld", (long long)id);
	}
	free(copy);
	return rc;
}

int company_names_many(Db *db, const int64_t *ids, size_t n, char **names, Err *err)
{
	static const char sql[] =
	    "SELECT id, legal_name FROM company WHERE id" DB_IN_IDS "AND deleted_at IS NULL";
	int64_t *set = n ? malloc(n * sizeof *set) : NULL;
	size_t k = 0;
	DbStmt *st;
	int rc = KITH_OK, oom = 0;
	for (size_t i = 0; i < n; i++) {
		names[i] = NULL;
		if (set && ids[i])
			set[k++] = ids[i]; /* a repeated id matches its row once */
	}
	if (n && !set)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (k == 0 || (rc = db_prepare(db, &st, sql, err)))
		goto done;
	db_bind_ids(st, 1, set, k);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		const char *name = db_col_text(st, 1);
		for (size_t i = 0; i < n; i++)
			if (ids[i] == id && !names[i])
				oom |= !(names[i] = strdup(name));
	}
	db_reset(st);
	if (rc == DB_DONE && oom)
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	rc = rc == DB_DONE ? KITH_OK : rc;
done:
	for (size_t i = 0; rc && i < n; i++) {
		free(names[i]);
		names[i] = NULL;
	}
	free(set);
	return rc;
}

/* ---- validation -------------------------------------------------------- */

/* Optional text member key of in: absent -> nothing; null or blank -> JSON
 * null in dst; else trimmed, checked for UTF-8 and max bytes. *val points
 * to the stored string (or NULL). */
static int opt_text(const json_t *in, const char *key, const char *field, size_t max,
		    json_t *dst, const char **val, Err *err)
{
	json_t *v = json_object_get(in, key);
	Buf t;
	if (val)
		*val = NULL;
	if (!v)
		return KITH_OK;
	if (!json_is_null(v) && !json_is_string(v))
		return err_set(err, ERR_INVALID, field, "must be a string or null");
	const char *s = json_string_value(v);
	if (s && (strlen(s) != json_string_length(v) || !utf8_valid(s, strlen(s))))
		return err_set(err, ERR_INVALID, field, "must be UTF-8 text");
	buf_init(&t, 0);
	if (s)
		text_trim(&t, s);
	if (t.len > max) {
		buf_free(&t);
		return err_set(err, ERR_INVALID, field, "must be at most %zu bytes", max);
	}
	json_object_set_new(dst, key, t.len ? json_string(buf_str(&t)) : json_null());
	buf_free(&t);
	if (val)
		*val = json_string_value(json_object_get(dst, key));
	return KITH_OK;
}

static int check_legal_name(const json_t *in, json_t *rec, int creating, Err *err)
{
	json_t *v = json_object_get(in, "legal_name");
	const char *s;
	if (!v && !creating)
		return KITH_OK;
	if (!v || json_is_null(v) || (json_is_string(v) && text_blank(json_string_value(v))))
		return err_set(err, ERR_INVALID, "legal_name", "is required");
	return opt_text(in, "legal_name", "legal_name", KITH_MAX_NAME, rec, &s, err);
}

/* Tax id: letters, digits, spaces and . - / only. */
static int check_tax_id(const json_t *in, json_t *rec, Err *err)
{
	const char *s;
	int rc = opt_text(in, "tax_id", "tax_id", TAX_ID_MAX, rec, &s, err);
	for (const char *p = s; rc == KITH_OK && p && *p; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == ' ' || c == '.' || c == '-' || c == '/'))
			rc = err_set(err, ERR_INVALID, "tax_id",
				     "may hold only letters, digits, spaces, '.', '-' and '/'");
	}
	return rc;
}

/* Address: an object merged into the current one (absent members stay,
 * null clears), or null to clear it all. */
static int check_address(const json_t *in, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, "address"), *addr = json_object_get(rec, "address");
	char field[64];
	const char *key, *cc;
	json_t *m;
	if (!v)
		return KITH_OK;
	if (json_is_null(v)) {
		for (int i = 0; address_keys[i]; i++)
			json_object_set_new(addr, address_keys[i], json_null());
		return KITH_OK;
	}
	if (!json_is_object(v))
		return err_set(err, ERR_INVALID, "address", "must be an object or null");
	json_object_foreach(v, key, m)
	{
		int known = 0;
		for (int i = 0; address_keys[i]; i++)
			known |= !strcmp(key, address_keys[i]);
		snprintf(field, sizeof field, "address.%s", key);
		if (!known)
			return err_set(err, ERR_INVALID, field, "unknown field '%s'", key);
		int rc = opt_text(v, key, field, KITH_MAX_SHORT, addr, &cc, err);
		if (rc)
			return rc;
	}
	cc = json_string_value(json_object_get(addr, "country"));
	if (cc) {
		char up[3] = {0};
		for (int i = 0; i < 2 && cc[i]; i++)
			up[i] = (char)(cc[i] >= 'a' && cc[i] <= 'z' ? cc[i] - 32 : cc[i]);
		if (strlen(cc) != 2 || up[0] < 'A' || up[0] > 'Z' || up[1] < 'A' || up[1] > 'Z')
			return err_set(err, ERR_INVALID, "address.country",
				       "must be an ISO 3166 alpha-2 code like PL or TH");
		json_object_set_new(addr, "country", json_string(up));
	}
	return KITH_OK;
}

/* Website: [http(s)://]host.tld[/path], no blanks or control characters. */
static int website_valid(const char *s)
{
	if (!strncmp(s, "https://", 8))
		s += 8;
	else if (!strncmp(s, "http://", 7))
		s += 7;
	else if (strstr(s, "://"))
		return 0;
	size_t host = strcspn(s, "/?#");
	if (host == 0 || s[0] == '.' || s[host - 1] == '.' || !memchr(s, '.', host))
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || (p < s + host && p[0] == '.' &&
							       p[1] == '.'))
			return 0;
	return 1;
}

static int check_contact_info(Db *db, const json_t *in, json_t *rec, Err *err)
{
	const char *s;
	int rc = opt_text(in, "website", "website", KITH_MAX_SHORT, rec, &s, err);
	if (rc == KITH_OK && s && !website_valid(s))
		rc = err_set(err, ERR_INVALID, "website", "must be a web address like example.com");
	if (rc || (rc = opt_text(in, "email", "email", KITH_MAX_SHORT, rec, &s, err)))
		return rc;
	if (s && !text_email_valid(s))
		return err_set(err, ERR_INVALID, "email", "must be a valid email address");
	json_t *pcv = json_object_get(in, "phone_country");
	const char *pcs = json_string_value(pcv);
	char own[3] = "";
	if (pcv && !json_is_null(pcv) &&
	    (!pcs || strlen(pcs) != 2 || !isalpha((unsigned char)pcs[0]) ||
	     !isalpha((unsigned char)pcs[1])))
		return err_set(err, ERR_INVALID, "phone_country",
			       "must be a two-letter ISO 3166 country code like PL or TH");
	if ((rc = opt_text(in, "phone", "phone", KITH_MAX_SHORT, rec, &s, err)))
		return rc;
	if (!s)
		return pcs && !json_object_get(in, "phone")
			   ? err_set(err, ERR_INVALID, "phone_country", "goes with phone")
			   : KITH_OK;
	if (pcs) {
		own[0] = (char)toupper((unsigned char)pcs[0]);
		own[1] = (char)toupper((unsigned char)pcs[1]);
	}
	Workspace ws = {0};
	Err ignore = {0};
	Phone ph;
	if (workspace_get(db, &ws, &ignore))
		ws.default_country[0] = '\0'; /* no workspace: national numbers stay as typed */
	/* phone.h: the number's own country (given with it, else the
	 * company's address country), then the workspace's. */
	const char *addr = json_str_of(json_object_get(rec, "address"), "country");
	if ((rc = phone_normalize_for(s, own[0] ? own : addr, ws.default_country, "phone", &ph,
				      err)))
		return rc;
	json_object_set_new(rec, "phone", json_string(ph.value));
	return KITH_OK;
}


/* Validate in and apply its writable members to rec (custom values are
 * checked when written, in the same transaction). */
static int company_apply(Db *db, const Actor *actor, const json_t *in, json_t *rec, int creating,
			 Err *err)
{
	const char *s;
	int rc;
	if (!json_is_object(in))
		return err_set(err, ERR_INVALID, NULL, "the company must be a JSON object");
	if ((rc = json_check_fields(in, writable, err)) ||
	    (rc = check_legal_name(in, rec, creating, err)) || (rc = check_tax_id(in, rec, err)) ||
	    (rc = check_address(in, rec, err)) || (rc = check_contact_info(db, in, rec, err)) ||
	    (rc = user_owner_apply(db, actor, in, "company", creating, rec, err)) ||
	    (rc = opt_text(in, "notes", "notes", KITH_MAX_TEXT, rec, &s, err)))
		return rc;
	json_t *tags = json_object_get(in, "tags");
	if (tags && json_is_null(tags)) {
		json_object_set_new(rec, "tags", json_array());
	} else if (tags) {
		if ((rc = tag_check_array(tags, "tags", err)))
			return rc;
		json_object_set(rec, "tags", tags);
	}
	json_t *custom = json_object_get(in, "custom");
	if (custom && !json_is_null(custom) && !json_is_object(custom))
		return err_set(err, ERR_INVALID, "custom", "must be an object of custom field values");
	return KITH_OK;
}

/* ---- writing ----------------------------------------------------------- */

static void bind_fields(DbStmt *st, const json_t *rec, const char *sort_key, const char *now)
{
	const json_t *a = json_object_get(rec, "address");
	db_bind_text(st, 1, json_str_of(rec, "legal_name"));
	db_bind_text(st, 2, sort_key);
	db_bind_text(st, 3, json_str_of(rec, "tax_id"));
	for (int i = 0; address_keys[i]; i++)
		db_bind_text(st, 4 + i, json_str_of(a, address_keys[i]));
	db_bind_text(st, 9, json_str_of(rec, "website"));
	db_bind_text(st, 10, json_str_of(rec, "phone"));
	db_bind_text(st, 11, json_str_of(rec, "email"));
	if (json_is_integer(json_object_get(rec, "owner_id")))
		db_bind_int(st, 12, json_int_of(rec, "owner_id"));
	else
		db_bind_null(st, 12);
	db_bind_text(st, 13, json_str_of(rec, "notes"));
	db_bind_text(st, 14, now);
}

/* The id of a new company (db_next_id): never one used before, purged
 * companies included (their audit entries keep their ids,
 * AUDIT_MAX_ID_SQL), so a new company never inherits a purged one's
 * history. On PostgreSQL it comes from the table's sequence, so creators
 * do not wait for each other. */
static int company_next_id(Db *db, int64_t *id, Err *err)
{
	return db_next_id(db, "company", AUDIT_MAX_ID_SQL("company"), id, err);
}

/* Insert (id 0, *id receives the new id) or update the row from rec; now
 * receives the time written as updated_at (and created_at). */
static int company_store(Db *db, const Actor *actor, const json_t *rec, int64_t *id,
			 char now[21], Err *err)
{
	static const char ins[] =
	    "INSERT INTO company (legal_name, sort_key, tax_id, street, city, region, "
	    "postal_code, country, website, phone, email, owner_id, notes, updated_at, "
	    "created_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char upd[] =
		"UPDATE company SET legal_name = ?, sort_key = ?, tax_id = ?, street = ?, city = ?, "
		"region = ?, postal_code = ?, country = ?, website = ?, phone = ?, email = ?, "
		"owner_id = ?, notes = ?, updated_at = ?, version = version + 1 WHERE id = ?";
	DbStmt *st;
	Buf key;
	int64_t new_id = 0;
	buf_init(&key, 0);
	text_fold(&key, json_str_of(rec, "legal_name"));
	time_now_iso(now);
	int rc = *id ? KITH_OK : company_next_id(db, &new_id, err);
	if (rc == KITH_OK)
		rc = db_prepare(db, &st, *id ? upd : ins, err);
	if (rc == KITH_OK && buf_failed(&key))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc == KITH_OK) {
		bind_fields(st, rec, buf_str(&key), now);
		if (*id) {
			db_bind_int(st, 15, *id);
			if ((rc = db_exec_stmt(st, err)) == KITH_OK)
				rc = collab_drop_owner(db, actor, RECORD_COMPANY, *id, err);
		} else {
			db_bind_text(st, 15, now);
			db_bind_int(st, 16, new_id);
			if ((rc = db_exec_stmt(st, err)) == KITH_OK)
				*id = new_id;
		}
	}
	buf_free(&key);
	return rc;
}

/* Replace the company's tags with the names in tags (fresh: a new company,
 * with nothing to replace). */
static int store_tags(Db *db, int64_t id, const json_t *tags, int fresh, Err *err)
{
	static const char del[] = "DELETE FROM company_tag WHERE company_id = ?";
	static const char ins[] = "INSERT INTO company_tag (company_id, tag_id) VALUES (?, ?)";
	DbStmt *st;
	size_t *order = NULL;
	int rc = fresh ? KITH_OK : db_prepare(db, &st, del, err);
	if (rc)
		return rc;
	if (!fresh) {
		db_bind_int(st, 1, id);
		if ((rc = db_exec_stmt(st, err)))
			return rc;
	}
	/* in tag_order, so writers creating the same new tags never deadlock */
	if ((rc = tag_order(tags, &order, err)))
		return rc;
	for (size_t i = 0; i < json_array_size(tags) && rc == KITH_OK; i++) {
		int64_t tag_id;
		const char *name = json_string_value(json_array_get(tags, order[i]));
		if ((rc = tag_resolve(db, name, &tag_id, err)) ||
		    (rc = db_prepare(db, &st, ins, err)))
			break;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, tag_id);
		rc = db_exec_stmt(st, err);
	}
	free(order);
	return rc;
}

static void doc_add(Buf *raw, const char *s)
{
	if (!s || !*s)
		return;
	if (raw->len)
		buf_addc(raw, ' ');
	buf_adds(raw, s);
}

/* The tax id squeezed to letters and digits, and to digits only, so
 * "PL 123-456-78-90" is found as "PL1234567890" and "1234567890". */
static void doc_add_tax_id(Buf *raw, const char *s)
{
	Buf alnum, digits;
	buf_init(&alnum, 0);
	buf_init(&digits, 0);
	for (const char *p = s; p && *p; p++) {
		if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			buf_addc(&alnum, *p);
		if (*p >= '0' && *p <= '9')
			buf_addc(&digits, *p);
	}
	doc_add(raw, s);
	doc_add(raw, buf_str(&alnum));
	doc_add(raw, buf_str(&digits));
	buf_free(&alnum);
	buf_free(&digits);
}

/* Rebuild the search document of rec: legal name, tax id, email, phone
 * digits, website, city, tags, notes, text and select custom values
 * (custom: NULL reads them; a new company passes those it wrote). */
static int company_doc(Db *db, const json_t *rec, const char *custom, Buf *doc, Err *err)
{
	int64_t id = json_int_of(rec, "id");
	Buf raw;
	size_t i;
	json_t *t;
	buf_init(&raw, 0);
	doc_add(&raw, json_str_of(rec, "legal_name"));
	doc_add_tax_id(&raw, json_str_of(rec, "tax_id"));
	doc_add(&raw, json_str_of(rec, "email"));
	if (json_str_of(rec, "phone")) {
		buf_addc(&raw, ' ');
		phone_search_forms(json_str_of(rec, "phone"), &raw);
	}
	doc_add(&raw, json_str_of(rec, "website"));
	doc_add(&raw, json_str_of(json_object_get(rec, "address"), "city"));
	json_array_foreach(json_object_get(rec, "tags"), i, t) doc_add(&raw, json_string_value(t));
	doc_add(&raw, json_str_of(rec, "notes"));
	int rc = KITH_OK;
	if (!custom)
		rc = field_values_text(db, "company", id, &raw, err);
	else
		doc_add(&raw, custom); /* as field_values_text appends */
	if (rc == KITH_OK) {
		text_search_doc(doc, buf_str(&raw));
		if (buf_failed(&raw) || buf_failed(doc))
			rc = err_set(err, ERR_INVALID, NULL, "the company is too large to index");
	}
	buf_free(&raw);
	return rc;
}

static int company_index(Db *db, const json_t *rec, const char *custom, Err *err)
{
	Buf doc;
	buf_init(&doc, 0);
	int rc = company_doc(db, rec, custom, &doc, err);
	if (rc == KITH_OK)
		rc = search_put(db, "company", json_int_of(rec, "id"), buf_str(&doc), err);
	buf_free(&doc);
	return rc;
}

/* The audit snapshot of a record (delete, purge): without contact_count,
 * which counts what the acting user could see and is not the company's to
 * keep (a member reading the history may see fewer). New reference. */
static json_t *audit_snapshot(const json_t *rec)
{
	json_t *s = json_deep_copy(rec);
	json_object_del(s, "contact_count");
	return s;
}

/* Audit changes between two records, without bookkeeping keys. */
static json_t *change_diff(const json_t *before, const json_t *after)
{
	json_t *d = audit_diff(before, after);
	json_object_del(d, "version");
	json_object_del(d, "updated_at");
	json_object_del(d, "contact_count");
	return d;
}

/* The custom values of an input object, NULL when absent or null. */
static const json_t *custom_of(const json_t *in)
{
	const json_t *c = json_object_get(in, "custom");
	return json_is_null(c) ? NULL : c;
}

/* An empty record to apply a create's input to. */
static json_t *company_blank(void)
{
	json_t *a = json_object();
	for (int i = 0; address_keys[i]; i++)
		json_object_set_new(a, address_keys[i], json_null());
	return json_pack("{sn sn so sn sn sn sn so sn}", "legal_name", "tax_id", "address", a,
			 "website", "phone", "email", "owner_id", "tags", json_array(), "notes");
}

/* The record of a company just inserted from rec with id and time now, as
 * company_load would read it back: tags in their stored spelling and order
 * (one read), custom values read once and only when the input gave some
 * (their text and select values go to custom_text), no contacts yet. */
static int company_new(Db *db, const json_t *rec, int64_t id, const char *now,
		       const json_t *custom_in, Buf *custom_text, json_t **out, Err *err)
{
	const json_t *a = json_object_get(rec, "address");
	json_t *custom = NULL, *tags = json_array(), *addr = json_object();
	int rc = KITH_OK;
	if (json_array_size(json_object_get(rec, "tags")))
		rc = load_tags(db, id, tags, err);
	if (rc == KITH_OK && custom_in && json_object_size(custom_in))
		rc = field_values_read(db, "company", id, &custom, custom_text, err);
	if (rc) {
		json_decref(tags);
		json_decref(addr);
		return rc;
	}
	for (int i = 0; address_keys[i]; i++)
		json_object_set(addr, address_keys[i], json_object_get(a, address_keys[i]));
	json_t *owner = json_object_get(rec, "owner_id");
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set(o, "legal_name", json_object_get(rec, "legal_name"));
	json_object_set(o, "tax_id", json_object_get(rec, "tax_id"));
	json_object_set_new(o, "address", addr);
	json_object_set(o, "website", json_object_get(rec, "website"));
	json_object_set(o, "phone", json_object_get(rec, "phone"));
	json_object_set(o, "email", json_object_get(rec, "email"));
	json_object_set_new(o, "owner_id", json_is_integer(owner) ? json_incref(owner) : json_null());
	json_object_set_new(o, "tags", tags);
	json_object_set(o, "notes", json_object_get(rec, "notes"));
	json_object_set_new(o, "custom", custom ? custom : json_object());
	json_object_set_new(o, "contact_count", json_integer(0));
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "created_at", json_string(now));
	json_object_set_new(o, "updated_at", json_string(now));
	json_object_set_new(o, "deleted_at", json_null());
	if (json_object_size(o) != 16 || json_object_size(addr) != 5 || buf_failed(custom_text)) {
		json_decref(o);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	*out = o;
	return KITH_OK;
}

int company_reindex_ids(Db *db, const Buf *ids, Err *err)
{
	int rc = KITH_OK;
	for (size_t off = 0; off + sizeof(int64_t) <= ids->len && rc == KITH_OK;
	     off += sizeof(int64_t)) {
		json_t *rec = NULL;
		int64_t id;
		memcpy(&id, ids->data + off, sizeof id);
		rc = company_load(db, NULL, id, &rec, err);
		if (rc == KITH_OK)
			rc = company_index(db, rec, NULL, err);
		else if (rc == ERR_NOT_FOUND) { /* purged meanwhile: nothing to index */
			err_clear(err);
			rc = KITH_OK;
		}
		json_decref(rec);
	}
	return rc;
}

/* search_check's SearchDocFn: the document company_index puts. */
static int company_search_doc(Db *db, int64_t id, Buf *doc, Err *err)
{
	json_t *rec = NULL;
	int rc = company_load(db, NULL, id, &rec, err);
	if (rc == KITH_OK)
		rc = company_doc(db, rec, NULL, doc, err);
	json_decref(rec);
	return rc;
}

int company_search_check(Db *db, const SearchCheck *chk, Err *err)
{
	/* every company has a document, in the trash too (search --trash) */
	static const char ids[] = "SELECT id FROM company WHERE id > ? ORDER BY id LIMIT ?";
	static const char count[] = "SELECT COUNT(*), 0 FROM company";
	return search_check(db, "company", ids, count, company_search_doc, chk, err);
}

int company_create(Db *db, const Actor *actor, const json_t *in, int flags, int64_t *id,
		   Err *err)
{
	json_t *rec = company_blank(), *saved = NULL;
	int64_t new_id = 0;
	char now[21];
	Buf custom;
	int rc = db_begin(db, err);
	if (rc) {
		json_decref(rec);
		return rc;
	}
	buf_init(&custom, 0);
	if ((rc = company_apply(db, actor, in, rec, 1, err)) ||
	    (rc = company_store(db, actor, rec, &new_id, now, err)) ||
	    (rc = store_tags(db, new_id, json_object_get(rec, "tags"), 1, err)) ||
	    (rc = field_values_put(db, "company", new_id, custom_of(in), 1, err)) ||
	    (rc = company_new(db, rec, new_id, now, custom_of(in), &custom, &saved, err)) ||
	    (rc = company_index(db, saved, buf_str(&custom), err)))
		goto done;
	if (!(flags & COMPANY_NO_AUDIT))
		rc = audit_write(db, actor, "create", "company", new_id, saved, err);
done:
	rc = db_end(db, rc, err);
	if (rc == KITH_OK)
		*id = new_id;
	buf_free(&custom);
	json_decref(rec);
	json_decref(saved);
	return rc;
}

/* Stale check for expected_version (0 = any). */
static int version_check(const json_t *rec, int64_t expected, Err *err)
{
	int64_t v = json_int_of(rec, "version");
	if (expected && expected != v)
		return err_set(err, ERR_STALE, "version",
			       "company %lld changed since you read it (version %lld, now %lld)",
			       (long long)json_int_of(rec, "id"), (long long)expected, (long long)v);
	return KITH_OK;
}

/* Write rec (a changed copy of before) with its tags, index it, re-index
 * contacts when the name changed, and audit action. *out gets the result. */
static int company_save(Db *db, const Actor *actor, const char *action, const json_t *before,
			json_t *rec, const json_t *custom, json_t **out, Err *err)
{
	int64_t id = json_int_of(before, "id");
	json_t *after = NULL, *diff = NULL;
	char now[21];
	int rc = company_store(db, actor, rec, &id, now, err);
	if (rc || (rc = store_tags(db, id, json_object_get(rec, "tags"), 0, err)) ||
	    (rc = field_values_put(db, "company", id, custom, 0, err)) ||
	    (rc = company_load(db, actor, id, &after, err)) ||
	    (rc = company_index(db, after, NULL, err)))
		goto done;
	if (strcmp(json_str_of(before, "legal_name"), json_str_of(after, "legal_name")) != 0 &&
	    (rc = links_changed(db, "company", id, err)))
		goto done;
	diff = change_diff(before, after);
	rc = audit_write(db, actor, action, "company", id, diff, err);
done:
	json_decref(diff);
	if (rc == KITH_OK && out)
		*out = json_incref(after);
	json_decref(after);
	return rc;
}

int company_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		   int64_t expected_version, json_t **out, Err *err)
{
	json_t *before = NULL, *rec = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = company_locked(db, actor, id, 0, &before, err)) ||
	    (rc = version_check(before, expected_version, err)))
		goto done;
	rec = json_deep_copy(before);
	if ((rc = company_apply(db, actor, patch, rec, 0, err)))
		goto done;
	rc = company_save(db, actor, "update", before, rec, custom_of(patch), out, err);
done:
	json_decref(before);
	json_decref(rec);
	return db_end(db, rc, err);
}

/* Union of tags and add, minus remove (compared by folded name). */
static int tags_apply(json_t *tags, const json_t *add, const json_t *remove, Err *err)
{
	size_t i, j;
	json_t *t, *u;
	int rc;
	if ((add && (rc = tag_check_array(add, "add", err))) ||
	    (remove && (rc = tag_check_array(remove, "remove", err))))
		return rc;
	for (int pass = 0; pass < 2; pass++) {
		const json_t *names = pass ? add : remove;
		json_array_foreach(names, i, t)
		{
			Buf a;
			buf_init(&a, 0);
			text_fold(&a, json_string_value(t));
			for (j = json_array_size(tags); j-- > 0;) {
				Buf b;
				buf_init(&b, 0);
				u = json_array_get(tags, j);
				text_fold(&b, json_string_value(u));
				if (!strcmp(buf_str(&a), buf_str(&b)))
					json_array_remove(tags, j);
				buf_free(&b);
			}
			buf_free(&a);
			if (pass)
				json_array_append(tags, t);
		}
	}
	if (json_array_size(tags) > KITH_MAX_TAGS)
		return err_set(err, ERR_INVALID, "add", "a company may have at most %u tags",
			       KITH_MAX_TAGS);
	return KITH_OK;
}

int company_tag(Db *db, const Actor *actor, int64_t id, const json_t *add, const json_t *remove,
		json_t **out, Err *err)
{
	json_t *before = NULL, *rec = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = company_locked(db, actor, id, 0, &before, err)))
		goto done;
	rec = json_deep_copy(before);
	if ((rc = tags_apply(json_object_get(rec, "tags"), add, remove, err)))
		goto done;
	rc = company_save(db, actor, "tag", before, rec, NULL, out, err);
done:
	json_decref(before);
	json_decref(rec);
	return db_end(db, rc, err);
}

/* ---- trash ------------------------------------------------------------- */

static int set_deleted(Db *db, int64_t id, int deleted, Err *err)
{
	static const char sql[] = "UPDATE company SET deleted_at = ?, updated_at = ?, "
				  "version = version + 1 WHERE id = ?";
	DbStmt *st;
	char now[21];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_text(st, 1, deleted ? now : NULL);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, id);
	return db_exec_stmt(st, err);
}

/* Move to the trash (deleted 1) or back (0), with one audit entry. */
static int company_trash(Db *db, const Actor *actor, int64_t id, int deleted, Err *err)
{
	json_t *before = NULL, *after = NULL, *diff = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = company_locked(db, actor, id, 1, &before, err)))
		goto done;
	int in_trash = !json_is_null(json_object_get(before, "deleted_at"));
	if (deleted && in_trash) {
		rc = err_set(err, ERR_GONE, "id", "company %lld is already in the trash",
			     (long long)id);
		goto done;
	}
	if (!deleted && !in_trash) {
		rc = err_set(err, ERR_CONFLICT, "id", "company %lld is not in the trash",
			     (long long)id);
		goto done;
	}
	/* Contacts show the company's name only while it is live (links.def). */
	if ((rc = set_deleted(db, id, deleted, err)) ||
	    (rc = company_load(db, actor, id, &after, err)) ||
	    (rc = (deleted ? links_trash : links_restore)(db, "company", id, err)))
		goto done;
	diff = deleted ? audit_snapshot(before) : change_diff(before, after);
	rc = audit_write(db, actor, deleted ? "delete" : "restore", "company", id, diff, err);
done:
	json_decref(before);
	json_decref(after);
	json_decref(diff);
	return db_end(db, rc, err);
}

int company_delete(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return company_trash(db, actor, id, 1, err);
}

int company_restore(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return company_trash(db, actor, id, 0, err);
}

static int delete_row(Db *db, int64_t id, Err *err)
{
	static const char row[] = "DELETE FROM company WHERE id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, row, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	return db_exec_stmt(st, err);
}

int company_purge(Db *db, const Actor *actor, int64_t id, Err *err)
{
	json_t *before = NULL, *snap = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = company_locked(db, actor, id, 1, &before, err)))
		goto done;
	if (!access_is_admin(actor)) {
		rc = err_set(err, ERR_FORBIDDEN, NULL, "only an owner or admin may purge companies");
		goto done;
	}
	if (json_is_null(json_object_get(before, "deleted_at"))) {
		rc = err_set(err, ERR_CONFLICT, "id",
			     "company %lld is not in the trash; delete it first", (long long)id);
		goto done;
	}
	/* What happens to its contacts, tags, activities, deals, tasks and
	 * custom values is declared in core/links.def; the audit entry keeps a
	 * snapshot. */
	if ((rc = links_purge(db, "company", id, "id", err)) || (rc = delete_row(db, id, err)))
		goto done;
	snap = audit_snapshot(before);
	rc = audit_write(db, actor, "purge", "company", id, snap, err);
done:
	json_decref(snap);
	json_decref(before);
	return db_end(db, rc, err);
}

/* ---- lists ------------------------------------------------------------- */

/* A list statement is one complete literal (db_prepare caches by address),
 * made of a scope, the shared filters, a keyset condition and an order:
 *
 *   scope      live: every live company the actor may see; owner: live
 *              companies of one owner (?owner_id= of an owner/admin), through
 *              the company_owner_* indexes; member: a member's own companies
 *              (company_owner_*) merged with those shared with them (the
 *              company_collaborator_user index, sorted: a member's shares
 *              are few), a UNION ALL that SQLite merges in order, so a page
 *              costs the page, not the member's whole list; trash: trashed
 *              companies, through the partial company_trash* indexes
 *              (migration 003). Without
 *              them a member owning 20 of 100,000 companies, or a short
 *              trash, cost a scan of the whole sort index (~150 ms).
 *   filters    owner filter, updated_since, tag:
 *              "(CAST(? AS BIGINT) IS NULL OR ...)" (typed for PostgreSQL).
 *   keyset     (key, id) after/before the cursor. The first page binds a
 *              bound no row passes: ("", 0) going up, (KEY_MAX, INT64_MAX)
 *              going down, so one statement serves every page.
 *   order      ORDER BY key, id [DESC] LIMIT ?.
 * EXPLAIN QUERY PLAN of each is a SEARCH on the index of its order. */
#define LIST_SELECT "SELECT c.id, c.sort_key, c.updated_at FROM company c WHERE "
/* Scopes; their parameters come first (scope_bind()). */
#define SCOPE_LIVE "c.deleted_at IS NULL AND " RECORD_VISIBLE("company", "c")
#define SCOPE_OWNER "c.deleted_at IS NULL AND c.owner_id = ?"
#define SCOPE_TRASH "c.deleted_at IS NOT NULL AND " RECORD_VISIBLE("company", "c")
/* The shared side of a member's list: driven by the collaborator index
 * (CROSS JOIN keeps that order), the member's own rows left to the owned
 * side. Params: user_id, user_id. */
#define SHARED_SELECT                                                                           \
	"SELECT c.id, c.sort_key, c.updated_at FROM company_collaborator cl CROSS JOIN company c " \
	"WHERE cl.user_id = ? AND c.id = cl.company_id AND c.owner_id IS DISTINCT FROM ? "     \
	"AND c.deleted_at IS NULL"
#define LIST_FILTERS                                                                            \
	" AND (CAST(? AS BIGINT) IS NULL OR c.owner_id = ?)"                                    \
	" AND (CAST(? AS TEXT) IS NULL OR c.updated_at >= ?)"                                   \
	" AND (CAST(? AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM company_tag ct"               \
	" WHERE ct.company_id = c.id AND ct.tag_id = ?))"
/* Keyset conditions (KEY_*) and orders (ORD_*) of each sort. The orders
 * name output columns (sort_key, not c.sort_key): after TWO_SIDES' UNION ALL
 * PostgreSQL accepts nothing else, and in ONE_SIDE they name the same
 * columns. */
#define KEY_NAME " AND (c.sort_key, c.id) > (?, ?)"
#define ORD_NAME " ORDER BY sort_key, id LIMIT ?"
#define KEY_NAME_DESC " AND (c.sort_key, c.id) < (?, ?)"
#define ORD_NAME_DESC " ORDER BY sort_key DESC, id DESC LIMIT ?"
#define KEY_UPDATED " AND (c.updated_at, c.id) > (?, ?)"
#define ORD_UPDATED " ORDER BY updated_at, id LIMIT ?"
#define KEY_UPDATED_DESC " AND (c.updated_at, c.id) < (?, ?)"
#define ORD_UPDATED_DESC " ORDER BY updated_at DESC, id DESC LIMIT ?"
/* "created" is creation order, which is id order: ids only grow. */
#define KEY_ID " AND c.id > ?"
#define ORD_ID " ORDER BY id LIMIT ?"
#define KEY_ID_DESC " AND c.id < ?"
#define ORD_ID_DESC " ORDER BY id DESC LIMIT ?"
#define ONE_SIDE(scope, key, ord) LIST_SELECT scope LIST_FILTERS key ord
/* A member: own rows UNION ALL shared rows, each side with the filters and
 * keyset, one order over both (scope is unused: the sides are fixed). */
#define TWO_SIDES(scope, key, ord)                                                              \
	LIST_SELECT SCOPE_OWNER LIST_FILTERS key " UNION ALL " SHARED_SELECT LIST_FILTERS key ord
#define LIST_SORTS(scope, side)                                                                 \
	{side(scope, KEY_NAME, ORD_NAME),       side(scope, KEY_NAME_DESC, ORD_NAME_DESC),       \
	 side(scope, KEY_ID, ORD_ID),           side(scope, KEY_ID_DESC, ORD_ID_DESC),           \
	 side(scope, KEY_UPDATED, ORD_UPDATED), side(scope, KEY_UPDATED_DESC, ORD_UPDATED_DESC)}

enum { SCOPE_LIVE_I, SCOPE_OWNER_I, SCOPE_TRASH_I, SCOPE_MEMBER_I, N_SCOPES };
enum { N_SORTS = 6 };
static const char *const list_sql[N_SCOPES][N_SORTS] = {
	LIST_SORTS(SCOPE_LIVE, ONE_SIDE), LIST_SORTS(SCOPE_OWNER, ONE_SIDE),
	LIST_SORTS(SCOPE_TRASH, ONE_SIDE), LIST_SORTS(SCOPE_OWNER, TWO_SIDES)};

/* One sort order: its name, its column in the page query (1 sort_key, 2
 * updated_at, 0 id only) and its direction. Index into list_sql[s][]. */
static const struct {
	const char *name;
	int key;
	int desc;
} sorts[N_SORTS] = {{"name", 1, 0},    {"-name", 1, 1},    {"created", 0, 0},
		    {"-created", 0, 1}, {"updated", 2, 0}, {"-updated", 2, 1}};

/* Full-text search: the search index drives, in id order (FTS5 consumes
 * ORDER BY rowid and the rowid range), with the store's fragments. */
static const char search_sql[] =
	"SELECT c.id, c.sort_key, c.updated_at FROM company c" SEARCH_JOIN_COMPANY
	" WHERE (CASE WHEN c.deleted_at IS NULL THEN 0 ELSE 1 END) = ?"
	" AND " RECORD_VISIBLE("company", "c") LIST_FILTERS " AND " SEARCH_MATCH_COMPANY
	" AND" SEARCH_ROWID "> ? ORDER BY" SEARCH_ROWID "LIMIT ?";

/* Ranked search (store/search.h): the store reads the bounded candidate
 * set once, best first after the keyset of the last row shown
 * (search_rows_open); then the companies of the next candidates, as many
 * as the page still needs, are read by id with the visibility rule and the
 * filters in one statement (search_rows_bind: one round trip, not one per
 * candidate), until the page is full; then the matches after the walk's
 * bound by id (search_sql). */
static const char ranked_row_sql[] = "SELECT c.id FROM company c WHERE c.id" DB_IN_IDS
				     "AND (CASE WHEN c.deleted_at IS NULL THEN 0 ELSE 1 END) = ?"
				     " AND " RECORD_VISIBLE("company", "c") LIST_FILTERS;

/* Greater than every sort_key and updated_at: U+10FFFF (the largest code
 * point, valid UTF-8) 51 times. A sort_key folds a legal name of at most
 * KITH_MAX_NAME (200) bytes, so it holds at most 50 such characters, and
 * every other character's encoding compares lower byte by byte. */
#define U10FFFF "\xf4\x8f\xbf\xbf"
#define U10FFFF_X10 U10FFFF U10FFFF U10FFFF U10FFFF U10FFFF U10FFFF U10FFFF U10FFFF U10FFFF U10FFFF
static const char key_max[] = U10FFFF_X10 U10FFFF_X10 U10FFFF_X10 U10FFFF_X10 U10FFFF_X10 U10FFFF;
_Static_assert(KITH_MAX_NAME <= 200, "key_max must outgrow the longest sort_key");

/* Validated filters of a CompanyQuery. */
typedef struct ListArgs {
	int sort;         /* index into sorts[], -1 with q */
	Buf match;        /* FTS match expression (q) */
	char since[21];   /* updated_since as an instant, "" for none */
	int64_t tag_id;   /* tag filter, -1 = none, 0 = a tag nobody has */
	char *key;        /* cursor key (owned), NULL on the first page */
	int64_t after_id; /* cursor id */
	int limit;        /* page size */
	int ranked;       /* search.h: this page starts in the ranked part */
	SearchWalk walk;  /* search.h: where the ranked part is */
	int walk_all;	  /* the candidates were every match: none after the bound */
} ListArgs;

static const char *sort_name(const ListArgs *a)
{
	return a->sort < 0 ? "q" : sorts[a->sort].name;
}

/* The cursor key: "<sort>|<value>", so a cursor only continues its own sort. */
static char *cursor_make(const char *sort, const char *value, int64_t id)
{
	Buf k;
	buf_init(&k, KITH_MAX_URL);
	buf_adds(&k, sort);
	buf_addc(&k, '|');
	buf_adds(&k, value ? value : "");
	char *c = buf_failed(&k) ? NULL : cursor_encode(buf_str(&k), id);
	buf_free(&k);
	return c;
}

static int cursor_read(const char *sort, const char *cursor, ListArgs *a, Err *err)
{
	char *key = NULL;
	int rc = cursor_decode(cursor, &key, &a->after_id, err);
	if (rc)
		return rc;
	size_t n = strlen(sort);
	if (strncmp(key, sort, n) != 0 || key[n] != '|') {
		free(key);
		return err_set(err, ERR_INVALID, "cursor", "belongs to another sort order or query");
	}
	memmove(key, key + n + 1, strlen(key + n + 1) + 1);
	a->key = key;
	return KITH_OK;
}

static int list_args(Db *db, const CompanyQuery *q, ListArgs *a, Err *err)
{
	int rc;
	a->tag_id = -1;
	a->sort = -1;
	a->limit = q->limit ? q->limit : KITH_LIST_DEFAULT;
	if (a->limit < 1 || a->limit > KITH_LIST_MAX)
		return err_set(err, ERR_INVALID, "limit", "must be between 1 and %d", KITH_LIST_MAX);
	if (q->q) {
		if (q->sort)
			return err_set(err, ERR_INVALID, "sort",
				       "search results come in a fixed order; leave sort out");
		if ((rc = search_match_expr(q->q, &a->match, err)))
			return rc;
	} else {
		const char *s = q->sort ? q->sort : "name";
		for (int i = 0; i < N_SORTS; i++)
			if (!strcmp(sorts[i].name, s))
				a->sort = i;
		if (a->sort < 0)
			return err_set(err, ERR_INVALID, "sort",
				       "must be name, -name, created, -created, updated or -updated");
	}
	if (q->updated_since) {
		When w;
		if ((rc = workspace_when(db, q->updated_since, WHEN_INSTANT | WHEN_MIDNIGHT,
					 "updated_since", &w, err)))
			return rc;
		memcpy(a->since, w.iso, sizeof w.iso);
	}
	if (q->owner_id < 0)
		return err_set(err, ERR_INVALID, "owner_id", "must be a user id");
	if (q->tag) {
		if ((rc = tag_check(q->tag, "tag", err)) || (rc = tag_find(db, q->tag, &a->tag_id, err)))
			return rc;
	}
	a->ranked = q->q && search_ranks(q->q);
	if (q->cursor && a->ranked && !cursor_read("r", q->cursor, a, err)) {
		/* inside the ranked part: "r|<walk key>" */
		rc = search_walk_parse(a->key, a->after_id, &a->walk, err);
		free(a->key);
		a->key = NULL;
		return rc;
	}
	if (q->cursor) {
		a->ranked = 0; /* "q|": on by id after the ranked part */
		return cursor_read(sort_name(a), q->cursor, a, err);
	}
	return KITH_OK;
}

/* Bind the shared filters from parameter p on; returns the next one. */
static int bind_filters(DbStmt *st, int p, const CompanyQuery *q, const ListArgs *a)
{
	if (q->owner_id) {
		db_bind_int(st, p, q->owner_id);
		db_bind_int(st, p + 1, q->owner_id);
	}
	db_bind_text_or_null(st, p + 2, a->since);
	db_bind_text_or_null(st, p + 3, a->since);
	if (a->tag_id >= 0) {
		db_bind_int(st, p + 4, 1);
		db_bind_int(st, p + 5, a->tag_id);
	}
	return p + 6;
}

/* Bind the keyset of a sorted page from p on; returns the next one. */
static int bind_keyset(DbStmt *st, int p, const ListArgs *a)
{
	int desc = sorts[a->sort].desc;
	if (sorts[a->sort].key)
		db_bind_text(st, p++, a->key ? a->key : desc ? key_max : "");
	db_bind_int(st, p++, a->key ? a->after_id : desc ? INT64_MAX : 0);
	return p;
}

/* Prepare the page statement for q and bind everything but the page size;
 * *p receives the number of the LIMIT parameter. */
static int list_prepare(Db *db, const Actor *actor, const CompanyQuery *q, const ListArgs *a,
			DbStmt **st, int *p, Err *err)
{
	int member = !access_is_admin(actor), rc;
	if (a->sort < 0) {
		if ((rc = db_prepare(db, st, search_sql, err)))
			return rc;
		db_bind_int(*st, 1, q->trash ? 1 : 0);
		*p = bind_filters(*st, record_bind_visible(*st, 2, actor, RECORD_COMPANY), q, a);
		search_bind_match(*st, (*p)++, buf_str(&a->match));
		db_bind_int(*st, (*p)++, a->key ? a->after_id : 0);
		return KITH_OK;
	}
	int scope = q->trash	? SCOPE_TRASH_I
		    : member	? SCOPE_MEMBER_I
		    : q->owner_id ? SCOPE_OWNER_I
				  : SCOPE_LIVE_I;
	if ((rc = db_prepare(db, st, list_sql[scope][a->sort], err)))
		return rc;
	if (scope == SCOPE_OWNER_I || scope == SCOPE_MEMBER_I) {
		db_bind_int(*st, 1, member ? actor->user_id : q->owner_id);
		*p = bind_keyset(*st, bind_filters(*st, 2, q, a), a);
	} else {
		int i = record_bind_visible(*st, 1, actor, RECORD_COMPANY);
		*p = bind_keyset(*st, bind_filters(*st, i, q, a), a);
	}
	if (scope == SCOPE_MEMBER_I) { /* the shared side */
		db_bind_int(*st, (*p)++, actor->user_id);
		db_bind_int(*st, (*p)++, actor->user_id);
		*p = bind_keyset(*st, bind_filters(*st, *p, q, a), a);
	}
	return KITH_OK;
}

/* Run the page query: ids[0..*n) of at most limit + 1 rows, and the cursor
 * key of row limit (the last one shown) in *last_key. */
static int list_ids(Db *db, const Actor *actor, const CompanyQuery *q, const ListArgs *a,
		    int64_t *ids, int *n, char **last_key, Err *err)
{
	DbStmt *st;
	int p, rc = list_prepare(db, actor, q, a, &st, &p, err);
	if (rc)
		return rc;
	db_bind_int(st, p, a->limit + 1);
	*n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		ids[(*n)++] = db_col_int(st, 0);
		if (*n == a->limit) {
			int col = a->sort < 0 ? 0 : sorts[a->sort].key;
			*last_key = strdup(col ? db_col_text(st, col) : "");
		}
	}
	return rc == DB_DONE ? KITH_OK : rc;
}

/* The ranked part of a ranked search (a->ranked): ids[0..*n) of at most
 * limit + 1 rows after a->walk, and in *last_key the walk's key (search.h)
 * of row limit (the last one shown). Starts the walk on a first page
 * (a->walk, a->walk_all). A batch may read candidates past the page's
 * last row: they are dropped, and the next page starts after its last
 * row. */
static int list_ranked(Db *db, const Actor *actor, const CompanyQuery *q, ListArgs *a, int64_t *ids,
		       int *n, char **last_key, Err *err)
{
	SearchRows r;
	DbStmt *st = NULL;
	int64_t hit[SEARCH_RANK_WALK], hit_rank[SEARCH_RANK_WALK], last_rank = 0;
	char got[SEARCH_RANK_WALK]; /* got[p]: the batch's candidate p passed */
	int k, bound = 0, rows = a->limit + 1;
	int rc = search_rows_open(db, "company", buf_str(&a->match), &a->walk, &r, err);
	*n = 0;
	a->walk_all = r.all;
	if (rc || (rc = db_prepare(db, &st, ranked_row_sql, err)))
		goto done;
	db_bind_int(st, 2, q->trash ? 1 : 0);
	bind_filters(st, record_bind_visible(st, 3, actor, RECORD_COMPANY), q, a);
	while (*n < rows &&
	       (search_rows_bind(&r, st, search_rows_want(rows - *n, bound, *n), &k), k > 0)) {
		bound += k;
		memset(got, 0, (size_t)k);
		while ((rc = db_step(st, err)) == DB_ROW) {
			int64_t rank, id = db_col_int(st, 0);
			int p = search_rows_pos(&r, id, &rank);
			if (p >= 0) {
				hit[p] = id;
				hit_rank[p] = rank;
				got[p] = 1;
			}
		}
		if (rc != DB_DONE)
			goto done;
		for (int p = 0; p < k && *n < rows; p++)
			if (got[p]) {
				if (*n + 1 == a->limit)
					last_rank = hit_rank[p];
				ids[(*n)++] = hit[p];
			}
	}
	rc = KITH_OK;
	if (*n >= a->limit) {
		SearchWalk w = {a->walk.bound, last_rank, ids[a->limit - 1]};
		Buf key;
		buf_init(&key, 64);
		search_walk_key(&w, &key);
		*last_key = buf_failed(&key) ? NULL : strdup(buf_str(&key));
		buf_free(&key);
	}
done:
	search_rows_close(&r, st);
	return rc;
}

/* After a ranked page of *n ids (at most a->limit: the ranked part is
 * over): the matches after the walk's bound follow by id. */
static int list_after_ranked(Db *db, const Actor *actor, const CompanyQuery *q, const ListArgs *a,
			     int64_t *ids, int *n, Err *err)
{
	int more = 0, rc;
	static char after[] = ""; /* a key, so the id below is the keyset */
	ListArgs by_id = *a;	  /* a shallow copy for binding; nothing in it is freed */
	by_id.ranked = 0;
	by_id.key = after;
	by_id.after_id = a->walk.bound;
	by_id.limit = a->limit - *n;
	char *key = NULL;
	rc = list_ids(db, actor, q, &by_id, ids + *n, &more, &key, err);
	free(key);
	*n += more;
	return rc;
}

int company_list(Db *db, const Actor *actor, const CompanyQuery *query, json_t **items,
		 char **next, Err *err)
{
	ListArgs a = {0};
	int64_t ids[KITH_LIST_MAX + 1];
	int n = 0, ranked_end = 0;
	char *last_key = NULL;
	json_t *arr = json_array();
	buf_init(&a.match, KITH_MAX_URL);
	*next = NULL;
	int rc = list_args(db, query, &a, err);
	if (rc == KITH_OK)
		rc = a.ranked ? list_ranked(db, actor, query, &a, ids, &n, &last_key, err)
			      : list_ids(db, actor, query, &a, ids, &n, &last_key, err);
	ranked_end = n;
	if (rc == KITH_OK && a.ranked && n <= a.limit && !a.walk_all)
		rc = list_after_ranked(db, actor, query, &a, ids, &n, err);
	/* Rows are loaded after the page query is done (a statement is never
	 * kept open across other statements of the shared cache), for the
	 * whole page at once. */
	if (rc == KITH_OK)
		rc = company_load_page(db, actor, ids, n < a.limit ? n : a.limit, arr, err);
	if (rc == KITH_OK && n > a.limit) {
		/* in the ranked part: after its last row shown; at its end: by id
		 * after the walk's bound; past it: by id after the last row shown */
		*next = !a.ranked		 ? cursor_make(sort_name(&a), last_key, ids[a.limit - 1])
			: ranked_end > a.limit	 ? cursor_make("r", last_key, ids[a.limit - 1])
			: ranked_end == a.limit ? cursor_make("q", "", a.walk.bound)
						 : cursor_make("q", "", ids[a.limit - 1]);
		if (!*next)
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	free(last_key);
	free(a.key);
	buf_free(&a.match);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return KITH_OK;
}

int company_reassign(Db *db, int64_t from, int64_t to, Buf *ids, Err *err)
{
	static const char sql[] = "UPDATE company SET owner_id = ?, version = version + 1, "
				  "updated_at = ? WHERE owner_id = ? RETURNING id";
	char now[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_int(st, 1, to);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, from);
	return db_collect_ids(st, ids, err);
}

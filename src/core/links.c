/* links.c - applies core/links.def (see links.h): the statements of every
 * line are string literals joined at compile time from the declaration,
 * with the record id and the time bound as parameters. Depends on store/
 * and base/; knows no noun (refresh functions are registered). */
#include "core/links.h"

#include <assert.h>
#include <string.h>

#include "base/date.h"
#include "store/search.h"

/* Statements of a purge effect, by the name used in links.def. A detach
 * returns the ids it changed, for a REFRESH line. */
#define LINKS_SQL_DETACH(t, c, set, where)                                                         \
	"UPDATE " #t " SET " #c " = NULL" set " WHERE " #c " = ?1" where " RETURNING id"
#define LINKS_SQL_DETACH_SHARED(t, c, set, where) LINKS_SQL_DETACH(t, c, set, where)
#define LINKS_SQL_CASCADE(t, c, set, where) "DELETE FROM " #t " WHERE " #c " = ?1" where
#define LINKS_SQL_RESTRICT(t, c, set, where) "SELECT COUNT(*) FROM " #t " WHERE " #c " = ?1" where
#define LINKS_REFRESH_SQL_KEEP(t, c, where) NULL
#define LINKS_REFRESH_SQL_REFRESH(t, c, where) "SELECT id FROM " #t " WHERE " #c " = ?1" where

static const LinksRef refs[] = {
#define LINKS_KIND(kind, table, search)
#define LINKS_REF(kind, table, column, purge, trash, schema, set, where, message)                  \
	{#kind,                                                                                    \
	 #table,                                                                                   \
	 #column,                                                                                  \
	 LINKS_##purge,                                                                            \
	 LINKS_##trash,                                                                            \
	 LINKS_##schema,                                                                           \
	 sizeof(set) > 1,                                                                          \
	 LINKS_SQL_##purge(table, column, set, where),                                             \
	 LINKS_REFRESH_SQL_##trash(table, column, where),                                          \
	 "%s %lld " message},
#include "core/links.def"
#undef LINKS_KIND
#undef LINKS_REF
};

static const LinksKind kinds[] = {
#define LINKS_KIND(kind, table, search) {#kind, #table, search},
#define LINKS_REF(kind, table, column, purge, trash, schema, set, where, message)
#include "core/links.def"
#undef LINKS_KIND
#undef LINKS_REF
};

enum { N_REFS = sizeof refs / sizeof refs[0], N_KINDS = sizeof kinds / sizeof kinds[0] };

/* Written once at start-up (links_set_refresh), read-only afterwards. */
static LinksRefreshFn refresh_fns[N_KINDS];

const LinksRef *links_refs(size_t *n)
{
	*n = N_REFS;
	return refs;
}

const LinksKind *links_kinds(size_t *n)
{
	*n = N_KINDS;
	return kinds;
}

int links_by_schema(const LinksRef *ref)
{
	return (ref->purge == LINKS_CASCADE && ref->schema == LINKS_FK_CASCADE) ||
	       (ref->purge == LINKS_DETACH && ref->schema == LINKS_FK_SET_NULL);
}

const char *links_fk_name(LinksFk fk)
{
	switch (fk) {
	case LINKS_FK_CASCADE:
		return "CASCADE";
	case LINKS_FK_SET_NULL:
		return "SET NULL";
	case LINKS_FK_NO_ACTION:
		return "NO ACTION";
	case LINKS_FK_NONE:
		break;
	}
	return NULL;
}

/* Index of kind in kinds, -1 when it is not declared. */
static int kind_index(const char *kind)
{
	for (int i = 0; i < N_KINDS; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return i;
	return -1;
}

/* Index of the kind whose table is table, -1 when none. */
static int table_kind(const char *table)
{
	for (int i = 0; i < N_KINDS; i++)
		if (strcmp(kinds[i].table, table) == 0)
			return i;
	return -1;
}

void links_set_refresh(const char *kind, LinksRefreshFn fn)
{
	int i = kind_index(kind);
	assert(i >= 0 && "links_set_refresh: kind not in links.def");
	if (i >= 0)
		refresh_fns[i] = fn;
}

static int unknown_kind(const char *kind, Err *err)
{
	return err_set(err, ERR_INTERNAL, NULL, "links: no declaration for kind '%s'", kind);
}

/* Rebuild the records of ref's table whose ids are in ids. */
static int refresh(Db *db, const LinksRef *ref, const Buf *ids, Err *err)
{
	if (ids->len == 0)
		return KITH_OK;
	int k = table_kind(ref->table);
	if (k < 0 || !refresh_fns[k])
		return err_set(err, ERR_INTERNAL, NULL,
			       "links: %s.%s needs a refresh function for %s; none is registered",
			       ref->table, ref->column, ref->table);
	return refresh_fns[k](db, ids, err);
}

/* Apply every REFRESH line of kind for record id. */
static int refresh_dependents(Db *db, const char *kind, int64_t id, Err *err)
{
	if (kind_index(kind) < 0)
		return unknown_kind(kind, err);
	int rc = KITH_OK;
	for (int i = 0; i < N_REFS && rc == KITH_OK; i++) {
		const LinksRef *ref = &refs[i];
		DbStmt *st;
		Buf ids;
		if (ref->trash != LINKS_REFRESH || strcmp(ref->kind, kind) != 0)
			continue;
		if ((rc = db_prepare(db, &st, ref->refresh_sql, err)))
			break;
		buf_init(&ids, 0);
		db_bind_int(st, 1, id);
		if ((rc = db_collect_ids(st, &ids, err)) == KITH_OK)
			rc = refresh(db, ref, &ids, err);
		buf_free(&ids);
	}
	return rc;
}

int links_trash(Db *db, const char *kind, int64_t id, Err *err)
{
	return refresh_dependents(db, kind, id, err);
}

int links_restore(Db *db, const char *kind, int64_t id, Err *err)
{
	return refresh_dependents(db, kind, id, err);
}

int links_changed(Db *db, const char *kind, int64_t id, Err *err)
{
	return refresh_dependents(db, kind, id, err);
}

/* ERR_CONFLICT when a RESTRICT line of kind has rows referencing id. */
static int check_restrict(Db *db, const char *kind, int64_t id, const char *field, Err *err)
{
	for (int i = 0; i < N_REFS; i++) {
		const LinksRef *ref = &refs[i];
		DbStmt *st;
		int64_t n = 0;
		if (ref->purge != LINKS_RESTRICT || strcmp(ref->kind, kind) != 0)
			continue;
		int rc = db_prepare(db, &st, ref->purge_sql, err);
		if (rc)
			return rc;
		db_bind_int(st, 1, id);
		rc = db_step(st, err);
		if (rc == DB_ROW)
			n = db_col_int(st, 0);
		db_reset(st);
		if (rc != DB_ROW)
			return rc;
		if (n)
			return err_set(err, ERR_CONFLICT, field, ref->restrict_fmt, kind,
				       (long long)id, (long long)n);
	}
	return KITH_OK;
}

/* Run the detach or delete of ref for record id (now: the touch time). */
static int apply_purge(Db *db, const LinksRef *ref, int64_t id, const char *now, Err *err)
{
	DbStmt *st;
	Buf ids;
	int rc = db_prepare(db, &st, ref->purge_sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	if (ref->touch)
		db_bind_text(st, 2, now);
	if (ref->purge == LINKS_CASCADE)
		return db_exec_stmt(st, err);
	buf_init(&ids, 0);
	rc = db_collect_ids(st, &ids, err);
	if (rc == KITH_OK && ref->trash == LINKS_REFRESH)
		rc = refresh(db, ref, &ids, err);
	buf_free(&ids);
	return rc;
}

int links_purge(Db *db, const char *kind, int64_t id, const char *field, Err *err)
{
	int k = kind_index(kind);
	char now[21];
	if (k < 0)
		return unknown_kind(kind, err);
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	time_now_iso(now);
	if ((rc = check_restrict(db, kind, id, field, err)))
		goto done;
	for (int i = 0; i < N_REFS && rc == KITH_OK; i++) {
		const LinksRef *ref = &refs[i];
		if (strcmp(ref->kind, kind) != 0 || ref->purge == LINKS_RESTRICT ||
		    links_by_schema(ref))
			continue;
		rc = apply_purge(db, ref, id, now, err);
	}
	if (rc == KITH_OK && kinds[k].search)
		rc = search_remove(db, kind, id, err);
done:
	return db_end(db, rc, err);
}

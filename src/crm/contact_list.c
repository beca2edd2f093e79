/* contact_list.c - contact_list() of contact.h: pages of contacts with
 * filters, keyset cursors and full-text search. Part of the contact module
 * (shares contact_rec.h with contact.c). Depends on base/, store/,
 * core/{access, record}, crm/{contact_rec, tag}.
 *
 * The SQL is a fixed set of complete literal statements (db_prepare caches
 * by the literal's address): every filter is written
 * `(CAST(? AS TEXT) IS NULL OR ...)` (the CAST gives PostgreSQL the
 * parameter's type; SQLite reads it the same) so one statement covers every
 * combination, and a few variants exist only where they change the plan.
 * Plans, checked with EXPLAIN QUERY PLAN on 1M contacts:
 *   live, any scope     walk contact_sort / contact_updated / the rowid
 *   live, one company   seek contact_company, sort that company's few rows
 *   live, one owner     walk contact_owner_sort / contact_owner_updated /
 *                       contact_owner (?owner_id= of an owner/admin)
 *   live, a member      own contacts as above UNION ALL those shared with
 *                       them (contact_collaborator_user, then sorted: a
 *                       member's shares are few); SQLite merges the two
 *                       ordered sides, so a page costs about the page
 *   trash               walk the partial trash indexes (004_contact_lists)
 *   search              FTS5 drives in rowid order; no sort, no table scan
 *   ranked search       the store reads the candidates once and ranks them
 *                       (search_rows_open); the contacts of as many
 *                       candidates as the page still needs, read by id in
 *                       one statement, until the page is full
 * Each sort has a first-page statement and an after-cursor statement, so
 * the keyset range is an index bound instead of an OR the planner cannot
 * use. */
#include "crm/contact.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cursor.h"
#include "base/date.h"
#include "base/limits.h"
#include "core/record.h"
#include "crm/contact_rec.h"
#include "crm/tag.h"
#include "core/workspace.h"
#include "store/search.h"

/* Filters every statement binds, in list_bind_filters order. */
#define LIST_FILTERS                                                                               \
	" AND " RECORD_VISIBLE("contact", "c")                                                     \
	" AND (CAST(? AS TEXT) IS NULL OR c.status = ?)"                                           \
	" AND (CAST(? AS TEXT) IS NULL OR c.temperature = ?)"                                      \
	" AND (CAST(? AS TEXT) IS NULL OR c.source = ?)"                                           \
	" AND (CAST(? AS BIGINT) IS NULL OR c.owner_id = ?)"                                       \
	" AND (CAST(? AS TEXT) IS NULL OR c.updated_at >= ?)"                                      \
	" AND (CAST(? AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM contact_tag ct "                 \
	"WHERE ct.contact_id = c.id AND ct.tag_id = ?))"
#define LIVE "c.deleted_at IS NULL"
#define TRASH "c.deleted_at IS NOT NULL"
/* Scopes: the company filter as a filter, or as the equality that drives
 * the query from an index; the owner equality likewise. */
#define ANY_SCOPE " AND (CAST(? AS BIGINT) IS NULL OR c.company_id = ?)"
#define COMPANY_SCOPE " AND c.company_id = ?"
#define OWNER_SCOPE ANY_SCOPE " AND c.owner_id = ?"
#define LIST_SQL(state, scope, after, order)                                                       \
	"SELECT " CONTACT_LIST_COLS " FROM contact c WHERE " state LIST_FILTERS scope after        \
	" ORDER BY " order " LIMIT ?"
/* A member's list: their own contacts UNION ALL the ones shared with them
 * (collab.h), the shared side driven by the collaborator index (CROSS JOIN
 * keeps that order) and without their own. */
#define MEMBER_SQL(state, after, order)                                                            \
	"SELECT " CONTACT_LIST_COLS " FROM contact c WHERE " state LIST_FILTERS OWNER_SCOPE after  \
	" UNION ALL SELECT " CONTACT_LIST_COLS " FROM contact_collaborator cl CROSS JOIN contact c " \
	"WHERE cl.user_id = ? AND c.id = cl.contact_id AND c.owner_id IS DISTINCT FROM ? AND "    \
	state LIST_FILTERS ANY_SCOPE after " ORDER BY " order " LIMIT ?"
#define PAGES(state, scope, after, order)                                                          \
	{                                                                                          \
		LIST_SQL(state, scope, "", order), LIST_SQL(state, scope, after, order)            \
	}
#define SCOPES(state, after, order)                                                                \
	{                                                                                          \
		PAGES(state, ANY_SCOPE, after, order), PAGES(state, COMPANY_SCOPE, after, order),  \
		    PAGES(state, OWNER_SCOPE, after, order),                                       \
		    {MEMBER_SQL(state, "", order), MEMBER_SQL(state, after, order)},               \
	}
#define SORT_SQL(after, order)                                                                     \
	{                                                                                          \
		SCOPES(LIVE, after, order), SCOPES(TRASH, after, order)                            \
	}

enum { SCOPE_ANY, SCOPE_COMPANY, SCOPE_OWNER, SCOPE_MEMBER, N_SCOPES };
enum { KEY_ID, KEY_SORT, KEY_UPDATED }; /* the column after the id in a cursor */

typedef struct SortDef {
	const char *name;		 /* value of ?sort= */
	int key;			 /* KEY_* */
	const char *sql[2][N_SCOPES][2]; /* [trash][SCOPE_*][after a cursor] */
} SortDef;

/* The orders name output columns (sort_key, not c.sort_key): after
 * MEMBER_SQL's UNION ALL PostgreSQL accepts nothing else, and in LIST_SQL
 * they name the same columns. */
static const SortDef sorts[] = {
    {"name", KEY_SORT, SORT_SQL(" AND (c.sort_key, c.id) > (?, ?)", "sort_key, id")},
    {"-name", KEY_SORT, SORT_SQL(" AND (c.sort_key, c.id) < (?, ?)", "sort_key DESC, id DESC")},
    {"created", KEY_ID, SORT_SQL(" AND c.id > ?", "id")},
    {"-created", KEY_ID, SORT_SQL(" AND c.id < ?", "id DESC")},
    {"updated", KEY_UPDATED, SORT_SQL(" AND (c.updated_at, c.id) > (?, ?)", "updated_at, id")},
    {"-updated", KEY_UPDATED,
     SORT_SQL(" AND (c.updated_at, c.id) < (?, ?)", "updated_at DESC, id DESC")},
};
enum { N_SORTS = sizeof sorts / sizeof sorts[0] };

/* Search: the FTS join drives the query in rowid order, so neither is the
 * contact table scanned nor are all matches sorted. The keyset condition
 * and ORDER BY name the index's rowid (= c.id): only then does SQLite hand
 * both to FTS5 instead of sorting in a temporary B-tree. The fragments are
 * the store's (search.h). Trashed contacts have no search document, so
 * search is live only. */
static const char search_sql[] =
    "SELECT " CONTACT_LIST_COLS " FROM contact c" SEARCH_JOIN_CONTACT
    "WHERE" SEARCH_MATCH_CONTACT "AND" SEARCH_ROWID "> ? AND " LIVE LIST_FILTERS ANY_SCOPE
    " ORDER BY" SEARCH_ROWID "LIMIT ?";

/* Ranked search (search.h): the store reads the bounded candidate set
 * once, in rank order after the keyset of the last row shown
 * (search_rows_open); then the contacts of the next candidates, as many as
 * the page still needs, are read by id with the filters in one statement
 * (search_rows_bind: one round trip, not one per candidate), until the
 * page is full. The filters apply to the candidates, so a page holds only
 * rows the actor may see; and only about the page's contacts are read,
 * not all the candidates (one join of them read and sorted every
 * candidate's row: at a million contacts that was most of a ranked page). */
static const char ranked_rows_sql[] =
    "SELECT " CONTACT_LIST_COLS " FROM contact c WHERE c.id" DB_IN_IDS
    "AND " LIVE LIST_FILTERS ANY_SCOPE;

/* A query checked and resolved into bindable values. */
typedef struct ListPlan {
	const SortDef *sort; /* NULL for a search */
	int scope;	     /* SCOPE_* */
	int64_t owner;	     /* owner for SCOPE_OWNER */
	int limit;	     /* page size */
	int64_t tag_id;	     /* -1 = no filter; 0 = unknown tag (empty result) */
	int empty;	     /* the answer is known to be empty */
	char since[21];	     /* updated_since as an instant, "" = none */
	Buf match;	     /* FTS match expression for q */
	int ranked;	     /* search.h: rank the candidates (a longer query) */
	int in_ranked;	     /* this page starts in the ranked part (no "q:" cursor) */
	SearchWalk walk;     /* search.h: where the ranked part is */
	int walk_all;	     /* the candidates were every match: none after the bound */
	int has_cursor;	     /* a cursor was given */
	char *after_key;     /* cursor key (malloc'd) */
	int64_t after_id;    /* cursor id */
} ListPlan;

static int blank(const char *s)
{
	return !s || !*s;
}

/* A ranked search's cursor inside the ranked part: "r:<walk key>". */
static int plan_rank_cursor(ListPlan *pl, char *raw, Err *err)
{
	int rc = search_walk_parse(raw + 2, pl->after_id, &pl->walk, err);
	free(raw);
	return rc;
}

/* The cursor's key is "<sort>:<column value>" so a cursor is never read
 * under another sort order. A search's is "q:" (by id) or, in the ranked
 * part of a ranked search, "r:<walk key>" (search.h). */
static int plan_cursor(ListPlan *pl, const ContactQuery *q, Err *err)
{
	char *raw = NULL;
	const char *name = pl->sort ? pl->sort->name : "q";
	pl->in_ranked = pl->ranked;
	if (blank(q->cursor))
		return KITH_OK;
	int rc = cursor_decode(q->cursor, &raw, &pl->after_id, err);
	if (rc)
		return rc;
	if (pl->ranked && strncmp(raw, "r:", 2) == 0)
		return plan_rank_cursor(pl, raw, err);
	pl->in_ranked = 0;
	size_t n = strlen(name);
	if (strncmp(raw, name, n) != 0 || raw[n] != ':') {
		free(raw);
		return err_set(err, ERR_INVALID, "cursor",
			       "belongs to another sort order or query; start from the first page");
	}
	memmove(raw, raw + n + 1, strlen(raw + n + 1) + 1);
	pl->after_key = raw;
	pl->has_cursor = 1;
	return KITH_OK;
}

static int plan_filters(Db *db, ListPlan *pl, const ContactQuery *q, Err *err)
{
	if (!blank(q->status) && !contact_one_of(q->status, contact_statuses))
		return err_set(err, ERR_INVALID, "status",
			       "unknown status '%s' (use lead, prospect, customer or former)",
			       q->status);
	if (!blank(q->temperature) && !contact_one_of(q->temperature, contact_temperatures))
		return err_set(err, ERR_INVALID, "temperature",
			       "unknown temperature '%s' (use cold, warm or hot)", q->temperature);
	if (q->owner_id < 0 || q->company_id < 0)
		return err_set(err, ERR_INVALID, q->owner_id < 0 ? "owner_id" : "company_id",
			       "must be a positive integer id");
	if (!blank(q->updated_since)) {
		When w;
		int rc = workspace_when(db, q->updated_since, WHEN_INSTANT | WHEN_MIDNIGHT,
					"updated_since", &w, err);
		if (rc)
			return rc;
		memcpy(pl->since, w.iso, sizeof w.iso);
	}
	pl->tag_id = -1;
	if (!blank(q->tag)) {
		int rc = tag_find(db, q->tag, &pl->tag_id, err);
		if (rc)
			return rc;
		pl->empty |= pl->tag_id == 0; /* no such tag: nothing carries it */
	}
	return KITH_OK;
}

/* Pick the statement variant: a company is the narrowest scope; then a
 * member's own and shared contacts; then the owner asked for. */
static void plan_scope(ListPlan *pl, const Actor *actor, const ContactQuery *q)
{
	int member = !access_is_admin(actor);
	/* Search has one statement; the trash is small, so its partial indexes
	 * beat an owner index. */
	pl->scope = !pl->sort			? SCOPE_ANY
		    : q->company_id		? SCOPE_COMPANY
		    : q->trash			? SCOPE_ANY
		    : member			? SCOPE_MEMBER
		    : q->owner_id		? SCOPE_OWNER
						: SCOPE_ANY;
	pl->owner = member ? actor->user_id : q->owner_id;
}

static int list_plan(Db *db, const Actor *actor, const ContactQuery *q, ListPlan *pl, Err *err)
{
	pl->limit = q->limit ? q->limit : KITH_LIST_DEFAULT;
	if (pl->limit < 1 || pl->limit > KITH_LIST_MAX)
		return err_set(err, ERR_INVALID, "limit", "must be between 1 and %d",
			       KITH_LIST_MAX);
	if (blank(q->q)) {
		const char *s = blank(q->sort) ? "name" : q->sort;
		for (int i = 0; i < N_SORTS && !pl->sort; i++)
			if (strcmp(sorts[i].name, s) == 0)
				pl->sort = &sorts[i];
		if (!pl->sort)
			return err_set(err, ERR_INVALID, "sort",
				       "unknown sort '%s' (use name, -name, created, -created, "
				       "updated or -updated)",
				       s);
	} else {
		if (!blank(q->sort))
			return err_set(err, ERR_INVALID, "sort",
				       "search results come in a fixed order; leave sort out");
		if (q->trash)
			return err_set(
			    err, ERR_INVALID, "trash",
			    "search covers live contacts; list the trash without a query");
		int rc = search_match_expr(q->q, &pl->match, err);
		if (rc)
			return rc;
		pl->ranked = search_ranks(q->q);
	}
	int rc = plan_filters(db, pl, q, err);
	if (rc == KITH_OK)
		plan_scope(pl, actor, q);
	return rc ? rc : plan_cursor(pl, q, err);
}

static void bind_pair_text(DbStmt *st, int *i, const char *v)
{
	db_bind_text_or_null(st, (*i)++, v);
	db_bind_text_or_null(st, (*i)++, v);
}

static void bind_pair_id(DbStmt *st, int *i, int64_t v)
{
	for (int k = 0; k < 2; k++) {
		if (v)
			db_bind_int(st, (*i)++, v);
		else
			db_bind_null(st, (*i)++);
	}
}

/* Bind LIST_FILTERS and the scope's parameters starting at *i (the owned
 * side of SCOPE_MEMBER, which reads like SCOPE_OWNER). */
static void list_bind_filters(DbStmt *st, int *i, const Actor *actor, const ContactQuery *q,
			      const ListPlan *pl)
{
	*i = record_bind_visible(st, *i, actor, RECORD_CONTACT);
	bind_pair_text(st, i, q->status);
	bind_pair_text(st, i, q->temperature);
	bind_pair_text(st, i, q->source);
	bind_pair_id(st, i, q->owner_id);
	bind_pair_text(st, i, pl->since);
	bind_pair_id(st, i, pl->tag_id > 0 ? pl->tag_id : 0);
	if (pl->scope == SCOPE_COMPANY) {
		db_bind_int(st, (*i)++, q->company_id);
		return;
	}
	bind_pair_id(st, i, q->company_id);
	if (pl->scope == SCOPE_OWNER || pl->scope == SCOPE_MEMBER)
		db_bind_int(st, (*i)++, pl->owner);
}

/* Bind the keyset after a cursor starting at *i. */
static void list_bind_after(DbStmt *st, int *i, const ListPlan *pl)
{
	if (pl->sort && pl->has_cursor) {
		if (pl->sort->key != KEY_ID)
			db_bind_text(st, (*i)++, pl->after_key);
		db_bind_int(st, (*i)++, pl->after_id);
	}
}

/* Bind the shared side of SCOPE_MEMBER starting at *i. */
static void list_bind_shared(DbStmt *st, int *i, const Actor *actor, const ContactQuery *q,
			     const ListPlan *pl)
{
	ListPlan any = *pl; /* a shallow copy read for its filters; nothing in it is freed */
	any.scope = SCOPE_ANY;
	db_bind_int(st, (*i)++, actor->user_id);
	db_bind_int(st, (*i)++, actor->user_id);
	list_bind_filters(st, i, actor, q, &any);
	list_bind_after(st, i, pl);
}

/* Prepare and bind the page query of pl for at most rows rows: the search
 * by id (after pl->after_id) or the sorted list. */
static int list_statement(Db *db, const Actor *actor, const ContactQuery *q, const ListPlan *pl,
			  int rows, DbStmt **out, Err *err)
{
	int i = 1;
	const char *sql =
	    pl->sort ? pl->sort->sql[q->trash ? 1 : 0][pl->scope][pl->has_cursor] : search_sql;
	int rc = db_prepare(db, out, sql, err);
	if (rc)
		return rc;
	DbStmt *st = *out;
	if (!pl->sort) {
		search_bind_match(st, i++, buf_str(&pl->match));
		db_bind_int(st, i++, pl->after_id);
	}
	list_bind_filters(st, &i, actor, q, pl);
	list_bind_after(st, &i, pl);
	if (pl->scope == SCOPE_MEMBER)
		list_bind_shared(st, &i, actor, q, pl);
	db_bind_int(st, i++, rows);
	return KITH_OK;
}

/* The cursor after row r under plan pl (caller frees); ranked: the page
 * ends inside the ranked part, at r of rank rank. */
static char *list_next(const ListPlan *pl, const ContactRec *r, int ranked, int64_t rank)
{
	Buf key;
	buf_init(&key, 0);
	buf_addf(&key, "%s:", ranked ? "r" : pl->sort ? pl->sort->name : "q");
	if (ranked) {
		SearchWalk w = {.bound = pl->walk.bound, .rank = rank, .id = r->id};
		search_walk_key(&w, &key);
	} else if (pl->sort && pl->sort->key == KEY_SORT)
		buf_adds(&key, r->s[S_SORT]);
	else if (pl->sort && pl->sort->key == KEY_UPDATED)
		buf_adds(&key, r->s[S_UPDATED]);
	char *c = buf_failed(&key) ? NULL : cursor_encode(buf_str(&key), r->id);
	buf_free(&key);
	return c;
}

/* Read up to cap rows into recs; *n receives how many. The statement is
 * reset before anything else is prepared. */
static int list_fetch(DbStmt *st, ContactRec *recs, int cap, int *n, Err *err)
{
	int rc = DB_DONE;
	*n = 0;
	while (*n < cap && (rc = db_step(st, err)) == DB_ROW) {
		contact_rec_init(&recs[*n]);
		contact_rec_from_row(st, &recs[(*n)++]);
	}
	if (*n == cap)
		rc = DB_DONE;
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
}

/* The ranked part of a ranked search (pl->in_ranked): up to rows rows
 * after pl->walk into recs and their ranks into ranks; *n receives how
 * many. Starts the walk on a first page (pl->walk, pl->walk_all). A batch
 * may read candidates past the page's last row (search_rows_want): they are
 * dropped, and the next page starts after its last row as before. */
static int list_ranked(Db *db, const Actor *actor, const ContactQuery *q, ListPlan *pl,
		       ContactRec *recs, int64_t *ranks, int rows, int *n, Err *err)
{
	SearchRows r;
	DbStmt *st = NULL;
	int i = 2, k, bound = 0;
	int rc = search_rows_open(db, "contact", buf_str(&pl->match), &pl->walk, &r, err);
	/* a batch's rows by their rank position (got[p]: batch[p] was read) */
	ContactRec *batch = calloc(SEARCH_RANK_WALK, sizeof *batch);
	int64_t *batch_ranks = calloc(SEARCH_RANK_WALK, sizeof *batch_ranks);
	char *got = calloc(SEARCH_RANK_WALK, 1);
	*n = 0;
	pl->walk_all = r.all;
	if (rc == KITH_OK && (!batch || !batch_ranks || !got))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc || (rc = db_prepare(db, &st, ranked_rows_sql, err)))
		goto done;
	list_bind_filters(st, &i, actor, q, pl);
	while (*n < rows &&
	       (search_rows_bind(&r, st, search_rows_want(rows - *n, bound, *n), &k), k > 0)) {
		bound += k;
		memset(got, 0, (size_t)k);
		while ((rc = db_step(st, err)) == DB_ROW) {
			int64_t rank;
			int p = search_rows_pos(&r, db_col_int(st, 0), &rank);
			if (p < 0 || got[p])
				continue;
			contact_rec_init(&batch[p]);
			contact_rec_from_row(st, &batch[p]);
			batch_ranks[p] = rank;
			got[p] = 1;
		}
		if (rc == DB_DONE)
			rc = KITH_OK;
		/* in rank order, as many as the page has room for */
		for (int p = 0; p < k; p++) {
			if (!got[p])
				continue;
			if (rc == KITH_OK && *n < rows) {
				recs[*n] = batch[p];
				ranks[(*n)++] = batch_ranks[p];
			} else {
				contact_rec_free(&batch[p]);
			}
			batch[p] = (ContactRec){0};
		}
		if (rc)
			goto done;
	}
done:
	free(batch);
	free(batch_ranks);
	free(got);
	search_rows_close(&r, st);
	return rc;
}

/* After the ranked part of a ranked search filled recs[0..*n): *ranked_end
 * gets how many of them are ranked rows. When the page has room left, the
 * matches after the walk's bound follow by id. */
static int list_after_ranked(Db *db, const Actor *actor, const ContactQuery *q, ListPlan *pl,
			     ContactRec *recs, int *n, int *ranked_end, Err *err)
{
	DbStmt *st;
	int more = 0, rc;
	*ranked_end = *n;
	if (*n > pl->limit || pl->walk_all)
		return KITH_OK;
	ListPlan by_id = *pl; /* a shallow copy for binding; nothing in it is freed */
	by_id.in_ranked = 0;
	by_id.after_id = pl->walk.bound;
	if ((rc = list_statement(db, actor, q, &by_id, pl->limit + 1 - *n, &st, err)) ||
	    (rc = list_fetch(st, recs + *n, pl->limit + 1 - *n, &more, err)))
		return rc;
	*n += more;
	return KITH_OK;
}

int contact_list(Db *db, const Actor *actor, const ContactQuery *query, json_t **items, char **next,
		 Err *err)
{
	ListPlan pl = {0};
	ContactRec *recs = NULL;
	int64_t *ranks = NULL;
	DbStmt *st;
	int n = 0, ranked_end = 0, rc;
	json_t *arr = json_array();
	*items = NULL;
	*next = NULL;
	buf_init(&pl.match, KITH_MAX_URL * 4);
	if ((rc = list_plan(db, actor, query, &pl, err)) || pl.empty)
		goto done;
	recs = calloc((size_t)pl.limit + 1, sizeof *recs);
	ranks = calloc((size_t)pl.limit + 1, sizeof *ranks);
	if (!recs || !ranks) {
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		goto done;
	}
	if ((pl.in_ranked &&
	     ((rc = list_ranked(db, actor, query, &pl, recs, ranks, pl.limit + 1, &n, err)) ||
	      (rc = list_after_ranked(db, actor, query, &pl, recs, &n, &ranked_end, err)))) ||
	    (!pl.in_ranked &&
	     ((rc = list_statement(db, actor, query, &pl, pl.limit + 1, &st, err)) ||
	      (rc = list_fetch(st, recs, pl.limit + 1, &n, err)))))
		goto done;
	rc = contact_rec_children_many(db, recs, n < pl.limit ? n : pl.limit, err);
	if (rc == KITH_OK)
		rc = contact_rec_json_page(db, recs, n < pl.limit ? n : pl.limit, arr, err);
	/* Past the ranked part the next page goes on by id after the walk's
	 * bound (or after the page's last row when that is further). */
	int ranked = pl.in_ranked && n > pl.limit && ranked_end > pl.limit;
	ContactRec *last = n > pl.limit ? &recs[pl.limit - 1] : NULL;
	ContactRec after_ranked = {0};
	if (last && pl.in_ranked && !ranked && pl.limit <= ranked_end) {
		after_ranked.id = pl.walk.bound;
		last = &after_ranked;
	}
	if (rc == KITH_OK && last &&
	    !(*next = list_next(&pl, last, ranked, ranked ? ranks[pl.limit - 1] : 0)))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
done:
	for (int i = 0; i < n; i++)
		contact_rec_free(&recs[i]);
	free(recs);
	free(ranks);
	free(pl.after_key);
	buf_free(&pl.match);
	if (rc) {
		json_decref(arr);
		free(*next);
		*next = NULL;
		return rc;
	}
	*items = arr;
	return KITH_OK;
}

/* fuzz_query.c - libFuzzer target for query strings: the list, search and
 * agenda parameters of the API, through the domain functions the list
 * handlers call. The input is "LIST\nQUERY-STRING" with LIST one of
 * contacts, companies, activities, tasks, deals, agenda, timeline; the
 * query string is decoded as libmicrohttpd does (%XX, '+' for space; a
 * value ends at a decoded NUL, as C strings do), ids and booleans are read
 * as the handlers read them, and ?limit= by req_parse_limit. A page with
 * a next cursor is followed once, so cursors made by kith are read back.
 * Checks: the domain answers a page or a 4xx error naming a field, never
 * a storage or internal error (a search expression SQLite refuses, a date
 * it cannot compare). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm/activity.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/task.h"
#include "views/agenda.h"
#include "views/timeline.h"
#include "fuzz.h"
#include "http/http.h"

enum { MAX_PARAMS = 32 };

typedef struct Params {
	char *key[MAX_PARAMS];
	char *value[MAX_PARAMS];
	int n;
} Params;

static int hex(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Decode s in place: %XX and '+'. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '+') {
			*o++ = ' ';
		} else if (*s == '%' && hex(s[1]) >= 0 && hex(s[2]) >= 0) {
			*o++ = (char)(hex(s[1]) << 4 | hex(s[2]));
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static void parse(char *qs, Params *p)
{
	for (char *save = NULL, *kv = strtok_r(qs, "&", &save); kv && p->n < MAX_PARAMS;
	     kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		p->key[p->n] = kv;
		p->value[p->n] = eq ? eq + 1 : kv + strlen(kv);
		unescape(p->key[p->n]);
		unescape(p->value[p->n]);
		p->n++;
	}
}

static const char *get(const Params *p, const char *key)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->key[i], key) == 0)
			return p->value[i];
	return NULL;
}

/* As req_query_id_or_fail: absent 0; -1 when the handler answers 422. */
static int64_t get_id(const Params *p, const char *key)
{
	const char *v = get(p, key);
	char *end = NULL;
	if (!v)
		return 0;
	long long n = *v >= '1' && *v <= '9' && strlen(v) <= 18 ? strtoll(v, &end, 10) : 0;
	return !end || *end || n <= 0 ? -1 : n;
}

static int get_bool(const Params *p, const char *key)
{
	const char *v = get(p, key);
	return !v || strcmp(v, "false") == 0 ? 0 : strcmp(v, "true") == 0 ? 1 : -1;
}

/* A domain answer: a page, or an error a client caused. */
static void want_answer(int rc, const Err *err)
{
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%s %s %s\n", rc ? err_code_name(rc) : "ok", err->field, err->msg);
	if (rc != KITH_OK &&
	    (rc != err->code || rc == ERR_STORAGE || rc == ERR_INTERNAL || rc == ERR_BUSY))
		abort();
}

/* One list call with cursor; *next gets the following page's cursor. */
static int list(FuzzDb *f, const char *what, const Params *p, const Actor *a, int limit,
		const char *cursor, json_t **items, char **next, Err *err)
{
	if (!strcmp(what, "contacts")) {
		ContactQuery q = {.q = get(p, "q"),
				  .tag = get(p, "tag"),
				  .status = get(p, "status"),
				  .temperature = get(p, "temperature"),
				  .source = get(p, "source"),
				  .owner_id = get_id(p, "owner_id"),
				  .company_id = get_id(p, "company_id"),
				  .updated_since = get(p, "updated_since"),
				  .sort = get(p, "sort"),
				  .trash = get_bool(p, "trash"),
				  .limit = limit,
				  .cursor = cursor};
		if (q.owner_id < 0 || q.company_id < 0 || q.trash < 0)
			return -1;
		return contact_list(f->db, a, &q, items, next, err);
	}
	if (!strcmp(what, "companies")) {
		CompanyQuery q = {.q = get(p, "q"),
				  .tag = get(p, "tag"),
				  .owner_id = get_id(p, "owner_id"),
				  .updated_since = get(p, "updated_since"),
				  .sort = get(p, "sort"),
				  .trash = get_bool(p, "trash"),
				  .limit = limit,
				  .cursor = cursor};
		if (q.owner_id < 0 || q.trash < 0)
			return -1;
		return company_list(f->db, a, &q, items, next, err);
	}
	if (!strcmp(what, "activities")) {
		ActivityQuery q = {.contact_id = get_id(p, "contact_id"),
				   .company_id = get_id(p, "company_id"),
				   .deal_id = get_id(p, "deal_id"),
				   .kind = get(p, "kind"),
				   .user_id = get_id(p, "user_id"),
				   .since = get(p, "since"),
				   .limit = limit,
				   .cursor = cursor};
		if (q.contact_id < 0 || q.company_id < 0 || q.deal_id < 0 || q.user_id < 0)
			return -1;
		return activity_list(f->db, a, &q, items, next, err);
	}
	if (!strcmp(what, "tasks")) {
		TaskQuery q = {.assignee_id = get_id(p, "assignee_id"),
			       .status = get(p, "status"),
			       .contact_id = get_id(p, "contact_id"),
			       .company_id = get_id(p, "company_id"),
			       .deal_id = get_id(p, "deal_id"),
			       .limit = limit,
			       .cursor = cursor};
		if (q.assignee_id < 0 || q.contact_id < 0 || q.company_id < 0 || q.deal_id < 0)
			return -1;
		return task_list(f->db, a, &q, items, next, err);
	}
	if (!strcmp(what, "deals")) {
		DealQuery q = {.pipeline_id = get_id(p, "pipeline_id"),
			       .stage_id = get_id(p, "stage_id"),
			       .status = get(p, "status"),
			       .owner_id = get_id(p, "owner_id"),
			       .contact_id = get_id(p, "contact_id"),
			       .company_id = get_id(p, "company_id"),
			       .stage_since = get(p, "stage_since"),
			       .trash = get_bool(p, "trash"),
			       .limit = limit,
			       .cursor = cursor};
		if (q.pipeline_id < 0 || q.stage_id < 0 || q.owner_id < 0 || q.contact_id < 0 ||
		    q.company_id < 0 || q.trash < 0)
			return -1;
		return deal_list(f->db, a, &q, items, next, err);
	}
	if (!strcmp(what, "timeline")) {
		static const char *const kinds[] = {"contact", "company", "deal"};
		int64_t id = get_id(p, "id");
		const char *kind = get(p, "kind");
		for (int i = 0; i < 3 && id > 0 && kind; i++)
			if (!strcmp(kind, kinds[i]))
				return timeline_get(f->db, a, kinds[i], id, limit, cursor, items,
						    next, err);
		return -1;
	}
	return -1;
}

/* The agenda as agenda_api reads its parameters. */
static void agenda(FuzzDb *f, const Params *p, const Actor *a)
{
	int64_t user = get_id(p, "user_id");
	int team = get_bool(p, "team"), days = 7;
	const char *days_s = get(p, "days");
	json_t *out = NULL;
	Err err = {0};
	if (user < 0 || team < 0 || (team && user))
		return;
	if (days_s) {
		char *end;
		long v = strtol(days_s, &end, 10);
		if (!*days_s || *end || v < -1 || v > 100000)
			return;
		days = (int)v;
	}
	if (!team && !user)
		user = a->user_id;
	want_answer(agenda_get(f->db, a, user, get(p, "today"), days, &out, &err), &err);
	json_decref(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzDb *f = fuzz_db();
	char *s = fuzz_cstr(data, size), *qs = fuzz_split_line(s), *what = s;
	const Actor *a = &f->owner;
	Params p = {0};
	Err err = {0};
	int limit;
	if (strncmp(what, "member ", 7) == 0) {
		a = &f->member;
		what += 7;
	}
	parse(qs, &p);
	if (req_parse_limit(get(&p, "limit"), &limit, &err) != KITH_OK) {
		if (strcmp(err.field, "limit") != 0)
			abort();
	} else if (!strcmp(what, "agenda")) {
		agenda(f, &p, a);
	} else {
		json_t *items = NULL;
		char *next = NULL, *next2 = NULL;
		const char *cursor = get(&p, "cursor");
		int rc = list(f, what, &p, a, limit, cursor && *cursor ? cursor : NULL, &items,
			      &next, &err);
		if (rc >= 0)
			want_answer(rc, &err);
		json_decref(items);
		items = NULL;
		if (rc == KITH_OK && next) {
			rc = list(f, what, &p, a, limit, next, &items, &next2, &err);
			want_answer(rc, &err);
		}
		json_decref(items);
		free(next);
		free(next2);
	}
	free(s);
	return 0;
}

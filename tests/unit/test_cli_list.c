/* test_cli_list.c - cli_list_op's --all against a fake page source: it
 * prints each page as it comes and lets go of it before reading the next,
 * --json writes what one page of everything would print, byte for byte,
 * a table keeps one header, and a cursor that comes back unchanged stops
 * the walk instead of looping. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The fake list: n items, pages of size, cursors "i" (the next index). A
 * stuck source answers every page with the cursor it was asked for. */
typedef struct Source {
	int n, size, stuck, fail_at; /* fail_at: the call that fails (0 = none) */
	int calls;
	json_t *last; /* the items of the page handed out last, kept to check */
} Source;

static json_t *item_of(int i)
{
	return json_pack("{si ss s{ss s[is]} s[]}", "id", i + 1, "name",
			 i % 2 ? "Bartholomew" : "Al", "nested", "k", "line one\nline \"two\"",
			 "list", i, "x", "empty");
}

static int fetch(Cli *cli, void *query, const char *cursor, json_t **items, char **next, Err *err)
{
	Source *s = query;
	s->calls++;
	cr_assert_lt(s->calls, 20, "--all keeps reading: it would loop forever");
	/* the page handed out before is released by now: only our reference */
	json_t *it;
	size_t k;
	json_array_foreach(s->last, k, it)
	{
		cr_expect_eq(it->refcount, 1, "an item of the last page is still held");
	}
	json_decref(s->last);
	s->last = NULL;
	if (s->calls == s->fail_at) {
		err->code = ERR_STORAGE;
		snprintf(err->msg, sizeof err->msg, "disk on fire");
		return err->code;
	}
	int from = cursor ? atoi(cursor) : 0;
	*items = json_array();
	s->last = json_array();
	for (int i = from; i < s->n && i < from + s->size; i++) {
		json_t *item = item_of(i);
		json_array_append(s->last, item);
		json_array_append_new(*items, item);
	}
	*next = NULL;
	if (s->stuck && cursor) {
		*next = strdup(cursor);
	} else if (from + s->size < s->n) {
		*next = malloc(16);
		snprintf(*next, 16, "%d", from + s->size);
	}
	return KITH_OK;
}

static json_t *row_of(const json_t *item)
{
	return json_pack("{sO sO}", "id", json_object_get(item, "id"), "name",
			 json_object_get(item, "name"));
}

static const char *const keys[] = {"id", "name", NULL};
static const char *const heads[] = {"ID", "NAME", NULL};

/* What cli_list_op prints for src, with --json when json. */
static char *run(Source *src, int json, int all, const char *cursor, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	Cli cli = {0};
	cli.json = json;
	cli.out = open_memstream(&out, &len);
	cr_assert_not_null(cli.out);
	*rc = cli_list_op(&cli, all, cursor, fetch, src, row_of, NULL, keys, heads);
	fclose(cli.out);
	json_decref(src->last);
	src->last = NULL;
	return out;
}

Test(cli_list, json_all_prints_what_one_page_of_everything_prints)
{
	for (int n = 0; n < 8; n++) {
		Source one = {.n = n, .size = 100}, paged = {.n = n, .size = 2};
		int rc1, rc2;
		char *whole = run(&one, 1, 0, NULL, &rc1);
		char *streamed = run(&paged, 1, 1, NULL, &rc2);
		cr_expect_eq(rc1, EXIT_OK);
		cr_expect_eq(rc2, EXIT_OK);
		cr_expect_str_eq(streamed, whole, "n = %d", n);
		cr_expect_eq(paged.calls, n > 2 ? (n + 1) / 2 : 1, "n = %d", n);
		json_error_t e;
		json_t *v = json_loads(streamed, 0, &e);
		cr_assert_not_null(v, "%s", e.text);
		cr_expect_eq(json_array_size(json_object_get(v, "items")), (size_t)n);
		cr_expect(json_is_null(json_object_get(v, "next")));
		json_decref(v);
		free(whole);
		free(streamed);
	}
}

Test(cli_list, table_all_has_one_header_and_every_row_once)
{
	Source src = {.n = 5, .size = 2};
	int rc;
	char *out = run(&src, 0, 1, NULL, &rc);
	cr_expect_eq(rc, EXIT_OK);
	cr_expect_eq(src.calls, 3);
	int headers = 0, rows = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		headers += strncmp(line, "ID", 2) == 0;
		rows += line[0] >= '1' && line[0] <= '9';
	}
	cr_expect_eq(headers, 1);
	cr_expect_eq(rows, 5);
	free(out);
}

Test(cli_list, table_all_keeps_the_first_pages_columns)
{
	Source src = {.n = 3, .size = 1};
	int rc;
	char *out = run(&src, 0, 1, NULL, &rc);
	cr_expect_eq(rc, EXIT_OK);
	/* page 1 holds "Al": NAME is 4 wide, so every row starts its name at 4 */
	cr_expect_str_eq(out, "ID  NAME\n"
			      "1   Al\n"
			      "2   Bartholomew\n"
			      "3   Al\n");
	free(out);
}

Test(cli_list, an_unchanged_cursor_stops_all)
{
	Source src = {.n = 10, .size = 2, .stuck = 1};
	int rc;
	char *out = run(&src, 1, 1, "2", &rc);
	cr_expect_eq(rc, EXIT_INTERNAL);
	cr_expect_eq(src.calls, 1, "the page that came back with its own cursor is the last");
	cr_expect_null(json_loads(out, 0, NULL), "the cut output is not taken for a whole list");
	free(out);
	/* the second page comes back with the cursor it was read with */
	Source later = {.n = 10, .size = 2, .stuck = 1};
	char *table = run(&later, 0, 1, NULL, &rc);
	cr_expect_eq(rc, EXIT_INTERNAL);
	cr_expect_eq(later.calls, 2);
	cr_expect_str_eq(table, "ID  NAME\n1   Al\n2   Bartholomew\n3   Al\n4   Bartholomew\n",
			 "the pages read are printed once each");
	free(table);
}

Test(cli_list, without_all_an_unchanged_cursor_is_just_printed)
{
	Source src = {.n = 10, .size = 2, .stuck = 1};
	int rc;
	char *out = run(&src, 1, 0, "2", &rc);
	cr_expect_eq(rc, EXIT_OK);
	json_t *v = json_loads(out, 0, NULL);
	cr_expect_str_eq(json_string_value(json_object_get(v, "next")), "2");
	json_decref(v);
	free(out);
}

Test(cli_list, an_error_on_a_later_page_stops_with_its_exit_code)
{
	Source src = {.n = 10, .size = 2, .fail_at = 3};
	int rc;
	char *out = run(&src, 1, 1, NULL, &rc);
	cr_expect_eq(rc, EXIT_INTERNAL);
	cr_expect_eq(src.calls, 3);
	cr_expect_null(json_loads(out, 0, NULL), "the array is left open");
	cr_expect_not_null(strstr(out, "\"id\": 4"), "pages before the error are out");
	free(out);
}

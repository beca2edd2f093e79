/* db_copy_cli.c - kith db copy: the CLI adapter of store/copy.h (a file
 * of its own beside db_cli.c, which holds the other database commands).
 * Depends on cli/ and store/. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/copy.h"

/* Progress on a terminal only (cli_progress): one line per table with a
 * running count. */
static void copy_progress(void *arg, const char *table, int64_t done, int64_t total)
{
	char label[96];
	snprintf(label, sizeof label, "copy %s", table);
	cli_progress(arg, label, (long)done, (long)total);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static json_t *report_tables(const CopyReport *r)
{
	json_t *a = json_array();
	for (int i = 0; i < r->n_tables; i++) {
		const CopyTable *t = &r->tables[i];
		json_array_append_new(a, json_pack("{ss sI sI ss sb}", "table", t->name, "rows",
						   (json_int_t)t->rows, "rows_read_back",
						   (json_int_t)t->rows_to, "checksum", t->digest,
						   "ok", t->ok));
	}
	return a;
}

/* The per-table table: name, rows, the checksum's first 16 hex digits,
 * and whether the target gave back the same. */
static void print_tables(Cli *cli, const CopyReport *r)
{
	static const char *const keys[] = {"table", "rows", "checksum", "verified", NULL};
	static const char *const headers[] = {"TABLE", "ROWS", "CHECKSUM", "VERIFIED", NULL};
	json_t *rows = json_array();
	for (int i = 0; i < r->n_tables; i++) {
		const CopyTable *t = &r->tables[i];
		json_array_append_new(rows, json_pack("{ss sI ss# ss}", "table", t->name, "rows",
						      (json_int_t)t->rows, "checksum", t->digest,
						      16, "verified", t->ok ? "ok" : "MISMATCH"));
	}
	cli_print_table(cli, rows, keys, headers);
	json_decref(rows);
}

int db_cli_copy(Cli *cli)
{
	Err err = {0};
	CopyReport r = {0};
	struct timespec t0;
	const char *from = cli_opt(cli, "--from"), *to = cli_opt(cli, "--to");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!from)
		return cli_usage_fail(cli, "--from: missing: the database to copy");
	if (!to)
		return cli_usage_fail(cli, "--to: missing: the database to copy into");
	char shown_from[256], shown_to[256];
	db_target_redact(from, shown_from, sizeof shown_from);
	db_target_redact(to, shown_to, sizeof shown_to);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "kith: copying %s to %s ...\n", shown_from, shown_to);
	CopyOptions opt = {.progress = copy_progress, .arg = cli};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = copy_run(from, to, &opt, &r, &err);
	double s = seconds_since(&t0);
	double rate = s > 0 ? (double)r.rows / s : 0.0;
	if (rc == KITH_OK && cli->json) {
		json_t *o = json_pack("{ss ss si sI sf sf so}", "from", shown_from, "to", shown_to,
				      "schema", r.schema, "rows", (json_int_t)r.rows, "seconds", s,
				      "rows_per_second", rate, "tables", report_tables(&r));
		cli_print_json(cli, o);
		json_decref(o);
	} else if (rc == KITH_OK || r.n_tables) {
		print_tables(cli, &r);
		if (rc == KITH_OK)
			fprintf(cli->out,
				"copied %s to %s: %lld rows in %.1f s (%.0f rows/s), "
				"schema %d, every table verified\n",
				shown_from, shown_to, (long long)r.rows, s, rate, r.schema);
	}
	copy_report_free(&r);
	return rc ? cli_fail(cli, &err) : EXIT_OK;
}

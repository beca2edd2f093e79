/* db_cli.c - kith init, db migrate, db check, backup, restore. */
#include "core/db_cli.h"

#include <string.h>
#include <unistd.h>

#include "base/limits.h"
#include "core/dbcheck.h"
#include "core/workspace.h"
#include "store/backup.h"
#include "store/migrate.h"

int db_cli_init(Cli *cli)
{
	Err err = {0};
	int applied = 0;
	const char *name = cli_opt(cli, "--name"), *country = cli_opt(cli, "--country");
	const char *currency = cli_opt(cli, "--currency"), *tz = cli_opt(cli, "--timezone");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	char target[256];
	if (migrate_up(cli->db, &applied, &err) ||
	    workspace_init(cli->db, name, country, currency, tz, &err))
		return cli_fail(cli, &err);
	db_target_redact(cli->db_path, target, sizeof target);
	if (cli->json) {
		json_t *o = json_pack("{ss si si}", "db", target, "migrations_applied", applied,
				      "schema", migrate_latest());
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "kith: database %s ready (schema %d, %d migration%s applied)\n",
			target, migrate_latest(), applied, applied == 1 ? "" : "s");
	}
	return EXIT_OK;
}

int db_cli_migrate(Cli *cli)
{
	Err err = {0};
	int applied = 0;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (migrate_up(cli->db, &applied, &err))
		return cli_fail(cli, &err);
	fprintf(cli->out, "%d migration%s applied; schema %d\n", applied, applied == 1 ? "" : "s",
		migrate_latest());
	return EXIT_OK;
}

/* What kith db check found: every finding for --json (and the check after
 * a repair), the first KITH_CHECK_MAX_FINDINGS of each check printed as
 * they come otherwise. */
typedef struct CheckOut {
	Cli *cli;
	json_t *problems;   /* --json, or collect: the findings */
	int collect;	    /* keep the findings in problems, print nothing */
	long n;		    /* findings so far */
	int progress;	    /* a progress line is on the terminal */
	char checks[8][16]; /* the checks that reported (DbFinding.check) */
	long per_check[8];  /* findings of each */
	int cut;	    /* a check listed as many as it lists: it may have more */
} CheckOut;

/* Count f under its check. Each check stops listing at
 * KITH_CHECK_MAX_FINDINGS (of a table, a key or in all: db.h db_check,
 * search.h search_check), so a check with that many or more may have found
 * more than it listed: its count is then "at least". */
static void check_count(CheckOut *o, const DbFinding *f)
{
	size_t i, n = sizeof o->checks / sizeof o->checks[0];
	for (i = 0; i < n && o->checks[i][0] && strcmp(o->checks[i], f->check) != 0; i++)
		;
	if (i == n || strlen(f->check) >= sizeof o->checks[i]) {
		o->cut = 1; /* a check we cannot count: say "at least" */
		return;
	}
	snprintf(o->checks[i], sizeof o->checks[i], "%s", f->check);
	if (++o->per_check[i] >= KITH_CHECK_MAX_FINDINGS)
		o->cut = 1;
}

static void print_finding(FILE *out, const char *check, const char *table, const char *message)
{
	fprintf(out, "%s: %s%s%s\n", check, table, *table ? ": " : "", message);
}

static void check_report(void *arg, const DbFinding *f)
{
	CheckOut *o = arg;
	o->n++;
	check_count(o, f);
	if (o->cli->json || o->collect) {
		json_t *p = json_pack("{ss ss sI ss}", "check", f->check, "table", f->table, "id",
				      (json_int_t)f->id, "message", f->message);
		if (p && f->id == 0)
			json_object_set_new(p, "id", json_null());
		json_array_append_new(o->problems, p);
		return;
	}
	if (o->progress && isatty(STDERR_FILENO))
		fputc('\n', stderr); /* below the progress line */
	o->progress = 0;
	print_finding(o->cli->out, f->check, f->table, f->message);
}

/* Records checked against the index, on a terminal only (cli_progress). */
static void check_progress(void *arg, long done, long total)
{
	CheckOut *o = arg;
	o->progress = done < total;
	cli_progress(o->cli, "check: records", done, total);
}

/* After a repair that changed something, check again: what remains goes
 * to left (collected, not printed). */
static int check_again(Cli *cli, CheckOut *left, Err *err)
{
	int version;
	*left = (CheckOut){.cli = cli, .problems = json_array(), .collect = 1};
	const SearchCheck chk = {check_report, check_progress, left, NULL, NULL};
	return dbcheck_run(cli->db, &chk, &version, err);
}

static void print_check(Cli *cli, const CheckOut *o, int version, int repair, long repaired,
			const CheckOut *left)
{
	if (cli->json) {
		json_t *j = json_pack("{sb si si sO sI sb}", "ok", left->n == 0, "schema", version,
				      "latest", migrate_latest(), "problems", o->problems, "found",
				      (json_int_t)o->n, "found_exact", !o->cut);
		if (j && repair) {
			json_object_set_new(j, "repaired", json_integer(repaired));
			json_object_set(j, "remaining", left->problems);
		}
		cli_print_json(cli, j);
		json_decref(j);
		return;
	}
	if (o->n == 0) {
		fprintf(cli->out, "ok\n");
		return;
	}
	fprintf(cli->out, "%s%ld problem%s found%s\n", o->cut ? "at least " : "", o->n,
		o->n == 1 ? "" : "s",
		o->cut ? " (at most " KITH_STR(KITH_CHECK_MAX_FINDINGS) " of each check are listed)"
		       : "");
	if (!repair)
		return;
	if (!repaired) {
		fprintf(cli->out, "no search document to repair\n");
		return;
	}
	fprintf(cli->out, "repaired %ld search document%s; checked again: ", repaired,
		repaired == 1 ? "" : "s");
	if (left->n == 0) {
		fprintf(cli->out, "ok\n");
		return;
	}
	fprintf(cli->out, "%s%ld problem%s remain%s\n", left->cut ? "at least " : "", left->n,
		left->n == 1 ? "" : "s", left->n == 1 ? "s" : "");
	for (size_t i = 0; i < json_array_size(left->problems); i++) {
		json_t *p = json_array_get(left->problems, i);
		print_finding(cli->out, json_string_value(json_object_get(p, "check")),
			      json_string_value(json_object_get(p, "table")),
			      json_string_value(json_object_get(p, "message")));
	}
}

int db_cli_check(Cli *cli)
{
	Err err = {0};
	int version = 0, repair = cli_flag(cli, "--repair-search");
	long repaired = 0;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	CheckOut o = {.cli = cli, .problems = json_array()}, again = {0};
	const CheckOut *left = &o; /* what is wrong now */
	const SearchCheck chk = {check_report, check_progress, &o, NULL, NULL};
	int rc = repair ? dbcheck_repair(cli->db, &chk, &version, &repaired, &err)
			: dbcheck_run(cli->db, &chk, &version, &err);
	/* a repair is verified: exit 0 only when nothing is wrong any more */
	if (rc == KITH_OK && repaired) {
		rc = check_again(cli, &again, &err);
		left = &again;
	}
	if (rc == KITH_OK)
		print_check(cli, &o, version, repair, repaired, left);
	else
		rc = cli_fail(cli, &err);
	long wrong = left->n;
	json_decref(o.problems);
	json_decref(again.problems);
	if (rc)
		return rc;
	/* problems in the database: a storage error's exit code, as before */
	return wrong ? EXIT_INTERNAL : EXIT_OK;
}

/* Progress of a long copy, on a terminal only (cli_progress), in KiB. */
static void copy_progress(void *arg, long long done, long long total)
{
	cli_progress(arg, "restore: KiB copied", (long)(done / 1024), (long)(total / 1024));
}

/* One line before a long step that reports nothing itself, on a terminal
 * only: piped output stays clean. */
static void say_working(const char *what, const char *from, const char *to_or_into, const char *to)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "kith: %s %s %s %s ...\n", what, from, to_or_into, to);
}

int db_cli_backup(Cli *cli)
{
	Err err = {0};
	const char *file = cli_arg(cli);
	int force = cli_flag(cli, "--force");
	if (!file)
		return cli_usage_fail(cli, "FILE: missing");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	char target[256];
	db_target_redact(cli->db_path, target, sizeof target);
	say_working("backing up", target, "to", file);
	if (backup_save(cli->db, file, force, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		json_t *o = json_pack("{ss ss ss}", "db", target, "file", file, "backend",
				      db_backend(cli->db));
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "backed up %s to %s\n", target, file);
	}
	return EXIT_OK;
}

int db_cli_restore(Cli *cli)
{
	Err err = {0};
	const char *file = cli_arg(cli);
	int force = cli_flag(cli, "--force"), schema = 0;
	if (!file)
		return cli_usage_fail(cli, "FILE: missing");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	char target[256];
	db_target_redact(cli->db_path, target, sizeof target);
	say_working("restoring", file, "into", target);
	if (backup_restore(cli->db_path, file, force, copy_progress, cli, &schema, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		json_t *o = json_pack("{ss ss si si}", "db", target, "file", file, "schema", schema,
				      "latest", migrate_latest());
		cli_print_json(cli, o);
		json_decref(o);
		return EXIT_OK;
	}
	fprintf(cli->out, "restored %s into %s (schema %d)\n", file, target, schema);
	if (schema < migrate_latest())
		fprintf(cli->out,
			"the backup is older than this kith (schema %d); run 'kith db "
			"migrate' to upgrade it\n",
			migrate_latest());
	return EXIT_OK;
}

/* db_cli.c - kith init, db migrate, db check, backup, restore. */
#include "core/db_cli.h"

#include <unistd.h>

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

/* What kith db check found: every finding for --json, the first
 * KITH_CHECK_MAX_FINDINGS of each check printed as they come otherwise. */
typedef struct CheckOut {
	Cli *cli;
	json_t *problems; /* --json: the findings */
	long n;		  /* findings so far */
	int progress;	  /* a progress line is on the terminal */
} CheckOut;

static void check_report(void *arg, const DbFinding *f)
{
	CheckOut *o = arg;
	o->n++;
	if (o->cli->json) {
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
	fprintf(o->cli->out, "%s: %s%s%s\n", f->check, f->table, *f->table ? ": " : "", f->message);
}

/* Records checked against the index, on a terminal only (cli_progress). */
static void check_progress(void *arg, long done, long total)
{
	CheckOut *o = arg;
	o->progress = done < total;
	cli_progress(o->cli, "check: records", done, total);
}

int db_cli_check(Cli *cli)
{
	Err err = {0};
	int version = 0, repair = cli_flag(cli, "--repair-search");
	long repaired = 0;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	CheckOut o = {.cli = cli, .problems = json_array()};
	const SearchCheck chk = {check_report, check_progress, &o, NULL, NULL};
	int rc = repair ? dbcheck_repair(cli->db, &chk, &version, &repaired, &err)
			: dbcheck_run(cli->db, &chk, &version, &err);
	if (rc) {
		json_decref(o.problems);
		return cli_fail(cli, &err);
	}
	if (cli->json) {
		json_t *j = json_pack("{sb si si so}", "ok", o.n == 0, "schema", version, "latest",
				      migrate_latest(), "problems", o.problems);
		if (j && repair)
			json_object_set_new(j, "repaired", json_integer(repaired));
		cli_print_json(cli, j);
		json_decref(j);
	} else {
		json_decref(o.problems);
		if (o.n == 0)
			fprintf(cli->out, "ok\n");
		else
			fprintf(cli->out, "%ld problem%s found\n", o.n, o.n == 1 ? "" : "s");
		if (repair && repaired)
			fprintf(cli->out,
				"repaired %ld search document%s; run 'kith db check' again\n",
				repaired, repaired == 1 ? "" : "s");
	}
	/* problems in the database: a storage error's exit code, as before */
	return o.n ? EXIT_INTERNAL : EXIT_OK;
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

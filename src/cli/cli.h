/* cli.h - what a CLI command handler gets, and the helpers it uses to read
 * options and print. Depends on base/, store/, crm/access.h.
 *
 * Options are consumed one by one (cli_opt, cli_flag, cli_arg); after
 * reading, a handler calls cli_finish_or_fail(), which rejects leftovers.
 * Handlers return an exit code: 0 ok, 1 usage, 2 rejected/not found,
 * 3 internal/storage (cli_fail maps an Err to it). */
#ifndef KITH_CLI_CLI_H
#define KITH_CLI_CLI_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "crm/access.h"
#include "store/db.h"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_REJECTED = 2, EXIT_INTERNAL = 3 };

typedef struct CliCommand CliCommand;

typedef struct Cli {
	int argc;                /* arguments after "noun verb" */
	char **argv;
	unsigned char *used;     /* used[i] set once argv[i] is consumed */
	const CliCommand *cmd;   /* the command being run */
	const char *db_path;     /* --db or KITH_DB or "kith.db" */
	int json;                /* --json: print JSON instead of tables */
	int quiet;               /* not a terminal on stdout: no progress output */
	Db *db;                  /* open, migrated database (commands with CLI_DB) */
	Actor actor;             /* --as EMAIL, else the local system actor */
	FILE *out;               /* stdout */
} Cli;

typedef int (*CliFn)(Cli *cli);

enum {
	CLI_NODB = 0,    /* needs no database */
	CLI_DB = 1,      /* opens the database and requires it to be current */
	CLI_DB_RAW = 2,  /* opens (creates) the database but does not check its version */
};

struct CliCommand {
	const char *noun;      /* "contact" */
	const char *verb;      /* "add", or "" for single-word commands like "serve" */
	CliFn fn;
	int flags;             /* CLI_* */
	const char *summary;   /* one line for `kith help` */
	const char *usage;     /* arguments and options, one per line, for --help */
};

/* Consume "--name VALUE" or "--name=VALUE"; NULL when absent. A repeated
 * option returns the next occurrence on each call. */
const char *cli_opt(Cli *cli, const char *name);
/* Consume "--name"; 1 when present. */
int cli_flag(Cli *cli, const char *name);
/* Consume the next positional argument; NULL when none. */
const char *cli_arg(Cli *cli);
/* Reject leftover arguments: prints an error and returns EXIT_USAGE, or 0. */
int cli_finish_or_fail(Cli *cli);

/* Parse a positive record id from s; prints an error naming field and
 * returns EXIT_USAGE when s is missing or not a positive integer. */
int cli_id_or_fail(Cli *cli, const char *s, const char *field, int64_t *id);

/* Print "kith: <field>: <message>" to stderr; return the exit code for err. */
int cli_fail(Cli *cli, const Err *err);
/* Print a usage error for the current command; return EXIT_USAGE. */
int cli_usage_fail(Cli *cli, const char *fmt, ...) KITH_PRINTF(2, 3);

/* Print v as pretty JSON on stdout (and a newline). Borrowed. */
void cli_print_json(Cli *cli, const json_t *v);

/* Tables: columns are JSON keys of each row object. Prints an aligned
 * table (width counts characters, not bytes) of rows (a JSON array of
 * objects) with the given headers. Missing/null cells print as "". */
void cli_print_table(Cli *cli, const json_t *rows, const char *const *keys,
		     const char *const *headers);

/* Print an object as "key: value" lines, in the given key order (NULL =
 * all keys). Nested arrays/objects print as compact JSON. */
void cli_print_record(Cli *cli, const json_t *obj, const char *const *keys);

/* Read a password: from stdin (one line) when from_stdin, else prompt on
 * the terminal twice without echo. Returns a malloc'd string or NULL with
 * err set. */
char *cli_read_password(Cli *cli, int from_stdin, Err *err);

/* Progress on stderr when stderr is a terminal: "label: done/total". */
void cli_progress(Cli *cli, const char *label, long done, long total);

/* The command table, for help and dispatch. */
const CliCommand *cli_commands(int *n);

/* Entry point from main(). */
int cli_main(int argc, char **argv);

#endif

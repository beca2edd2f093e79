/* cli.h - what a CLI command handler gets, and the helpers it uses to read
 * options and print. Depends on base/, store/; includes nothing of core/
 * or the business contexts: what it needs of them (who is acting, the
 * workspace's zone) it asks through hooks (CliHooks, set by src/hooks.c), and
 * the helpers about a noun live in that noun's adapter (user_cli.h,
 * audit_cli.h, field_cli.h).
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

#include "base/actor.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/when.h"
#include "store/db.h"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_REJECTED = 2, EXIT_INTERNAL = 3 };

typedef struct CliCommand CliCommand;

/* What the CLI asks of the layers above it, which it does not include:
 * hooks_install() (src/hooks.c) fills one with core's functions and hands
 * it to cli_set_hooks() before cli_main(). Each returns KITH_OK or fills
 * err. */
typedef struct CliHooks {
	/* The actor a command acts as: the active user with this email, or,
	 * when email is NULL, the default one (the workspace's one active
	 * owner; the local system, unchanged *out, while there is no user).
	 * Errors name no option (dispatch names --as or KITH_USER), except
	 * "as" when the default cannot be told. (user_cli_actor) */
	int (*actor)(Db *db, const char *email, Actor *out, Err *err);
	/* The workspace's IANA zone into zone (size bytes), in which tables
	 * show instants. (workspace_cli_zone) */
	int (*zone)(Db *db, char *zone, size_t size, Err *err);
	/* Read a date or time text in the workspace's zone at the current
	 * time, as every surface does; ERR_INVALID naming field.
	 * (workspace_when) */
	int (*when)(Db *db, const char *text, int flags, const char *field, When *out, Err *err);
} CliHooks;

/* Set the hooks every later cli_main() uses: called once by hooks_install()
 * before anything else runs (hooks must outlive the process; they are read,
 * never written, after this). Without them commands that need the database
 * fail with EXIT_INTERNAL and tables show instants in UTC. */
void cli_set_hooks(const CliHooks *hooks);

typedef struct Cli {
	int argc;                /* arguments after "noun verb" */
	char **argv;
	unsigned char *used;     /* used[i] set once argv[i] is consumed */
	const CliCommand *cmd;   /* the command being run */
	const char *db_path;     /* --db or KITH_DB or "kith.db" */
	int json;                /* --json: print JSON instead of tables */
	int quiet;               /* not a terminal on stdout: no progress output */
	Db *db;                  /* open, migrated database (commands with CLI_DB) */
	const CliHooks *hooks;   /* cli_set_hooks' (NULL in a Cli a test builds) */
	Actor actor;             /* --as, KITH_USER, the one owner, or the system (dispatch.c) */
	FILE *out;               /* stdout */
	char when[4][21];        /* dates and instants read by cli_when_opt */
	int n_when;              /* how many of when are used */
} Cli;

enum { CLI_WHEN_MAX = 4 }; /* date and time options one command may read (Cli.when) */

typedef int (*CliFn)(Cli *cli);

enum {
	CLI_NODB = 0,    /* needs no database */
	CLI_DB = 1,      /* opens the database and requires it to be current */
	CLI_DB_RAW = 2,  /* opens (creates) the database but does not check its version */
	CLI_DB_SYS = 3,  /* as CLI_DB, but acts as the local system unless --as is given */
	CLI_DB_ANY = 4,  /* as CLI_DB_SYS, but any schema version: opens an existing
			    database and neither creates nor migrates it (backup, db check) */
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

/* Helpers the record adapters (contact_cli.c, company_cli.c, field_cli.c)
 * share; noun-specific wording stays in the adapters and comes in as
 * parameters. Each returns an exit code (0 = go on) unless it says else. */

/* Print an ERR_INVALID error naming field with msg; return EXIT_REJECTED. */
int cli_reject(Cli *cli, const char *field, const char *msg);

/* Consume option opt ("--due") holding a date or time, read as
 * the when hook (workspace_when) does with flags | WHEN_RELATIVE: today,
 * tomorrow, +3d, friday, local times in the workspace zone, offsets.
 * *text gets the canonical form (the date YYYY-MM-DD or the UTC instant
 * YYYY-MM-DDTHH:MM:SSZ), kept in cli until the command ends, or NULL when
 * the option is absent; *kind (may be NULL) WHEN_DATE_KIND or
 * WHEN_INSTANT_KIND (0 when absent). Returns 0, or the exit code after
 * printing "kith: OPT: what is wrong". Needs the database. */
int cli_when_opt(Cli *cli, const char *opt, int flags, const char **text, int *kind);

/* The UTC instant iso ("YYYY-MM-DDTHH:MM:SSZ") as people read it: its
 * local date and time "YYYY-MM-DD HH:MM" in the workspace zone, as tables
 * show it; any other text (a date, "") is copied as it is. out[21]. */
void cli_local_time(Cli *cli, const char *iso, char out[21]);

/* Set key of obj to the string s. argv may hold bytes that are not UTF-8,
 * which jansson refuses: then prints an error naming key. */
int cli_put_str(Cli *cli, json_t *obj, const char *key, const char *s);
/* Append the string s to arr; field names it in the UTF-8 error. */
int cli_push_str(Cli *cli, json_t *arr, const char *field, const char *s);

/* The string member key of o, or "" when it is missing or not a string.
 * Borrowed from o. */
const char *cli_str(const json_t *o, const char *key);

/* Append "street, postal_code city, region, country" of the address
 * object a to b, leaving out the empty parts. */
void cli_address_text(Buf *b, const json_t *a);

/* --street, --city, --region, --postal-code, --country into the "address"
 * object of in (set only when one is given). */
int cli_address_args(Cli *cli, json_t *in);
/* 1 when key ("city", "postal_code") is an address part, else 0. */
int cli_address_part(const char *key);

/* The --limit option's value s (NULL when absent: *limit is left alone).
 * EXIT_USAGE unless a positive integer; a value above KITH_LIST_MAX is
 * passed on as KITH_LIST_MAX + 1, so the domain's range check names it. */
int cli_limit_or_fail(Cli *cli, const char *s, int *limit);

/* The search words of `NOUN search QUERY...`: joins the remaining
 * positional arguments with single spaces into words, then checks for
 * leftovers (cli_finish_or_fail). words is initialised here in every case
 * (at most KITH_MAX_URL bytes); the caller buf_free()s it. EXIT_USAGE when
 * there are no words, EXIT_REJECTED naming "q" when they are too long. */
int cli_query_words(Cli *cli, Buf *words);

/* Print one page of a list: with --json {"items": items, "next": next or
 * null}, else a table of row(item) for each item (row returns a new
 * reference), followed, when there is a next page, by how to get the rest
 * on stderr ("more: ... --cursor C ... --all"), so a table piped on or
 * --json output stays clean. */
typedef json_t *(*CliRowFn)(const json_t *item);
void cli_print_page(Cli *cli, const json_t *items, const char *next, CliRowFn row,
		    const char *const *keys, const char *const *headers);

/* Fetch the page of a list that starts at cursor (NULL = the first):
 * the adapter puts cursor into its query and calls the domain. */
typedef int (*CliFetchFn)(Cli *cli, void *query, const char *cursor, json_t **items,
			  char **next, Err *err);
/* Turns the table rows' record ids into names (names_cli_fill_rows). */
typedef void (*CliFillFn)(Cli *cli, json_t *rows);

/* A list command's output: the page at cursor, or with all (--all) every
 * page from there on, printed as cli_print_page does, with fill (may be
 * NULL) applied to the table rows. --all prints each page as it comes and
 * frees it before reading the next, so memory holds one page: one table
 * header, with column widths from the first page; with --json one object
 * {"items": [...every item], "next": null}, written item by item. A next
 * cursor equal to the one just read stops --all with EXIT_INTERNAL; on any
 * error the output stops where it is (--json's array stays open). Returns
 * an exit code. */
int cli_list_op(Cli *cli, int all, const char *cursor, CliFetchFn fetch, void *query,
		CliRowFn row, CliFillFn fill, const char *const *keys, const char *const *headers);
/* cli_list_op with, in --json output, the members of extra (may be NULL;
 * borrowed) after "next". */
int cli_list_op_extra(Cli *cli, int all, const char *cursor, CliFetchFn fetch, void *query,
		      CliRowFn row, CliFillFn fill, const char *const *keys,
		      const char *const *headers, const json_t *extra);

/* rm, restore and purge of a record: reads ID, calls op, then prints
 * "<noun> #ID <done>" or, with --json, {"id": ID, "result": done}. */
typedef int (*CliTrashFn)(Db *db, const Actor *actor, int64_t id, Err *err);
int cli_trash_op(Cli *cli, const char *noun, CliTrashFn op, const char *done);

/* `NOUN tag ID [+TAG|-TAG]...` (and [--add TAG]... [--remove TAG]... when
 * options is set): reads the tags, calls op, then prints the record
 * (--json) or "<noun> #ID tags: a, b". EXIT_USAGE when no tag is given. */
typedef int (*CliTagFn)(Db *db, const Actor *actor, int64_t id, const json_t *add,
			const json_t *remove, json_t **out, Err *err);
int cli_tag_op(Cli *cli, const char *noun, int options, CliTagFn op);

/* The tag options of `NOUN edit`, the same for every record with tags:
 * --tag TAG (repeatable) adds, --untag TAG (repeatable) removes, and
 * --set-tags A,B replaces them all ("" clears). */
typedef struct CliTagEdit {
	json_t *add;    /* names to add (array) */
	json_t *remove; /* names to remove (array) */
	json_t *set;    /* the new list, or NULL when --set-tags is absent */
} CliTagEdit;

/* Read the tag options into t (which the caller releases with
 * cli_tag_edit_free, also after an error). An exit code, 0 when read. */
int cli_tag_edit_args(Cli *cli, CliTagEdit *t);
/* 1 when t changes tags only relative to the current ones (--tag,
 * --untag): the caller then reads the record and passes its tags and
 * version to cli_tag_edit_apply. */
int cli_tag_edit_relative(const CliTagEdit *t);
/* Set in's "tags" to the list t makes of current (an array of names; tags
 * match ignoring case and diacritics, as the domain does); nothing when t
 * holds no tag option. */
void cli_tag_edit_apply(const CliTagEdit *t, const json_t *current, json_t *in);
void cli_tag_edit_free(CliTagEdit *t);

/* What `--clear NAME` sets to null when NAME is not the JSON key itself
 * (with '-' for '_'): "due" clears due_date and due_at. */
typedef struct CliClear {
	const char *name; /* as typed: "owner", "close" */
	const char *key;  /* the JSON key: "owner_id" */
	const char *key2; /* a second key cleared with it, or NULL */
} CliClear;

/* --clear NAME options of `NOUN edit` into in: each named key set to null
 * (aliases: a table ending with {NULL}; may be NULL), an address part
 * ("city") inside "address" when address is set, "custom.KEY" inside
 * "custom". Which fields may be cleared is the domain's rule: it refuses
 * the others naming them. An exit code, 0 when read. */
int cli_clear_args(Cli *cli, json_t *in, const CliClear *aliases, int address);

/* The command table, for help and dispatch. */
const CliCommand *cli_commands(int *n);

/* Entry point from main(). */
int cli_main(int argc, char **argv);

#endif

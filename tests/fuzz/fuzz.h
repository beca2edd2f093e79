/* fuzz.h - helpers the libFuzzer targets share: NUL-terminated copies of
 * the input, splitting it at the first newline, and one migrated SQLite
 * database per process, filled with a little demo data, for the targets
 * that fuzz the domain functions behind the API. Header-only, so each
 * target is one file. See tests/fuzz/README.md. */
#ifndef KITH_TESTS_FUZZ_H
#define KITH_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "demo/demo.h"
#include "crm/contact.h"
#include "crm/field.h"
#include "core/user.h"
#include "core/workspace.h"
#include "store/db.h"
#include "store/migrate.h"

/* Stop the process: a setup step that must not fail did (libFuzzer reports
 * it as a crash, so a broken harness never passes silently). */
static inline void fuzz_die(const char *what, const Err *err)
{
	fprintf(stderr, "fuzz setup: %s: %s: %s\n", what, err ? err->field : "",
		err ? err->msg : "");
	abort();
}

/* A malloc'd NUL-terminated copy of data[0..n) (caller frees). Inputs with
 * a NUL inside are cut there, as C strings from argv or a URL would be. */
static inline char *fuzz_cstr(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Split s at its first '\n': returns the text after it (s keeps the text
 * before), or "" when there is none. */
static inline char *fuzz_split_line(char *s)
{
	char *nl = strchr(s, '\n');
	if (!nl)
		return s + strlen(s);
	*nl = '\0';
	return nl + 1;
}

typedef struct FuzzDb {
	Db *db;	      /* migrated, with demo data; kept for the process's life */
	Actor owner;  /* the local system (owner rights) */
	Actor member; /* a demo member (sees what they own or is shared) */
} FuzzDb;

/* The process's database, made on first use: an in-memory SQLite database
 * with the migrations, a workspace (PL, EUR, Europe/Warsaw), custom fields
 * of each type on contacts, and demo records (users, companies, contacts,
 * deals, activities, tasks). Callers keep it unchanged between inputs:
 * wrap writes in fuzz_db_begin()/fuzz_db_undo(). */
static inline FuzzDb *fuzz_db(void)
{
	static FuzzDb f;
	static const char *const fields[] = {
	    "{\"entity\":\"contact\",\"key\":\"budget\",\"label\":\"Budget\",\"type\":\"number\"}",
	    "{\"entity\":\"contact\",\"key\":\"renewal\",\"label\":\"Renewal\",\"type\":\"date\","
	    "\"remind_days\":30}",
	    "{\"entity\":\"contact\",\"key\":\"size\",\"label\":\"Size\",\"type\":\"select\","
	    "\"options\":[\"small\",\"large\"]}",
	    "{\"entity\":\"company\",\"key\":\"vip\",\"label\":\"VIP\",\"type\":\"boolean\"}",
	    "{\"entity\":\"deal\",\"key\":\"note\",\"label\":\"Note\",\"type\":\"text\"}",
	};
	Err err = {0};
	if (f.db)
		return &f;
	f.owner = ACTOR_SYSTEM;
	contact_links_register(); /* as hooks_install() does */
	if (db_open(&f.db, ":memory:", 1, &err) || migrate_up(f.db, NULL, &err) ||
	    workspace_init(f.db, "Fuzz", "PL", "EUR", "Europe/Warsaw", &err))
		fuzz_die("database", &err);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		json_t *in = json_loads(fields[i], 0, NULL);
		int64_t id;
		if (!in || field_define(f.db, &f.owner, in, &id, &err))
			fuzz_die("field", &err);
		json_decref(in);
	}
	DemoOptions opt = {.contacts = 40,
			   .companies = 8,
			   .deals = 20,
			   .activities = 40,
			   .tasks = 20,
			   .users = 2,
			   .seed = 7};
	if (demo_generate(f.db, &f.owner, &opt, &err))
		fuzz_die("demo data", &err);
	if (user_actor_by_email(f.db, "demo-user-2@example.com", &f.member, &err))
		fuzz_die("member", &err);
	return &f;
}

/* Open the transaction that holds one input's writes; the domain calls
 * nest inside it (db_begin counts), so none of them commits. */
static inline void fuzz_db_begin(FuzzDb *f)
{
	Err err = {0};
	if (db_begin(f->db, &err))
		fuzz_die("begin", &err);
}

/* Roll back everything the input wrote, so every input sees the same data
 * and a crash reproduces from its input alone. */
static inline void fuzz_db_undo(FuzzDb *f)
{
	db_rollback(f->db);
}

#endif

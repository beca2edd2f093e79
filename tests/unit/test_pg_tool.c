/* test_pg_tool.c - the pure parts of store/pg_tool.c: the connection
 * handed to pg_dump and pg_restore (never with the password), reading the
 * schema version out of an archive's COPY block, and the tools' messages
 * as users see them. Running the tools is tested end to end
 * (tests/e2e/backup.bats). */
#include <criterion/criterion.h>
#include <string.h>

#include "store/pg_tool.h"

static char *conninfo(const char *target, const char **password)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(target, &msg);
	cr_assert_not_null(opts, "%s", msg ? msg : "");
	Buf b;
	buf_init(&b, 0);
	pg_tool_conninfo(opts, &b, password);
	static char out[1024];
	snprintf(out, sizeof out, "%s", buf_str(&b));
	if (*password) { /* borrowed from opts: keep a copy before freeing */
		static char pw[128];
		snprintf(pw, sizeof pw, "%s", *password);
		*password = pw;
	}
	buf_free(&b);
	PQconninfoFree(opts);
	return out;
}

Test(pg_tool, conninfo_leaves_the_password_out)
{
	const char *pw = NULL;
	const char *c = conninfo("postgres://kith:s3cret@db.example:5433/crm?sslmode=require", &pw);
	cr_expect_str_eq(pw, "s3cret");
	cr_expect_null(strstr(c, "s3cret"), "%s", c);
	cr_expect_null(strstr(c, "password"), "%s", c);
	cr_expect_not_null(strstr(c, "user='kith'"), "%s", c);
	cr_expect_not_null(strstr(c, "host='db.example'"), "%s", c);
	cr_expect_not_null(strstr(c, "port='5433'"), "%s", c);
	cr_expect_not_null(strstr(c, "dbname='crm'"), "%s", c);
	cr_expect_not_null(strstr(c, "sslmode='require'"), "%s", c);
}

Test(pg_tool, conninfo_quotes_what_libpq_reads_back)
{
	const char *pw = NULL;
	const char *c = conninfo("host=h dbname='it\\'s' user='a\\\\b' password='x y'", &pw);
	cr_expect_str_eq(pw, "x y");
	/* libpq reads the string back to the same values */
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(c, &msg);
	cr_assert_not_null(opts, "%s: %s", c, msg ? msg : "");
	int seen = 0;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (strcmp(o->keyword, "dbname") == 0) {
			cr_expect_str_eq(o->val, "it's");
			seen++;
		}
		if (strcmp(o->keyword, "user") == 0) {
			cr_expect_str_eq(o->val, "a\\b");
			seen++;
		}
		if (strcmp(o->keyword, "password") == 0)
			cr_expect_null(o->val);
	}
	cr_expect_eq(seen, 2);
	PQconninfoFree(opts);
}

Test(pg_tool, conninfo_without_a_password)
{
	const char *pw = "unset";
	conninfo("postgres://kith@127.0.0.1:5432/x", &pw);
	cr_expect_null(pw);
}

/* sslpassword has no environment variable: it never reaches the command
 * line either, but a service file of its own. */
Test(pg_tool, conninfo_leaves_every_secret_out_and_the_service_file_holds_them)
{
	const char *pw = NULL;
	const char *c = conninfo("host=h dbname=d user=u password=pw sslpassword='k3y pass' "
				 "sslkey=/k.pem service=mine",
				 &pw);
	cr_expect_str_eq(pw, "pw");
	cr_expect_null(strstr(c, "k3y"), "%s", c);
	cr_expect_null(strstr(c, "sslpassword"), "%s", c);
	cr_expect_null(strstr(c, "service"), "%s", c);
	cr_expect_not_null(strstr(c, "sslkey='/k.pem'"), "%s", c);
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse("host=h sslpassword='k3y pass' password=pw", &msg);
	cr_assert_not_null(opts);
	Buf svc;
	buf_init(&svc, 0);
	cr_expect_eq(pg_tool_secrets(opts, &svc), 1);
	cr_expect_str_eq(buf_str(&svc), "[kith]\nsslpassword=k3y pass\n");
	buf_free(&svc);
	PQconninfoFree(opts);
	/* a value a service file cannot carry is refused, not cut */
	opts = PQconninfoParse("host=h sslpassword=' padded'", &msg);
	cr_assert_not_null(opts);
	buf_init(&svc, 0);
	cr_expect_eq(pg_tool_secrets(opts, &svc), -1);
	buf_free(&svc);
	PQconninfoFree(opts);
	opts = PQconninfoParse("host=h password=only", &msg);
	buf_init(&svc, 0);
	cr_expect_eq(pg_tool_secrets(opts, &svc), 0);
	cr_expect_eq(svc.len, 0);
	buf_free(&svc);
	PQconninfoFree(opts);
}

static const char script[] =
    "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n\n"
    "COPY public.other (version) FROM stdin;\n900\n\\.\n\n"
    "COPY public.schema_migration (applied_at, version) FROM stdin;\n"
    "2026-01-01T00:00:00Z\t1\n2026-01-02T00:00:00Z\t17\n2026-01-01T00:00:00Z\t3\n\\.\n\n"
    "--\n-- PostgreSQL database dump complete\n--\n";

Test(pg_tool, copy_max_reads_the_named_table_and_column)
{
	int64_t max = -1;
	cr_expect_eq(pg_tool_copy_max(script, "schema_migration", "version", &max), KITH_OK);
	cr_expect_eq(max, 17);
	cr_expect_eq(pg_tool_copy_max(script, "other", "version", &max), KITH_OK);
	cr_expect_eq(max, 900);
}

Test(pg_tool, copy_max_quoted_names_and_no_rows)
{
	int64_t max = -1;
	cr_expect_eq(pg_tool_copy_max("COPY \"s\".\"schema_migration\" (\"version\", applied_at) "
				      "FROM stdin;\n\\.\n",
				      "schema_migration", "version", &max),
		     KITH_OK);
	cr_expect_eq(max, 0);
}

Test(pg_tool, copy_max_refuses_what_is_not_there_or_not_a_number)
{
	int64_t max = 0;
	cr_expect_eq(pg_tool_copy_max("SET x = 1;\n", "schema_migration", "version", &max),
		     ERR_NOT_FOUND);
	cr_expect_eq(pg_tool_copy_max(script, "schema_migration", "nope", &max), ERR_NOT_FOUND);
	cr_expect_eq(
	    pg_tool_copy_max("COPY public.schema_migration (version) FROM stdin;\nx1\n\\.\n",
			     "schema_migration", "version", &max),
	    ERR_INVALID);
	cr_expect_eq(pg_tool_copy_max("COPY public.schema_migration_old (version) FROM "
				      "stdin;\n5\n\\.\n",
				      "schema_migration", "version", &max),
		     ERR_NOT_FOUND);
}

Test(pg_tool, message_is_the_error_line_without_the_password)
{
	char out[200];
	pg_tool_message("pg_dump: error: connection to server at \"h\" failed: FATAL:  password "
			"authentication failed for user \"kith\"\nmore\n",
			NULL, out, sizeof out);
	cr_expect_str_eq(out, "connection to server at \"h\" failed: FATAL:  password "
			      "authentication failed for user \"kith\"");
	pg_tool_message("pg_restore: while PROCESSING TOC:\npg_restore: from TOC entry 5\n"
			"pg_restore: error: could not execute query: ERROR:  x\nCommand was: y\n",
			NULL, out, sizeof out);
	cr_expect_str_eq(out, "could not execute query: ERROR:  x");
	pg_tool_message("pg_dump: error: bad dbname 'user=k password=hunter2'\n", "hunter2", out,
			sizeof out);
	cr_expect_str_eq(out, "bad dbname 'user=k password=***'");
	pg_tool_message("", "pw", out, sizeof out);
	cr_expect_str_eq(out, "");
}

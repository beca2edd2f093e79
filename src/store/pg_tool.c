/* pg_tool.c - pg_dump and pg_restore as child processes (pg_tool.h).
 * Depends on libpq, store/migrate.h (the schema this kith knows), base/. */
#define _GNU_SOURCE /* memfd_create: the service file never touches a disk */
#include "store/pg_tool.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"

extern char **environ;

/* Debian installs the client of each major version here: the tools kith
 * falls back on when PATH has none. */
#define PG_TOOL_DIR "/usr/lib/postgresql/15/bin/"

enum { PG_TOOL_MAX_ARGS = 16, PG_TOOL_MSG = 400, PG_TOOL_PATH = 4096 };

/* The service (section) of the service file that carries the secrets. */
#define PG_TOOL_SERVICE "kith"

/* file as a tool's argument: "./file" when it starts with '-', which the
 * tool would read as an option, into buf (n bytes); else file itself. */
static const char *arg_path(const char *file, char *buf, size_t n)
{
	if (file[0] != '-')
		return file;
	snprintf(buf, n, "./%s", file);
	return buf;
}

/* 1 for an option libpq marks secret (dispchar "*": password,
 * sslpassword). */
static int secret(const PQconninfoOption *o)
{
	return o->dispchar && o->dispchar[0] == '*';
}

void pg_tool_conninfo(const PQconninfoOption *opts, Buf *conn, const char **password)
{
	*password = NULL;
	for (const PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			*password = o->val;
			continue;
		}
		/* other secrets go in a service file (pg_tool_secrets); a
		 * service's options are already among opts */
		if (secret(o) || strcmp(o->keyword, "service") == 0)
			continue;
		buf_addf(conn, "%s%s='", conn->len ? " " : "", o->keyword);
		for (const char *p = o->val; *p; p++) {
			if (*p == '\'' || *p == '\\')
				buf_addc(conn, '\\');
			buf_addc(conn, *p);
		}
		buf_addc(conn, '\'');
	}
}

int pg_tool_secrets(const PQconninfoOption *opts, Buf *service)
{
	int n = 0;
	for (const PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->val || !*o->val || !secret(o) || strcmp(o->keyword, "password") == 0)
			continue;
		/* libpq reads a service file's value to the end of its line,
		 * without the spaces around it */
		size_t len = strlen(o->val);
		if (strpbrk(o->val, "\r\n") || o->val[0] == ' ' || o->val[0] == '\t' ||
		    o->val[len - 1] == ' ' || o->val[len - 1] == '\t')
			return -1;
		if (!n++)
			buf_adds(service, "[" PG_TOOL_SERVICE "]\n");
		buf_addf(service, "%s=%s\n", o->keyword, o->val);
	}
	return n;
}

/* s without a schema and without double quotes: "public"."t" is t. */
static void bare_name(const char *s, size_t len, char *out, size_t n)
{
	const char *dot = NULL;
	for (const char *p = s; p < s + len; p++)
		if (*p == '.')
			dot = p;
	if (dot) {
		len -= (size_t)(dot + 1 - s);
		s = dot + 1;
	}
	size_t k = 0;
	for (size_t i = 0; i < len && k + 1 < n; i++)
		if (s[i] != '"')
			out[k++] = s[i];
	out[k] = '\0';
}

/* The index of column in the list "(a, b, c)" starting at p, or -1. */
static int column_index(const char *p, const char *column)
{
	const char *close = strchr(p, ')');
	char name[128];
	int i = 0;
	if (*p != '(' || !close)
		return -1;
	for (p++; p < close; i++) {
		size_t len = strcspn(p, ",)");
		while (*p == ' ') {
			p++;
			len--;
		}
		bare_name(p, len, name, sizeof name);
		if (strcmp(name, column) == 0)
			return i;
		p += len + 1;
	}
	return -1;
}

/* Field i (tab-separated) of the line at p as an integer into *v. */
static int copy_field(const char *p, int i, int64_t *v)
{
	for (; i > 0; i--) {
		p += strcspn(p, "\t\n");
		if (*p != '\t')
			return ERR_INVALID;
		p++;
	}
	char *end;
	errno = 0;
	long long n = strtoll(p, &end, 10);
	if (end == p || errno || (*end && *end != '\t' && *end != '\n'))
		return ERR_INVALID;
	*v = n;
	return KITH_OK;
}

int pg_tool_copy_max(const char *sql, const char *table, const char *column, int64_t *max)
{
	char name[128];
	*max = 0;
	for (const char *p = sql; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, "COPY ", 5) != 0)
			continue;
		const char *start = p + 5, *sp = strchr(start, ' ');
		if (!sp)
			continue;
		bare_name(start, (size_t)(sp - start), name, sizeof name);
		if (strcmp(name, table) != 0)
			continue;
		int col = column_index(sp + 1, column);
		if (col < 0)
			return ERR_NOT_FOUND;
		for (p = strchr(p, '\n'); p && p[1] && strncmp(p + 1, "\\.", 2) != 0;
		     p = strchr(p + 1, '\n')) {
			int64_t v;
			if (copy_field(p + 1, col, &v))
				return ERR_INVALID;
			if (v > *max)
				*max = v;
		}
		return KITH_OK;
	}
	return ERR_NOT_FOUND;
}

void pg_tool_message(const char *text, const char *password, char *out, size_t n)
{
	const char *line = strstr(text, ": error: ");
	const char *start = text;
	if (line) { /* the first error line, not the "while PROCESSING TOC" before it */
		while (start < line && (line[-1] != '\n'))
			line--;
		start = line;
	}
	size_t len = strcspn(start, "\n");
	Buf b;
	buf_init(&b, 0);
	buf_add(&b, start, len);
	char *s = (char *)buf_str(&b), *e;
	/* "pg_dump: error: why" says why */
	if ((e = strstr(s, ": error: ")) && !memchr(s, ' ', (size_t)(e - s)))
		memmove(s, e + 9, strlen(e + 9) + 1);
	Buf o;
	buf_init(&o, 0);
	size_t pw = password ? strlen(password) : 0;
	for (const char *p = s; *p;) {
		if (pw && strncmp(p, password, pw) == 0) {
			buf_adds(&o, "***");
			p += pw;
		} else {
			buf_addc(&o, *p++);
		}
	}
	snprintf(out, n, "%s", buf_failed(&o) || buf_failed(&b) ? "(no message)" : buf_str(&o));
	buf_free(&b);
	buf_free(&o);
}

/* A finished tool: its exit status (-1 when a signal ended it) and what it
 * said, fit for a message. */
typedef struct ToolRun {
	int status;
	char msg[PG_TOOL_MSG];
} ToolRun;

/* The child's environment: the caller's, with PGPASSWORD replaced by the
 * target's password when it has one (else the caller's PGPASSWORD, if
 * any, is what libpq would use for kith itself), and PGSERVICEFILE by
 * service_file when it is not NULL. Caller frees the array and the
 * entries it made (pw_entry, sf_entry). */
static char **child_env(const char *password, const char *service_file, char **pw_entry,
			char **sf_entry)
{
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 3, sizeof *env);
	*pw_entry = *sf_entry = NULL;
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((!password || strncmp(environ[i], "PGPASSWORD=", 11) != 0) &&
		    (!service_file || strncmp(environ[i], "PGSERVICEFILE=", 14) != 0))
			env[k++] = environ[i];
	if (password) {
		size_t len = strlen(password) + 12;
		if (!(*pw_entry = malloc(len))) {
			free(env);
			return NULL;
		}
		snprintf(*pw_entry, len, "PGPASSWORD=%s", password);
		env[k++] = *pw_entry;
	}
	if (service_file) {
		size_t len = strlen(service_file) + 15;
		if (!(*sf_entry = malloc(len))) {
			free(env);
			return NULL;
		}
		snprintf(*sf_entry, len, "PGSERVICEFILE=%s", service_file);
		env[k++] = *sf_entry;
	}
	return env;
}

/* The secret options other than the password (sslpassword) in a service
 * file of their own, never on the child's command line and never on a
 * disk: an anonymous memory file (memfd) the child inherits as *fd and
 * reads through file, /proc/self/fd/N (PGSERVICEFILE for the child), gone
 * when the last descriptor closes, also when kith is killed. *fd is -1 and
 * file "" when there is no such option. */
static int write_secrets(const PQconninfoOption *opts, int *fd, char *file, size_t fn, Err *err)
{
	Buf svc;
	buf_init(&svc, 0);
	*fd = -1;
	file[0] = '\0';
	int n = pg_tool_secrets(opts, &svc), rc = KITH_OK;
	if (n < 0)
		rc = err_set(err, ERR_INVALID, "db",
			     "an sslpassword with a line break or leading or trailing spaces "
			     "cannot be handed to pg_dump or pg_restore");
	else if (n > 0 && buf_failed(&svc))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc || n == 0)
		goto done;
	*fd = memfd_create("kith-pg-service", 0); /* inherited by the child */
	if (*fd < 0 || write(*fd, svc.data, svc.len) != (ssize_t)svc.len) {
		rc = err_set(err, ERR_INTERNAL, NULL, "cannot make the service file: %s",
			     strerror(errno));
		goto done;
	}
	snprintf(file, fn, "/proc/self/fd/%d", *fd);
done:
	if (svc.data)
		memset(svc.data, 0, svc.len); /* the secret leaves no copy behind */
	buf_free(&svc);
	return rc;
}

/* Read fd to its end into out (may be NULL: read and drop). */
static void drain(int fd, Buf *out)
{
	char chunk[8192];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		if (out)
			buf_add(out, chunk, (size_t)got);
	}
}

/* Start the child: stdin from /dev/null, stdout to out_fd, stderr to
 * err_fd. 0 or an errno. */
static int spawn(pid_t *pid, const char *path, char *const *argv, char **env, int out_fd,
		 int err_fd)
{
	posix_spawn_file_actions_t fa;
	int rc = posix_spawn_file_actions_init(&fa);
	if (rc)
		return rc;
	if (!(rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) &&
	    !(rc = posix_spawn_file_actions_adddup2(&fa, out_fd, 1)) &&
	    !(rc = posix_spawn_file_actions_adddup2(&fa, err_fd, 2)))
		rc = strchr(path, '/') ? posix_spawn(pid, path, &fa, NULL, argv, env)
				       : posix_spawnp(pid, path, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* Where tool is, into path (n bytes): the first on PATH, searched as
 * execvp does (an empty entry is the current folder), so a user's choice
 * wins (Debian's /usr/bin one is postgresql-client-common's wrapper, which
 * runs the newest client installed); else PostgreSQL 15's from Debian's
 * postgresql-client-15; else tool itself, which then cannot be started. */
static const char *tool_path(const char *tool, char *path, size_t n)
{
	for (const char *p = getenv("PATH"); p && *p;) {
		size_t len = strcspn(p, ":");
		snprintf(path, n, "%.*s/%s", (int)(len ? len : 1), len ? p : ".", tool);
		if (access(path, X_OK) == 0)
			return path;
		p = p[len] ? p + len + 1 : NULL;
	}
	snprintf(path, n, PG_TOOL_DIR "%s", tool);
	return access(path, X_OK) == 0 ? path : tool;
}

/* Run tool (pg_dump, pg_restore) with args (NULL-ended) and, when opts is
 * not NULL, --dbname with opts' connection; its stdout into out (may be
 * NULL). KITH_OK once it ran (r says how it ended), or ERR_STORAGE naming
 * "db" when it could not be started. */
static int run_tool(const char *tool, const char *const *args, const PQconninfoOption *opts,
		    Buf *out, ToolRun *r, Err *err)
{
	char path[PG_TOOL_PATH], *pw_entry = NULL, *sf_entry = NULL, **env = NULL;
	char sfile[64];
	int sfd = -1;
	const char *argv[PG_TOOL_MAX_ARGS + 3], *password = NULL;
	int n = 0, rc = KITH_OK, pipefd[2] = {-1, -1};
	FILE *errf = NULL;
	Buf conn;
	buf_init(&conn, 0);
	sfile[0] = '\0';
	argv[n++] = tool_path(tool, path, sizeof path);
	for (; *args && n < PG_TOOL_MAX_ARGS; args++)
		argv[n++] = *args;
	if (opts) {
		if ((rc = write_secrets(opts, &sfd, sfile, sizeof sfile, err)))
			goto done;
		buf_adds(&conn, "--dbname=");
		pg_tool_conninfo(opts, &conn, &password);
		if (sfile[0])
			buf_adds(&conn, " service=" PG_TOOL_SERVICE);
		argv[n++] = buf_str(&conn);
	}
	argv[n] = NULL;
	if (buf_failed(&conn) ||
	    !(env = child_env(password, sfile[0] ? sfile : NULL, &pw_entry, &sf_entry)) ||
	    !(errf = tmpfile()) || pipe(pipefd) != 0) {
		rc = err_set(err, ERR_INTERNAL, NULL, "cannot start %s: %s", tool, strerror(errno));
		goto done;
	}
	fcntl(fileno(errf), F_SETFD, FD_CLOEXEC);
	fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
	fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
	pid_t pid;
	int e = spawn(&pid, argv[0], (char *const *)argv, env, pipefd[1], fileno(errf));
	close(pipefd[1]);
	pipefd[1] = -1;
	if (e) {
		rc = err_set(err, ERR_STORAGE, "db", "cannot run %s: %s%s", tool, strerror(e),
			     e == ENOENT ? " (install postgresql-client-15)" : "");
		goto done;
	}
	drain(pipefd[0], out);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	Buf said;
	buf_init(&said, 64 * 1024);
	rewind(errf);
	drain(fileno(errf), &said);
	pg_tool_message(buf_str(&said), password, r->msg, sizeof r->msg);
	if (!r->msg[0] && r->status)
		snprintf(r->msg, sizeof r->msg, "%s ended with status %d", tool, r->status);
	buf_free(&said);
done:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (errf)
		fclose(errf);
	if (pw_entry) { /* the password leaves no copy behind */
		memset(pw_entry, 0, strlen(pw_entry));
		free(pw_entry);
	}
	free(sf_entry);
	if (sfd >= 0)
		close(sfd);
	free(env);
	buf_free(&conn);
	return rc;
}

int pg_tool_dump(const PQconninfoOption *opts, const char *path, const char *target, Err *err)
{
	Buf file;
	buf_init(&file, 0);
	buf_addf(&file, "--file=%s", path);
	const char *const args[] = {"--format=custom", "--no-password", buf_str(&file), NULL};
	ToolRun r = {0};
	int rc = buf_failed(&file) ? err_set(err, ERR_INTERNAL, NULL, "out of memory")
				   : run_tool("pg_dump", args, opts, NULL, &r, err);
	buf_free(&file);
	if (rc == KITH_OK && r.status != 0)
		rc = err_set(err, ERR_STORAGE, "db", "pg_dump of %s failed: %s", target, r.msg);
	return rc;
}

/* The archive's schema version into *schema: ERR_INVALID naming "FILE"
 * unless file is a custom-format archive with kith's schema_migration. */
static int archive_schema(const char *file, int *schema, Err *err)
{
	char safe[PG_TOOL_PATH];
	const char *arg = arg_path(file, safe, sizeof safe);
	const char *const list[] = {"--list", arg, NULL};
	const char *const data[] = {"--data-only", "--table=schema_migration", "--file=-", arg,
				    NULL};
	ToolRun r = {0};
	Buf out;
	int64_t v = 0;
	buf_init(&out, 0);
	int rc = run_tool("pg_restore", list, NULL, &out, &r, err);
	if (rc == KITH_OK && r.status != 0)
		rc = err_set(err, ERR_INVALID, "FILE", "%s is not a readable backup: %s", file,
			     r.msg);
	if (rc)
		goto done;
	buf_reset(&out);
	rc = run_tool("pg_restore", data, NULL, &out, &r, err);
	if (rc == KITH_OK && r.status != 0)
		rc = err_set(err, ERR_INVALID, "FILE", "%s is not a readable backup: %s", file,
			     r.msg);
	if (rc == KITH_OK &&
	    (pg_tool_copy_max(buf_str(&out), "schema_migration", "version", &v) || v <= 0))
		rc = err_set(err, ERR_INVALID, "FILE",
			     "%s is not a kith backup (no schema_migration table with a version)",
			     file);
	if (rc == KITH_OK && v > migrate_latest())
		rc = err_set(err, ERR_CONFLICT, "FILE",
			     "%s holds schema %lld, newer than this kith (%d); restore it with a "
			     "newer kith",
			     file, (long long)v, migrate_latest());
	*schema = (int)v;
done:
	buf_free(&out);
	return rc;
}

/* Relations (tables, sequences, views) outside the system schemas into *n. */
static int count_relations(PGconn *c, const char *target, long long *n, Err *err)
{
	PGresult *res =
	    PQexec(c, "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace s "
		      "ON s.oid = c.relnamespace WHERE c.relkind IN "
		      "('r', 'p', 'S', 'v', 'm', 'f') AND s.nspname NOT IN "
		      "('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg\\_%'");
	int rc = KITH_OK;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		const char *m = PQerrorMessage(c);
		rc = err_set(err, ERR_STORAGE, "db", "cannot read %s: %.*s", target,
			     (int)strcspn(m, "\n"), m);
	} else {
		*n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	}
	PQclear(res);
	return rc;
}

/* Connect to target and refuse it unless it is empty or force; *opts
 * gets the connection's options (PQconninfo: a service's resolved, the
 * caller frees them) when it is accepted. */
static int check_target(const char *target, const char *shown, int force, PQconninfoOption **opts,
			Err *err)
{
	PGconn *c = PQconnectdb(target);
	long long n = 0;
	int rc = KITH_OK;
	if (!c)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (PQstatus(c) != CONNECTION_OK) {
		const char *m = PQerrorMessage(c);
		rc = err_set(err, ERR_STORAGE, "db", "cannot connect to %s: %.*s", shown,
			     (int)strcspn(m, "\n"), m);
	} else if (PQserverVersion(c) < 150000) {
		rc =
		    err_set(err, ERR_STORAGE, "db", "%s runs PostgreSQL %d; kith needs 15 or later",
			    shown, PQserverVersion(c) / 10000);
	} else if ((rc = count_relations(c, shown, &n, err)) == KITH_OK && n > 0 && !force) {
		rc = err_set(err, ERR_CONFLICT, "db",
			     "%s is not empty (%lld tables, sequences or views); restore into an "
			     "empty database, or add --force to replace what the backup holds",
			     shown, n);
	}
	if (rc == KITH_OK && !(*opts = PQconninfo(c)))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	PQfinish(c);
	return rc;
}

int pg_tool_restore(const char *target, const char *file, int force, int *schema, Err *err)
{
	char shown[256];
	PQconninfoOption *opts = NULL;
	db_target_redact(target, shown, sizeof shown);
	int rc = archive_schema(file, schema, err);
	if (rc || (rc = check_target(target, shown, force, &opts, err)))
		return rc;
	char safe[PG_TOOL_PATH];
	const char *arg = arg_path(file, safe, sizeof safe);
	const char *const plain[] = {"--no-password",
				     "--exit-on-error",
				     "--single-transaction",
				     "--no-owner",
				     "--no-privileges",
				     arg,
				     NULL};
	const char *const clean[] = {"--no-password",
				     "--exit-on-error",
				     "--single-transaction",
				     "--no-owner",
				     "--no-privileges",
				     "--clean",
				     "--if-exists",
				     arg,
				     NULL};
	ToolRun r = {0};
	rc = run_tool("pg_restore", force ? clean : plain, opts, NULL, &r, err);
	if (rc == KITH_OK && r.status != 0)
		rc = err_set(err, ERR_STORAGE, "db",
			     "pg_restore into %s failed, nothing was restored: %s", shown, r.msg);
	PQconninfoFree(opts);
	return rc;
}

/* backup.c - kith backup and kith restore (backup.h): the files around a
 * backup on both backends, and restoring an SQLite one. PostgreSQL's
 * restore is pg_tool.c's. Depends on sqlite3, store/, base/. */
#include "store/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db_backend.h"
#include "store/migrate.h"
#include "store/pg_tool.h"

enum { KIND_OTHER, KIND_SQLITE, KIND_PG };

/* SQLite's file header (with its NUL) and pg_dump's custom format's. */
static const char sqlite_magic[16] = "SQLite format 3";
static const char pg_magic[5] = {'P', 'G', 'D', 'M', 'P'};

/* The bytes SQLite locks in a database file (its PENDING, RESERVED and
 * SHARED bytes): a connection in WAL mode holds a read lock there for as
 * long as it is open. */
enum { LITE_LOCK_START = 0x40000000, LITE_LOCK_LEN = 512 };

enum { COPY_CHUNK = 1024 * 1024 };

/* A new empty file "path.tag-XXXXXX" beside path, its name into out and
 * its open descriptor into *fd; ERR_INVALID naming field when it cannot be
 * made. */
static int make_tmp(const char *path, const char *tag, char *out, size_t n, int *fd,
		    const char *field, Err *err)
{
	if ((size_t)snprintf(out, n, "%s.%s-XXXXXX", path, tag) >= n)
		return err_set(err, ERR_INVALID, field, "%s: the name is too long", path);
	if ((*fd = mkstemp(out)) < 0)
		return err_set(err, ERR_INVALID, field, "cannot create a file beside %s: %s", path,
			       strerror(errno));
	return KITH_OK;
}

/* Remove a database file and what SQLite keeps beside it. */
static void remove_db_files(const char *path)
{
	static const char *const ext[] = {"-wal", "-shm", "-journal"};
	char side[PATH_MAX + 16];
	unlink(path);
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(side, sizeof side, "%s%s", path, ext[i]);
		unlink(side);
	}
}

/* The size of path's "-wal" file, 0 when there is none. */
static long long wal_size(const char *path)
{
	char wal[PATH_MAX + 8];
	struct stat st;
	snprintf(wal, sizeof wal, "%s-wal", path);
	return stat(wal, &st) == 0 ? (long long)st.st_size : 0;
}

static int sync_file(const char *path, const char *field, Err *err)
{
	int fd = open(path, O_RDONLY), rc = KITH_OK;
	if (fd < 0 || fsync(fd) != 0)
		rc = err_set(err, ERR_STORAGE, field, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Make a rename in path's folder durable. */
static void sync_dir(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Give tmp the name file: over an existing file only when force (link
 * refuses an existing name atomically; where links are not supported, a
 * check then rename). */
static int put_in_place(const char *tmp, const char *file, int force, Err *err)
{
	if (!force) {
		if (link(tmp, file) == 0) {
			unlink(tmp);
			return KITH_OK;
		}
		if (errno == EEXIST || access(file, F_OK) == 0)
			return err_set(err, ERR_CONFLICT, "FILE",
				       "%s exists; choose a new file, or add --force to replace it",
				       file);
	}
	if (rename(tmp, file) != 0)
		return err_set(err, ERR_INVALID, "FILE", "cannot write %s: %s", file,
			       strerror(errno));
	return KITH_OK;
}

/* 1 when the file st describes is db's own SQLite database file or one
 * SQLite keeps beside it (-wal, -shm, -journal): the same device and
 * inode, whatever the names (a link, another path to it). */
static int is_live_file(Db *db, const struct stat *st)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	const char *live = strcmp(db_backend(db), "sqlite") == 0
			       ? sqlite3_db_filename((sqlite3 *)db->h, "main")
			       : NULL;
	char path[PATH_MAX + 16];
	struct stat ls;
	for (size_t i = 0; live && *live && i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(path, sizeof path, "%s%s", live, ext[i]);
		if (stat(path, &ls) == 0 && ls.st_dev == st->st_dev && ls.st_ino == st->st_ino)
			return 1;
	}
	return 0;
}

int backup_save(Db *db, const char *file, int force, Err *err)
{
	char tmp[PATH_MAX];
	struct stat st;
	int exists = lstat(file, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		return err_set(err, ERR_INVALID, "FILE", "%s is a folder; name a file in it", file);
	/* the name rename() would replace, whichever path spells it */
	if (exists && is_live_file(db, &st))
		return err_set(err, ERR_INVALID, "FILE",
			       "%s is the live database itself; back up to another file", file);
	if (exists && !force)
		return err_set(err, ERR_CONFLICT, "FILE",
			       "%s exists; choose a new file, or add --force to replace it", file);
	int fd, rc = make_tmp(file, "tmp", tmp, sizeof tmp, &fd, "FILE", err);
	if (rc)
		return rc;
	close(fd);
	rc = db_backup(db, tmp, err);
	if (rc == KITH_OK)
		rc = sync_file(tmp, "FILE", err);
	if (rc == KITH_OK)
		rc = put_in_place(tmp, file, force, err);
	if (rc)
		remove_db_files(tmp);
	else
		sync_dir(file);
	return rc;
}

/* What file is, by its first bytes: ERR_NOT_FOUND naming "FILE" when it
 * cannot be read. */
static int file_kind(const char *file, int *kind, Err *err)
{
	char head[16] = {0};
	struct stat st;
	int fd = open(file, O_RDONLY);
	if (fd < 0)
		return err_set(err, ERR_NOT_FOUND, "FILE", "cannot read %s: %s", file,
			       strerror(errno));
	ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head) : -1;
	close(fd);
	if (got < 0)
		return err_set(err, ERR_INVALID, "FILE", "%s is not a file", file);
	*kind = got == sizeof head && memcmp(head, sqlite_magic, sizeof sqlite_magic) == 0
		    ? KIND_SQLITE
		: got >= (ssize_t)sizeof pg_magic && memcmp(head, pg_magic, sizeof pg_magic) == 0
		    ? KIND_PG
		    : KIND_OTHER;
	return KITH_OK;
}

/* ERR_CONFLICT when another process has the SQLite database at path open
 * (a lock on its lock bytes). */
static int lite_not_in_use(const char *path, Err *err)
{
	struct flock fl = {.l_type = F_WRLCK,
			   .l_whence = SEEK_SET,
			   .l_start = LITE_LOCK_START,
			   .l_len = LITE_LOCK_LEN};
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return err_set(err, ERR_STORAGE, "db", "cannot read %s: %s", path, strerror(errno));
	int got = fcntl(fd, F_GETLK, &fl);
	close(fd);
	if (got == 0 && fl.l_type != F_UNLCK)
		return err_set(err, ERR_CONFLICT, "db",
			       "%s is in use by process %ld (kith serve?); stop it, then restore",
			       path, (long)fl.l_pid);
	return KITH_OK;
}

/* Copy file into fd (then synced and closed), telling progress. */
static int copy_into(const char *file, int fd, BackupProgress progress, void *arg, Err *err)
{
	static char chunk[COPY_CHUNK];
	struct stat st;
	long long done = 0;
	int in = open(file, O_RDONLY), rc = KITH_OK;
	if (in < 0 || fstat(in, &st) != 0) {
		rc = err_set(err, ERR_NOT_FOUND, "FILE", "cannot read %s: %s", file,
			     strerror(errno));
		goto done;
	}
	for (;;) {
		ssize_t got = read(in, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = err_set(err, ERR_STORAGE, "FILE", "cannot read %s: %s", file,
				     strerror(errno));
			goto done;
		}
		if (got == 0)
			break;
		for (ssize_t off = 0; off < got;) {
			ssize_t put = write(fd, chunk + off, (size_t)(got - off));
			if (put < 0 && errno == EINTR)
				continue;
			if (put < 0) {
				rc = err_set(err, ERR_STORAGE, "db", "cannot write: %s",
					     strerror(errno));
				goto done;
			}
			off += put;
		}
		done += got;
		if (progress)
			progress(arg, done, (long long)st.st_size);
	}
	if (fsync(fd) != 0)
		rc = err_set(err, ERR_STORAGE, "db", "cannot write: %s", strerror(errno));
done:
	if (in >= 0)
		close(in);
	close(fd);
	return rc;
}

/* The first column of sql's first row as text into out ("" when none);
 * *row 1 when there was a row. An SQLite result code. */
static int lite_one(sqlite3 *h, const char *sql, char *out, size_t n, int *row)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	out[0] = '\0';
	*row = 0;
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(out, n, "%s", t ? (const char *)t : "");
		*row = 1;
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Check the copy at tmp of the backup file: an intact SQLite database
 * with kith's schema_migration at a version this kith knows. */
static int lite_verify(const char *tmp, const char *file, int *schema, Err *err)
{
	sqlite3 *h = NULL;
	char text[512];
	int row = 0, rc = KITH_OK, s = sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READWRITE, NULL);
	if (s == SQLITE_OK)
		s = lite_one(h, /* census: sqlite */ "PRAGMA integrity_check", text, sizeof text, &row);
	if (s != SQLITE_OK || strcmp(text, "ok") != 0) {
		for (char *p = text; (p = strchr(p, '\n'));)
			*p = ' '; /* integrity_check's lines */
		rc = err_set(err, ERR_INVALID, "FILE", "%s is damaged: %s", file,
			     s != SQLITE_OK ? (h ? sqlite3_errmsg(h) : "out of memory") : text);
		goto done;
	}
	if (lite_one(h,
		     /* census: sqlite */ "SELECT name FROM sqlite_master WHERE type = 'table' AND "
		     "name = 'schema_migration'",
		     text, sizeof text, &row) != SQLITE_OK ||
	    !row ||
	    lite_one(h, "SELECT COALESCE(MAX(version), 0) FROM schema_migration", text, sizeof text,
		     &row) != SQLITE_OK ||
	    (*schema = atoi(text)) <= 0) {
		rc = err_set(err, ERR_INVALID, "FILE",
			     "%s is not a kith backup (no schema_migration table with a version)",
			     file);
		goto done;
	}
	if (*schema > migrate_latest()) {
		rc = err_set(
		    err, ERR_CONFLICT, "FILE",
		    "%s holds schema %d, newer than this kith (%d); restore it with a newer "
		    "kith",
		    file, *schema, migrate_latest());
		goto done;
	}
	s = lite_one(h, /* census: sqlite */ "PRAGMA foreign_key_check", text, sizeof text, &row);
	if (s != SQLITE_OK || row)
		rc = err_set(err, ERR_INVALID, "FILE", "%s is damaged: %s%s", file,
			     s != SQLITE_OK ? sqlite3_errmsg(h) : "a foreign key fails in table ",
			     s != SQLITE_OK ? "" : text);
done:
	if (sqlite3_close(h) != SQLITE_OK && rc == KITH_OK)
		rc = err_set(err, ERR_STORAGE, "db", "cannot close the restored copy");
	return rc;
}

/* Before the old database at target is replaced: copy its write-ahead log
 * into it and empty the log (a checkpoint), then remove the log, so no log
 * of the old database is left for the restored one to read, even after a
 * crash between the rename and the clean-up. A damaged old database may
 * refuse the checkpoint: it is being replaced (--force), so its log goes
 * too. */
static void lite_settle_old(const char *target)
{
	char wal[PATH_MAX + 8];
	int kind = KIND_OTHER;
	Err ignored = {0};
	if (file_kind(target, &kind, &ignored) == KITH_OK && kind == KIND_SQLITE) {
		sqlite3 *h = NULL;
		if (sqlite3_open_v2(target, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
			sqlite3_exec(h, /* census: sqlite */ "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(h);
	}
	snprintf(wal, sizeof wal, "%s-wal", target);
	unlink(wal);
}

static int lite_restore(const char *target, const char *file, int force, BackupProgress progress,
			void *arg, int *schema, Err *err)
{
	char tmp[PATH_MAX], shm[PATH_MAX + 8];
	struct stat st;
	int exists = stat(target, &st) == 0, rc;
	if (exists && !S_ISREG(st.st_mode))
		return err_set(err, ERR_INVALID, "db", "%s is not a file", target);
	if (exists && !force && (st.st_size > 0 || wal_size(target) > 0))
		return err_set(err, ERR_CONFLICT, "db",
			       "%s exists and holds data; restore into a new file (--db NEW.db), "
			       "or add --force to replace it",
			       target);
	if (exists && (rc = lite_not_in_use(target, err)))
		return rc;
	if (wal_size(file) > 0)
		return err_set(err, ERR_INVALID, "FILE",
			       "%s has a write-ahead log beside it: it is a live database, not a "
			       "backup; make one with kith backup",
			       file);
	int fd;
	if ((rc = make_tmp(target, "restore", tmp, sizeof tmp, &fd, "db", err)))
		return rc;
	/* the old database's mode, or what kith init would give a new one */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, exists ? st.st_mode & 0777 : 0644 & ~mask); /* SQLite's default */
	rc = copy_into(file, fd, progress, arg, err);
	if (rc == KITH_OK)
		rc = lite_verify(tmp, file, schema, err);
	if (rc == KITH_OK && exists)
		rc = lite_not_in_use(target, err);
	if (rc == KITH_OK) /* also the log a removed database left: it is no one's */
		lite_settle_old(target);
	if (rc == KITH_OK && rename(tmp, target) != 0)
		rc = err_set(err, ERR_STORAGE, "db", "cannot replace %s: %s", target,
			     strerror(errno));
	if (rc) {
		remove_db_files(tmp);
		return rc;
	}
	snprintf(shm, sizeof shm, "%s-shm", target);
	unlink(shm);
	sync_dir(target);
	return KITH_OK;
}

int backup_restore(const char *target, const char *file, int force, BackupProgress progress,
		   void *arg, int *schema, Err *err)
{
	int kind = KIND_OTHER, rc;
	*schema = 0;
	if (!target || !*target)
		return err_set(err, ERR_INVALID, "db", "no database given (use --db or KITH_DB)");
	if ((rc = file_kind(file, &kind, err)))
		return rc;
	if (db_target_is_file(target)) {
		if (kind == KIND_PG)
			return err_set(err, ERR_INVALID, "FILE",
				       "%s is a backup of a PostgreSQL database (pg_dump's custom "
				       "format): restore it with --db postgres://... (moving data "
				       "between backends, kith db copy, is not available yet)",
				       file);
		if (kind != KIND_SQLITE)
			return err_set(err, ERR_INVALID, "FILE",
				       "%s is not a kith backup (not an SQLite database)", file);
		return lite_restore(target, file, force, progress, arg, schema, err);
	}
	if (kind == KIND_SQLITE)
		return err_set(err, ERR_INVALID, "FILE",
			       "%s is a backup of an SQLite database: restore it into a database "
			       "file (--db PATH); moving data between backends (kith db copy) "
			       "is not available yet",
			       file);
	if (kind != KIND_PG)
		return err_set(err, ERR_INVALID, "FILE",
			       "%s is not a kith backup (not a pg_dump custom-format archive)",
			       file);
	return pg_tool_restore(target, file, force, schema, err);
}

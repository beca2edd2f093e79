/* links.h - what happens to the rows that reference a record when it is
 * trashed, restored or purged, applied from one declaration table
 * (core/links.def: detach, cascade, restrict; refresh on trash). The nouns
 * call links_trash / links_restore / links_changed / links_purge in their
 * own transaction instead of calling each other, so a noun never needs to
 * know who points at it. Depends on store/ and base/ only; knows no noun:
 * a kind whose stored copies must be rebuilt when a record they show
 * changes registers its refresh function (links_set_refresh) at start-up. */
#ifndef KITH_CORE_LINKS_H
#define KITH_CORE_LINKS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

/* What purging the referenced record does to a referencing row. */
typedef enum LinksPurge {
	LINKS_DETACH,	     /* the column becomes NULL */
	LINKS_DETACH_SHARED, /* detached when also linked elsewhere, else deleted (schema) */
	LINKS_CASCADE,	     /* the row is deleted */
	LINKS_RESTRICT,	     /* the purge is refused while the row exists */
} LinksPurge;

/* What trashing or restoring it (and links_changed) does. */
typedef enum LinksTrash {
	LINKS_KEEP,    /* nothing */
	LINKS_REFRESH, /* the referencing record's stored JSON and search document are rebuilt */
} LinksTrash;

/* The ON DELETE of the column's foreign key in the schema. */
typedef enum LinksFk {
	LINKS_FK_NONE,	    /* no foreign key */
	LINKS_FK_CASCADE,   /* ON DELETE CASCADE */
	LINKS_FK_SET_NULL,  /* ON DELETE SET NULL */
	LINKS_FK_NO_ACTION, /* no ON DELETE: the DELETE fails while referenced */
} LinksFk;

/* One line of links.def: table.column holds the id of a `kind` record. */
typedef struct LinksRef {
	const char *kind;	  /* the referenced kind ("contact", "stage", ...) */
	const char *table;	  /* the referencing table */
	const char *column;	  /* its column holding the id */
	LinksPurge purge;	  /* effect of a purge */
	LinksTrash trash;	  /* effect of trash, restore and links_changed */
	LinksFk schema;		  /* what the schema's foreign key declares */
	int touch;		  /* 1: a detach bumps the row's version and updated_at */
	const char *purge_sql;	  /* the purge effect's statement: ?1 id, ?2 now when touch */
	const char *refresh_sql;  /* ids of the referencing rows (?1 id); NULL unless REFRESH */
	const char *restrict_fmt; /* "%s %lld <message>": kind, id, count */
} LinksRef;

/* A record kind of links.def and its table. */
typedef struct LinksKind {
	const char *kind;  /* "contact", "user", ... (the audit entity name) */
	const char *table; /* "contact", "app_user", ... */
	int search;	   /* 1: has a search document that its purge removes */
} LinksKind;

/* The declaration table (static, never freed): *n receives its length. */
const LinksRef *links_refs(size_t *n);
const LinksKind *links_kinds(size_t *n);

/* 1 when the DELETE of the referenced row applies ref's purge effect
 * through the schema's foreign key (CASCADE on ON DELETE CASCADE, DETACH
 * on ON DELETE SET NULL), so links_purge runs nothing for it. */
int links_by_schema(const LinksRef *ref);

/* The name PRAGMA foreign_key_list gives fk's on_delete ("CASCADE", "SET
 * NULL", "NO ACTION"); NULL for LINKS_FK_NONE. */
const char *links_fk_name(LinksFk fk);

/* Rebuilds the stored JSON and search documents of the records of one kind
 * whose ids ids holds (int64_t values; missing ones skipped), in the
 * caller's transaction. */
typedef int (*LinksRefreshFn)(Db *db, const Buf *ids, Err *err);

/* Register kind's refresh function (REFRESH lines whose table is kind's
 * table call it); kind must be declared in links.def (asserted). Called
 * once at start-up, before any thread starts (main.c; the test fixtures):
 * the one piece of process-wide state here, the price of a lower layer
 * calling up without naming what it calls. */
void links_set_refresh(const char *kind, LinksRefreshFn fn);

/* Record id of kind went to the trash, came back from it (restore), or
 * changed what referencing records show of it (links_changed: a company's
 * name): apply every REFRESH line of kind. Runs in the caller's
 * transaction. ERR_STORAGE; ERR_INTERNAL for an unknown kind or when rows
 * need a refresh function nobody registered. */
int links_trash(Db *db, const char *kind, int64_t id, Err *err) KITH_WARN_UNUSED;
int links_restore(Db *db, const char *kind, int64_t id, Err *err) KITH_WARN_UNUSED;
int links_changed(Db *db, const char *kind, int64_t id, Err *err) KITH_WARN_UNUSED;

/* Record id of kind is about to be deleted for good: refuse with
 * ERR_CONFLICT (naming field, "<kind> <id> <what still references it>"
 * with the count) when a RESTRICT line has rows, checked before anything
 * changes; else detach and delete the referencing rows the schema does not
 * (refreshing detached rows of REFRESH lines), and remove the kind's
 * search document. Call it just before the DELETE of the row, in the same
 * transaction: that DELETE applies the lines the schema does. ERR_STORAGE;
 * ERR_INTERNAL for an unknown kind. */
int links_purge(Db *db, const char *kind, int64_t id, const char *field, Err *err) KITH_WARN_UNUSED;

#endif

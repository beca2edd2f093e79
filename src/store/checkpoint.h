/* checkpoint.h - a background checkpointer for one database file, so no
 * request pays for copying the WAL into the database.
 *
 * With WAL and synchronous=FULL a commit appends its pages to the WAL and
 * syncs the WAL once. SQLite's automatic checkpoint then copies the WAL
 * into the database file and syncs that, inside whichever commit crosses
 * 1000 WAL pages: one request in a few hundred waited for a copy and sync
 * of a large database (p99 over 100 ms at 1M contacts). `kith serve`
 * turns the automatic checkpoint off on its request connections
 * (checkpointer_attach) and checkpoints from this thread instead: PASSIVE
 * (never blocks a writer or reader) as soon as the WAL passes a size, and
 * TRUNCATE (empties the WAL file) once the database has been idle a while.
 * Other connections (the CLI, a second process) keep SQLite's automatic
 * checkpoint, so the WAL stays bounded when no server runs.
 *
 * Depends on store/db.h and pthreads only. */
#ifndef KITH_STORE_CHECKPOINT_H
#define KITH_STORE_CHECKPOINT_H

#include "base/err.h"
#include "store/db.h"

typedef struct Checkpointer Checkpointer;

/* Open a connection to db_path and start the thread that checkpoints it:
 * when a commit on an attached connection leaves pages or more WAL frames,
 * and KITH_CHECKPOINT_IDLE_MS after the last commit. pages must be > 0.
 * db_path must outlive the checkpointer. *out is owned by the caller
 * (checkpointer_stop). Errors: those of db_open, ERR_INTERNAL when the
 * thread cannot start. */
int checkpointer_start(Checkpointer **out, const char *db_path, unsigned pages,
		       Err *err) KITH_WARN_UNUSED;

/* Hand db's checkpoints to ck: db no longer checkpoints inside its own
 * commits. db must be a connection to ck's file, and must be closed (or
 * never commit again) before checkpointer_stop. Safe from any thread. */
void checkpointer_attach(Checkpointer *ck, Db *db);

/* Stop the thread (a checkpoint under way finishes first: it is bounded by
 * the WAL's size), close its connection and free ck. NULL is a no-op. */
void checkpointer_stop(Checkpointer *ck);

#endif

/* checkpoint.c - the background checkpointer of checkpoint.h: one thread
 * with its own connection, woken by the commits of the attached ones.
 * Depends on store/db.h, base/, pthreads. */
#include "store/checkpoint.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "base/limits.h"

struct Checkpointer {
	Db *db;			  /* the thread's own connection */
	unsigned pages;		  /* WAL frames that ask for a PASSIVE checkpoint */
	pthread_t thread;	  /* runs checkpointer_main */
	pthread_mutex_t lock;	  /* guards stop, and wake's waits */
	pthread_cond_t wake;	  /* signalled by a commit past pages, and by stop */
	int stop;		  /* checkpointer_stop asks the thread to end */
	atomic_int wanted;	  /* a commit left pages or more frames to copy */
	atomic_int frames;	  /* WAL frames after the latest commit */
	atomic_int copied;	  /* frames the last checkpoint left in the database */
	atomic_ulong commits;	  /* commits seen on attached connections */
	atomic_llong last_commit; /* CLOCK_MONOTONIC ms of the latest */
	unsigned long truncated;  /* commits when the WAL was last emptied (thread only) */
};

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* db_on_commit's callback, on the committing thread: note the commit, and
 * wake the thread once when pages frames have been added since the last
 * checkpoint. Counting from the last checkpoint, not from the start of the
 * WAL, matters: a checkpoint leaves the WAL as long as it was until a
 * commit can start it over, and checkpointing again at every commit until
 * then would sync the database file once per commit. */
static void on_commit(void *arg, int frames)
{
	Checkpointer *ck = arg;
	atomic_fetch_add(&ck->commits, 1);
	atomic_store(&ck->last_commit, now_ms());
	if (frames < atomic_exchange(&ck->frames, frames))
		atomic_store(&ck->copied, 0); /* the WAL started over */
	int copied = atomic_load(&ck->copied);
	if (frames >= copied && (unsigned)(frames - copied) >= ck->pages &&
	    !atomic_exchange(&ck->wanted, 1)) {
		pthread_mutex_lock(&ck->lock);
		pthread_cond_signal(&ck->wake);
		pthread_mutex_unlock(&ck->lock);
	}
}

/* One round: a PASSIVE checkpoint when a commit asked for one; after
 * KITH_CHECKPOINT_IDLE_MS without a commit, copy what is left and empty
 * the WAL file. A busy database or a failure is tried again next round. */
static void checkpoint_round(Checkpointer *ck)
{
	Err err = {0};
	int copied = 0;
	if (atomic_exchange(&ck->wanted, 0)) {
		/* busy or failed: the next commit asks again */
		if (db_checkpoint(ck->db, 0, NULL, &copied, &err) == KITH_OK)
			atomic_store(&ck->copied, copied);
		return;
	}
	unsigned long commits = atomic_load(&ck->commits);
	if (commits == ck->truncated ||
	    now_ms() - atomic_load(&ck->last_commit) < KITH_CHECKPOINT_IDLE_MS)
		return;
	/* PASSIVE first: it copies without the write lock, so the TRUNCATE
	 * that holds it has nothing left to copy and sync. */
	if (db_checkpoint(ck->db, 0, NULL, NULL, &err) == KITH_OK &&
	    db_checkpoint(ck->db, 1, NULL, NULL, &err) == KITH_OK) {
		ck->truncated = commits;
		atomic_store(&ck->copied, 0);
	}
}

static void *checkpointer_main(void *arg)
{
	Checkpointer *ck = arg;
	pthread_mutex_lock(&ck->lock);
	while (!ck->stop) {
		if (!atomic_load(&ck->wanted)) {
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += KITH_CHECKPOINT_IDLE_MS % 1000 * 1000000L;
			t.tv_sec += KITH_CHECKPOINT_IDLE_MS / 1000 + t.tv_nsec / 1000000000L;
			t.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&ck->wake, &ck->lock, &t);
			if (ck->stop)
				break;
		}
		pthread_mutex_unlock(&ck->lock);
		checkpoint_round(ck);
		pthread_mutex_lock(&ck->lock);
	}
	pthread_mutex_unlock(&ck->lock);
	return NULL;
}

int checkpointer_start(Checkpointer **out, const char *db_path, unsigned pages, Err *err)
{
	*out = NULL;
	Checkpointer *ck = calloc(1, sizeof *ck);
	if (!ck)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	int rc = db_open(&ck->db, db_path, 0, err);
	if (rc) {
		free(ck);
		return rc;
	}
	ck->pages = pages ? pages : 1;
	atomic_store(&ck->last_commit, now_ms());
	pthread_mutex_init(&ck->lock, NULL);
	pthread_cond_init(&ck->wake, NULL);
	if (pthread_create(&ck->thread, NULL, checkpointer_main, ck) != 0) {
		pthread_mutex_destroy(&ck->lock);
		pthread_cond_destroy(&ck->wake);
		db_close(ck->db);
		free(ck);
		return err_set(err, ERR_INTERNAL, NULL, "cannot start the checkpoint thread");
	}
	*out = ck;
	return KITH_OK;
}

void checkpointer_attach(Checkpointer *ck, Db *db)
{
	db_on_commit(db, on_commit, ck);
}

void checkpointer_stop(Checkpointer *ck)
{
	if (!ck)
		return;
	pthread_mutex_lock(&ck->lock);
	ck->stop = 1;
	pthread_cond_signal(&ck->wake);
	pthread_mutex_unlock(&ck->lock);
	pthread_join(ck->thread, NULL);
	pthread_mutex_destroy(&ck->lock);
	pthread_cond_destroy(&ck->wake);
	db_close(ck->db);
	free(ck);
}

/* deadline.h - a connection's deadline, shared by the thread serving the
 * connection and the reaper thread that cuts it off (slowloris).
 *
 * The deadline is an atomic CLOCK_MONOTONIC time in milliseconds: 0 while
 * none applies, DEADLINE_REAPED once the reaper has claimed the connection.
 * Both sides change it only by compare-and-swap from what they saw, so a
 * worker that has claimed a request ("all arrived", 0) is never cut off by
 * a reaper that read the old deadline, and a worker never dispatches a
 * request on a connection the reaper has claimed.
 *
 * Depends on libc. */
#ifndef KITH_HTTP_DEADLINE_H
#define KITH_HTTP_DEADLINE_H

#include <stdatomic.h>

#define DEADLINE_NONE 0LL
#define DEADLINE_REAPED (-1LL)

/* The worker: the connection's next bytes must arrive by at (DEADLINE_NONE:
 * no deadline). Returns 0, or -1 when the reaper has claimed the connection
 * (the deadline stays DEADLINE_REAPED; the caller must not go on with it). */
int deadline_set(atomic_llong *d, long long at);

/* The reaper: seen is the deadline it read before. Returns 1 when seen had
 * passed at now and the deadline still was seen, now DEADLINE_REAPED (the
 * caller shuts the socket down); 0 when seen had not passed, or the worker
 * changed the deadline since. */
int deadline_reap(atomic_llong *d, long long seen, long long now);

#endif

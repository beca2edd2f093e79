/* deadline.c - a connection's deadline between its worker and the reaper
 * (see deadline.h).
 *
 * Depends on libc. */
#include "http/deadline.h"

int deadline_set(atomic_llong *d, long long at)
{
	long long seen = atomic_load(d);
	do {
		if (seen == DEADLINE_REAPED)
			return -1;
	} while (!atomic_compare_exchange_weak(d, &seen, at));
	return 0;
}

int deadline_reap(atomic_llong *d, long long seen, long long now)
{
	if (seen <= DEADLINE_NONE || now <= seen)
		return 0;
	return atomic_compare_exchange_strong(d, &seen, DEADLINE_REAPED);
}

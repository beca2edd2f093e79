/* demo.h - realistic multilingual demo data (Latin, Thai, Turkish and
 * Polish names, companies, phones in local formats, tags, statuses) made
 * through the same domain calls as real data. Deterministic for a seed.
 * Depends on crm/{contact,company,audit}, store/, base/. */
#ifndef KITH_CRM_DEMO_H
#define KITH_CRM_DEMO_H

#include <stdint.h>

#include "crm/access.h"
#include "store/db.h"

typedef struct DemoOptions {
	long contacts;        /* contacts to make */
	long companies;       /* companies to make (made first) */
	uint64_t seed;        /* PRNG seed; same seed, same data */
	/* Called every chunk with rows done so far and the total; may be NULL. */
	void (*progress)(void *ctx, long done, long total);
	void *progress_ctx;
} DemoOptions;

/* Make the demo rows, in chunks of one transaction each, and one audit
 * entry summarising the run. ERR_INVALID naming "contacts"/"companies" when
 * a count is negative or above KITH_MAX_DEMO. */
int demo_generate(Db *db, const Actor *actor, const DemoOptions *opt, Err *err) KITH_WARN_UNUSED;

#endif

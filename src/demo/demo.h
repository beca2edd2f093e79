/* demo.h - realistic multilingual demo data (Latin, Thai, Turkish and
 * Polish names, companies, phones in local formats, tags, statuses; users,
 * deals in two pipelines, activities, tasks) made through the same domain
 * calls as real data. Deterministic for a seed (except the users' random
 * passwords). Depends on core/{audit,record,user}, crm/{contact,company,
 * pipeline,deal,activity,task}, store/, base/. */
#ifndef KITH_DEMO_DEMO_H
#define KITH_DEMO_DEMO_H

#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

typedef struct DemoOptions {
	long contacts;        /* contacts to make */
	long companies;       /* companies to make (made first) */
	long deals;           /* deals to make, in the default pipeline and "Projects" */
	long activities;      /* activities to make, linked to the contacts/companies made */
	long tasks;           /* tasks to make (about four in five open) */
	long users;           /* demo members who own and are assigned the records, 0..100 */
	uint64_t seed;        /* PRNG seed; same seed, same data */
	/* Called every chunk with rows done so far and the total; may be NULL. */
	void (*progress)(void *ctx, long done, long total);
	void *progress_ctx;
} DemoOptions;

/* Make the demo rows, in chunks of one transaction each, and one audit
 * entry summarising the run: users (demo-user-N@example.com, reused when
 * they exist; the first is an owner in a workspace without users), then
 * companies, contacts, deals, activities and tasks, each linking to rows
 * made before it in the same run (or, when the run makes no contacts and
 * no companies, to the workspace's). Contacts, companies and deals are
 * owned by the acting user (unless the local system) and the demo users in
 * turn, activities logged by them and tasks assigned to them. ERR_INVALID naming "contacts", "companies", "deals",
 * "activities", "tasks" or "users" when a count is negative or too large
 * (KITH_MAX_DEMO rows in all, KITH_MAX_DEMO_USERS users), or "activities"
 * when there is no contact or company to link them to. */
int demo_generate(Db *db, const Actor *actor, const DemoOptions *opt, Err *err) KITH_WARN_UNUSED;

#endif

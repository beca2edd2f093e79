/* demo_cli.c - kith demo: fill a database with demo data. */
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "demo/demo.h"

static void progress(void *ctx, long done, long total)
{
	Cli *cli = ctx;
	cli_progress(cli, "demo", done, total);
}

static int count_opt_or_fail(Cli *cli, const char *name, long dflt, long *out)
{
	const char *s = cli_opt(cli, name);
	char *end;
	*out = dflt;
	if (!s)
		return 0;
	*out = strtol(s, &end, 10);
	if (*end || end == s || *out < 0) {
		char msg[160];
		snprintf(msg, sizeof msg, "must be a whole number, 0 or more, got '%.60s'", s);
		return cli_reject(cli, name + 2, msg); /* the field is the option without -- */
	}
	return 0;
}

/* Print what was made, as a table line or --json. */
static void demo_report(Cli *cli, const DemoOptions *o, double s)
{
	long rows = o->contacts + o->companies + o->deals + o->activities + o->tasks;
	double rate = s > 0 ? rows / s : 0.0;
	if (cli->json) {
		json_t *j = json_pack("{sI sI sI sI sI sI sf sf}", "contacts", (json_int_t)o->contacts,
				      "companies", (json_int_t)o->companies, "deals",
				      (json_int_t)o->deals, "activities", (json_int_t)o->activities,
				      "tasks", (json_int_t)o->tasks, "users", (json_int_t)o->users,
				      "seconds", s, "rows_per_second", rate);
		cli_print_json(cli, j);
		json_decref(j);
		return;
	}
	fprintf(cli->out, "made %ld contacts and %ld companies", o->contacts, o->companies);
	if (o->deals || o->activities || o->tasks || o->users)
		fprintf(cli->out, ", %ld deals, %ld activities, %ld tasks, %ld users", o->deals,
			o->activities, o->tasks, o->users);
	fprintf(cli->out, " in %.1f s (%.0f rows/s)\n", s, rate);
}

int demo_cli(Cli *cli)
{
	Err err = {0};
	long contacts, companies, deals, activities, tasks, users, seed;
	int rc;
	if ((rc = count_opt_or_fail(cli, "--contacts", 1000, &contacts)) ||
	    (rc = count_opt_or_fail(cli, "--companies", -1, &companies)) ||
	    (rc = count_opt_or_fail(cli, "--deals", 0, &deals)) ||
	    (rc = count_opt_or_fail(cli, "--activities", 0, &activities)) ||
	    (rc = count_opt_or_fail(cli, "--tasks", 0, &tasks)) ||
	    (rc = count_opt_or_fail(cli, "--users", 0, &users)) ||
	    (rc = count_opt_or_fail(cli, "--seed", 1, &seed)))
		return rc;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (companies < 0)
		companies = contacts / 10;
	DemoOptions opt = {.contacts = contacts, .companies = companies, .deals = deals,
			   .activities = activities, .tasks = tasks, .users = users,
			   .seed = (uint64_t)seed, .progress = progress, .progress_ctx = cli};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (demo_generate(cli->db, &cli->actor, &opt, &err))
		return cli_fail(cli, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	demo_report(cli, &opt,
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return EXIT_OK;
}

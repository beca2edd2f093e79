/* fuzz_cli.c - libFuzzer target for the command line: option parsing
 * (cli_opt, cli_flag, cli_arg, cli_finish_or_fail) and every command's
 * reading of its options, through cli_main as main() calls it. The input
 * is the arguments after "kith", one per line ("contact\nadd\n--first\nAnna").
 * Each input runs against a fresh copy of a database made once per
 * process (migrated, with demo data), so an input alone reproduces a crash.
 * Commands that serve, write other files, generate data or ask for a
 * password at the terminal are not run (serve, backup, restore, init,
 * demo, user add, user passwd), nor is any --db option, so the target
 * touches only its own temporary directory. Checks: the exit code is one of the four
 * documented ones (0 ok, 1 usage, 2 rejected, 3 internal) and never 3. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuzz.h"
#include "hooks.h"

enum { MAX_ARGS = 64 };

static char dir[64], template_path[96], work_path[96];

static void remove_files(void)
{
	const char *sfx[] = {"", "-wal", "-shm"};
	char p[128];
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", work_path, sfx[i]);
		unlink(p);
		snprintf(p, sizeof p, "%s%s", template_path, sfx[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* The template database: made once, copied before each input. */
static void make_template(void)
{
	Err err = {0};
	Db *db = NULL;
	Actor owner = ACTOR_SYSTEM;
	snprintf(dir, sizeof dir, "/tmp/kith-fuzz-cli-XXXXXX");
	if (!mkdtemp(dir))
		fuzz_die("mkdtemp", NULL);
	snprintf(template_path, sizeof template_path, "%s/template.db", dir);
	snprintf(work_path, sizeof work_path, "%s/work.db", dir);
	atexit(remove_files);
	DemoOptions opt = {.contacts = 20,
			   .companies = 4,
			   .deals = 10,
			   .activities = 20,
			   .tasks = 10,
			   .users = 2,
			   .seed = 7};
	if (db_open(&db, template_path, 1, &err) || migrate_up(db, NULL, &err) ||
	    workspace_init(db, "Fuzz", "PL", "EUR", "Europe/Warsaw", &err) ||
	    demo_generate(db, &owner, &opt, &err))
		fuzz_die("template database", &err);
	db_close(db);
}

static void copy_template(void)
{
	char buf[65536], p[128];
	ssize_t n;
	snprintf(p, sizeof p, "%s-wal", work_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", work_path);
	unlink(p);
	int in = open(template_path, O_RDONLY),
	    out = open(work_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0)
		fuzz_die("copy template", NULL);
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			fuzz_die("copy template", NULL);
	close(in);
	close(out);
}

/* 1 when the arguments ask for something this target must not run. */
static int refused(char **args, int n)
{
	static const char *const words[] = {"serve", "backup", "init", "demo", "passwd"};
	int user = 0, add = 0;
	int first = 0; /* the command word after the leading options */
	while (first < n && args[first][0] == '-')
		first++;
	if (first < n && strcmp(args[first], "restore") == 0) /* not a noun's verb */
		return 1;
	for (int i = 0; i < n; i++) {
		for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
			if (strcmp(args[i], words[w]) == 0)
				return 1;
		if (strncmp(args[i], "--db", 4) == 0)
			return 1;
		user |= strcmp(args[i], "user") == 0;
		add |= strcmp(args[i], "add") == 0;
	}
	return user && add;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "r", stdin))
		fuzz_die("stdin", NULL);
	unsetenv("KITH_DB");
	hooks_install(); /* as main() does */
	make_template();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *argv[MAX_ARGS + 4];
	int argc = 0;
	argv[argc++] = "kith";
	argv[argc++] = "--db";
	argv[argc++] = work_path;
	for (char *p = s; *p && argc < MAX_ARGS + 3;) {
		argv[argc++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	argv[argc] = NULL;
	if (!refused(argv + 3, argc - 3)) {
		copy_template();
		int rc = cli_main(argc, argv);
		fflush(stdout);
		if (rc < EXIT_OK || rc > EXIT_REJECTED)
			abort();
	}
	free(s);
	return 0;
}

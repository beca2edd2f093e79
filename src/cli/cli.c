/* cli.c - argv dispatch over commands.def, option parsing, and output
 * (tables, records, JSON, progress), plus the helpers the record adapters
 * share (tags, trash, search words, list pages). Depends on base/, store/;
 * the workspace's zone and date reading come through cli->hooks. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/text.h"
#include "base/tz.h"
#include "store/migrate.h"

/* Every handler has the same signature; declare them from the table. */
#define COMMAND(noun, verb, fn, flags, summary, usage) int fn(Cli *cli);
#include "cli/commands.def"
#undef COMMAND

static const CliCommand commands[] = {
#define COMMAND(noun, verb, fn, flags, summary, usage) {noun, verb, fn, flags, summary, usage},
#include "cli/commands.def"
#undef COMMAND
};

const CliCommand *cli_commands(int *n)
{
	*n = (int)(sizeof commands / sizeof commands[0]);
	return commands;
}

static int match_opt(const char *arg, const char *name, const char **value)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return 2;
	}
	return arg[n] == '\0';
}

const char *cli_opt(Cli *cli, const char *name)
{
	for (int i = 0; i < cli->argc; i++) {
		const char *value = NULL;
		if (cli->used[i])
			continue;
		if (strcmp(cli->argv[i], "--") == 0)
			return NULL;
		int m = match_opt(cli->argv[i], name, &value);
		if (m == 2) {
			cli->used[i] = 1;
			return value;
		}
		if (m == 1 && i + 1 < cli->argc && !cli->used[i + 1]) {
			cli->used[i] = cli->used[i + 1] = 1;
			return cli->argv[i + 1];
		}
	}
	return NULL;
}

int cli_flag(Cli *cli, const char *name)
{
	for (int i = 0; i < cli->argc; i++) {
		if (cli->used[i])
			continue;
		if (strcmp(cli->argv[i], "--") == 0)
			return 0;
		if (strcmp(cli->argv[i], name) == 0) {
			cli->used[i] = 1;
			return 1;
		}
	}
	return 0;
}

const char *cli_arg(Cli *cli)
{
	int after_dashes = 0;
	for (int i = 0; i < cli->argc; i++) {
		if (cli->used[i])
			continue;
		if (!after_dashes && strcmp(cli->argv[i], "--") == 0) {
			cli->used[i] = 1;
			after_dashes = 1;
			continue;
		}
		if (!after_dashes && cli->argv[i][0] == '-' && cli->argv[i][1] == '-')
			continue; /* an option; left for cli_finish_or_fail to report */
		cli->used[i] = 1;
		return cli->argv[i];
	}
	return NULL;
}

int cli_usage_fail(Cli *cli, const char *fmt, ...)
{
	va_list ap;
	fputs("kith: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cli->cmd)
		fprintf(stderr, "usage: kith %s%s%s %s\n", cli->cmd->noun, *cli->cmd->verb ? " " : "",
			cli->cmd->verb, cli->cmd->usage ? cli->cmd->usage : "");
	return EXIT_USAGE;
}

int cli_finish_or_fail(Cli *cli)
{
	for (int i = 0; i < cli->argc; i++)
		if (!cli->used[i])
			return cli_usage_fail(cli, "unexpected argument '%s'", cli->argv[i]);
	return 0;
}

int cli_id_or_fail(Cli *cli, const char *s, const char *field, int64_t *id)
{
	char *end;
	if (!s)
		return cli_usage_fail(cli, "%s: missing", field);
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v <= 0)
		return cli_usage_fail(cli, "%s: must be a positive integer, got '%s'", field, s);
	*id = v;
	return 0;
}

/* JSON field names whose option is not "--" + the name with '-' for '_'. */
static const struct {
	const char *key, *opt;
} field_opts[] = {
    {"first_name", "--first"},
    {"last_name", "--last"},
    {"job_title", "--title"},
    {"emails", "--email"},
    {"phones", "--phone"},
    {"phones.country", "--phone-country"},
    {"consent_note", "--consent"},
    {"owner_id", "--owner"},
    {"company_id", "--company"},
    {"contact_id", "--contact"},
    {"deal_id", "--deal"},
    {"pipeline_id", "--pipeline"},
    {"stage_id", "--stage"},
    {"due_date", "--due"},
    {"due_at", "--at"},
    {"occurred_at", "--at"},
    {"assignee_id", "--assignee"},
    {"user_id", "--user"},
    {"duration_minutes", "--duration"},
    {"cadence_days", "--cadence"},
    {"expected_close_date", "--close"},
    {"legal_name", "--name"},
    {"tags", "--tag"},
    {"repeat_every", "--every"},
    {"repeat_unit", "--every"},
    {"remind_days", "--remind"},
    {"options", "--option"},
    {"stages", "--stage"},
    {"touch_window_days", "--touch-window"},
    {"birthday_lead_days", "--birthday-lead"},
    {"default_country", "--country"},
    {"value", "--value"},
    {"value.amount", "--value"},
    {"value.amount_minor", "--value"},
    {"value.currency", "--currency"},
};

/* The option of JSON field key from field_opts into opt; 0 when it has none. */
static int field_opt(const char *key, char *opt, size_t size)
{
	for (size_t i = 0; i < sizeof field_opts / sizeof field_opts[0]; i++)
		if (strcmp(field_opts[i].key, key) == 0) {
			snprintf(opt, size, "%s", field_opts[i].opt);
			return 1;
		}
	return 0;
}

/* 1 when the usage text of the command offers option opt ("--due"). */
static int usage_has(const CliCommand *cmd, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = cmd && cmd->usage ? cmd->usage : ""; (p = strstr(p, opt)); p += n)
		if (p[n] != '-' && p[n] != '_' && !(p[n] >= 'a' && p[n] <= 'z'))
			return 1;
	return 0;
}

/* The option the user typed for the domain's field name: "phones[1].value"
 * is --phone, "address.city" --city, "custom.KEY" --field KEY, "due_date"
 * --due. Only options of the current command are named (and the global
 * --as); other fields (a positional ID, version) stay as they are. */
static void option_name(const Cli *cli, const char *field, char *out, size_t size)
{
	char key[64], opt[80];
	snprintf(out, size, "%s", field);
	if (strcmp(field, "as") == 0) {
		snprintf(out, size, "--as");
		return;
	}
	if (strcmp(field, "id") == 0 && cli->cmd && cli->cmd->usage &&
	    strncmp(cli->cmd->usage, "ID", 2) == 0) {
		snprintf(out, size, "ID");
		return;
	}
	if (strncmp(field, "custom.", 7) == 0 && usage_has(cli->cmd, "--field")) {
		snprintf(out, size, "--field %s", field + 7);
		return;
	}
	if (strncmp(field, "address.", 8) == 0)
		field += 8;
	/* the field without its indexes: "phones[1].country" is "phones.country",
	 * an option of its own (--phone-country); else the part before the dot */
	size_t k = 0;
	for (const char *p = field; *p && k + 1 < sizeof key; p++) {
		const char *close = *p == '[' ? strchr(p, ']') : NULL;
		if (close)
			p = close;
		else
			key[k++] = *p;
	}
	key[k] = '\0';
	int whole = field_opt(key, opt, sizeof opt) && strchr(key, '.');
	if (!whole) {
		key[strcspn(key, ".")] = '\0';
		if (!field_opt(key, opt, sizeof opt)) {
			snprintf(opt, sizeof opt, "--%s", key);
			for (char *p = opt + 2; *p; p++)
				*p = *p == '_' ? '-' : *p;
		}
	}
	if (!usage_has(cli->cmd, opt))
		return;
	/* the 2nd, 3rd... of a repeated option: "--email #2" */
	const char *bracket = whole ? NULL : strchr(field, '[');
	long index = bracket ? strtol(bracket + 1, NULL, 10) : 0;
	if (index > 0)
		snprintf(out, size, "%.60s #%ld", opt, index + 1);
	else
		snprintf(out, size, "%s", opt);
}

/* A hint after an error that names the command to run next: a record in
 * the trash can be restored when the noun has a restore command. */
static void cli_hint(const Cli *cli, const Err *err)
{
	int n;
	const CliCommand *c = cli_commands(&n);
	if (err->code != ERR_GONE || !cli->cmd)
		return;
	for (int i = 0; i < n; i++)
		if (strcmp(c[i].noun, cli->cmd->noun) == 0 && strcmp(c[i].verb, "restore") == 0)
			fprintf(stderr, "kith: restore it with: kith %s restore ID\n", c[i].noun);
}

int cli_fail(Cli *cli, const Err *err)
{
	char field[sizeof err->field + 32];
	option_name(cli, err->field, field, sizeof field);
	if (err->field[0])
		fprintf(stderr, "kith: %s: %s\n", field, err->msg);
	else
		fprintf(stderr, "kith: %s\n", err->msg);
	cli_hint(cli, err);
	switch (err->code) {
	case KITH_OK: return EXIT_OK;
	case ERR_BUSY:
	case ERR_STORAGE:
	case ERR_UNAVAILABLE:
	case ERR_INTERNAL: return EXIT_INTERNAL;
	default: return EXIT_REJECTED;
	}
}

void cli_print_json(Cli *cli, const json_t *v)
{
	json_dumpf(v, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	fputc('\n', cli->out);
}

/* Display width of valid UTF-8: combining marks count 0, wide East Asian 2. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	while (*s) {
		uint32_t cp = utf8_next(&s);
		if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) ||
		    (cp >= 0x0E47 && cp <= 0x0E4E))
			continue;
		w += (cp >= 0x1100 && (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) ||
				       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
				       (cp >= 0xFF00 && cp <= 0xFF60)))
			     ? 2
			     : 1;
	}
	return w;
}

/* The zone tables show instants in: the workspace's (the zone hook), or
 * "" (as stored, UTC) without a database, a hook or a workspace. */
static void table_zone(Cli *cli, char zone[64])
{
	Err err = {0};
	zone[0] = '\0';
	if (cli->db && cli->hooks && cli->hooks->zone &&
	    cli->hooks->zone(cli->db, zone, 64, &err) != KITH_OK)
		zone[0] = '\0';
}

/* A UTC instant "YYYY-MM-DDTHH:MM:SSZ" as "YYYY-MM-DD HH:MM" in zone; 0
 * when s is not one (or zone is ""): then nothing is added. */
static int local_instant(Buf *b, const char *s, const char *zone)
{
	time_t t;
	char local[17];
	Err err = {0};
	if (!zone || !zone[0] || strlen(s) != 20 || s[10] != 'T' || time_parse_iso(s, &t) ||
	    tz_local_text(zone, t, local, &err))
		return 0;
	buf_adds(b, local);
	return 1;
}

/* Cell text of v: strings as is (a UTC instant in zone), null as "",
 * arrays of strings comma-joined, other values as compact JSON. Appends
 * to b. */
static void cell_text(Buf *b, const json_t *v, const char *zone)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		if (!local_instant(b, json_string_value(v), zone))
			buf_adds(b, json_string_value(v));
		return;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (i)
				buf_adds(b, ", ");
			if (json_is_object(e) && json_object_get(e, "value"))
				cell_text(b, json_object_get(e, "value"), zone);
			else
				cell_text(b, e, zone);
		}
		return;
	}
	char *s = json_dump(v);
	if (s)
		buf_adds(b, s);
	free(s);
}

static void pad(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

/* The column widths of rows under headers (at least the header's, at
 * most 40 unless the header is wider); the caller free()s them. */
static size_t *table_widths(const json_t *rows, const char *const *keys, const char *const *headers,
			    size_t ncol, const char *zone)
{
	size_t *w = calloc(ncol ? ncol : 1, sizeof *w);
	Buf cell;
	if (!w)
		return NULL;
	buf_init(&cell, 0);
	for (size_t c = 0; c < ncol; c++)
		w[c] = text_width(headers[c]);
	for (size_t r = 0; r < json_array_size(rows); r++)
		for (size_t c = 0; c < ncol; c++) {
			buf_reset(&cell);
			cell_text(&cell, json_object_get(json_array_get(rows, r), keys[c]), zone);
			size_t cw = text_width(buf_str(&cell));
			if (cw > w[c])
				w[c] = cw > 40 ? 40 : cw;
		}
	buf_free(&cell);
	return w;
}

static void table_header(Cli *cli, const char *const *headers, size_t ncol, const size_t *w)
{
	for (size_t c = 0; c < ncol; c++) {
		fputs(headers[c], cli->out);
		if (c + 1 < ncol)
			pad(cli->out, w[c] - text_width(headers[c]) + 2);
	}
	fputc('\n', cli->out);
}

/* The rows in columns of widths w; a wider cell pushes the rest of its row. */
static void table_rows(Cli *cli, const json_t *rows, const char *const *keys, size_t ncol,
		       const size_t *w, const char *zone)
{
	Buf cell;
	buf_init(&cell, 0);
	for (size_t r = 0; r < json_array_size(rows); r++) {
		for (size_t c = 0; c < ncol; c++) {
			buf_reset(&cell);
			cell_text(&cell, json_object_get(json_array_get(rows, r), keys[c]), zone);
			size_t cw = text_width(buf_str(&cell));
			fputs(buf_str(&cell), cli->out);
			if (c + 1 < ncol)
				pad(cli->out, cw < w[c] ? w[c] - cw + 2 : 2);
		}
		fputc('\n', cli->out);
	}
	buf_free(&cell);
}

static size_t table_ncol(const char *const *keys)
{
	size_t ncol = 0;
	while (keys[ncol])
		ncol++;
	return ncol;
}

void cli_print_table(Cli *cli, const json_t *rows, const char *const *keys,
		     const char *const *headers)
{
	size_t ncol = table_ncol(keys);
	char zone[64];
	table_zone(cli, zone);
	size_t *w = table_widths(rows, keys, headers, ncol, zone);
	if (!w)
		return;
	table_header(cli, headers, ncol, w);
	table_rows(cli, rows, keys, ncol, w, zone);
	free(w);
}

void cli_print_record(Cli *cli, const json_t *obj, const char *const *keys)
{
	Buf cell;
	char zone[64];
	table_zone(cli, zone);
	buf_init(&cell, 0);
	const char *key;
	json_t *v;
	if (keys) {
		for (; *keys; keys++) {
			buf_reset(&cell);
			cell_text(&cell, json_object_get(obj, *keys), zone);
			fprintf(cli->out, "%-14s %s\n", *keys, buf_str(&cell));
		}
	} else {
		json_object_foreach((json_t *)obj, key, v)
		{
			buf_reset(&cell);
			cell_text(&cell, v, zone);
			fprintf(cli->out, "%-14s %s\n", key, buf_str(&cell));
		}
	}
	buf_free(&cell);
}

static char *read_line(FILE *f)
{
	Buf b;
	int c;
	buf_init(&b, KITH_MAX_PASSWORD + 2);
	while ((c = fgetc(f)) != EOF && c != '\n')
		buf_addc(&b, (char)c);
	if (b.len && b.data[b.len - 1] == '\r')
		b.data[--b.len] = '\0';
	if (buf_failed(&b) || (c == EOF && b.len == 0)) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

static char *prompt_hidden(const char *prompt)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return NULL;
	struct termios old, quiet;
	fputs(prompt, tty);
	fflush(tty);
	int fd = fileno(tty), hid = tcgetattr(fd, &old) == 0;
	if (hid) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	char *line = read_line(tty);
	if (hid)
		tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return line;
}

char *cli_read_password(Cli *cli, int from_stdin, Err *err)
{
	(void)cli;
	if (from_stdin) {
		char *pw = read_line(stdin);
		if (!pw)
			err_set(err, ERR_INVALID, "password", "no password on standard input");
		return pw;
	}
	char *a = prompt_hidden("Password: ");
	if (!a) {
		err_set(err, ERR_INVALID, "password",
			"no terminal to ask for it; use --password-stdin");
		return NULL;
	}
	char *b = prompt_hidden("Repeat password: ");
	if (!b || strcmp(a, b) != 0) {
		free(a);
		free(b);
		err_set(err, ERR_INVALID, "password", "the two passwords differ");
		return NULL;
	}
	free(b);
	return a;
}

void cli_progress(Cli *cli, const char *label, long done, long total)
{
	(void)cli;
	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r%s: %ld/%ld (%ld%%)%s", label, done, total,
		total ? done * 100 / total : 100, done >= total ? "\n" : "");
	fflush(stderr);
}

int cli_reject(Cli *cli, const char *field, const char *msg)
{
	Err err = {0};
	err_set(&err, ERR_INVALID, field, "%s", msg);
	return cli_fail(cli, &err);
}

void cli_local_time(Cli *cli, const char *iso, char out[21])
{
	char zone[64];
	Buf b;
	buf_init(&b, 0);
	table_zone(cli, zone);
	if (!local_instant(&b, iso, zone))
		buf_adds(&b, iso);
	snprintf(out, 21, "%s", buf_str(&b));
	buf_free(&b);
}

int cli_when_opt(Cli *cli, const char *opt, int flags, const char **text, int *kind)
{
	const char *s = cli_opt(cli, opt);
	Err err = {0};
	When w;
	*text = NULL;
	if (kind)
		*kind = 0;
	if (!s)
		return 0;
	if (cli->n_when >= CLI_WHEN_MAX)
		return cli_usage_fail(cli, "%s: too many dates in one command", opt);
	if (!cli->hooks || !cli->hooks->when) {
		err_set(&err, ERR_INTERNAL, NULL, "no date reader: hooks_install() sets it");
		return cli_fail(cli, &err);
	}
	if (cli->hooks->when(cli->db, s, flags | WHEN_RELATIVE, opt, &w, &err))
		return cli_fail(cli, &err);
	char *keep = cli->when[cli->n_when++];
	snprintf(keep, 21, "%s", w.kind == WHEN_DATE_KIND ? w.date : w.iso);
	*text = keep;
	if (kind)
		*kind = w.kind;
	return 0;
}

int cli_put_str(Cli *cli, json_t *obj, const char *key, const char *s)
{
	json_t *v = json_string(s);
	if (!v)
		return cli_reject(cli, key, "must be valid UTF-8 text");
	json_object_set_new(obj, key, v);
	return 0;
}

int cli_push_str(Cli *cli, json_t *arr, const char *field, const char *s)
{
	json_t *v = json_string(s);
	if (!v)
		return cli_reject(cli, field, "must be valid UTF-8 text");
	json_array_append_new(arr, v);
	return 0;
}

const char *cli_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

void cli_address_text(Buf *b, const json_t *a)
{
	const char *parts[] = {cli_str(a, "street"), "", cli_str(a, "region"),
			       cli_str(a, "country")};
	Buf town;
	buf_init(&town, 0);
	buf_addf(&town, "%s%s%s", cli_str(a, "postal_code"),
		 *cli_str(a, "postal_code") && *cli_str(a, "city") ? " " : "", cli_str(a, "city"));
	parts[1] = buf_str(&town);
	for (int i = 0, n = 0; i < 4; i++)
		if (*parts[i])
			buf_addf(b, "%s%s", n++ ? ", " : "", parts[i]);
	buf_free(&town);
}

/* Address options and the parts they set. */
static const struct {
	const char *opt, *key;
} address_opts[] = {
    {"--street", "street"},	      {"--city", "city"},	{"--region", "region"},
    {"--postal-code", "postal_code"}, {"--country", "country"},
};
enum { N_ADDRESS_OPTS = sizeof address_opts / sizeof address_opts[0] };

int cli_address_args(Cli *cli, json_t *in)
{
	json_t *address = json_object();
	int rc = 0;
	for (int i = 0; i < N_ADDRESS_OPTS && rc == 0; i++) {
		const char *v = cli_opt(cli, address_opts[i].opt);
		if (v)
			rc = cli_put_str(cli, address, address_opts[i].key, v);
	}
	if (rc == 0 && json_object_size(address))
		json_object_set(in, "address", address);
	json_decref(address);
	return rc;
}

int cli_address_part(const char *key)
{
	for (int i = 0; i < N_ADDRESS_OPTS; i++)
		if (strcmp(address_opts[i].key, key) == 0)
			return 1;
	return 0;
}

int cli_limit_or_fail(Cli *cli, const char *s, int *limit)
{
	int64_t n;
	if (!s)
		return 0;
	if (cli_id_or_fail(cli, s, "--limit", &n))
		return EXIT_USAGE;
	*limit = n > KITH_LIST_MAX ? KITH_LIST_MAX + 1 : (int)n;
	return 0;
}

int cli_query_words(Cli *cli, Buf *words)
{
	const char *w;
	int rc;
	buf_init(words, KITH_MAX_URL);
	while ((w = cli_arg(cli)))
		buf_addf(words, "%s%s", words->len ? " " : "", w);
	if ((rc = cli_finish_or_fail(cli)))
		return rc;
	if (words->len == 0)
		return cli_usage_fail(cli, "QUERY: missing");
	if (buf_failed(words))
		return cli_reject(cli, "q", "the query is too long");
	return 0;
}

/* The table rows of items: row(item) each, then fill. A new reference. */
static json_t *page_rows(Cli *cli, const json_t *items, CliRowFn row, CliFillFn fill)
{
	json_t *rows = json_array(), *item;
	size_t i;
	json_array_foreach(items, i, item)
	{
		json_array_append_new(rows, row(item));
	}
	if (fill)
		fill(cli, rows);
	return rows;
}

/* cli_print_page with fill applied to the table rows and, with --json, the
 * members of extra (may be NULL) after "next". */
static void print_page(Cli *cli, const json_t *items, const char *next, CliRowFn row,
		       CliFillFn fill, const char *const *keys, const char *const *headers,
		       const json_t *extra)
{
	if (cli->json) {
		json_t *page = json_pack("{sO so}", "items", (json_t *)items, "next",
					 next ? json_string(next) : json_null());
		if (extra)
			json_object_update(page, (json_t *)extra);
		cli_print_json(cli, page);
		json_decref(page);
		return;
	}
	json_t *rows = page_rows(cli, items, row, fill);
	cli_print_table(cli, rows, keys, headers);
	json_decref(rows);
	/* on stderr, so a table piped on keeps only rows; scripts use --json */
	if (next)
		fprintf(stderr, "more: add --cursor %s for the next page, or --all for every page\n",
			next);
}

void cli_print_page(Cli *cli, const json_t *items, const char *next, CliRowFn row,
		    const char *const *keys, const char *const *headers)
{
	print_page(cli, items, next, row, NULL, keys, headers, NULL);
}

/* A list printed a page at a time (--all), so memory holds one page, never
 * the whole list. With --json it writes what cli_print_json writes for
 * {"items": every item, "next": null, extra...}, byte for byte: the items
 * are dumped one by one into an array left open until the last page. A
 * table has one header; its column widths come from the first page, so
 * later pages line up under it (a wider cell later pushes the rest of its
 * row, as one over 40 characters always does). */
typedef struct ListOut {
	Cli *cli;
	CliRowFn row;
	CliFillFn fill;
	const char *const *keys, *const *headers;
	size_t ncol;
	size_t *w; /* the table's column widths, once the first page is out */
	char zone[64];
	size_t n;	    /* items written so far */
	const char *indent; /* what write_indented adds after a newline */
} ListOut;

/* json_dump_callback's writer: text at a deeper indent (after each newline,
 * which only a structure's layout holds: strings escape theirs). */
static int write_indented(const char *buffer, size_t size, void *data)
{
	ListOut *o = data;
	for (size_t i = 0; i < size; i++) {
		fputc(buffer[i], o->cli->out);
		if (buffer[i] == '\n')
			fputs(o->indent, o->cli->out);
	}
	return 0;
}

static void list_out_begin(ListOut *o)
{
	if (o->cli->json)
		fputs("{\n  \"items\": [", o->cli->out);
	else
		table_zone(o->cli, o->zone);
}

static void list_out_page(ListOut *o, const json_t *items)
{
	if (o->cli->json) {
		json_t *item;
		size_t i;
		json_array_foreach(items, i, item)
		{
			fputs(o->n++ ? ",\n    " : "\n    ", o->cli->out);
			o->indent = "    ";
			json_dump_callback(item, write_indented, o,
					   JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		}
		return;
	}
	json_t *rows = page_rows(o->cli, items, o->row, o->fill);
	if (!o->w) {
		o->ncol = table_ncol(o->keys);
		o->w = table_widths(rows, o->keys, o->headers, o->ncol, o->zone);
		if (o->w)
			table_header(o->cli, o->headers, o->ncol, o->w);
	}
	if (o->w)
		table_rows(o->cli, rows, o->keys, o->ncol, o->w, o->zone);
	o->n += json_array_size(items);
	json_decref(rows);
}

/* Close what list_out_begin opened: the array, "next": null and extra. */
static void list_out_end(ListOut *o, const json_t *extra)
{
	if (!o->cli->json)
		return;
	fputs(o->n ? "\n  ],\n  \"next\": null" : "],\n  \"next\": null", o->cli->out);
	const char *key;
	json_t *v;
	o->indent = "  ";
	if (extra)
		json_object_foreach((json_t *)extra, key, v)
		{
			json_t *k = json_string(key);
			fputs(",\n  ", o->cli->out);
			json_dumpf(k, o->cli->out, JSON_ENCODE_ANY);
			fputs(": ", o->cli->out);
			json_dump_callback(v, write_indented, o,
					   JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
			json_decref(k);
		}
	fputs("\n}\n", o->cli->out);
}

/* --all: print the page in hand, then read and print each next page,
 * freeing each before reading the next. Stops with EXIT_INTERNAL when a
 * page's next cursor is the one it was read with (it would loop forever).
 * On an error the output stops where it is (--json leaves the array open,
 * so a parser fails rather than take a part for the whole). */
static int list_all(Cli *cli, const char *cursor, json_t *items, char *next, CliFetchFn fetch,
		    void *query, ListOut *o, const json_t *extra)
{
	Err err = {0};
	char *at = NULL;
	int rc = EXIT_OK;
	list_out_begin(o);
	for (;;) {
		list_out_page(o, items);
		json_decref(items);
		items = NULL;
		if (!next)
			break;
		if (cursor && strcmp(next, cursor) == 0) {
			fflush(cli->out);
			fprintf(stderr,
				"kith: --all: the next page's cursor is the one just read (%s); "
				"stopping instead of reading it again\n",
				next);
			rc = EXIT_INTERNAL;
			break;
		}
		free(at);
		cursor = at = next;
		next = NULL;
		if (fetch(cli, query, at, &items, &next, &err)) {
			fflush(cli->out);
			rc = cli_fail(cli, &err);
			break;
		}
	}
	if (rc == EXIT_OK)
		list_out_end(o, extra);
	json_decref(items);
	free(at);
	free(next);
	free(o->w);
	return rc;
}

int cli_list_op(Cli *cli, int all, const char *cursor, CliFetchFn fetch, void *query,
		CliRowFn row, CliFillFn fill, const char *const *keys, const char *const *headers)
{
	return cli_list_op_extra(cli, all, cursor, fetch, query, row, fill, keys, headers, NULL);
}

int cli_list_op_extra(Cli *cli, int all, const char *cursor, CliFetchFn fetch, void *query,
		      CliRowFn row, CliFillFn fill, const char *const *keys,
		      const char *const *headers, const json_t *extra)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	if (fetch(cli, query, cursor, &items, &next, &err))
		return cli_fail(cli, &err);
	if (all) {
		ListOut o = {
		    .cli = cli, .row = row, .fill = fill, .keys = keys, .headers = headers};
		return list_all(cli, cursor, items, next, fetch, query, &o, extra);
	}
	print_page(cli, items, next, row, fill, keys, headers, extra);
	json_decref(items);
	free(next);
	return EXIT_OK;
}

int cli_trash_op(Cli *cli, const char *noun, CliTrashFn op, const char *done)
{
	Err err = {0};
	int64_t id;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (op(cli->db, &cli->actor, id, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		json_t *o = json_pack("{sI ss}", "id", (json_int_t)id, "result", done);
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "%s #%lld %s\n", noun, (long long)id, done);
	}
	return EXIT_OK;
}

/* The tag arguments of `NOUN tag ID ...` into add and remove: --add and
 * --remove options (when options is set), then +TAG (or a bare TAG) to add
 * and -TAG to remove. */
static int tag_args(Cli *cli, int options, json_t *add, json_t *remove)
{
	const char *v;
	int rc = 0;
	while (options && rc == 0 && (v = cli_opt(cli, "--add")))
		rc = cli_push_str(cli, add, "add", v);
	while (options && rc == 0 && (v = cli_opt(cli, "--remove")))
		rc = cli_push_str(cli, remove, "remove", v);
	while (rc == 0 && (v = cli_arg(cli)))
		rc = *v == '-' ? cli_push_str(cli, remove, "remove", v + 1)
			       : cli_push_str(cli, add, "add", *v == '+' ? v + 1 : v);
	return rc;
}

int cli_tag_op(Cli *cli, const char *noun, int options, CliTagFn op)
{
	Err err = {0};
	int64_t id;
	json_t *add = json_array(), *remove = json_array(), *c = NULL, *t;
	size_t i;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = tag_args(cli, options, add, remove)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (json_array_size(add) + json_array_size(remove) == 0) {
		rc = cli_usage_fail(cli, "give tags to add (+TAG) or remove (-TAG)");
		goto done;
	}
	if (op(cli->db, &cli->actor, id, add, remove, &c, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json) {
		cli_print_json(cli, c);
	} else {
		Buf b;
		buf_init(&b, 0);
		json_array_foreach(json_object_get(c, "tags"), i, t)
		{
			buf_addf(&b, "%s%s", i ? ", " : "", json_string_value(t));
		}
		fprintf(cli->out, "%s #%lld tags: %s\n", noun, (long long)id,
			b.len ? buf_str(&b) : "(none)");
		buf_free(&b);
	}
done:
	json_decref(add);
	json_decref(remove);
	json_decref(c);
	return rc;
}

/* The object member name of in, created when missing. */
static json_t *member_object(json_t *in, const char *name)
{
	json_t *o = json_object_get(in, name);
	if (!json_is_object(o))
		json_object_set_new(in, name, o = json_object());
	return o;
}

int cli_clear_args(Cli *cli, json_t *in, const CliClear *aliases, int address)
{
	const char *arg;
	while ((arg = cli_opt(cli, "--clear"))) {
		char key[80];
		const char *key2 = NULL;
		json_t *dst = in;
		snprintf(key, sizeof key, "%s", arg);
		for (char *p = key; *p && strncmp(key, "custom.", 7); p++)
			*p = *p == '-' ? '_' : *p;
		for (const CliClear *a = aliases; a && a->name; a++)
			if (strcmp(a->name, key) == 0) {
				snprintf(key, sizeof key, "%s", a->key);
				key2 = a->key2;
				break;
			}
		if (strncmp(key, "custom.", 7) == 0 && key[7]) {
			dst = member_object(in, "custom");
			memmove(key, key + 7, strlen(key + 7) + 1);
		} else if (address && cli_address_part(key)) {
			dst = member_object(in, "address");
		}
		if (!key[0] || json_object_set_new(dst, key, json_null()))
			return cli_reject(cli, "--clear", "must name a field, like city or notes");
		if (key2)
			json_object_set_new(dst, key2, json_null());
	}
	return 0;
}

int cli_tag_edit_args(Cli *cli, CliTagEdit *t)
{
	const char *v, *set = cli_opt(cli, "--set-tags");
	int rc = 0;
	t->add = json_array();
	t->remove = json_array();
	t->set = NULL;
	while (rc == 0 && (v = cli_opt(cli, "--tag")))
		rc = cli_push_str(cli, t->add, "tags", v);
	while (rc == 0 && (v = cli_opt(cli, "--untag")))
		rc = cli_push_str(cli, t->remove, "--untag", v);
	if (rc || !set)
		return rc;
	t->set = json_array();
	for (const char *p = set; rc == 0 && *p;) {
		size_t n = strcspn(p, ",");
		char *name = strndup(p, n);
		Buf trimmed;
		buf_init(&trimmed, 0);
		text_trim(&trimmed, name ? name : "");
		if (trimmed.len)
			rc = cli_push_str(cli, t->set, "--set-tags", buf_str(&trimmed));
		buf_free(&trimmed);
		free(name);
		p += n + (p[n] == ',');
	}
	return rc;
}

int cli_tag_edit_relative(const CliTagEdit *t)
{
	return json_array_size(t->add) + json_array_size(t->remove) > 0 && !t->set;
}

/* Index of the tag in names that folds like name, or -1. */
static long tag_index(const json_t *names, const char *name)
{
	Buf a, b;
	json_t *v;
	size_t i;
	long found = -1;
	buf_init(&a, 0);
	buf_init(&b, 0);
	text_fold(&a, name);
	json_array_foreach(names, i, v)
	{
		buf_reset(&b);
		text_fold(&b, json_string_value(v) ? json_string_value(v) : "");
		if (found < 0 && strcmp(buf_str(&a), buf_str(&b)) == 0)
			found = (long)i;
	}
	buf_free(&a);
	buf_free(&b);
	return found;
}

void cli_tag_edit_apply(const CliTagEdit *t, const json_t *current, json_t *in)
{
	json_t *v;
	size_t i;
	if (!t->set && json_array_size(t->add) + json_array_size(t->remove) == 0)
		return;
	json_t *tags = json_copy(t->set ? t->set : (json_t *)current);
	if (!json_is_array(tags)) {
		json_decref(tags);
		tags = json_array();
	}
	json_array_foreach(t->add, i, v)
	{
		if (tag_index(tags, json_string_value(v)) < 0)
			json_array_append(tags, v);
	}
	json_array_foreach(t->remove, i, v)
	{
		long k = tag_index(tags, json_string_value(v));
		if (k >= 0)
			json_array_remove(tags, (size_t)k);
	}
	json_object_set_new(in, "tags", tags);
}

void cli_tag_edit_free(CliTagEdit *t)
{
	json_decref(t->add);
	json_decref(t->remove);
	json_decref(t->set);
	t->add = t->remove = t->set = NULL;
}

/* cli.c - argv dispatch over commands.def, option parsing, and output
 * (tables, records, JSON, progress). Depends on base/, store/, crm/. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/text.h"
#include "crm/user.h"
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

int cli_fail(Cli *cli, const Err *err)
{
	(void)cli;
	if (err->field[0])
		fprintf(stderr, "kith: %s: %s\n", err->field, err->msg);
	else
		fprintf(stderr, "kith: %s\n", err->msg);
	switch (err->code) {
	case KITH_OK: return EXIT_OK;
	case ERR_STORAGE:
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

/* Cell text of v: strings as is, null as "", arrays of strings comma-joined,
 * other values as compact JSON. Appends to b. */
static void cell_text(Buf *b, const json_t *v)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
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
				cell_text(b, json_object_get(e, "value"));
			else
				cell_text(b, e);
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

void cli_print_table(Cli *cli, const json_t *rows, const char *const *keys,
		     const char *const *headers)
{
	size_t ncol = 0, nrow = json_array_size(rows);
	while (keys[ncol])
		ncol++;
	size_t *w = calloc(ncol, sizeof *w);
	Buf cell;
	buf_init(&cell, 0);
	for (size_t c = 0; c < ncol; c++)
		w[c] = text_width(headers[c]);
	for (size_t r = 0; r < nrow; r++)
		for (size_t c = 0; c < ncol; c++) {
			buf_reset(&cell);
			cell_text(&cell, json_object_get(json_array_get(rows, r), keys[c]));
			size_t cw = text_width(buf_str(&cell));
			if (cw > w[c])
				w[c] = cw > 40 ? 40 : cw;
		}
	for (size_t c = 0; c < ncol; c++) {
		fputs(headers[c], cli->out);
		if (c + 1 < ncol)
			pad(cli->out, w[c] - text_width(headers[c]) + 2);
	}
	fputc('\n', cli->out);
	for (size_t r = 0; r < nrow; r++) {
		for (size_t c = 0; c < ncol; c++) {
			buf_reset(&cell);
			cell_text(&cell, json_object_get(json_array_get(rows, r), keys[c]));
			size_t cw = text_width(buf_str(&cell));
			fputs(buf_str(&cell), cli->out);
			if (c + 1 < ncol)
				pad(cli->out, cw < w[c] ? w[c] - cw + 2 : 2);
		}
		fputc('\n', cli->out);
	}
	buf_free(&cell);
	free(w);
}

void cli_print_record(Cli *cli, const json_t *obj, const char *const *keys)
{
	Buf cell;
	buf_init(&cell, 0);
	const char *key;
	json_t *v;
	if (keys) {
		for (; *keys; keys++) {
			buf_reset(&cell);
			cell_text(&cell, json_object_get(obj, *keys));
			fprintf(cli->out, "%-14s %s\n", *keys, buf_str(&cell));
		}
	} else {
		json_object_foreach((json_t *)obj, key, v)
		{
			buf_reset(&cell);
			cell_text(&cell, v);
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

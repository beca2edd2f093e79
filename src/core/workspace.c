/* workspace.c - the workspace settings row. Owns table workspace. */
#include "core/workspace.h"

#include <ctype.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>

#include "base/date.h"
#include "base/limits.h"
#include "base/money.h"
#include "base/text.h"
#include "core/audit.h"

/* An IANA zone name: "UTC" or Area/Location of letters, digits, _ + -;
 * where the system has a tz database, the zone must be in it. */
static int zone_valid(const char *tz)
{
	char path[128];
	struct stat sb;
	size_t n = strlen(tz);
	if (n == 0 || n > 63 || tz[0] == '/' || tz[n - 1] == '/' || strstr(tz, "//"))
		return 0;
	for (const char *p = tz; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return 0;
	if (stat("/usr/share/zoneinfo", &sb) != 0)
		return 1;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int check(const char *country, const char *currency, const char *tz, Err *err)
{
	if (country && *country &&
	    (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
	     country[1] > 'Z'))
		return err_set(err, ERR_INVALID, "country",
			       "must be a two-letter ISO 3166 code in capitals, like TH or PL");
	if (currency && currency_decimals(currency) < 0)
		return err_set(err, ERR_INVALID, "currency",
			       "unknown currency '%s' (use an ISO 4217 code such as EUR)", currency);
	if (tz && !zone_valid(tz))
		return err_set(err, ERR_INVALID, "timezone",
			       "unknown time zone '%s' (use an IANA name like Europe/Warsaw)", tz);
	return KITH_OK;
}

/* The business name: UTF-8 that fits Workspace.name (KITH_MAX_NAME bytes),
 * so it is read back whole and can be shown. */
static int name_check(const char *name, Err *err)
{
	if (name && (strlen(name) > KITH_MAX_NAME || !utf8_valid(name, strlen(name))))
		return err_set(err, ERR_INVALID, "name", "must be UTF-8 text of at most %u bytes",
			       KITH_MAX_NAME);
	return KITH_OK;
}

int workspace_init(Db *db, const char *name, const char *country, const char *currency,
		   const char *tz_name, Err *err)
{
	static const char sql[] = "INSERT INTO workspace (id, name, default_country, currency, "
				  "timezone, created_at) VALUES (1, ?, ?, ?, ?, ?) "
				  "ON CONFLICT (id) DO NOTHING";
	char now[21];
	DbStmt *st;
	int rc = name_check(name, err);
	if (rc || (rc = check(country, currency, tz_name, err)) ||
	    (rc = db_prepare(db, &st, sql, err)))
		return rc;
	time_now_iso(now);
	db_bind_text(st, 1, name && *name ? name : "My business");
	db_bind_text_or_null(st, 2, country);
	db_bind_text(st, 3, currency ? currency : "EUR");
	db_bind_text(st, 4, tz_name ? tz_name : "UTC");
	db_bind_text(st, 5, now);
	return db_exec_stmt(st, err);
}

int workspace_get(Db *db, Workspace *out, Err *err)
{
	static const char sql[] = "SELECT name, COALESCE(default_country, ''), currency, timezone, "
				  "touch_limit, touch_window_days, birthday_lead_days "
				  "FROM workspace WHERE id = 1";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 0));
		snprintf(out->default_country, sizeof out->default_country, "%s", db_col_text(st, 1));
		snprintf(out->currency, sizeof out->currency, "%s", db_col_text(st, 2));
		snprintf(out->timezone, sizeof out->timezone, "%s", db_col_text(st, 3));
		out->touch_limit = (int)db_col_int(st, 4);
		out->touch_window_days = (int)db_col_int(st, 5);
		out->birthday_lead_days = (int)db_col_int(st, 6);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_INVALID, "db", "database is not initialised; run 'kith init'");
	}
	db_reset(st);
	return rc;
}

int workspace_set(Db *db, const Actor *actor, const char *name, const char *country,
		  const char *currency, const char *tz_name, Err *err)
{
	static const char sql[] = "UPDATE workspace SET name = COALESCE(?, name), "
				  "default_country = CASE WHEN ? <> 0 THEN ? ELSE default_country END, "
				  "currency = COALESCE(?, currency), timezone = COALESCE(?, timezone) "
				  "WHERE id = 1";
	DbStmt *st;
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL, "only an owner or admin may change settings");
	if (name && text_blank(name))
		return err_set(err, ERR_INVALID, "name", "must not be empty");
	int rc = name_check(name, err);
	if (rc == KITH_OK)
		rc = check(country, currency, tz_name, err);
	if (rc || (rc = db_begin(db, err)))
		return rc;
	if ((rc = db_prepare(db, &st, sql, err)))
		goto done;
	db_bind_text(st, 1, name);
	db_bind_int(st, 2, country != NULL);
	db_bind_text_or_null(st, 3, country);
	db_bind_text(st, 4, currency);
	db_bind_text(st, 5, tz_name);
	if ((rc = db_exec_stmt(st, err)))
		goto done;
	/* the settings given; s* leaves out those not given */
	json_t *ch = json_pack("{ss* ss* ss* ss*}", "name", name, "default_country", country,
			       "currency", currency, "timezone", tz_name);
	rc = audit_write(db, actor, "update", "workspace", 1, ch, err);
	json_decref(ch);
done:
	return db_end(db, rc, err);
}

/* ERR_INVALID naming field unless v is negative (unchanged) or in lo..hi. */
static int range_check(int v, int lo, int hi, const char *field, Err *err)
{
	if (v >= 0 && (v < lo || v > hi))
		return err_set(err, ERR_INVALID, field, "must be from %d to %d", lo, hi);
	return KITH_OK;
}

int workspace_set_reminders(Db *db, const Actor *actor, const WorkspaceReminders *r, Err *err)
{
	static const char sql[] =
	    "UPDATE workspace SET touch_limit = CASE WHEN ?1 >= 0 THEN ?1 ELSE touch_limit END, "
	    "touch_window_days = CASE WHEN ?2 >= 0 THEN ?2 ELSE touch_window_days END, "
	    "birthday_lead_days = CASE WHEN ?3 >= 0 THEN ?3 ELSE birthday_lead_days END "
	    "WHERE id = 1";
	DbStmt *st;
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL, "only an owner or admin may change settings");
	int rc = range_check(r->touch_limit, 1, 1000, "touch_limit", err);
	if (rc || (rc = range_check(r->touch_window_days, 1, 366, "touch_window_days", err)) ||
	    (rc = range_check(r->birthday_lead_days, 0, 366, "birthday_lead_days", err)) ||
	    (rc = db_begin(db, err)))
		return rc;
	if ((rc = db_prepare(db, &st, sql, err)))
		goto done;
	db_bind_int(st, 1, r->touch_limit);
	db_bind_int(st, 2, r->touch_window_days);
	db_bind_int(st, 3, r->birthday_lead_days);
	if ((rc = db_exec_stmt(st, err)))
		goto done;
	json_t *ch = json_object();
	const int vals[] = {r->touch_limit, r->touch_window_days, r->birthday_lead_days};
	const char *const keys[] = {"touch_limit", "touch_window_days", "birthday_lead_days"};
	for (int i = 0; i < 3; i++)
		if (vals[i] >= 0)
			json_object_set_new(ch, keys[i], json_integer(vals[i]));
	rc = audit_write(db, actor, "update", "workspace", 1, ch, err);
	json_decref(ch);
done:
	return db_end(db, rc, err);
}

int workspace_update(Db *db, const Actor *actor, const char *name, const char *country,
		     const char *currency, const char *tz_name, const WorkspaceReminders *r,
		     Err *err)
{
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if (name || country || currency || tz_name)
		rc = workspace_set(db, actor, name, country, currency, tz_name, err);
	if (rc == KITH_OK && r)
		rc = workspace_set_reminders(db, actor, r, err);
	return db_end(db, rc, err);
}

int workspace_when(Db *db, const char *text, int flags, const char *field, When *out, Err *err)
{
	Workspace ws;
	int rc = workspace_get(db, &ws, err);
	return rc ? rc : when_parse(text, ws.timezone, time(NULL), flags, field, out, err);
}

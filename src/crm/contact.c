/* contact.c - contacts (contact.h): validation, access, the duplicate guard,
 * writes, search documents, trash, merge, tags and company links. Owns
 * tables contact, contact_email, contact_phone, contact_tag and the
 * "contact" search index; reading a row and its JSON live in contact_rec.c,
 * contact_list() in contact_list.c. Depends on base/, store/ and
 * core/{access, audit, links, record, user, workspace} and crm/{cadence,
 * collab, company, contact_rec, field, phone, tag}; never on cli/ or http/.
 *
 * Statement discipline: db_prepare hands out slots of a small
 * per-connection cache that a later prepare may reuse, so every statement
 * here is bound, stepped to its end and reset before the next prepare (lists
 * read a page of rows first, then their emails, phones and tags). */
#include "crm/contact.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/links.h"
#include "core/record.h"
#include "crm/collab.h"
#include "crm/cadence.h"
#include "crm/company.h"
#include "crm/contact_rec.h"
#include "crm/field.h"
#include "crm/phone.h"
#include "crm/tag.h"
#include "core/user.h"
#include "core/workspace.h"
#include "store/search.h"

static int blank(const char *s)
{
	return !s || !*s;
}

static const char *const writable[] = {
    "first_name", "last_name", "job_title",  "emails",	     "phones",	    "address",
    "website",	  "birthday",  "company_id", "status",	     "temperature", "source",
    "owner_id",	  "tags",      "notes",	     "consent_note", "custom",	    "cadence_days",
    NULL};

/* ---- lookups done once per call ---- */

enum { TAG_MEMO_MAX = 2 * KITH_MAX_TAGS }; /* distinct tags a call remembers */

/* A tag met during a call: its folded key, id and stored spelling. */
typedef struct TagMemo {
	char *key;   /* folded name (tag.name_norm) */
	char *name;  /* stored spelling (tag.name) */
	int64_t id;  /* tag.id */
} TagMemo;

/* What the writes of one call read at most once: the workspace (default
 * country for phones), the custom-field generation and the tags met. A
 * bulk load (contact_create_many) shares one across its rows; they cannot
 * change while its transaction holds the write lock. */
typedef struct Lookups {
	int have_ws;
	Workspace ws;
	int have_gen;
	int64_t gen;
	TagMemo tags[TAG_MEMO_MAX];
	size_t n_tags;
} Lookups;

static void lookups_free(Lookups *lk)
{
	for (size_t i = 0; i < lk->n_tags; i++) {
		free(lk->tags[i].key);
		free(lk->tags[i].name);
	}
	lk->n_tags = 0;
}

static int lookups_country(Db *db, Lookups *lk, const char **country, Err *err)
{
	if (!lk->have_ws) {
		int rc = workspace_get(db, &lk->ws, err);
		if (rc)
			return rc;
		lk->have_ws = 1;
	}
	*country = lk->ws.default_country;
	return KITH_OK;
}

static int lookups_generation(Db *db, Lookups *lk, int64_t *gen, Err *err)
{
	if (!lk->have_gen) {
		int rc = field_generation(db, &lk->gen, err);
		if (rc)
			return rc;
		lk->have_gen = 1;
	}
	*gen = lk->gen;
	return KITH_OK;
}

/* The id of a new contact (db_next_id): never one used before, purged
 * contacts included (their audit entries keep their ids, AUDIT_MAX_ID_SQL),
 * so a new contact never inherits a purged one's history. Knowing it
 * before the INSERT lets create_one write the row once, stored JSON
 * included. On PostgreSQL it comes from the table's sequence, so creators
 * on several connections do not wait for each other. */
static int contact_next_id(Db *db, int64_t *id, Err *err)
{
	return db_next_id(db, "contact", AUDIT_MAX_ID_SQL("contact"), id, err);
}

/* What an input object asked for besides plain columns. */
typedef struct Patch {
	int emails, phones, tags; /* the lists were given */
	const json_t *custom;	  /* "custom" object, NULL when absent */
	char *company_name;	  /* name of a newly linked company (malloc'd) */
} Patch;

static void patch_free(Patch *p)
{
	free(p->company_name);
	p->company_name = NULL;
}

/* ---- validation of input objects ---- */

enum { K_NAME, K_LINE, K_TEXT, K_WEBSITE, K_DATE, K_STATUS, K_TEMP, K_COUNTRY };

typedef struct TextKey {
	const char *key; /* JSON key */
	int idx;	 /* S_* column */
	unsigned max;	 /* longest accepted value, bytes */
	int kind;	 /* K_*: what else the value must be */
} TextKey;

static const TextKey text_keys[] = {
    {"first_name", S_FIRST, KITH_MAX_NAME, K_NAME},
    {"last_name", S_LAST, KITH_MAX_NAME, K_NAME},
    {"job_title", S_TITLE, KITH_MAX_SHORT, K_LINE},
    {"website", S_WEBSITE, KITH_MAX_SHORT, K_WEBSITE},
    {"birthday", S_BIRTHDAY, KITH_MAX_SHORT, K_DATE},
    {"status", S_STATUS, KITH_MAX_SHORT, K_STATUS},
    {"temperature", S_TEMP, KITH_MAX_SHORT, K_TEMP},
    {"source", S_SOURCE, KITH_MAX_SHORT, K_LINE},
    {"notes", S_NOTES, KITH_MAX_TEXT, K_TEXT},
    {"consent_note", S_CONSENT, KITH_MAX_TEXT, K_TEXT},
};
static const TextKey address_keys[] = {
    {"street", S_STREET, KITH_MAX_SHORT, K_LINE},
    {"city", S_CITY, KITH_MAX_SHORT, K_LINE},
    {"region", S_REGION, KITH_MAX_SHORT, K_LINE},
    {"postal_code", S_POSTAL, KITH_MAX_SHORT, K_LINE},
    {"country", S_COUNTRY, KITH_MAX_SHORT, K_COUNTRY},
};
enum { N_TEXT_KEYS = sizeof text_keys / sizeof text_keys[0] };
enum { N_ADDRESS_KEYS = sizeof address_keys / sizeof address_keys[0] };

/* Single-line text has no control characters; multi-line text allows tab,
 * line feed and carriage return. */
static int has_controls(const char *s, int multiline)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 || c == 0x7F) &&
		    !(multiline && (c == '\n' || c == '\r' || c == '\t')))
			return 1;
	}
	return 0;
}

/* An http(s) URL or a bare domain ("example.com/about"): a host of letters,
 * digits, hyphens and non-ASCII (IDN) labels with at least one dot, an
 * optional port, then anything without spaces. */
static int website_valid(const char *s)
{
	const char *host = s;
	if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ')
			return 0;
	size_t n = strcspn(host, "/?#"), dots = 0, i;
	for (i = 0; i < n && host[i] != ':'; i++) {
		unsigned char c = (unsigned char)host[i];
		int label = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
		if (c == '.') {
			if (i == 0 || host[i - 1] == '.' || host[i + 1] == '.')
				return 0;
			dots++;
		} else if (!label) {
			return 0;
		}
	}
	if (i == 0 || dots == 0 || host[i - 1] == '.' || host[0] == '-')
		return 0;
	if (i < n) { /* a port */
		size_t digits = 0;
		for (i++; i < n; i++, digits++)
			if (host[i] < '0' || host[i] > '9')
				return 0;
		if (digits == 0 || digits > 5)
			return 0;
	}
	return 1;
}

/* Birthdays are civil dates in the workspace's zone; comparing with the UTC
 * date plus one day accepts "today" in every zone and rejects the future. */
static int date_in_future(const char *date)
{
	char tomorrow[21];
	time_iso(time(NULL) + 24 * 3600, tomorrow);
	return strncmp(date, tomorrow, 10) > 0;
}

/* Validate one text value (v NULL = clear) for tk and store it in r. */
static int apply_text(ContactRec *r, const TextKey *tk, const char *v, const char *field, Err *err)
{
	Buf t;
	int rc = KITH_OK;
	buf_init(&t, 0);
	if (v && !utf8_valid(v, strlen(v)))
		return err_set(err, ERR_INVALID, field, "must be valid UTF-8 text");
	if (v && has_controls(v, tk->kind == K_TEXT))
		return err_set(err, ERR_INVALID, field, "must not contain control characters");
	if (v)
		text_trim(&t, v);
	if (buf_failed(&t)) {
		buf_free(&t);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	const char *s = t.len ? buf_str(&t) : NULL;
	switch (tk->kind) {
	case K_NAME:
		s = s ? s : "";
		break;
	case K_WEBSITE:
		if (s && !website_valid(s))
			rc = err_set(
			    err, ERR_INVALID, field,
			    "must be a web address like https://example.com or example.com");
		break;
	case K_DATE:
		if (s && !date_valid(s))
			rc = err_set(err, ERR_INVALID, field, "must be a date YYYY-MM-DD, got '%s'",
				     s);
		else if (s && date_in_future(s))
			rc = err_set(err, ERR_INVALID, field, "must not be in the future");
		break;
	case K_STATUS:
		if (!s || !contact_one_of(s, contact_statuses))
			rc = err_set(err, ERR_INVALID, field,
				     "must be one of lead, prospect, customer, former");
		break;
	case K_TEMP:
		if (s && !contact_one_of(s, contact_temperatures))
			rc = err_set(err, ERR_INVALID, field,
				     "must be one of cold, warm, hot (or null)");
		break;
	case K_COUNTRY:
		for (size_t i = 0; i < t.len; i++)
			if (t.data[i] >= 'a' && t.data[i] <= 'z')
				t.data[i] = (char)(t.data[i] - 32);
		if (s && (t.len != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z'))
			rc = err_set(err, ERR_INVALID, field,
				     "must be a two-letter ISO 3166 country code like PL or TH");
		break;
	default:
		break;
	}
	if (rc == KITH_OK)
		contact_rec_set(r, tk->idx, s);
	buf_free(&t);
	return rc;
}

/* Read a string-or-null member key of obj (named field in errors). */
static int get_text(const json_t *obj, const char *key, const char *field, unsigned max,
		    const char **v, int *present, Err *err)
{
	int rc = json_get_str(obj, key, max, v, present, err);
	if (rc && err)
		snprintf(err->field, sizeof err->field, "%s", field);
	return rc;
}

static int apply_texts(ContactRec *r, const json_t *in, Err *err)
{
	for (int i = 0; i < N_TEXT_KEYS; i++) {
		const TextKey *tk = &text_keys[i];
		const char *v = NULL;
		int present = 0;
		int rc = get_text(in, tk->key, tk->key, tk->max, &v, &present, err);
		if (rc == KITH_OK && present)
			rc = apply_text(r, tk, v, tk->key, err);
		if (rc)
			return rc;
	}
	return KITH_OK;
}

/* "address": an object whose parts patch the stored ones (absent parts stay,
 * null clears a part), or null to clear the whole address. */
static int apply_address(ContactRec *r, const json_t *in, Err *err)
{
	static const char *const parts[] = {"street",	   "city",    "region",
					    "postal_code", "country", NULL};
	json_t *a = json_object_get(in, "address");
	char field[64];
	if (!a)
		return KITH_OK;
	if (json_is_null(a)) {
		for (int i = 0; i < N_ADDRESS_KEYS; i++)
			contact_rec_set(r, address_keys[i].idx, NULL);
		return KITH_OK;
	}
	if (!json_is_object(a))
		return err_set(err, ERR_INVALID, "address",
			       "must be an object with street, city, region, postal_code, country");
	int rc = json_check_fields(a, parts, err);
	if (rc) {
		snprintf(field, sizeof field, "address.%.40s", err->field);
		snprintf(err->field, sizeof err->field, "%s", field);
		return rc;
	}
	for (int i = 0; i < N_ADDRESS_KEYS; i++) {
		const TextKey *tk = &address_keys[i];
		const char *v = NULL;
		int present = 0;
		snprintf(field, sizeof field, "address.%s", tk->key);
		rc = get_text(a, tk->key, field, tk->max, &v, &present, err);
		if (rc == KITH_OK && present)
			rc = apply_text(r, tk, v, field, err);
		if (rc)
			return rc;
	}
	return KITH_OK;
}

/* Validate an entry label (emails[0].label); NULL = the default. */
static int check_label(const char *label, const char *field, Err *err)
{
	if (strlen(label) > KITH_MAX_SHORT || !utf8_valid(label, strlen(label)))
		return err_set(err, ERR_INVALID, field, "must be UTF-8 text of at most %u bytes",
			       KITH_MAX_SHORT);
	if (text_blank(label) || has_controls(label, 0))
		return err_set(
		    err, ERR_INVALID, field,
		    "must be a short word like work or home, without control characters");
	return KITH_OK;
}

/* The countries a phone's national form is read with (phone.h): the one
 * given with it, else the contact's address country, then the workspace's. */
typedef struct PhoneCountries {
	const char *own;      /* entry's "country" or the contact's; NULL = none */
	const char *fallback; /* workspace default country */
} PhoneCountries;

/* Normalize one email or phone value into value/norm. */
static int entry_value(const char *raw, int phones, const PhoneCountries *pc, const char *field,
		       Buf *value, Buf *norm, Err *err)
{
	if (strlen(raw) > KITH_MAX_SHORT)
		return err_set(err, ERR_INVALID, field, "is longer than %u bytes", KITH_MAX_SHORT);
	if (phones) {
		Phone ph;
		int rc = phone_normalize_for(raw, pc->own, pc->fallback, field, &ph, err);
		if (rc)
			return rc;
		buf_adds(value, ph.value);
		buf_adds(norm, ph.norm);
		return KITH_OK;
	}
	text_trim(value, raw);
	if (!utf8_valid(buf_str(value), value->len) || !text_email_valid(buf_str(value)))
		return err_set(err, ERR_INVALID, field,
			       "must be an email address like ann@example.com");
	text_lower_ascii(norm, buf_str(value));
	return KITH_OK;
}

/* A phone entry's "country" (absent or null = the contact's): two letters
 * of ISO 3166, upper-cased into cc. */
static int entry_country(const json_t *e, const char *key, size_t i, char cc[3], Err *err)
{
	json_t *v = json_object_get(e, "country");
	char field[64];
	cc[0] = '\0';
	if (!v || json_is_null(v))
		return KITH_OK;
	const char *s = json_string_value(v);
	snprintf(field, sizeof field, "%s[%zu].country", key, i);
	if (!s || strlen(s) != 2 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]))
		return err_set(err, ERR_INVALID, field,
			       "must be a two-letter ISO 3166 country code like PL or TH");
	cc[0] = (char)toupper((unsigned char)s[0]);
	cc[1] = (char)toupper((unsigned char)s[1]);
	cc[2] = '\0';
	return KITH_OK;
}

/* Parse one entry of "emails"/"phones": a string or {"label","value"}
 * (phones also "country"). */
static int parse_entry(const json_t *e, const char *key, size_t i, int phones,
		       const PhoneCountries *contact_pc, json_t **out, Err *err)
{
	static const char *const allowed[] = {"label", "value", NULL};
	static const char *const allowed_phone[] = {"label", "value", "country", NULL};
	PhoneCountries pc = *contact_pc;
	char field[64], cc[3] = "";
	const char *label = phones ? "mobile" : "work", *raw = NULL;
	Buf value, norm, lab;
	int rc = KITH_OK;
	if (json_is_string(e)) {
		raw = json_string_value(e);
	} else if (json_is_object(e)) {
		if (json_check_fields(e, phones ? allowed_phone : allowed, err)) {
			snprintf(field, sizeof field, "%.8s[%zu].%.30s", key, i, err->field);
			return err_set(err, ERR_INVALID, field, "unknown field (use %s)",
				       phones ? "label, value and country" : "label and value");
		}
		if (phones && (rc = entry_country(e, key, i, cc, err)))
			return rc;
		if (cc[0])
			pc.own = cc;
		json_t *l = json_object_get(e, "label"), *v = json_object_get(e, "value");
		snprintf(field, sizeof field, "%s[%zu].label", key, i);
		if (l && !json_is_null(l) && !json_is_string(l))
			return err_set(err, ERR_INVALID, field, "must be a string");
		if (json_is_string(l) && (rc = check_label(json_string_value(l), field, err)))
			return rc;
		if (json_is_string(l))
			label = json_string_value(l);
		snprintf(field, sizeof field, "%s[%zu].value", key, i);
		if (!json_is_string(v))
			return err_set(err, ERR_INVALID, field, "must be a string");
		raw = json_string_value(v);
	} else {
		snprintf(field, sizeof field, "%s[%zu]", key, i);
		return err_set(err, ERR_INVALID, field,
			       "must be a string or an object with label and value");
	}
	snprintf(field, sizeof field, "%s[%zu].value", key, i);
	buf_init(&value, 0);
	buf_init(&norm, 0);
	buf_init(&lab, 0);
	text_trim(&lab, label);
	rc = entry_value(raw, phones, &pc, field, &value, &norm, err);
	if (rc == KITH_OK)
		*out = json_pack("{ss ss ss}", "label", buf_str(&lab), "value", buf_str(&value),
				 "norm", buf_str(&norm));
	buf_free(&value);
	buf_free(&norm);
	buf_free(&lab);
	return rc;
}

static int find_norm(const json_t *list, const char *norm)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "norm")), norm) == 0)
			return (int)i;
	}
	return -1;
}

/* "emails" / "phones": an array of entries (null = none). */
static int apply_entries(Db *db, Lookups *lk, ContactRec *r, const json_t *in, int phones,
			 Err *err)
{
	const char *key = phones ? "phones" : "emails";
	unsigned max = phones ? KITH_MAX_PHONES : KITH_MAX_EMAILS;
	json_t *arr = json_object_get(in, key), *e;
	PhoneCountries pc = {r->s[S_COUNTRY], ""};
	size_t i;
	if (!arr)
		return KITH_OK;
	if (!json_is_null(arr) && !json_is_array(arr))
		return err_set(err, ERR_INVALID, key,
			       "must be an array of strings or {\"label\",\"value\"} objects");
	if (json_array_size(arr) > max)
		return err_set(err, ERR_INVALID, key, "at most %u %s", max, key);
	if (phones && json_array_size(arr)) {
		int rc = lookups_country(db, lk, &pc.fallback, err);
		if (rc)
			return rc;
	}
	json_t *list = json_array();
	json_array_foreach(arr, i, e)
	{
		json_t *entry = NULL;
		int rc = parse_entry(e, key, i, phones, &pc, &entry, err);
		if (rc == KITH_OK &&
		    find_norm(list, json_string_value(json_object_get(entry, "norm"))) >= 0) {
			char field[64];
			snprintf(field, sizeof field, "%s[%zu].value", key, i);
			rc = err_set(err, ERR_INVALID, field, "%s is listed twice",
				     json_string_value(json_object_get(entry, "value")));
		}
		if (rc) {
			json_decref(entry);
			json_decref(list);
			return rc;
		}
		json_array_append_new(list, entry);
	}
	contact_rec_set_list(phones ? &r->phones : &r->emails, list);
	return KITH_OK;
}

/* Read an id-or-null member: *id = 0 for null. */
static int get_ref(const json_t *in, const char *key, int64_t *id, int *present, Err *err)
{
	json_t *v = json_object_get(in, key);
	*present = v != NULL;
	*id = 0;
	if (!v || json_is_null(v))
		return KITH_OK;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return err_set(err, ERR_INVALID, key, "must be a positive integer id or null");
	*id = json_integer_value(v);
	return KITH_OK;
}

/* owner_id: an active user; a member may only assign themselves. On create
 * without owner_id the acting user owns what they add (DESIGN.md: records
 * created by a user are owned by them); the local system leaves it open. */
static int apply_owner(Db *db, const Actor *actor, ContactRec *r, const json_t *in, int creating,
		       Err *err)
{
	int64_t id;
	int present;
	int rc = get_ref(in, "owner_id", &id, &present, err);
	if (rc)
		return rc;
	if (!present) {
		if (creating)
			r->owner_id = actor->user_id;
		return KITH_OK;
	}
	if (!access_is_admin(actor) && id != actor->user_id)
		return err_set(err, ERR_FORBIDDEN, "owner_id",
			       "a member may only assign contacts to themselves");
	/* collab.h: a collaborator may not change the owner */
	if (!access_is_admin(actor) && !creating && id != r->owner_id &&
	    r->owner_id != actor->user_id)
		return err_set(err, ERR_FORBIDDEN, "owner_id",
			       "only the contact's owner or an admin may change its owner");
	if (id && id != r->owner_id && !user_exists(db, id))
		return err_set(err, ERR_INVALID, "owner_id", "no active user #%lld", (long long)id);
	r->owner_id = id;
	return KITH_OK;
}

/* company_id: a live company the actor can see (checked when it changes;
 * p->company_name keeps its name). */
static int apply_company(Db *db, const Actor *actor, ContactRec *r, const json_t *in, Patch *p,
			 Err *err)
{
	int64_t id;
	int present;
	char *name = NULL;
	int rc = get_ref(in, "company_id", &id, &present, err);
	if (rc || !present || id == r->company_id)
		return rc;
	/* the link check locks the company (record_check_link): a purge in
	 * progress is waited for, and then it is not found */
	if (id &&
	    ((rc = record_check_link(db, actor, RECORD_COMPANY, id, 1, "company_id", NULL, err)) ||
	     (rc = company_name(db, actor, id, &name, err)))) {
		if (rc == ERR_NOT_FOUND)
			rc = err_set(err, ERR_INVALID, "company_id", "no company #%lld",
				     (long long)id);
		return rc;
	}
	free(p->company_name);
	p->company_name = name;
	r->company_id = id;
	return KITH_OK;
}

/* cadence_days: 1..3650 days or null (crm/cadence.h owns the rule). */
static int apply_cadence(ContactRec *r, const json_t *in, Err *err)
{
	json_t *v = json_object_get(in, "cadence_days");
	if (!v)
		return KITH_OK;
	int64_t days = 0;
	int rc = cadence_days_check(v, "cadence_days", &days, err);
	if (rc == KITH_OK)
		r->cadence_days = days;
	return rc;
}

static int apply_tags(ContactRec *r, const json_t *in, Err *err)
{
	json_t *tags = json_object_get(in, "tags");
	if (!tags)
		return KITH_OK;
	if (json_is_null(tags)) {
		contact_rec_set_list(&r->tags, json_array());
		return KITH_OK;
	}
	int rc = tag_check_array(tags, "tags", err);
	if (rc == KITH_OK)
		contact_rec_set_list(&r->tags, json_deep_copy(tags));
	return rc;
}

/* display_name is "first last", else the first email; sort_key folds it. */
static void rec_derive(ContactRec *r)
{
	Buf name, key;
	buf_init(&name, 0);
	buf_init(&key, 0);
	buf_adds(&name, r->s[S_FIRST] ? r->s[S_FIRST] : "");
	if (!blank(r->s[S_FIRST]) && !blank(r->s[S_LAST]))
		buf_addc(&name, ' ');
	buf_adds(&name, r->s[S_LAST] ? r->s[S_LAST] : "");
	if (name.len == 0 && json_array_size(r->emails))
		buf_adds(&name,
			 json_string_value(json_object_get(json_array_get(r->emails, 0), "value")));
	text_fold(&key, buf_str(&name));
	r->oom |= buf_failed(&name) || buf_failed(&key);
	contact_rec_set(r, S_DISPLAY, buf_str(&name));
	contact_rec_set(r, S_SORT, buf_str(&key));
	buf_free(&name);
	buf_free(&key);
}

/* Validate in (keys of contact.h) and apply it to r. */
static int rec_apply(Db *db, const Actor *actor, Lookups *lk, ContactRec *r, const json_t *in,
		     int creating, Patch *p, Err *err)
{
	int rc;
	if (!json_is_object(in))
		return err_set(err, ERR_INVALID, NULL, "a contact must be a JSON object");
	if ((rc = json_check_fields(in, writable, err)))
		return rc;
	if ((rc = apply_texts(r, in, err)) || (rc = apply_address(r, in, err)) ||
	    (rc = apply_entries(db, lk, r, in, 0, err)) ||
	    (rc = apply_entries(db, lk, r, in, 1, err)) || (rc = apply_tags(r, in, err)) ||
	    (rc = apply_owner(db, actor, r, in, creating, err)) ||
	    (rc = apply_company(db, actor, r, in, p, err)) || (rc = apply_cadence(r, in, err)))
		return rc;
	json_t *custom = json_object_get(in, "custom");
	if (custom && !json_is_object(custom))
		return err_set(err, ERR_INVALID, "custom",
			       "must be an object of custom field values {\"key\": value}");
	if (creating && !r->s[S_STATUS])
		contact_rec_set(r, S_STATUS, "lead");
	for (int i = S_FIRST; i <= S_LAST; i++)
		if (!r->s[i])
			contact_rec_set(r, i, ""); /* NOT NULL DEFAULT '' columns */
	if (blank(r->s[S_FIRST]) && blank(r->s[S_LAST]) && json_array_size(r->emails) == 0)
		return err_set(err, ERR_INVALID, "first_name",
			       "a contact needs a first name, a last name or an email");
	p->emails = json_object_get(in, "emails") != NULL;
	p->phones = json_object_get(in, "phones") != NULL;
	p->tags = json_object_get(in, "tags") != NULL;
	p->custom = custom;
	rec_derive(r);
	return r->oom ? err_set(err, ERR_INTERNAL, NULL, "out of memory") : KITH_OK;
}

/* ---- duplicate guard ---- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Claim the normalized emails (or phones) of r that old does not hold,
 * until the transaction ends (db_lock_key "email" / "phone"), before
 * dup_check looks for them: two writers adding one value wait for each
 * other, and the second sees the first's contact. A unique index cannot
 * say it: a contact in the trash and --force keep duplicates on purpose.
 * Sorted, and emails before phones, so two writers never wait in a
 * cycle. */
static int dup_lock(Db *db, const ContactRec *r, const json_t *old, int phones, Err *err)
{
	const json_t *list = phones ? r->phones : r->emails;
	const char *norms[KITH_MAX_EMAILS + KITH_MAX_PHONES];
	size_t n = 0, i;
	json_t *e;
	int rc = KITH_OK;
	json_array_foreach(list, i, e)
	{
		const char *norm = json_string_value(json_object_get(e, "norm"));
		if (norm && n < sizeof norms / sizeof *norms && !(old && find_norm(old, norm) >= 0))
			norms[n++] = norm;
	}
	qsort(norms, n, sizeof *norms, str_cmp);
	for (i = 0; i < n && rc == KITH_OK; i++)
		if (i == 0 || strcmp(norms[i], norms[i - 1]))
			rc = db_lock_key(db, phones ? "phone" : "email", norms[i], err);
	return rc;
}

/* ERR_CONFLICT when a value of r's emails (or phones) that old does not
 * hold already belongs to another live contact. The existing contact is
 * named only when the actor may see it. */
static int dup_check(Db *db, const Actor *actor, const ContactRec *r, const json_t *old, int phones,
		     Err *err)
{
	static const char by_email[] =
	    "SELECT c.id, c.display_name, c.owner_id FROM contact_email e "
	    "JOIN contact c ON c.id = e.contact_id "
	    "WHERE e.email_norm = ? AND c.id <> ? AND c.deleted_at IS NULL ORDER BY c.id LIMIT 1";
	static const char by_phone[] =
	    "SELECT c.id, c.display_name, c.owner_id FROM contact_phone e "
	    "JOIN contact c ON c.id = e.contact_id "
	    "WHERE e.phone_norm = ? AND c.id <> ? AND c.deleted_at IS NULL ORDER BY c.id LIMIT 1";
	const json_t *list = phones ? r->phones : r->emails;
	json_t *e;
	size_t i;
	json_array_foreach(list, i, e)
	{
		const char *norm = json_string_value(json_object_get(e, "norm"));
		DbStmt *st;
		if (old && find_norm(old, norm) >= 0)
			continue;
		int rc = db_prepare(db, &st, phones ? by_phone : by_email, err);
		if (rc)
			return rc;
		db_bind_text(st, 1, norm);
		db_bind_int(st, 2, r->id);
		rc = db_step(st, err);
		if (rc == DB_DONE)
			continue;
		if (rc != DB_ROW)
			return rc;
		char field[64];
		int64_t other = db_col_int(st, 0), owner_id = db_col_int(st, 2);
		char *name = strdup(db_col_text(st, 1));
		const char *value = json_string_value(json_object_get(e, "value"));
		db_reset(st); /* before record_can_see prepares its own statement */
		snprintf(field, sizeof field, "%s[%zu].value", phones ? "phones" : "emails", i);
		if (!name) {
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		} else if (record_can_see(db, actor, RECORD_CONTACT, other, owner_id)) {
			rc = err_set(err, ERR_CONFLICT, field,
				     "a contact with %s %s already exists: #%lld %s",
				     phones ? "phone" : "email", value, (long long)other, name);
			if (err)
				err->ref_id = other;
		} else {
			rc = err_set(err, ERR_CONFLICT, field,
				     "a contact with %s %s already exists (owned by another user)",
				     phones ? "phone" : "email", value);
		}
		free(name);
		return rc;
	}
	return KITH_OK;
}

/* ---- writing ---- */

static void bind_columns(DbStmt *st, const ContactRec *r)
{
	for (int i = 0; i < N_WRITTEN; i++)
		db_bind_text(st, i + 1, r->s[i]);
	if (r->company_id)
		db_bind_int(st, N_WRITTEN + 1, r->company_id);
	else
		db_bind_null(st, N_WRITTEN + 1);
	if (r->owner_id)
		db_bind_int(st, N_WRITTEN + 2, r->owner_id);
	else
		db_bind_null(st, N_WRITTEN + 2);
}

static void bind_cadence(DbStmt *st, int i, const ContactRec *r)
{
	if (r->cadence_days)
		db_bind_int(st, i, r->cadence_days);
	else
		db_bind_null(st, i);
}

/* Insert r's row under r->id with its stored representation doc (JSON
 * text) built at custom-field generation gen. */
static int rec_insert(Db *db, const ContactRec *r, const char *doc, int64_t gen, Err *err)
{
	static const char sql[] =
	    "INSERT INTO contact (first_name, last_name, display_name, sort_key, job_title, "
	    "street, city, region, postal_code, country, website, birthday, status, "
	    "temperature, source, notes, consent_note, company_id, owner_id, version, "
	    "created_at, updated_at, id, doc, doc_gen, cadence_days) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	bind_columns(st, r);
	db_bind_int(st, N_WRITTEN + 3, r->version);
	db_bind_text(st, N_WRITTEN + 4, r->s[S_CREATED]);
	db_bind_text(st, N_WRITTEN + 5, r->s[S_UPDATED]);
	db_bind_int(st, N_WRITTEN + 6, r->id);
	db_bind_text(st, N_WRITTEN + 7, doc);
	db_bind_int(st, N_WRITTEN + 8, gen);
	bind_cadence(st, N_WRITTEN + 9, r);
	return db_exec_stmt(st, err);
}

static int rec_update_row(Db *db, const Actor *actor, const ContactRec *r, Err *err)
{
	static const char sql[] =
	    "UPDATE contact SET first_name = ?, last_name = ?, display_name = ?, sort_key = ?, "
	    "job_title = ?, street = ?, city = ?, region = ?, postal_code = ?, country = ?, "
	    "website = ?, birthday = ?, status = ?, temperature = ?, source = ?, notes = ?, "
	    "consent_note = ?, company_id = ?, owner_id = ?, version = version + 1, "
	    "updated_at = ?, cadence_days = ? WHERE id = ?";
	char now[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	bind_columns(st, r);
	db_bind_text(st, N_WRITTEN + 3, now);
	bind_cadence(st, N_WRITTEN + 4, r);
	db_bind_int(st, N_WRITTEN + 5, r->id);
	if ((rc = db_exec_stmt(st, err)))
		return rc;
	return collab_drop_owner(db, actor, RECORD_CONTACT, r->id, err);
}

/* Bump version and updated_at (tag changes, merges). */
static int rec_touch(Db *db, int64_t id, Err *err)
{
	static const char sql[] =
	    "UPDATE contact SET version = version + 1, updated_at = ? WHERE id = ?";
	char now[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_text(st, 1, now);
	db_bind_int(st, 2, id);
	return db_exec_stmt(st, err);
}

static int exec_id(Db *db, const char *sql, int64_t id, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	return db_exec_stmt(st, err);
}

/* Replace the stored emails or phones of r with r's list (fresh: r was
 * just inserted, so there is nothing to replace). */
static int write_entries(Db *db, const ContactRec *r, int phones, int fresh, Err *err)
{
	static const char del_e[] = "DELETE FROM contact_email WHERE contact_id = ?";
	static const char del_p[] = "DELETE FROM contact_phone WHERE contact_id = ?";
	static const char ins_e[] =
	    "INSERT INTO contact_email (contact_id, position, label, email, "
	    "email_norm) VALUES (?, ?, ?, ?, ?)";
	static const char ins_p[] =
	    "INSERT INTO contact_phone (contact_id, position, label, phone, "
	    "phone_norm) VALUES (?, ?, ?, ?, ?)";
	const json_t *list = phones ? r->phones : r->emails;
	json_t *e;
	size_t i;
	int rc = fresh ? KITH_OK : exec_id(db, phones ? del_p : del_e, r->id, err);
	json_array_foreach(list, i, e)
	{
		DbStmt *st;
		if (rc || (rc = db_prepare(db, &st, phones ? ins_p : ins_e, err)))
			return rc;
		db_bind_int(st, 1, r->id);
		db_bind_int(st, 2, (int64_t)i);
		db_bind_text(st, 3, json_string_value(json_object_get(e, "label")));
		db_bind_text(st, 4, json_string_value(json_object_get(e, "value")));
		db_bind_text(st, 5, json_string_value(json_object_get(e, "norm")));
		rc = db_exec_stmt(st, err);
	}
	return rc;
}

static int write_tags(Db *db, const ContactRec *r, Err *err)
{
	static const char del[] = "DELETE FROM contact_tag WHERE contact_id = ?";
	static const char ins[] = "INSERT INTO contact_tag (contact_id, tag_id) VALUES (?, ?)";
	size_t *order = NULL;
	int rc = exec_id(db, del, r->id, err);
	/* in tag_order, so writers creating the same new tags never deadlock */
	if (rc || (rc = tag_order(r->tags, &order, err)))
		return rc;
	for (size_t i = 0; i < json_array_size(r->tags) && rc == KITH_OK; i++) {
		int64_t tag_id = 0;
		DbStmt *st;
		const char *name = json_string_value(json_array_get(r->tags, order[i]));
		if ((rc = tag_resolve(db, name, &tag_id, err)) ||
		    (rc = db_prepare(db, &st, ins, err)))
			break;
		db_bind_int(st, 1, r->id);
		db_bind_int(st, 2, tag_id);
		rc = db_exec_stmt(st, err);
	}
	free(order);
	return rc;
}

/* Folded key of a tag name, as tag.c compares them. */
static void tag_key(Buf *key, const char *name)
{
	Buf t;
	buf_init(&t, 0);
	text_trim(&t, name);
	text_fold(key, buf_str(&t));
	buf_free(&t);
}

/* The memo entry of the tag with folded key, NULL when not met yet. */
static TagMemo *memo_find(Lookups *lk, const char *key)
{
	for (size_t i = 0; i < lk->n_tags; i++)
		if (strcmp(lk->tags[i].key, key) == 0)
			return &lk->tags[i];
	return NULL;
}

/* Id and stored spelling (*stored, malloc'd) of the tag called name with
 * folded key, created when missing, as tag_resolve resolves it; one query
 * for an existing tag. (A tag.h call that hands back the stored spelling
 * would let this go.) */
static int tag_lookup(Db *db, const char *name, const char *key, int64_t *id, char **stored,
		      Err *err)
{
	static const char sql[] = "SELECT id, name FROM tag WHERE name_norm = ?";
	DbStmt *st;
	*stored = NULL;
	for (int pass = 0; pass < 2; pass++) {
		int rc = db_prepare(db, &st, sql, err);
		if (rc)
			return rc;
		db_bind_text(st, 1, key);
		rc = db_step(st, err);
		if (rc == DB_ROW) {
			*id = db_col_int(st, 0);
			*stored = strdup(db_col_text(st, 1));
		}
		db_reset(st);
		if (rc == DB_ROW)
			break;
		if (rc != DB_DONE)
			return rc;
		/* a new tag keeps the name as given, trimmed, unless another
		 * writer created it first: read back what was stored */
		if (pass || (rc = tag_resolve(db, name, id, err)))
			return pass ? err_set(err, ERR_STORAGE, NULL, "tag '%s' vanished", name)
				    : rc;
	}
	return *stored ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
}

/* The memo entry of tag name, looked up (or created) when the call meets
 * it first. The memo has room (tags_resolve sees to it). */
static int memo_tag(Db *db, Lookups *lk, const char *name, TagMemo **out, Err *err)
{
	Buf key;
	int rc = KITH_OK;
	buf_init(&key, 0);
	tag_key(&key, name);
	*out = buf_failed(&key) ? NULL : memo_find(lk, buf_str(&key));
	if (!*out && !buf_failed(&key)) {
		TagMemo *m = &lk->tags[lk->n_tags];
		*m = (TagMemo){0};
		rc = tag_lookup(db, name, buf_str(&key), &m->id, &m->name, err);
		if (rc == KITH_OK && (m->key = buf_take(&key))) {
			lk->n_tags++;
			*out = m;
		} else {
			free(m->name);
		}
	}
	buf_free(&key);
	if (rc == KITH_OK && !*out)
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	return rc;
}

static int memo_cmp(const void *a, const void *b)
{
	return strcmp((*(TagMemo *const *)a)->key, (*(TagMemo *const *)b)->key);
}

/* Resolve r's tags (creating missing ones) for a new contact: r->tags
 * becomes their stored spellings in stored order (by folded name), as a
 * reload would read them, and ids[] their ids in that order. Tags met
 * before in this call cost no lookup. */
static int tags_resolve(Db *db, Lookups *lk, ContactRec *r, int64_t ids[KITH_MAX_TAGS], Err *err)
{
	size_t n = json_array_size(r->tags), i;
	TagMemo *used[KITH_MAX_TAGS];
	json_t *names;
	size_t *order = NULL;
	int rc;
	if (n == 0)
		return KITH_OK;
	if (n > KITH_MAX_TAGS)
		return err_set(err, ERR_INVALID, "tags", "at most %u tags", KITH_MAX_TAGS);
	if (lk->n_tags + n > TAG_MEMO_MAX)
		lookups_free(lk); /* full: start over rather than grow */
	/* in tag_order, so writers creating the same new tags never deadlock */
	if ((rc = tag_order(r->tags, &order, err)))
		return rc;
	for (i = 0; i < n && rc == KITH_OK; i++)
		rc = memo_tag(db, lk, json_string_value(json_array_get(r->tags, order[i])),
			      &used[i], err);
	free(order);
	if (rc)
		return rc;
	qsort(used, n, sizeof used[0], memo_cmp);
	names = json_array();
	for (i = 0; i < n && names; i++) {
		ids[i] = used[i]->id;
		if (json_array_append_new(names, json_string(used[i]->name))) {
			json_decref(names);
			names = NULL;
		}
	}
	if (!names)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	contact_rec_set_list(&r->tags, names);
	return KITH_OK;
}

/* Link a new contact to the n tags of ids. */
static int write_tag_links(Db *db, int64_t id, const int64_t *ids, size_t n, Err *err)
{
	static const char ins[] = "INSERT INTO contact_tag (contact_id, tag_id) VALUES (?, ?)";
	int rc = KITH_OK;
	for (size_t i = 0; i < n && rc == KITH_OK; i++) {
		DbStmt *st;
		if ((rc = db_prepare(db, &st, ins, err)))
			return rc;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, ids[i]);
		rc = db_exec_stmt(st, err);
	}
	return rc;
}

/* ---- search document ---- */

/* Put r's search document: names, emails, phone forms, company name, tags,
 * job title, city, notes and the text custom values (custom: NULL reads
 * them, "" when there are none). */
static int rec_doc(Db *db, const ContactRec *r, const char *company, const char *custom, Buf *doc,
		   Err *err)
{
	Buf raw;
	json_t *e;
	size_t i;
	int rc = KITH_OK;
	buf_init(&raw, 0);
	buf_adds(&raw, r->s[S_DISPLAY] ? r->s[S_DISPLAY] : "");
	json_array_foreach(r->emails, i, e)
	{
		buf_addf(&raw, " %s", json_string_value(json_object_get(e, "value")));
	}
	json_array_foreach(r->phones, i, e)
	{
		buf_addc(&raw, ' ');
		phone_search_forms(json_string_value(json_object_get(e, "value")), &raw);
	}
	json_array_foreach(r->tags, i, e)
	{
		buf_addf(&raw, " %s", json_string_value(e));
	}
	buf_addf(&raw, " %s %s %s %s", company ? company : "", r->s[S_TITLE] ? r->s[S_TITLE] : "",
		 r->s[S_CITY] ? r->s[S_CITY] : "", r->s[S_NOTES] ? r->s[S_NOTES] : "");
	buf_addc(&raw, ' ');
	if (!custom)
		rc = field_values_text(db, "contact", r->id, &raw, err);
	else if (*custom)
		buf_addf(&raw, " %s", custom); /* as field_values_text appends */
	if (rc == KITH_OK) {
		text_search_doc(doc, buf_str(&raw));
		if (buf_failed(&raw) || buf_failed(doc))
			rc = err_set(err, ERR_INTERNAL, NULL, "search document too large");
	}
	buf_free(&raw);
	return rc;
}

static int rec_index_put(Db *db, const ContactRec *r, const char *company, const char *custom,
			 Err *err)
{
	Buf doc;
	buf_init(&doc, 0);
	int rc = rec_doc(db, r, company, custom, &doc, err);
	if (rc == KITH_OK)
		rc = search_put(db, "contact", r->id, buf_str(&doc), err);
	buf_free(&doc);
	return rc;
}

/* The name of r's company as its search document shows it, or NULL
 * (*company: caller frees). */
static int rec_company(Db *db, const ContactRec *r, char **company, Err *err)
{
	const Actor system = ACTOR_SYSTEM;
	*company = NULL;
	int rc = r->company_id ? company_name(db, &system, r->company_id, company, err) : KITH_OK;
	if (rc == ERR_NOT_FOUND) {
		err_clear(err);
		rc = KITH_OK;
	}
	return rc;
}

/* Put (or, for a trashed contact, remove) r's search document. */
static int rec_index(Db *db, const ContactRec *r, Err *err)
{
	char *company = NULL;
	if (r->s[S_DELETED])
		return search_remove(db, "contact", r->id, err);
	int rc = rec_company(db, r, &company, err);
	if (rc == KITH_OK)
		rc = rec_index_put(db, r, company, NULL, err);
	free(company);
	return rc;
}

/* search_check's SearchDocFn: the document rec_index puts. */
static int contact_search_doc(Db *db, int64_t id, Buf *doc, Err *err)
{
	ContactRec r;
	char *company = NULL;
	contact_rec_init(&r);
	int rc = contact_rec_load(db, id, &r, err);
	if (rc == KITH_OK && r.s[S_DELETED])
		rc = err_set(err, ERR_NOT_FOUND, "id", "contact %lld is in the trash",
			     (long long)id);
	if (rc == KITH_OK)
		rc = rec_company(db, &r, &company, err);
	if (rc == KITH_OK)
		rc = rec_doc(db, &r, company, NULL, doc, err);
	free(company);
	contact_rec_free(&r);
	return rc;
}

int contact_search_check(Db *db, const SearchCheck *chk, Err *err)
{
	/* the contacts rec_index gives a document: those out of the trash */
	static const char ids[] = "SELECT id FROM contact WHERE deleted_at IS NULL AND id > ? "
				  "ORDER BY id LIMIT ?";
	static const char count[] = "SELECT COUNT(*), 0 FROM contact WHERE deleted_at IS NULL";
	return search_check(db, "contact", ids, count, contact_search_doc, chk, err);
}

/* Store doc as r's stored representation (migration 005), stamped with
 * the custom-field generation gen. */
static int rec_store_doc(Db *db, const ContactRec *r, const json_t *doc, int64_t gen, Err *err)
{
	static const char sql[] = "UPDATE contact SET doc = ?, doc_gen = ? WHERE id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	char *text = json_dump(doc);
	if (!text)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	db_bind_text(st, 1, text);
	db_bind_int(st, 2, gen);
	db_bind_int(st, 3, r->id);
	rc = db_exec_stmt(st, err);
	free(text);
	return rc;
}

/* Reload r from the database (canonical tag spellings, version, times),
 * re-index it and store its JSON; when want is set, hand that JSON over. */
static int rec_refresh(Db *db, const Actor *actor, ContactRec *r, json_t **want, Err *err)
{
	int64_t id = r->id, gen = 0;
	json_t *doc = NULL;
	contact_rec_free(r);
	contact_rec_init(r);
	int rc = contact_rec_load(db, id, r, err);
	if (rc == KITH_OK)
		rc = rec_index(db, r, err);
	if (rc == KITH_OK)
		rc = contact_rec_json(db, actor, r, 1, &doc, err);
	if (rc == KITH_OK)
		rc = field_generation(db, &gen, err);
	if (rc == KITH_OK)
		rc = rec_store_doc(db, r, doc, gen, err);
	if (rc == KITH_OK && want)
		*want = doc;
	else
		json_decref(doc);
	return rc;
}

/* ---- public: create, get, update ---- */

/* The stored representation of a new contact (*doc; *text its JSON text,
 * malloc'd), built from r as a reload would read it: the company's name and
 * the custom values are read once, and *custom_text receives the text and
 * select values for the search document. */
static int new_doc(Db *db, const ContactRec *r, const Patch *p, json_t **doc, char **text,
		   Buf *custom_text, Err *err)
{
	json_t *custom = NULL;
	int rc = KITH_OK;
	/* a new row has custom values only when the input gave some */
	if (p->custom && json_object_size(p->custom))
		rc = field_values_read(db, "contact", r->id, &custom, custom_text, err);
	if (rc)
		return rc;
	*doc = contact_rec_json_known(r, 1, p->company_name, custom);
	*text = *doc ? json_dump(*doc) : NULL;
	if (!*text || buf_failed(custom_text))
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	return KITH_OK;
}

/* contact_create's work inside the caller's transaction. The row is
 * written once, with its stored JSON: its id is taken in advance
 * (contact_next_id) and everything the JSON shows is known before. */
static int create_one(Db *db, const Actor *actor, Lookups *lk, const json_t *in, int flags,
		      int64_t *id, Err *err)
{
	ContactRec r;
	Patch p = {0};
	json_t *doc = NULL;
	char *text = NULL, now[21];
	int64_t tag_ids[KITH_MAX_TAGS], gen = 0;
	Buf custom;
	int rc;
	contact_rec_init(&r);
	buf_init(&custom, 0);
	if ((rc = rec_apply(db, actor, lk, &r, in, 1, &p, err)))
		goto done;
	if (!(flags & CONTACT_FORCE) &&
	    ((rc = dup_lock(db, &r, NULL, 0, err)) || (rc = dup_lock(db, &r, NULL, 1, err)) ||
	     (rc = dup_check(db, actor, &r, NULL, 0, err)) ||
	     (rc = dup_check(db, actor, &r, NULL, 1, err))))
		goto done;
	time_now_iso(now);
	r.version = 1;
	contact_rec_set(&r, S_CREATED, now);
	contact_rec_set(&r, S_UPDATED, now);
	if (r.oom) {
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		goto done;
	}
	if ((rc = contact_next_id(db, &r.id, err)) ||
	    (rc = tags_resolve(db, lk, &r, tag_ids, err)) ||
	    (rc = field_values_put(db, "contact", r.id, p.custom, 1, err)) ||
	    (rc = new_doc(db, &r, &p, &doc, &text, &custom, err)) ||
	    (rc = lookups_generation(db, lk, &gen, err)) ||
	    (rc = rec_insert(db, &r, text, gen, err)))
		goto done;
	if ((rc = write_entries(db, &r, 0, 1, err)) || (rc = write_entries(db, &r, 1, 1, err)) ||
	    (rc = write_tag_links(db, r.id, tag_ids, json_array_size(r.tags), err)) ||
	    (rc = rec_index_put(db, &r, p.company_name, buf_str(&custom), err)))
		goto done;
	if (!(flags & CONTACT_NO_AUDIT))
		rc = audit_write(db, actor, "create", "contact", r.id, doc, err);
	if (rc == KITH_OK)
		*id = r.id;
done:
	json_decref(doc);
	free(text);
	buf_free(&custom);
	patch_free(&p);
	contact_rec_free(&r);
	return rc;
}

int contact_create(Db *db, const Actor *actor, const json_t *in, int flags, int64_t *id, Err *err)
{
	Lookups lk = {0};
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = create_one(db, actor, &lk, in, flags, id, err);
	lookups_free(&lk);
	return db_end(db, rc, err);
}

int contact_create_many(Db *db, const Actor *actor, json_t *const *in, size_t n, int flags,
			int64_t *ids, Err *err)
{
	Lookups lk = {0};
	int64_t id = 0;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && rc == KITH_OK; i++) {
		rc = create_one(db, actor, &lk, in[i], flags, &id, err);
		if (rc == KITH_OK && ids)
			ids[i] = id;
	}
	lookups_free(&lk);
	return db_end(db, rc, err);
}

/* Up to this many namesakes are looked at for warnings (a few is plenty
 * to say "there is one already"). */
enum { NAMESAKES_MAX = 5 };

int contact_create_warnings(Db *db, const Actor *actor, int64_t id, json_t **warnings, Err *err)
{
	/* contact_company drives: the company's few contacts, compared by
	 * sort key (the folded display name), only those the actor may see
	 * (before the LIMIT, so hidden namesakes never crowd out visible
	 * ones). */
	static const char sql[] =
	    "SELECT o.id, o.display_name, c.company_id FROM contact c "
	    "JOIN contact o ON o.company_id = c.company_id AND o.sort_key = c.sort_key "
	    "AND o.id <> c.id AND o.deleted_at IS NULL "
	    "WHERE c.id = ? AND c.company_id IS NOT NULL "
	    "AND (c.first_name <> '' OR c.last_name <> '') AND " RECORD_VISIBLE("contact", "o")
	    " ORDER BY o.id LIMIT ?";
	struct {
		int64_t id;
		char *name;
	} found[NAMESAKES_MAX];
	int n = 0, rc = KITH_OK;
	int64_t company = 0;
	DbStmt *st;
	*warnings = json_array();
	if (!*warnings || (rc = db_prepare(db, &st, sql, err)))
		return *warnings ? rc : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	db_bind_int(st, 1, id);
	db_bind_int(st, record_bind_visible(st, 2, actor, RECORD_CONTACT), NAMESAKES_MAX);
	while (n < NAMESAKES_MAX && (rc = db_step(st, err)) == DB_ROW) {
		found[n].id = db_col_int(st, 0);
		found[n].name = strdup(db_col_text(st, 1));
		company = db_col_int(st, 2);
		n++;
	}
	db_reset(st); /* before company_name prepares its own */
	rc = rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
	char *company_label = NULL;
	if (rc == KITH_OK && n &&
	    company_name(db, actor, company, &company_label, err) != KITH_OK) {
		err_clear(err);
		company_label = NULL;
	}
	for (int i = 0; i < n; i++) {
		if (rc == KITH_OK && found[i].name) {
			Buf msg;
			buf_init(&msg, 0);
			buf_addf(&msg, "a contact with this name already works at %s: #%lld %s",
				 company_label ? company_label : "this company",
				 (long long)found[i].id, found[i].name);
			json_t *w = json_pack("{ss ss ss sI}", "code", "same_name", "field",
					      "first_name", "message", buf_str(&msg), "existing_id",
					      (json_int_t)found[i].id);
			if (!w || buf_failed(&msg) || json_array_append_new(*warnings, w))
				rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
			buf_free(&msg);
		}
		free(found[i].name);
	}
	free(company_label);
	if (rc) {
		json_decref(*warnings);
		*warnings = NULL;
	}
	return rc;
}

/* The stored representation of contact id when it is current, into json
 * (initialised here; the caller frees it): left empty when the doc must be
 * built live. Checks visibility like contact_rec_find. With touch, also
 * reads the contact's next-touch inputs (cadence.h) in the same statement.
 * The text is copied once, straight from the row, into a buffer with room
 * to spare for cadence_annotate_touch_buf. */
static int doc_read(Db *db, const Actor *actor, int64_t id, int include_deleted, Buf *json,
		    int64_t *version, CadenceTouch *touch, Err *err)
{
#define DOC_COLS                                                                                 \
	"SELECT c.owner_id, c.deleted_at IS NOT NULL, c.doc, "                                  \
	"c.doc_gen = (SELECT generation FROM field_schema WHERE id = 1), c.version"
	static const char sql[] = DOC_COLS " FROM contact c WHERE c.id = ?";
	static const char sql_touch[] = DOC_COLS ", " CADENCE_TOUCH_COLS
					" FROM contact c " CADENCE_TOUCH_JOINS " WHERE c.id = ?";
#undef DOC_COLS
	DbStmt *st;
	buf_init(json, 0);
	int rc = db_prepare(db, &st, touch ? sql_touch : sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_DONE)
		rc = err_set(err, ERR_NOT_FOUND, "id", "no contact #%lld", (long long)id);
	int64_t owner_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	int deleted = rc == DB_ROW && db_col_int(st, 1);
	if (rc == DB_ROW) {
		*version = db_col_int(st, 4);
		if (touch)
			cadence_touch_from_row(st, 5, touch);
		rc = KITH_OK;
		if (!db_col_is_null(st, 2) && db_col_int(st, 3) == 1) {
			buf_adds(json, db_col_text(st, 2));
			if (buf_failed(json))
				rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		}
	}
	db_reset(st); /* before the visibility check prepares its own statement */
	if (rc == KITH_OK)
		rc = contact_rec_visible(db, actor, id, owner_id, deleted, include_deleted, err);
	if (rc)
		buf_free(json);
	return rc;
}

static int get_live(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
		    Err *err)
{
	ContactRec r;
	contact_rec_init(&r);
	int rc = contact_rec_find(db, actor, id, include_deleted, &r, err);
	if (rc == KITH_OK)
		rc = contact_rec_json(db, actor, &r, 1, out, err);
	contact_rec_free(&r);
	return rc;
}

int contact_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out, Err *err)
{
	Buf json;
	int64_t version;
	int rc = doc_read(db, actor, id, include_deleted, &json, &version, NULL, err);
	if (rc == KITH_OK && json.len) {
		*out = json_loadb(json.data, json.len, 0, NULL);
		buf_free(&json);
		if (*out)
			return KITH_OK;
	}
	buf_free(&json);
	return rc ? rc : get_live(db, actor, id, include_deleted, out, err);
}

int contact_id_span(Db *db, int64_t *first, int64_t *last, Err *err)
{
	static const char sql[] = "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM contact";
	return db_query_int2(db, sql, first, last, err);
}

/* contact_get_text when the stored doc is stale: build it live. */
static int text_live(Db *db, const Actor *actor, int64_t id, int include_deleted, char **text,
		     int64_t *version, Err *err)
{
	json_t *live = NULL;
	int rc = get_live(db, actor, id, include_deleted, &live, err);
	if (rc)
		return rc;
	*version = json_integer_value(json_object_get(live, "version"));
	*text = json_dump(live);
	json_decref(live);
	return *text ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
}

int contact_get_text(Db *db, const Actor *actor, int64_t id, int include_deleted, char **text,
		     int64_t *version, Err *err)
{
	Buf json;
	*text = NULL;
	int rc = doc_read(db, actor, id, include_deleted, &json, version, NULL, err);
	if (rc == KITH_OK && json.len) {
		*text = buf_take(&json);
		return KITH_OK;
	}
	buf_free(&json);
	return rc ? rc : text_live(db, actor, id, include_deleted, text, version, err);
}

int contact_get_text_annotated(Db *db, const Actor *actor, int64_t id, int include_deleted,
			       char **text, int64_t *version, Err *err)
{
	CadenceTouch touch;
	Buf json;
	*text = NULL;
	int rc = doc_read(db, actor, id, include_deleted, &json, version, &touch, err);
	if (rc == KITH_OK && json.len) {
		if ((rc = cadence_annotate_touch_buf(db, &touch, &json, err)) == KITH_OK)
			*text = buf_take(&json);
	} else if (rc == KITH_OK && /* built live: the doc is stale */
		   (rc = text_live(db, actor, id, include_deleted, text, version, err)) == KITH_OK) {
		rc = cadence_annotate_text(db, id, text, err);
	}
	buf_free(&json);
	if (rc) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

/* contact_rec_find after locking the row (record_lock), for a change
 * computed from what it reads: a concurrent writer of the same contact
 * waits, then reads what this one committed. */
static int find_locked(Db *db, const Actor *actor, int64_t id, int include_deleted, ContactRec *r,
		       Err *err)
{
	int rc = record_lock(db, RECORD_CONTACT, id, err);
	return rc ? rc : contact_rec_find(db, actor, id, include_deleted, r, err);
}

static int check_version(const ContactRec *r, int64_t expected, Err *err)
{
	if (expected && expected != r->version)
		return err_set(err, ERR_STALE, "version",
			       "contact #%lld changed since you read it (now version %lld); reload "
			       "it and try again",
			       (long long)r->id, (long long)r->version);
	return KITH_OK;
}

int contact_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		   int64_t expected_version, int flags, json_t **out, Err *err)
{
	ContactRec r;
	Patch p = {0};
	Lookups lk = {0};
	json_t *before = NULL, *after = NULL, *old_emails = NULL, *old_phones = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	contact_rec_init(&r);
	if ((rc = find_locked(db, actor, id, 0, &r, err)) ||
	    (rc = check_version(&r, expected_version, err)) ||
	    (rc = contact_rec_json(db, actor, &r, 1, &before, err)))
		goto done;
	old_emails = json_incref(r.emails);
	old_phones = json_incref(r.phones);
	if ((rc = rec_apply(db, actor, &lk, &r, patch, 0, &p, err)))
		goto done;
	if (!(flags & CONTACT_FORCE) && ((rc = dup_lock(db, &r, old_emails, 0, err)) ||
					 (rc = dup_lock(db, &r, old_phones, 1, err)) ||
					 (rc = dup_check(db, actor, &r, old_emails, 0, err)) ||
					 (rc = dup_check(db, actor, &r, old_phones, 1, err))))
		goto done;
	if ((rc = rec_update_row(db, actor, &r, err)) ||
	    (p.emails && (rc = write_entries(db, &r, 0, 0, err))) ||
	    (p.phones && (rc = write_entries(db, &r, 1, 0, err))) ||
	    (p.tags && (rc = write_tags(db, &r, err))) ||
	    (p.custom && (rc = field_values_put(db, "contact", id, p.custom, 0, err))) ||
	    (rc = rec_refresh(db, actor, &r, &after, err)))
		goto done;
	if (!(flags & CONTACT_NO_AUDIT)) {
		json_t *diff = audit_diff(before, after);
		rc = audit_write(db, actor, "update", "contact", id, diff, err);
		json_decref(diff);
	}
done:
	rc = db_end(db, rc, err);
	if (rc == KITH_OK && out)
		*out = json_incref(after);
	json_decref(before);
	json_decref(after);
	json_decref(old_emails);
	json_decref(old_phones);
	patch_free(&p);
	lookups_free(&lk);
	contact_rec_free(&r);
	return rc;
}

/* ---- trash ---- */

static int set_deleted(Db *db, int64_t id, const char *at, Err *err)
{
	static const char sql[] = "UPDATE contact SET deleted_at = ?, version = version + 1, "
				  "updated_at = ? WHERE id = ?";
	char now[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_text(st, 1, at);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, id);
	return db_exec_stmt(st, err);
}

int contact_delete(Db *db, const Actor *actor, int64_t id, Err *err)
{
	ContactRec r;
	json_t *snap = NULL;
	char now[21];
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	contact_rec_init(&r);
	time_now_iso(now);
	if ((rc = find_locked(db, actor, id, 0, &r, err)) ||
	    (rc = contact_rec_json(db, actor, &r, 1, &snap, err)) ||
	    (rc = set_deleted(db, id, now, err)) || (rc = rec_refresh(db, actor, &r, NULL, err)) ||
	    (rc = links_trash(db, "contact", id, err)))
		goto done;
	rc = audit_write(db, actor, "delete", "contact", id, snap, err);
done:
	json_decref(snap);
	contact_rec_free(&r);
	return db_end(db, rc, err);
}

int contact_restore(Db *db, const Actor *actor, int64_t id, Err *err)
{
	ContactRec r;
	json_t *ch = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	contact_rec_init(&r);
	if ((rc = find_locked(db, actor, id, 1, &r, err)))
		goto done;
	if (!r.s[S_DELETED]) {
		rc = err_set(err, ERR_CONFLICT, "id", "contact #%lld is not in the trash",
			     (long long)id);
		goto done;
	}
	ch = json_pack("{s[sn]}", "deleted_at", r.s[S_DELETED]);
	if ((rc = set_deleted(db, id, NULL, err)) == KITH_OK &&
	    (rc = rec_refresh(db, actor, &r, NULL, err)) == KITH_OK &&
	    (rc = links_restore(db, "contact", id, err)) == KITH_OK)
		rc = audit_write(db, actor, "restore", "contact", id, ch, err);
done:
	json_decref(ch);
	contact_rec_free(&r);
	return db_end(db, rc, err);
}

int contact_purge(Db *db, const Actor *actor, int64_t id, Err *err)
{
	static const char sql[] = "DELETE FROM contact WHERE id = ?";
	ContactRec r;
	json_t *snap = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	contact_rec_init(&r);
	if ((rc = find_locked(db, actor, id, 1, &r, err)))
		goto done;
	if (!r.s[S_DELETED]) {
		rc = err_set(err, ERR_CONFLICT, "id",
			     "contact #%lld is not in the trash; move it to the trash first",
			     (long long)id);
		goto done;
	}
	if (!access_is_admin(actor)) {
		rc = err_set(err, ERR_FORBIDDEN, NULL, "only an owner or admin may purge contacts");
		goto done;
	}
	/* The audit entry keeps the snapshot: the only copy after the purge. */
	/* What happens to its emails, phones, tags, activities, deals, tasks
	 * and custom values is declared in core/links.def. */
	if ((rc = contact_rec_json(db, actor, &r, 1, &snap, err)) ||
	    (rc = links_purge(db, "contact", id, "id", err)) || (rc = exec_id(db, sql, id, err)))
		goto done;
	rc = audit_write(db, actor, "purge", "contact", id, snap, err);
done:
	json_decref(snap);
	contact_rec_free(&r);
	return db_end(db, rc, err);
}

/* ---- merge and tags ---- */

/* Position of name in the tag array tags (compared folded), -1 if absent. */
static int tag_index(const json_t *tags, const char *name)
{
	Buf want, have;
	json_t *t;
	size_t i;
	int found = -1;
	buf_init(&want, 0);
	buf_init(&have, 0);
	tag_key(&want, name);
	json_array_foreach(tags, i, t)
	{
		buf_reset(&have);
		tag_key(&have, json_string_value(t));
		if (strcmp(buf_str(&want), buf_str(&have)) == 0) {
			found = (int)i;
			break;
		}
	}
	buf_free(&want);
	buf_free(&have);
	return found;
}

/* Append other's entries that keep lacks; ERR_INVALID past max. */
static int unite_entries(json_t *keep, const json_t *other, unsigned max, const char *key, Err *err)
{
	json_t *e;
	size_t i;
	json_array_foreach(other, i, e)
	{
		if (find_norm(keep, json_string_value(json_object_get(e, "norm"))) >= 0)
			continue;
		if (json_array_size(keep) >= max)
			return err_set(err, ERR_INVALID, key,
				       "the merged contact would have more than %u %s", max, key);
		json_array_append(keep, e);
	}
	return KITH_OK;
}

/* keep's empty fields take other's values; lists are united; notes are
 * appended. The address moves as a whole so parts of two addresses never
 * mix. */
static int merge_into(ContactRec *keep, const ContactRec *other, Err *err)
{
	static const int fill[] = {S_FIRST,    S_LAST, S_TITLE,	 S_WEBSITE,
				   S_BIRTHDAY, S_TEMP, S_SOURCE, S_CONSENT};
	json_t *t;
	size_t i;
	for (i = 0; i < sizeof fill / sizeof fill[0]; i++)
		if (blank(keep->s[fill[i]]) && !blank(other->s[fill[i]]))
			contact_rec_set(keep, fill[i], other->s[fill[i]]);
	int has_address = 0;
	for (i = 0; i < N_ADDRESS_KEYS; i++)
		has_address |= !blank(keep->s[address_keys[i].idx]);
	for (i = 0; i < N_ADDRESS_KEYS && !has_address; i++)
		contact_rec_set(keep, address_keys[i].idx, other->s[address_keys[i].idx]);
	keep->company_id = keep->company_id ? keep->company_id : other->company_id;
	keep->owner_id = keep->owner_id ? keep->owner_id : other->owner_id;
	keep->cadence_days = keep->cadence_days ? keep->cadence_days : other->cadence_days;
	if (!blank(other->s[S_NOTES])) {
		Buf notes;
		buf_init(&notes, 0);
		if (!blank(keep->s[S_NOTES]))
			buf_addf(&notes, "%s\n\n", keep->s[S_NOTES]);
		buf_adds(&notes, other->s[S_NOTES]);
		int too_long = notes.len > KITH_MAX_TEXT;
		if (!too_long)
			contact_rec_set(keep, S_NOTES, buf_str(&notes));
		buf_free(&notes);
		if (too_long)
			return err_set(err, ERR_INVALID, "notes",
				       "the merged notes would be longer than %u bytes",
				       KITH_MAX_TEXT);
	}
	int rc = unite_entries(keep->emails, other->emails, KITH_MAX_EMAILS, "emails", err);
	if (rc || (rc = unite_entries(keep->phones, other->phones, KITH_MAX_PHONES, "phones", err)))
		return rc;
	json_array_foreach(other->tags, i, t)
	{
		if (tag_index(keep->tags, json_string_value(t)) >= 0)
			continue;
		if (json_array_size(keep->tags) >= KITH_MAX_TAGS)
			return err_set(err, ERR_INVALID, "tags",
				       "the merged contact would have more than %u tags",
				       KITH_MAX_TAGS);
		json_array_append(keep->tags, t);
	}
	rec_derive(keep);
	return keep->oom ? err_set(err, ERR_INTERNAL, NULL, "out of memory") : KITH_OK;
}

static int merge_audit(Db *db, const Actor *actor, const ContactRec *keep, const ContactRec *other,
		       const json_t *before, const json_t *after, Err *err)
{
	json_t *diff = audit_diff(before, after);
	json_t *a = json_pack("{sI so}", "merged_from", (json_int_t)other->id, "changes", diff);
	json_t *b = json_pack("{sI ss}", "merged_into", (json_int_t)keep->id, "keeper",
			      keep->s[S_DISPLAY] ? keep->s[S_DISPLAY] : "");
	int rc = audit_write(db, actor, "merge", "contact", keep->id, a, err);
	if (rc == KITH_OK)
		rc = audit_write(db, actor, "merge", "contact", other->id, b, err);
	json_decref(a);
	json_decref(b);
	return rc;
}

/* issue 7: a merge carries over from other only what the actor could set
 * on keep directly (collab.h): other's owner, when keep had none (owner),
 * only for an owner or admin and only to an active user (a collaborator may
 * not change the owner; a disabled user is not assigned); other's company,
 * when keep had none (company), only when the actor may link it. */
static int merge_refs(Db *db, const Actor *actor, ContactRec *keep, int64_t owner, int64_t company,
		      Err *err)
{
	if (keep->owner_id != owner &&
	    (!access_is_admin(actor) || !user_exists(db, keep->owner_id)))
		keep->owner_id = owner;
	if (keep->company_id == company)
		return KITH_OK;
	char *name = NULL;
	int rc = company_name(db, actor, keep->company_id, &name, err);
	free(name);
	if (rc == ERR_NOT_FOUND) {
		err_clear(err);
		keep->company_id = company;
		rc = KITH_OK;
	}
	return rc;
}

int contact_merge(Db *db, const Actor *actor, int64_t keep, int64_t other, json_t **out, Err *err)
{
	ContactRec k, o;
	json_t *before = NULL, *after = NULL;
	int64_t owner = 0, company = 0;
	char now[21];
	if (keep == other)
		return err_set(err, ERR_INVALID, "other_id", "cannot merge a contact with itself");
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	contact_rec_init(&k);
	contact_rec_init(&o);
	time_now_iso(now);
	if ((rc = record_lock_pair(db, RECORD_CONTACT, keep, other, err)) ||
	    (rc = contact_rec_find(db, actor, keep, 0, &k, err)) ||
	    (rc = contact_rec_find(db, actor, other, 0, &o, err)) ||
	    (rc = contact_rec_json(db, actor, &k, 1, &before, err)))
		goto done;
	owner = k.owner_id;
	company = k.company_id;
	if ((rc = merge_into(&k, &o, err)) || (rc = merge_refs(db, actor, &k, owner, company, err)))
		goto done;
	if ((rc = rec_update_row(db, actor, &k, err)) || (rc = write_entries(db, &k, 0, 0, err)) ||
	    (rc = write_entries(db, &k, 1, 0, err)) || (rc = write_tags(db, &k, err)) ||
	    (rc = field_values_merge(db, "contact", keep, other, err)) ||
	    (k.owner_id != owner &&
	     (rc = collab_drop_owner(db, actor, RECORD_CONTACT, keep, err))) ||
	    (rc = collab_merge_contacts(db, actor, keep, k.owner_id, other, err)) ||
	    (rc = set_deleted(db, other, now, err)) ||
	    (rc = rec_refresh(db, actor, &o, NULL, err)) ||
	    (rc = rec_refresh(db, actor, &k, &after, err)))
		goto done;
	rc = merge_audit(db, actor, &k, &o, before, after, err);
done:
	rc = db_end(db, rc, err);
	if (rc == KITH_OK && out)
		*out = json_incref(after);
	json_decref(before);
	json_decref(after);
	contact_rec_free(&k);
	contact_rec_free(&o);
	return rc;
}

int contact_tag(Db *db, const Actor *actor, int64_t id, const json_t *add, const json_t *remove,
		json_t **out, Err *err)
{
	ContactRec r;
	json_t *old = NULL, *after = NULL, *ch = NULL, *t;
	size_t i;
	int rc = KITH_OK;
	if ((add && !json_is_null(add) && (rc = tag_check_array(add, "add", err))) ||
	    (remove && !json_is_null(remove) && (rc = tag_check_array(remove, "remove", err))))
		return rc;
	json_array_foreach(add, i, t)
	{
		if (json_is_array(remove) && tag_index(remove, json_string_value(t)) >= 0)
			return err_set(err, ERR_INVALID, "remove",
				       "tag '%s' is both added and removed", json_string_value(t));
	}
	if ((rc = db_begin(db, err)))
		return rc;
	contact_rec_init(&r);
	if ((rc = find_locked(db, actor, id, 0, &r, err)))
		goto done;
	old = json_deep_copy(r.tags);
	json_array_foreach(add, i, t)
	{
		if (tag_index(r.tags, json_string_value(t)) < 0)
			json_array_append(r.tags, t);
	}
	json_array_foreach(remove, i, t)
	{
		int at = tag_index(r.tags, json_string_value(t));
		if (at >= 0)
			json_array_remove(r.tags, (size_t)at);
	}
	if (json_array_size(r.tags) > KITH_MAX_TAGS) {
		rc = err_set(err, ERR_INVALID, "add", "a contact has at most %u tags",
			     KITH_MAX_TAGS);
		goto done;
	}
	if ((rc = write_tags(db, &r, err)) || (rc = rec_touch(db, id, err)) ||
	    (rc = rec_refresh(db, actor, &r, &after, err)))
		goto done;
	ch = json_pack("{s[OO]}", "tags", old, json_object_get(after, "tags"));
	rc = audit_write(db, actor, "tag", "contact", id, ch, err);
done:
	rc = db_end(db, rc, err);
	json_decref(ch);
	if (rc == KITH_OK && out)
		*out = json_incref(after);
	json_decref(old);
	json_decref(after);
	contact_rec_free(&r);
	return rc;
}

/* ---- refresh ---- */

/* Rebuild the search documents and stored JSON of the contacts in ids. */
int contact_reindex_ids(Db *db, const Buf *ids, Err *err)
{
	const Actor system = ACTOR_SYSTEM;
	int rc = KITH_OK;
	for (size_t off = 0; off + sizeof(int64_t) <= ids->len && rc == KITH_OK;
	     off += sizeof(int64_t)) {
		ContactRec r;
		contact_rec_init(&r);
		memcpy(&r.id, ids->data + off, sizeof r.id);
		rc = rec_refresh(db, &system, &r, NULL, err);
		if (rc == ERR_NOT_FOUND) { /* purged meanwhile: nothing to index */
			err_clear(err);
			rc = KITH_OK;
		}
		contact_rec_free(&r);
	}
	return rc;
}

void contact_links_register(void)
{
	links_set_refresh("contact", contact_reindex_ids);
}

int contact_reassign(Db *db, int64_t from, int64_t to, Buf *ids, Err *err)
{
	static const char sql[] = "UPDATE contact SET owner_id = ?, version = version + 1, "
				  "updated_at = ? WHERE owner_id = ? RETURNING id";
	char now[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_int(st, 1, to);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, from);
	rc = db_collect_ids(st, ids, err);
	/* the stored JSON holds owner_id */
	return rc ? rc : contact_reindex_ids(db, ids, err);
}

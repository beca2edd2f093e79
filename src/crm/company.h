/* company.h - organisations: legal name, tax id, address, website, phone,
 * email, owner, tags, notes, custom fields; a company lists its contacts.
 * Rules and SQL in company.c; company_cli.c and company_api.c are adapters.
 * Depends on store/, base/, core/{access,audit,links,record}, crm/{tag,field}.
 * Owns tables company, company_tag, company_fts.
 *
 * JSON representation:
 *   {"id", "legal_name", "tax_id", "address": {"street","city","region",
 *    "postal_code","country"}, "website", "phone", "email", "owner_id",
 *    "tags": [...], "notes", "custom": {...}, "contact_count",
 *    "version", "created_at", "updated_at", "deleted_at"}
 * Writable keys: legal_name, tax_id, address, website, phone, email,
 * owner_id, tags, notes, custom. */
#ifndef KITH_CRM_COMPANY_H
#define KITH_CRM_COMPANY_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/access.h"
#include "core/record_cols.h"
#include "store/db.h"
#include "store/search.h"

/* The company's column table: its SELECT list and its JSON (core/record_cols.h;
 * test_record_cols checks the two agree). */
extern const RecordCols company_record_cols;

enum { COMPANY_NO_AUDIT = 2 /* bulk loads: the caller writes one summary entry */ };

/* Create a company; legal_name is required. ERR_INVALID naming the field. */
int company_create(Db *db, const Actor *actor, const json_t *in, int flags, int64_t *id,
		   Err *err) KITH_WARN_UNUSED;

/* The company as JSON; ERR_NOT_FOUND / ERR_GONE as for contacts. */
int company_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
		Err *err) KITH_WARN_UNUSED;

/* Patch; ERR_STALE on a version mismatch (expected_version 0 = any).
 * A changed legal_name re-indexes the company's contacts. */
int company_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		   int64_t expected_version, json_t **out, Err *err) KITH_WARN_UNUSED;

int company_delete(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;
int company_restore(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;
/* Purge from the trash; its contacts stay, unlinked. */
int company_purge(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;

int company_tag(Db *db, const Actor *actor, int64_t id, const json_t *add, const json_t *remove,
		json_t **out, Err *err) KITH_WARN_UNUSED;

typedef struct CompanyQuery {
	const char *q;             /* full-text query */
	const char *tag;
	int64_t owner_id;
	const char *updated_since;
	const char *sort;          /* name|-name|created|-created|updated|-updated */
	int trash;
	int limit;
	const char *cursor;
} CompanyQuery;

int company_list(Db *db, const Actor *actor, const CompanyQuery *query, json_t **items,
		 char **next, Err *err) KITH_WARN_UNUSED;

/* Rebuild the search documents of the companies whose ids ids holds
 * (int64_t values; missing ones are skipped). Caller's transaction. */
int company_reindex_ids(Db *db, const Buf *ids, Err *err) KITH_WARN_UNUSED;

/* Check the companies' search index (store/search.h search_check): every
 * company, in the trash too, has one document, equal to the one its next
 * write would store; no other id has one. Findings go to chk. KITH_OK
 * once checked; ERR_STORAGE. */
int company_search_check(Db *db, const SearchCheck *chk, Err *err) KITH_WARN_UNUSED;

/* The smallest and largest company id in use, trashed ones included
 * (both 0 when there is none), for tools that pick records at random (demo
 * data); ids in between may be missing. */
int company_id_span(Db *db, int64_t *first, int64_t *last, Err *err) KITH_WARN_UNUSED;

/* Name of a live company visible to the actor, for contact links and
 * search documents: *name is malloc'd (caller frees). ERR_NOT_FOUND naming
 * field "company_id" when absent, deleted or hidden. */
int company_name(Db *db, const Actor *actor, int64_t id, char **name, Err *err) KITH_WARN_UNUSED;

/* The names of the live companies ids[0..n) for contact links, the
 * system's view (company_name with ACTOR_SYSTEM: whoever may see a contact
 * sees its company's name): names[i] receives a malloc'd copy of ids[i]'s
 * legal name (caller frees each), NULL when ids[i] is 0, absent or in the
 * trash. ids may repeat. One statement for all (a round trip on
 * PostgreSQL), none when every id is 0. ERR_STORAGE, ERR_INTERNAL (out of
 * memory); on error every names[i] is NULL. */
int company_names_many(Db *db, const int64_t *ids, size_t n, char **names,
		       Err *err) KITH_WARN_UNUSED;

/* Hand every company (trashed ones too) of user `from` to user `to` (ids checked by the
 * caller), bumping versions; the changed ids are appended to ids (int64_t).
 * Runs in the caller's transaction; the caller audits. */
int company_reassign(Db *db, int64_t from, int64_t to, Buf *ids, Err *err) KITH_WARN_UNUSED;

#endif

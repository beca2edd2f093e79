/* deal.h - deals: a possible sale moving through the stages of a pipeline.
 * Rules and SQL in deal.c; deal_cli.c and deal_api.c are adapters.
 * Depends on store/, base/, core/{audit,links,record,user,workspace},
 * crm/{collab,field,pipeline}. Owns tables deal, deal_stage_change.
 *
 * JSON representation:
 *   {"id", "title", "contact_id", "company_id", "pipeline_id", "stage_id",
 *    "stage", "status" (open|won|lost, from the stage's kind), "probability",
 *    "value": {"amount_minor", "currency", "amount"}, "expected_close_date",
 *    "source", "owner_id", "notes", "lost_reason", "won_at", "lost_at",
 *    "stage_since" (instant it entered its current stage), "custom": {...},
 *    "version", "created_at", "updated_at", "deleted_at"}
 * Writable keys: title, contact_id, company_id, pipeline_id, stage_id,
 * value ({"amount_minor", "currency"} or {"amount": "12.50", "currency"}),
 * expected_close_date, source, owner_id, notes, lost_reason, custom.
 *
 * Access: owners and admins see every deal; a member sees the deals they
 * own (others answer ERR_NOT_FOUND; lists are filtered in SQL). */
#ifndef KITH_CRM_DEAL_H
#define KITH_CRM_DEAL_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/access.h"
#include "core/record_cols.h"
#include "store/db.h"

/* The deal's column table: its SELECT list and its JSON (core/record_cols.h;
 * test_record_cols checks the two agree). */
extern const RecordCols deal_record_cols;
/* The same for a stage change (deal_history). */
extern const RecordCols stage_change_record_cols;

/* Create a deal; title is required. Defaults: the first pipeline, its first
 * open stage, the workspace currency, the acting member as owner. A stage
 * given without a pipeline selects its pipeline. ERR_INVALID naming the
 * field ("title", "value.currency", "custom.<key>"...; also
 * "contact_id"/"company_id"/"pipeline_id"/"stage_id" for records that do
 * not exist or the actor may not see, like a contact's company_id). Stores
 * nothing on error. */
int deal_create(Db *db, const Actor *actor, const json_t *in, int64_t *id, Err *err) KITH_WARN_UNUSED;

/* The deal as JSON (caller decrefs). ERR_NOT_FOUND when absent or hidden,
 * ERR_GONE when in the trash and !include_deleted. */
int deal_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
	     Err *err) KITH_WARN_UNUSED;

/* Patch; ERR_STALE on a version mismatch (expected_version 0 = any). A
 * changed stage is recorded like deal_move. *out (may be NULL) gets the
 * deal. */
int deal_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		int64_t expected_version, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Move to stage_id (of the deal's pipeline, else ERR_INVALID naming
 * "stage_id"), recording a deal_stage_change row. won_at/lost_at are set
 * when the stage is won/lost and cleared when it is open. lost_reason (may
 * be NULL) is only for a lost stage (else ERR_INVALID naming
 * "lost_reason"). ERR_CONFLICT naming "stage_id" when the deal is already
 * there; ERR_STALE as deal_update. *out (may be NULL) gets the deal. */
int deal_move(Db *db, const Actor *actor, int64_t id, int64_t stage_id, int64_t expected_version,
	      const char *lost_reason, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Trash and restore, audited. ERR_GONE when already in the trash;
 * ERR_CONFLICT naming "id" when restoring a live deal. */
int deal_delete(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;
int deal_restore(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;

/* The stage history of a deal, oldest first (the first entry, from_stage
 * null, is the stage it was created in): a JSON array of {"id", "deal_id",
 * "deal_title", "from_stage_id", "from_stage", "to_stage_id", "to_stage",
 * "at", "user_id", "user_name"} (caller decrefs). Access as deal_get (deals
 * in the trash included). */
int deal_history(Db *db, const Actor *actor, int64_t id, json_t **out, Err *err) KITH_WARN_UNUSED;

/* One stage change by its id, in the shape of a deal_history entry (caller
 * decrefs). ERR_NOT_FOUND when absent or when its deal is hidden from the
 * actor (deals in the trash included). */
int deal_stage_change_get(Db *db, const Actor *actor, int64_t change_id, json_t **out,
			  Err *err) KITH_WARN_UNUSED;

/* The stage changes ids[0..n) in one statement (a page of a timeline):
 * out[i] gets change ids[i] as deal_stage_change_get gives it (caller
 * decrefs), or NULL when it is absent or its deal is hidden from the
 * actor. An id listed twice gets two objects. A storage error leaves out
 * all NULL. */
int deal_stage_change_get_many(Db *db, const Actor *actor, const int64_t *ids, size_t n,
			       json_t **out, Err *err) KITH_WARN_UNUSED;

typedef struct DealQuery {
	int64_t pipeline_id; /* 0 = any */
	int64_t stage_id;    /* 0 = any */
	const char *status;  /* open|won|lost, NULL = any */
	int64_t owner_id;    /* 0 = any */
	int64_t contact_id;  /* 0 = any */
	int64_t company_id;  /* 0 = any */
	const char *stage_since; /* date or instant: entered the current stage at or after; NULL = any */
	int trash;           /* 1 = deals in the trash instead of live ones */
	int limit;           /* 1..KITH_LIST_MAX; 0 = KITH_LIST_DEFAULT */
	const char *cursor;  /* from a previous page's *next, or NULL */
} DealQuery;

/* One page of deals the actor may see, by id. *items is a new JSON array;
 * *next a malloc'd cursor or NULL on the last page (caller frees both).
 * ERR_INVALID naming "status", "stage_since", "limit" or "cursor". */
int deal_list(Db *db, const Actor *actor, const DealQuery *query, json_t **items, char **next,
	      Err *err) KITH_WARN_UNUSED;

typedef struct DealBoardQuery {
	int64_t pipeline_id; /* 0 = the first pipeline */
	int limit;           /* deals per stage, 1..KITH_LIST_MAX; 0 = KITH_BOARD_DEFAULT */
	int closed_days;     /* won/lost columns: closed in the last N days, 1..
	                        KITH_BOARD_CLOSED_DAYS_MAX; 0 = KITH_BOARD_CLOSED_DAYS */
} DealBoardQuery;

/* The board of a pipeline: {"pipeline": {...}, "closed_since", "visits_since",
 * "stages": [{"stage": {...}, "count", "totals": [{"currency", "amount_minor",
 * "amount"}], "avg_days_in_stage", "deals": [...], "next"}]}. Open stages
 * count all their live deals the actor may see; won and lost stages those
 * that entered them at or after closed_since (the start of the UTC day
 * closed_days ago), so the board stays about current work. deals: for an
 * open stage the first limit by id, next continuing with deal_list
 * (stage_id); for a won or lost stage the limit most recently closed,
 * newest first, and next null (deal_list with stage_id and stage_since =
 * closed_since lists them all). avg_days_in_stage (open stages; else null)
 * is the mean time per completed visit, over all deals, of the visits that
 * ended since the month visits_since (KITH_BOARD_VISIT_MONTHS months); null
 * when none, and for members (it is built from every deal, also those
 * hidden from them). ERR_NOT_FOUND naming "pipeline_id"; ERR_INVALID naming
 * "limit" or "closed_days". */
int deal_board(Db *db, const Actor *actor, const DealBoardQuery *query, json_t **out,
	       Err *err) KITH_WARN_UNUSED;

/* Weighted value of an amount at a probability percent: amount x prob / 100
 * rounded half away from zero on minor units. amount within
 * +-KITH_MAX_DEAL_MINOR, prob 0..100. */
int64_t deal_weighted(int64_t amount_minor, int probability);

/* Forecast of pipeline_id (0 = the first): for open live deals the actor may
 * see, grouped by expected close month and currency: {"pipeline_id",
 * "months": [{"month" ("YYYY-MM", null when no date), "currency", "count",
 * "amount_minor", "weighted_minor", "amount", "weighted"}]} ordered by month
 * (undated last) then currency. Each deal is weighted with deal_weighted. */
int deal_forecast(Db *db, const Actor *actor, int64_t pipeline_id, json_t **out,
		  Err *err) KITH_WARN_UNUSED;

/* Hand every deal (trashed ones too) of user `from` to user `to` (ids checked by the
 * caller), bumping versions; the changed ids are appended to ids (int64_t).
 * Runs in the caller's transaction; the caller audits. */
int deal_reassign(Db *db, int64_t from, int64_t to, Buf *ids, Err *err) KITH_WARN_UNUSED;

#endif

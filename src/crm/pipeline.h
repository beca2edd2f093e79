/* pipeline.h - deal pipelines and their ordered stages. Rules and SQL in
 * pipeline.c; pipeline_cli.c and pipeline_api.c are adapters.
 * Depends on store/, base/, core/{access,audit}. Owns tables pipeline, stage.
 *
 * A pipeline has at least one open stage, exactly one won and exactly one
 * lost stage; every change is checked against that rule before it commits.
 * Only owners and admins change pipelines (ERR_FORBIDDEN otherwise).
 *
 * JSON representation:
 *   {"id", "name", "position", "version", "created_at", "updated_at",
 *    "stages": [{"id", "pipeline_id", "name", "position", "probability",
 *                "kind"}]}                       (stages in position order)
 * pipeline_create takes {"name", "stages": [{"name", "probability", "kind"}]}
 * (kind defaults to "open"); pipeline_update takes {"name"}; stage_add takes
 * {"name", "probability", "kind"?, "position"?}; stage_update takes any of
 * {"name", "probability", "kind", "position"}. */
#ifndef KITH_CRM_PIPELINE_H
#define KITH_CRM_PIPELINE_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "core/record_cols.h"
#include "store/db.h"

/* The pipeline's column table: its SELECT list and its JSON (core/record_cols.h;
 * test_record_cols checks the two agree). */
extern const RecordCols pipeline_record_cols;
/* The same for a stage. */
extern const RecordCols stage_record_cols;

/* Stage kinds: the status of a deal in the stage. */
typedef enum { STAGE_OPEN = 1, STAGE_WON, STAGE_LOST } StageKind;

/* What deals need to know about a stage. */
typedef struct StageInfo {
	int64_t id;          /* stage.id */
	int64_t pipeline_id; /* the pipeline it belongs to */
	int probability;     /* win probability, percent 0..100 */
	StageKind kind;      /* open, won or lost */
} StageInfo;

/* All pipelines in order, each with its stages: *out is a new JSON array
 * (caller decrefs). ERR_STORAGE. */
int pipeline_list(Db *db, json_t **out, Err *err) KITH_WARN_UNUSED;

/* One pipeline with its stages (caller decrefs *out). ERR_NOT_FOUND naming
 * "id". */
int pipeline_get(Db *db, int64_t id, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Create a pipeline (owner/admin); *id is its id. ERR_INVALID naming the
 * field ("name", "stages", "stages[2].probability"...), ERR_CONFLICT naming
 * "name" when the folded name is taken, ERR_FORBIDDEN for members. */
int pipeline_create(Db *db, const Actor *actor, const json_t *in, int64_t *id,
		    Err *err) KITH_WARN_UNUSED;

/* Rename: patch is {"name"}. *out (may be NULL) gets the pipeline. Errors
 * as pipeline_create, plus ERR_NOT_FOUND, and ERR_STALE when
 * expected_version (0 = any) is not the stored version. */
int pipeline_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		    int64_t expected_version, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Add a stage to pipeline_id at "position" (default: after the last open
 * stage, before won/lost); *stage_id is its id. Errors as above. */
int stage_add(Db *db, const Actor *actor, int64_t pipeline_id, const json_t *in,
	      int64_t *stage_id, Err *err) KITH_WARN_UNUSED;

/* Change a stage's name, probability, kind or position (the others shift).
 * A stage changes kind only while it holds no deals (trashed ones
 * included; ERR_CONFLICT naming "kind"), because a deal's status follows
 * its stage. Won and lost are roles, so a change of kind is a swap: giving
 * a stage kind won (lost) gives the stage that was won (lost) this stage's
 * former kind (open, or lost when a won stage becomes lost); it must be
 * empty too.
 * expected_version is the pipeline's version (its ETag; 0 = any):
 * ERR_STALE when it differs. *out (may be NULL) gets the whole pipeline.
 * ERR_NOT_FOUND naming "id". */
int stage_update(Db *db, const Actor *actor, int64_t stage_id, const json_t *patch,
		 int64_t expected_version, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Remove a stage. ERR_CONFLICT naming "stage_id" while any deal (also in
 * the trash) is in it; ERR_INVALID naming "kind" when the pipeline would
 * break the open/won/lost rule. */
int stage_remove(Db *db, const Actor *actor, int64_t stage_id, Err *err) KITH_WARN_UNUSED;

/* Inside a write transaction, lock stage stage_id until the transaction
 * ends and read it into *out: a deal moving into the stage calls it, so a
 * concurrent change of the stage's kind (which locks it too) either waits
 * for the move, then sees the deal, or goes first and the move reads the
 * new kind. ERR_NOT_FOUND naming "stage_id" when absent. */
int stage_lock(Db *db, int64_t stage_id, StageInfo *out, Err *err) KITH_WARN_UNUSED;

/* Read a stage for deals. ERR_NOT_FOUND naming field when absent. */
int stage_info(Db *db, int64_t stage_id, const char *field, StageInfo *out,
	       Err *err) KITH_WARN_UNUSED;

/* The first open stage of pipeline_id (pipeline_id 0 = the first pipeline):
 * fills *out. ERR_NOT_FOUND naming "pipeline_id". */
int stage_first_open(Db *db, int64_t pipeline_id, StageInfo *out, Err *err) KITH_WARN_UNUSED;

/* The stage of pipeline_id that ref names: a stage id of that pipeline
 * (digits), or a stage name compared folded (case and diacritics ignored),
 * or else the one stage whose folded name starts with ref. *stage_id gets
 * its id. ERR_INVALID naming field when ref is empty, matches no stage
 * (the message lists the stages) or several (the message lists them). */
int stage_find(Db *db, int64_t pipeline_id, const char *ref, const char *field,
	       int64_t *stage_id, Err *err) KITH_WARN_UNUSED;

/* "open", "won", "lost"; and back (0 when unknown). */
const char *stage_kind_name(StageKind k);
StageKind stage_kind_parse(const char *s);

#endif

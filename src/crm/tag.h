/* tag.h - tags shared by contacts and companies. "VIP" and "vip" are one
 * tag (folded key); the first spelling is kept for display.
 * Depends on store/, base/, core/{audit,record}, crm/cadence. Owns table tag. */
#ifndef KITH_CRM_TAG_H
#define KITH_CRM_TAG_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* Validate a tag name: 1..KITH_MAX_SHORT bytes of UTF-8, no commas or
 * control characters, not blank. ERR_INVALID naming field. */
int tag_check(const char *name, const char *field, Err *err) KITH_WARN_UNUSED;

/* Id of the tag called name, created when missing. Call inside the
 * caller's transaction. */
int tag_resolve(Db *db, const char *name, int64_t *id, Err *err) KITH_WARN_UNUSED;

/* The order in which a writer resolves the tag names of the array names
 * (tag_resolve, which may create them): *order (malloc'd, caller frees;
 * NULL for an empty array) gets the indexes of names sorted by folded key.
 * Two writers that create the same new tags then take them in one order
 * and never wait for each other in a cycle, whatever order each was given
 * (on PostgreSQL such a deadlock fails one of them as busy). ERR_INTERNAL
 * when out of memory. */
int tag_order(const json_t *names, size_t **order, Err *err) KITH_WARN_UNUSED;

/* Id of an existing tag, 0 when there is none (for filters). */
int tag_find(Db *db, const char *name, int64_t *id, Err *err) KITH_WARN_UNUSED;

/* Validate a JSON array of tag names (field names the array, e.g. "tags").
 * Duplicates after folding are rejected, as are more than KITH_MAX_TAGS. */
int tag_check_array(const json_t *tags, const char *field, Err *err) KITH_WARN_UNUSED;

/* Tags with how many live records the actor may see use each:
 * [{"id","name","contacts","companies","cadence_days"}]. Members see only tags on records
 * they may see; owners and admins see every tag, unused ones included. */
int tag_list(Db *db, const Actor *actor, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Set the cadence of tag id (crm/cadence.h): the contacts with the tag
 * should be touched every days days (1..3650; 0 = none) unless they have
 * their own. Owner/admin only (ERR_FORBIDDEN); ERR_NOT_FOUND naming "id"
 * when there is no such tag. Audited. *out (may be NULL) gets
 * {"id","name","cadence_days"} (caller decrefs). */
int tag_set_cadence(Db *db, const Actor *actor, int64_t id, int64_t days, json_t **out,
		    Err *err) KITH_WARN_UNUSED;

#endif

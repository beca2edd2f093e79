/* openapi.h - the OpenAPI 3.1 document served at /api/v1/openapi.json: the
 * merge of the partial documents the docs/openapi/NAME.json files embedded by
 * openapi_docs.S. Depends on base/ and jansson. */
#ifndef KITH_HTTP_OPENAPI_H
#define KITH_HTTP_OPENAPI_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

/* Names of the embedded files ("base.json", ...) in merge order; *n gets
 * the count. For tests that check every docs/openapi/ file is embedded. */
const char *const *openapi_doc_names(int *n);

/* The embedded text of document i (in openapi_doc_names order), NULL when i
 * is out of range. Static storage. For the same tests: the file behind each
 * name is the one embedded. */
const char *openapi_doc_text(int i);

/* Merge the partial document part into doc: "paths" key by key (operations
 * of a path both define are merged too), every "components" section key
 * by key, "tags" appended, other top-level keys only when doc lacks them.
 * A key defined twice with different content is an error: ERR_INTERNAL
 * naming it (name, e.g. "contacts.json", goes into the message). */
int openapi_merge(json_t *doc, const json_t *part, const char *name, Err *err) KITH_WARN_UNUSED;

/* Parse and merge every embedded document, and dump the result compactly.
 * *out is malloc'd (caller frees), *len its length. Errors: ERR_INTERNAL
 * naming the file that does not parse or conflicts. */
int openapi_build(char **out, size_t *len, Err *err) KITH_WARN_UNUSED;

#endif

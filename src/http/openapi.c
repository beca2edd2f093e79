/* openapi.c - merges the embedded partial OpenAPI documents into the one
 * served at /api/v1/openapi.json. Depends on base/ and jansson. */
#include "http/openapi.h"

#include <string.h>

/* Defined by openapi_docs.S, in this order. */
extern const char kith_openapi_base[], kith_openapi_contacts[], kith_openapi_companies[],
    kith_openapi_fields[], kith_openapi_activities[], kith_openapi_deals[], kith_openapi_tasks[],
    kith_openapi_collaborators[], kith_openapi_timeline[], kith_openapi_users[],
    kith_openapi_history[];

static const char *const doc_names[] = {"base.json",   "contacts.json",   "companies.json",
					"fields.json", "activities.json", "deals.json",
					"tasks.json", "collaborators.json", "timeline.json",
					"users.json", "history.json"};
static const char *const doc_texts[] = {kith_openapi_base,	 kith_openapi_contacts,
					kith_openapi_companies,	 kith_openapi_fields,
					kith_openapi_activities, kith_openapi_deals,
					kith_openapi_tasks, kith_openapi_collaborators,
					kith_openapi_timeline, kith_openapi_users,
					kith_openapi_history};

const char *const *openapi_doc_names(int *n)
{
	*n = (int)(sizeof doc_names / sizeof doc_names[0]);
	return doc_names;
}

const char *openapi_doc_text(int i)
{
	enum { N = sizeof doc_texts / sizeof doc_texts[0] };
	_Static_assert(N == sizeof doc_names / sizeof doc_names[0], "a name per document");
	return i >= 0 && i < N ? doc_texts[i] : NULL;
}

/* Copy every member of src into dst; a member both hold must be equal. */
static int merge_members(json_t *dst, const json_t *src, const char *where, const char *name,
			 Err *err)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)src, key, v)
	{
		json_t *have = json_object_get(dst, key);
		if (!have)
			json_object_set_new(dst, key, json_deep_copy(v));
		else if (!json_equal(have, v))
			return err_set(err, ERR_INTERNAL, key,
				       "%s: %s '%s' is already defined differently", name, where,
				       key);
	}
	return KITH_OK;
}

static int merge_paths(json_t *doc, const json_t *paths, const char *name, Err *err)
{
	json_t *dst = json_object_get(doc, "paths");
	const char *path;
	json_t *item;
	if (!json_is_object(paths))
		return err_set(err, ERR_INTERNAL, "paths", "%s: paths must be an object", name);
	if (!dst) {
		dst = json_object();
		json_object_set_new(doc, "paths", dst);
	}
	json_object_foreach((json_t *)paths, path, item)
	{
		json_t *have = json_object_get(dst, path);
		if (!json_is_object(item))
			return err_set(err, ERR_INTERNAL, "paths",
				       "%s: path '%s' must be an object", name, path);
		if (!have) {
			json_object_set_new(dst, path, json_deep_copy(item));
			continue;
		}
		int rc = merge_members(have, item, path, name, err);
		if (rc)
			return rc;
	}
	return KITH_OK;
}

static int merge_components(json_t *doc, const json_t *comps, const char *name, Err *err)
{
	json_t *dst = json_object_get(doc, "components");
	const char *section;
	json_t *v;
	if (!json_is_object(comps))
		return err_set(err, ERR_INTERNAL, "components", "%s: components must be an object",
			       name);
	if (!dst) {
		dst = json_object();
		json_object_set_new(doc, "components", dst);
	}
	json_object_foreach((json_t *)comps, section, v)
	{
		json_t *have = json_object_get(dst, section);
		if (!json_is_object(v))
			return err_set(err, ERR_INTERNAL, "components",
				       "%s: components.%s must be an object", name, section);
		if (!have) {
			have = json_object();
			json_object_set_new(dst, section, have);
		}
		int rc = merge_members(have, v, section, name, err);
		if (rc)
			return rc;
	}
	return KITH_OK;
}

/* Append the tags of part that doc does not have yet. */
static void merge_tags(json_t *doc, const json_t *tags)
{
	json_t *dst = json_object_get(doc, "tags");
	size_t i, j;
	json_t *t, *u;
	if (!json_is_array(tags))
		return;
	if (!dst) {
		dst = json_array();
		json_object_set_new(doc, "tags", dst);
	}
	json_array_foreach(tags, i, t)
	{
		int dup = 0;
		json_array_foreach(dst, j, u) dup |= json_equal(t, u);
		if (!dup)
			json_array_append_new(dst, json_deep_copy(t));
	}
}

int openapi_merge(json_t *doc, const json_t *part, const char *name, Err *err)
{
	const char *key;
	json_t *v;
	int rc = KITH_OK;
	json_object_foreach((json_t *)part, key, v)
	{
		if (strcmp(key, "paths") == 0)
			rc = merge_paths(doc, v, name, err);
		else if (strcmp(key, "components") == 0)
			rc = merge_components(doc, v, name, err);
		else if (strcmp(key, "tags") == 0)
			merge_tags(doc, v);
		else if (!json_object_get(doc, key))
			json_object_set_new(doc, key, json_deep_copy(v));
		if (rc)
			return rc;
	}
	return KITH_OK;
}

int openapi_build(char **out, size_t *len, Err *err)
{
	json_t *doc = NULL, *part = NULL;
	json_error_t je;
	int rc = KITH_OK;
	int n;
	openapi_doc_names(&n);
	*out = NULL;
	*len = 0;
	for (int i = 0; i < n && rc == KITH_OK; i++) {
		part = json_loads(doc_texts[i], JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(part)) {
			rc = err_set(err, ERR_INTERNAL, doc_names[i],
				     "docs/openapi/%s: not a JSON object (line %d: %s)",
				     doc_names[i], je.line, part ? "" : je.text);
		} else if (!doc) {
			doc = part;
			part = NULL;
		} else {
			rc = openapi_merge(doc, part, doc_names[i], err);
		}
		json_decref(part);
		part = NULL;
	}
	if (rc)
		goto done;
	*out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!*out)
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	else
		*len = strlen(*out);
done:
	json_decref(doc);
	return rc;
}

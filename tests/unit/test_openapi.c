/* test_openapi.c - merging the partial OpenAPI documents. (That every route
 * is described is checked end to end in tests/e2e/http.bats.) */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "http/openapi.h"

Test(openapi, build_is_a_valid_document)
{
	char *doc = NULL;
	size_t len = 0;
	Err err = {0};
	cr_assert_eq(openapi_build(&doc, &len, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(len, strlen(doc));
	json_t *v = fixture_json(doc);
	cr_expect_str_eq(json_string_value(json_object_get(v, "openapi")), "3.1.0");
	json_t *paths = json_object_get(v, "paths");
	cr_expect_not_null(json_object_get(json_object_get(paths, "/api/v1/health"), "get"));
	cr_expect_not_null(json_object_get(json_object_get(paths, "/api/v1/me"), "get"));
	json_t *schemas = json_object_get(json_object_get(v, "components"), "schemas");
	cr_expect_not_null(json_object_get(schemas, "Problem"));
	cr_expect_not_null(json_object_get(schemas, "Money"));
	json_decref(v);
	free(doc);
}

Test(openapi, merge_key_by_key)
{
	json_t *doc = fixture_json("{\"openapi\":\"3.1.0\",\"tags\":[{\"name\":\"a\"}],"
				   "\"paths\":{\"/x\":{\"get\":{\"summary\":\"g\"}}},"
				   "\"components\":{\"schemas\":{\"A\":{\"type\":\"string\"}}}}");
	json_t *part =
	    fixture_json("{\"openapi\":\"9\",\"info\":{\"title\":\"t\"},"
			 "\"tags\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
			 "\"paths\":{\"/x\":{\"post\":{\"summary\":\"p\"}},\"/y\":{\"get\":{}}},"
			 "\"components\":{\"schemas\":{\"A\":{\"type\":\"string\"},\"B\":{}},"
			 "\"parameters\":{\"P\":{}}}}");
	Err err = {0};
	cr_assert_eq(openapi_merge(doc, part, "part.json", &err), KITH_OK, "%s", err.msg);
	json_t *x = json_object_get(json_object_get(doc, "paths"), "/x");
	cr_expect_not_null(json_object_get(x, "get"));
	cr_expect_not_null(json_object_get(x, "post"));
	cr_expect_not_null(json_object_get(json_object_get(doc, "paths"), "/y"));
	json_t *comps = json_object_get(doc, "components");
	cr_expect_eq(json_object_size(json_object_get(comps, "schemas")), 2);
	cr_expect_not_null(json_object_get(json_object_get(comps, "parameters"), "P"));
	cr_expect_eq(json_array_size(json_object_get(doc, "tags")), 2);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	cr_expect_not_null(json_object_get(doc, "info"));
	json_decref(part);
	json_decref(doc);
}

Test(openapi, conflicting_definitions_refused)
{
	json_t *doc = fixture_json("{\"paths\":{\"/x\":{\"get\":{\"summary\":\"g\"}}},"
				   "\"components\":{\"schemas\":{\"A\":{\"type\":\"string\"}}}}");
	json_t *p1 = fixture_json("{\"components\":{\"schemas\":{\"A\":{\"type\":\"integer\"}}}}");
	json_t *p2 = fixture_json("{\"paths\":{\"/x\":{\"get\":{\"summary\":\"other\"}}}}");
	json_t *p3 = fixture_json("{\"paths\":[]}");
	Err err = {0};
	cr_expect_eq(openapi_merge(doc, p1, "one.json", &err), ERR_INTERNAL);
	cr_expect(strstr(err.msg, "one.json") && strstr(err.msg, "'A'"), "%s", err.msg);
	cr_expect_eq(openapi_merge(doc, p2, "two.json", &err), ERR_INTERNAL);
	cr_expect(strstr(err.msg, "two.json"), "%s", err.msg);
	cr_expect_eq(openapi_merge(doc, p3, "three.json", &err), ERR_INTERNAL);
	json_decref(p1);
	json_decref(p2);
	json_decref(p3);
	json_decref(doc);
}

/* Every docs/openapi/NAME.json must be embedded (listed in openapi_docs.S
 * and openapi.c), or its paths would silently be missing. Run from the
 * project root, as `make unit` does. */
Test(openapi, every_doc_file_is_embedded)
{
	glob_t g;
	int n;
	const char *const *names = openapi_doc_names(&n);
	cr_assert_eq(glob("docs/openapi/*.json", 0, NULL, &g), 0, "run from the project root");
	cr_assert_gt(g.gl_pathc, 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		int found = -1;
		for (int j = 0; j < n; j++)
			if (strcmp(names[j], base) == 0)
				found = j;
		cr_expect_neq(found, -1,
			      "%s is not embedded: list it in src/http/openapi_docs.S and openapi.c",
			      g.gl_pathv[i]);
		if (found < 0)
			continue;
		/* and the text under that name is this file (the two lists in
		 * openapi.c and the blocks of openapi_docs.S are in one order) */
		FILE *f = fopen(g.gl_pathv[i], "rb");
		cr_assert_not_null(f, "%s", g.gl_pathv[i]);
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		int c;
		while ((c = fgetc(f)) != EOF)
			fputc(c, mem);
		fclose(f);
		fclose(mem);
		cr_expect(openapi_doc_text(found) && strcmp(openapi_doc_text(found), text) == 0,
			  "%s: the document embedded under this name is another file; keep "
			  "openapi_docs.S and the lists in openapi.c in one order",
			  g.gl_pathv[i]);
		free(text);
	}
	cr_expect_null(openapi_doc_text(-1));
	cr_expect_null(openapi_doc_text(n));
	cr_expect_eq((size_t)n, g.gl_pathc, "an embedded document has no file");
	globfree(&g);
}

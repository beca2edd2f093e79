/* test_asset.c - the embedded asset table: every asset is there with its
 * bytes, type and a content hash that is BLAKE2b-64 of those bytes, and
 * only its exact versioned URL finds it. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "web/asset.h"

Test(asset, table_holds_the_stylesheet_and_script)
{
	int n;
	const Asset *a = asset_table(&n);
	cr_assert_eq(n, 2);
	const Asset *css = asset_find("kith.css"), *js = asset_find("kith.js");
	cr_assert_not_null(css);
	cr_assert_not_null(js);
	cr_expect_str_eq(css->type, "text/css; charset=utf-8");
	cr_expect_str_eq(js->type, "text/javascript; charset=utf-8");
	cr_expect_gt(css->len, 1000, "a real stylesheet");
	cr_expect_gt(js->len, 0);
	/* the embedded bytes are the files' (the first line names the file) */
	cr_expect(strncmp(css->data, "/* kith.css - ", 14) == 0);
	cr_expect(strncmp(js->data, "/* kith.js - ", 13) == 0);
	cr_expect_null(memchr(css->data, '\0', css->len), "the length ends at the file's end");
	cr_expect_eq(css->data[css->len - 1], '\n');
	cr_expect_null(asset_find("kith.CSS"));
	cr_expect_null(asset_find(""));
	cr_expect_null(asset_find(NULL));
	cr_expect_eq(asset_table(&n), a, "one table for the process");
}

Test(asset, hash_is_the_content_hash)
{
	const Asset *css = asset_find("kith.css");
	cr_assert_not_null(css);
	unsigned char h[8];
	char hex[17], url[80], etag[24];
	cr_assert_geq(sodium_init(), 0);
	crypto_generichash(h, sizeof h, (const unsigned char *)css->data, css->len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	cr_expect_str_eq(css->hash, hex);
	snprintf(url, sizeof url, "/assets/%s/kith.css", hex);
	snprintf(etag, sizeof etag, "\"%s\"", hex);
	cr_expect_str_eq(css->url, url);
	cr_expect_str_eq(asset_url("kith.css"), url);
	cr_expect_str_eq(css->etag, etag);
	cr_expect_str_neq(asset_find("kith.js")->hash, css->hash);
	cr_expect_str_eq(asset_url("nothing.css"), "");
}

Test(asset, only_the_exact_versioned_path_finds_an_asset)
{
	const Asset *css = asset_find("kith.css");
	cr_assert_not_null(css);
	cr_expect_eq(asset_for_path(css->url), css);
	char p[96];
	snprintf(p, sizeof p, "/assets/%s/kith.js", css->hash); /* another asset's hash */
	cr_expect_null(asset_for_path(p));
	snprintf(p, sizeof p, "/assets/%.15s/kith.css", css->hash); /* cut short */
	cr_expect_null(asset_for_path(p));
	snprintf(p, sizeof p, "/assets/%sX/kith.css", css->hash);
	cr_expect_null(asset_for_path(p));
	snprintf(p, sizeof p, "/assets/0000000000000000/kith.css");
	cr_expect_null(asset_for_path(p));
	snprintf(p, sizeof p, "/assets/%s/kith.css/", css->hash);
	cr_expect_null(asset_for_path(p));
	snprintf(p, sizeof p, "/assets/%s/../kith.css", css->hash);
	cr_expect_null(asset_for_path(p));
	cr_expect_null(asset_for_path("/assets/kith.css"));
	cr_expect_null(asset_for_path(NULL));
}

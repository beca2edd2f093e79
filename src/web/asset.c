/* asset.c - the embedded asset table and its versioned URLs. Depends on
 * base/ and libsodium (crypto_generichash, BLAKE2b); the bytes come from
 * assets.S. */
#include "web/asset.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* From assets.S. */
extern const char kith_asset_css[], kith_asset_js[];
extern const uint64_t kith_asset_css_size, kith_asset_js_size;

/* The table: names, types and bytes are fixed; hash, etag and url are
 * filled once by fill() and only read afterwards. */
static Asset assets[] = {
    {.name = "kith.css", .type = "text/css; charset=utf-8", .data = kith_asset_css},
    {.name = "kith.js", .type = "text/javascript; charset=utf-8", .data = kith_asset_js},
};
enum { N_ASSETS = sizeof assets / sizeof assets[0] };

static pthread_once_t filled = PTHREAD_ONCE_INIT;
static int fill_ok;

static void fill(void)
{
	const uint64_t *sizes[N_ASSETS] = {&kith_asset_css_size, &kith_asset_js_size};
	if (sodium_init() < 0)
		return;
	for (int i = 0; i < N_ASSETS; i++) {
		Asset *a = &assets[i];
		unsigned char h[ASSET_HASH_HEX / 2];
		char hex[ASSET_HASH_HEX + 1];
		a->len = (size_t)*sizes[i];
		crypto_generichash(h, sizeof h, (const unsigned char *)a->data, a->len, NULL, 0);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		memcpy(a->hash, hex, sizeof hex);
		snprintf(a->etag, sizeof a->etag, "\"%s\"", hex);
		snprintf(a->url, sizeof a->url, "/assets/%s/%s", hex, a->name);
	}
	fill_ok = 1;
}

const Asset *asset_table(int *n)
{
	pthread_once(&filled, fill);
	*n = fill_ok ? N_ASSETS : 0;
	return fill_ok ? assets : NULL;
}

const Asset *asset_find(const char *name)
{
	int n;
	const Asset *a = asset_table(&n);
	for (int i = 0; name && i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return &a[i];
	return NULL;
}

const Asset *asset_for_path(const char *path)
{
	int n;
	const Asset *a = asset_table(&n);
	for (int i = 0; path && i < n; i++)
		if (strcmp(a[i].url, path) == 0)
			return &a[i];
	return NULL;
}

const char *asset_url(const char *name)
{
	const Asset *a = asset_find(name);
	return a ? a->url : "";
}

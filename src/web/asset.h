/* asset.h - the stylesheet and script embedded in the binary (assets.S
 * includes src/web/assets/NAME at build time) and the versioned URLs they
 * are served under: /assets/<hash>/<name>, where <hash> is the first 16
 * hex digits of the BLAKE2b hash of the content, so a new build's file
 * gets a new URL and browsers may cache any one for a year. Depends on
 * base/ and libsodium; knows nothing of HTTP (asset_page.c serves them). */
#ifndef KITH_WEB_ASSET_H
#define KITH_WEB_ASSET_H

#include <stddef.h>

/* Hex digits of the content hash in an asset's URL. */
enum { ASSET_HASH_HEX = 16 };

typedef struct Asset {
	const char *name;	       /* "kith.css" */
	const char *type;	       /* Content-Type, "text/css; charset=utf-8" */
	const char *data;	       /* the bytes, in the binary's read-only data */
	size_t len;		       /* their number */
	char hash[ASSET_HASH_HEX + 1]; /* hex content hash */
	char etag[ASSET_HASH_HEX + 3]; /* "\"<hash>\"" */
	char url[ASSET_HASH_HEX + 48]; /* "/assets/<hash>/<name>" */
} Asset;

/* Every embedded asset; *n receives their number. Hashes are computed on
 * the first call of any asset_* function (thread-safe, once per process);
 * the table is read-only afterwards and lives as long as the process.
 * NULL, with *n 0, only when libsodium cannot start. */
const Asset *asset_table(int *n);

/* The asset called name ("kith.css"), or NULL. */
const Asset *asset_find(const char *name);

/* The asset a request path names: "/assets/<hash>/<name>" with the current
 * hash of that name exactly; NULL for an unknown name, another hash (an
 * older or newer build's), or any other shape. */
const Asset *asset_for_path(const char *path);

/* The versioned URL of the asset called name, for links in the layout;
 * "" for an unknown name (a programmer's mistake a test catches). Owned by
 * the table. */
const char *asset_url(const char *name);

#endif

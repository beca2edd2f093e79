/* server.h - the HTTP server behind `kith serve`: libmicrohttpd with an
 * epoll thread pool, one database connection per server thread, and the
 * dispatcher that enforces routes.def policy (URL length, routing, bearer
 * token, permission, body size/type/JSON, Idempotency-Key) before a
 * handler runs. Depends on http.h, route.h, problem.h, body.h, openapi.h,
 * store/; who a token belongs to it asks through ServerHooks, set by
 * src/hooks.c. Only src/http/ and src/hooks.c include this header. */
#ifndef KITH_HTTP_SERVER_H
#define KITH_HTTP_SERVER_H

#include <stddef.h>
#include <sys/socket.h>

#include "http/http.h"

typedef struct Server Server;

/* What the server asks of the layers above it, which it does not include:
 * hooks_install() (src/hooks.c) fills one with core's functions and
 * hands it to server_set_hooks() at start-up. */
typedef struct ServerHooks {
	/* The bearer token secret -> the actor it acts for; ERR_UNAUTHORIZED
	 * (answered 401) for any token that does not authenticate. Only reads
	 * (a GET runs it inside the request's read snapshot): *stale is the token
	 * whose use is still to be recorded, 0 for none. *memo is the
	 * thread's: NULL at first, whatever the hook keeps there between
	 * requests on db (malloc'd; the server frees it with db). It must stay
	 * exact: a revoked token fails on the very next request.
	 * (token_check_memo) */
	int (*authenticate)(Db *db, void **memo, const char *secret, Actor *out, int64_t *stale,
			    Err *err);
	/* Record the use of token id after the request's transaction: best
	 * effort, never fails the request. (token_record_use) */
	void (*record_use)(Db *db, int64_t id);
	/* 1 when actor may call PERM_ADMIN routes. (access_is_admin) */
	int (*is_admin)(const Actor *actor);
} ServerHooks;

/* Set the hooks every later server_start() uses: called once by
 * hooks_install() before any server starts (hooks must outlive every
 * server; they are read, never written, after this). server_start refuses
 * to start without all three. */
void server_set_hooks(const ServerHooks *hooks);

typedef struct ServerConfig {
	const char *db_path; /* database each server thread opens (must outlive the server) */
	struct sockaddr_storage addr; /* address to listen on (IPv4 or IPv6) */
	unsigned threads;	      /* worker threads, 1..KITH_MAX_THREADS */
	int log;		      /* print "METHOD PATH STATUS µs" per request to stderr */
	unsigned mmap_mb;	      /* map up to this much of the database file, 0 = read with pread */
	unsigned checkpoint_pages;    /* WAL pages that start a background checkpoint
				       * (store/checkpoint.h); 0 = each connection checkpoints
				       * inside its own commits, as SQLite does by default */
} ServerConfig;

/* Parse "ADDR:PORT" ("127.0.0.1:8080", "[::1]:0", "localhost:8080") into
 * cfg->addr. display (n bytes) receives the numeric host as it belongs in a
 * URL ("127.0.0.1", "[::1]"). Errors: ERR_INVALID naming "listen". */
int server_parse_listen(const char *s, ServerConfig *cfg, char *display, size_t n,
			Err *err) KITH_WARN_UNUSED;

/* Start listening and serving in background threads. *out is owned by the
 * caller (server_stop). Builds the OpenAPI document and checks the route
 * table first. Errors: ERR_INTERNAL (bad table or document, cannot listen:
 * field "listen"). */
int server_start(Server **out, const ServerConfig *cfg, Err *err) KITH_WARN_UNUSED;

/* The port actually bound (useful after port 0). */
unsigned server_port(const Server *srv);

/* Stop accepting, finish the threads (the checkpointer last), close every
 * database connection and free srv. NULL is a no-op. */
void server_stop(Server *srv);

/* For handlers in src/http/: the merged OpenAPI document of the server
 * that runs req (built once at start-up; owned by the server). */
const char *server_openapi(Req *req, size_t *len);

/* For handlers in src/http/: answer status with data[0..len) as a JSON
 * body that outlives the request (not copied, not freed). */
void server_reply_static(Req *req, int status, const char *data, size_t len);

#endif

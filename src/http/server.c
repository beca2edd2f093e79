/* server.c - libmicrohttpd glue and the request dispatcher.
 *
 * One request's life: MHD calls on_uri (we allocate the Ctx that carries the
 * Req), then on_request at least twice: the first call only records and
 * routes (queueing a response there makes libmicrohttpd close every
 * connection: the keep-alive trap), further calls deliver body chunks, and
 * the last one (no data) dispatches and queues the answer. on_done frees
 * the Ctx. The Ctx is allocated on the first on_request call, never before:
 * libmicrohttpd calls on_done only for requests it handed to on_request.
 * Each server thread opens its own database connection on first use;
 * server_stop closes them all.
 *
 * Slow clients (slowloris): libmicrohttpd limits connections per client
 * address and in all, and closes connections idle for KITH_HTTP_IDLE_S, but
 * a client trickling a byte every few seconds is never idle. So each
 * connection carries a deadline (a Conn, libmicrohttpd's socket context):
 * the request line and headers must arrive within KITH_HTTP_HEADER_S of
 * the connection's start or of the previous answer on a kept-alive
 * connection (the wait for the next request counts: libmicrohttpd tells us
 * nothing before a whole request line, so its first byte cannot start a
 * clock), the body within KITH_HTTP_BODY_S after them. A reaper thread
 * shuts down the socket of a connection past its deadline; libmicrohttpd
 * then sees the connection end and closes it. The worker and the reaper
 * hand the deadline over by compare-and-swap (http/deadline.h).
 *
 * Depends on http/, store/, libmicrohttpd, libsodium, pthreads; tokens and
 * roles are core's, asked through the ServerHooks src/hooks.c sets. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/limits.h"
#include "http/body.h"
#include "http/deadline.h"
#include "http/openapi.h"
#include "http/problem.h"
#include "http/route.h"
#include "store/checkpoint.h"
#include "store/idempotency.h"

#define PURGE_EVERY_S 3600 /* how often a thread deletes expired idempotency keys */
#define REAP_EVERY_MS 250  /* how often the reaper looks for connections past their deadline */
#define FD_RESERVE 64	   /* descriptors kept free of connections: listen, epoll, logs */
#define FD_PER_THREAD 4	   /* descriptors a server thread's database takes (db, WAL, shm) */

/* One client connection (libmicrohttpd's socket context): its socket and
 * the time by which what it is sending must have arrived. */
typedef struct Conn {
	int fd;			  /* the client socket */
	atomic_llong deadline;	  /* CLOCK_MONOTONIC ms; 0 while none applies */
	int uri_too_long;	  /* the current request's raw URI is over KITH_MAX_URL */
	int nul;		  /* ... holds %00 */
	unsigned n_params;	  /* ... query parameter count */
	struct timespec t0;	  /* ... start, for --log */
	struct Conn *prev, *next; /* Server.conns */
} Conn;

/* One server thread's database connection. */
typedef struct DbSlot {
	Db *db;		     /* opened on the thread's first request */
	time_t last_purge;   /* last idempotency_purge on this connection */
	void *auth_memo;     /* the authenticate hook's memory on db (malloc'd) */
	struct DbSlot *next; /* all slots, for server_stop */
} DbSlot;

/* Set once by hooks_install() before any server starts, read-only afterwards. */
static const ServerHooks *hooks;

void server_set_hooks(const ServerHooks *h)
{
	hooks = h;
}

struct Server {
	struct MHD_Daemon *mhd; /* the daemon */
	ServerConfig cfg;	/* copy of the start-up configuration */
	const ServerHooks *hooks; /* server_set_hooks' (both set: server_start checks) */
	const Route *routes;	/* route_table() */
	int n_routes;
	pthread_key_t slot_key; /* this thread's DbSlot */
	pthread_mutex_t lock;	/* guards slots */
	DbSlot *slots;		/* every slot opened, closed by server_stop */
	char *openapi;		/* merged OpenAPI document (JSON text) */
	size_t n_openapi;
	pthread_mutex_t conn_lock;  /* guards conns and reaper_stop */
	pthread_cond_t reaper_wake; /* signalled by server_stop */
	Conn *conns;		    /* every open connection */
	int reaper_stop;	    /* server_stop asks the reaper to end */
	int reaper_started;	    /* reaper is a thread to join */
	pthread_t reaper;	    /* shuts down connections past their deadline */
	Checkpointer *ck;	    /* checkpoints for the slots, NULL with checkpoint_pages 0 */
};

/* Per-request state. req comes first so a Req * is its Ctx *. */
typedef struct Ctx {
	Req req;	  /* what the handler sees */
	Server *srv;	  /* the server */
	RouteMatch match; /* routing result */
	int outcome;	  /* ROUTE_FOUND or a ROUTE_NO_* outcome */
	int answered;	  /* a response is queued */
	Conn *link;	  /* the connection's state, NULL when it could not be allocated */
	int uri_too_long; /* raw URI longer than KITH_MAX_URL */
	int nul;	  /* raw URI holds %00 */
	unsigned n_params; /* query parameters in the raw URI */
	Buf body;	  /* request body (ROUTE_BODY routes only) */
	size_t n_body;	  /* body bytes received, kept or not */
	const char *raw;  /* static response body (server_reply_static), or NULL */
	size_t n_raw;
	char *resp; /* rendered response body (malloc'd), or NULL */
	size_t n_resp;
	int replayed;	      /* answer is an Idempotency-Key replay */
	int html;	      /* c->resp is an HTML page (req_reply_html) */
	const char *type;     /* Content-Type of an asset (req_reply_asset), else NULL */
	const char *www_auth; /* WWW-Authenticate value for a 401 */
	int64_t stale_token;  /* token whose use to record after the request (authenticate) */
	struct timespec t0;   /* request start, for --log */
} Ctx;

static const char encode_failed[] =
    "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
    "\"detail\":\"the response could not be encoded\"}";

/* The Ctx around req: every Req the server hands out is a Ctx's first
 * member, and C17 6.7.2.1p15 lets a pointer to a struct's first member be
 * converted back to the struct. */
static Ctx *ctx_of(Req *req)
{
	return (Ctx *)req;
}

const char *server_openapi(Req *req, size_t *len)
{
	Server *srv = ctx_of(req)->srv;
	*len = srv->n_openapi;
	return srv->openapi;
}

int req_reply_text(Req *req, int status, char *text)
{
	Ctx *c = ctx_of(req);
	json_decref(req->out);
	req->out = NULL;
	req->problem = 0;
	req->status = status;
	free(c->resp);
	c->resp = text;
	c->n_resp = text ? strlen(text) : 0;
	return KITH_OK;
}

int req_reply_html(Req *req, int status, char *html)
{
	req_reply_text(req, status, html);
	ctx_of(req)->html = 1;
	return KITH_OK;
}

int req_reply_asset(Req *req, const char *data, size_t len, const char *type, const char *etag)
{
	Ctx *c = ctx_of(req);
	server_reply_static(req, 200, data, len);
	c->type = type;
	snprintf(req->etag, sizeof req->etag, "%s", etag);
	return KITH_OK;
}

void server_reply_static(Req *req, int status, const char *data, size_t len)
{
	Ctx *c = ctx_of(req);
	json_decref(req->out);
	req->out = NULL;
	req->problem = 0;
	req->status = status;
	c->raw = data;
	c->n_raw = len;
}

/* This thread's connection, opened on first use. */
static int thread_db(Server *srv, DbSlot **out, Err *err)
{
	DbSlot *s = pthread_getspecific(srv->slot_key);
	if (s) {
		*out = s;
		return KITH_OK;
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	int rc = db_open(&s->db, srv->cfg.db_path, 0, err);
	if (rc == KITH_OK && srv->cfg.mmap_mb)
		rc = db_set_mmap(s->db, srv->cfg.mmap_mb, err);
	if (rc == KITH_OK && srv->ck)
		checkpointer_attach(srv->ck, s->db);
	if (rc) {
		db_close(s->db);
		free(s);
		return rc;
	}
	pthread_mutex_lock(&srv->lock);
	s->next = srv->slots;
	srv->slots = s;
	pthread_mutex_unlock(&srv->lock);
	pthread_setspecific(srv->slot_key, s);
	*out = s;
	return KITH_OK;
}

/* A 400 problem naming e->field (when set) with message e->msg. */
static void fail_400(Req *req, const Err *e)
{
	char detail[sizeof e->field + sizeof e->msg + 2];
	snprintf(detail, sizeof detail, "%s%s%s", e->field, e->field[0] ? ": " : "", e->msg);
	json_decref(req->out);
	req->out = problem_new(400, NULL, detail, e->field, e->msg, 0);
	req->status = 400;
	req->problem = 1;
}

/* Bearer token -> req->actor; answers 401 and returns non-zero on failure. */
static int authenticate_or_fail(Ctx *c, DbSlot *slot)
{
	Req *req = &c->req;
	Err err = {0};
	const char *h = req_header(req, "Authorization");
	c->www_auth = "Bearer realm=\"kith\"";
	int rc;
	if (!h) {
		rc = err_set(&err, ERR_UNAUTHORIZED, NULL,
			     "this needs a token: send Authorization: Bearer kith_...");
	} else if (strncasecmp(h, "Bearer ", 7) != 0) {
		rc = err_set(&err, ERR_UNAUTHORIZED, NULL,
			     "the Authorization header must be Bearer kith_...");
	} else {
		for (h += 7; *h == ' '; h++)
			;
		rc = c->srv->hooks->authenticate(req->db, &slot->auth_memo, h, &req->actor,
						 &c->stale_token, &err);
		if (rc)
			c->www_auth = "Bearer realm=\"kith\", error=\"invalid_token\"";
	}
	if (rc)
		req_fail(req, &err);
	return rc;
}

/* Content type and JSON object body for ROUTE_BODY routes. */
static int body_or_fail(Ctx *c)
{
	Req *req = &c->req;
	Err err = {0};
	if (!body_is_json_type(req_header(req, "Content-Type"))) {
		req_fail_status(req, 415, "Content-Type", "Content-Type must be application/json");
		return 1;
	}
	if (body_parse(c->body.data, c->body.len, &req->body, &err)) {
		fail_400(req, &err);
		return 1;
	}
	return 0;
}

/* Run the route's handler; a handler that answers nothing is a bug: 500. */
static void run_handler(Ctx *c)
{
	Req *req = &c->req;
	int rc = c->match.route->fn(req);
	if (req->status == 0) {
		Err err = {0};
		err_set(&err, ERR_INTERNAL, NULL, "handler returned %d without answering", rc);
		req_fail(req, &err);
	}
}

/* Turn req->out into the response body text (c->resp), once. */
static void render(Ctx *c)
{
	Req *req = &c->req;
	if (c->raw || c->resp || req->status == 204 || !req->out)
		return;
	c->resp = json_dumps(req->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (c->resp) {
		c->n_resp = strlen(c->resp);
		return;
	}
	fprintf(stderr, "kith: %s %s: the response could not be encoded\n", req->method, req->path);
	req->status = 500;
	req->problem = 1;
	c->raw = encode_failed;
	c->n_raw = sizeof encode_failed - 1;
}

/* Feed the query arguments into the request hash. */
static enum MHD_Result hash_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	crypto_generichash_state *st = cls;
	crypto_generichash_update(st, (const unsigned char *)key, strlen(key) + 1);
	if (value)
		crypto_generichash_update(st, (const unsigned char *)value, strlen(value) + 1);
	crypto_generichash_update(st, (const unsigned char *)"&", 1);
	return MHD_YES;
}

/* BLAKE2b of method, path, query and body, as hex. */
static void request_hash(Ctx *c, char hex[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	Req *req = &c->req;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)req->method, strlen(req->method) + 1);
	crypto_generichash_update(&st, (const unsigned char *)req->path, strlen(req->path) + 1);
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, hash_arg, &st);
	crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
	if (c->body.len)
		crypto_generichash_update(&st, (const unsigned char *)c->body.data, c->body.len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

/* 1 when key is 1..KITH_MAX_IDEMPOTENCY_KEY printable ASCII characters. */
static int idempotency_key_ok(const char *key)
{
	size_t n = strlen(key);
	if (n < 1 || n > KITH_MAX_IDEMPOTENCY_KEY)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (key[i] < 0x20 || key[i] > 0x7e)
			return 0;
	return 1;
}

/* Answer with a stored response instead of running the handler. */
static void replay(Ctx *c, IdempotencyRecord *rec)
{
	Req *req = &c->req;
	json_decref(req->out);
	req->out = NULL;
	req->status = rec->status;
	req->problem = rec->status >= 400;
	snprintf(req->location, sizeof req->location, "%s", rec->location);
	snprintf(req->etag, sizeof req->etag, "%s", rec->etag);
	c->n_resp = strlen(rec->body);
	c->resp = rec->body;
	rec->body = NULL;
	c->replayed = 1;
}

/* Store the rendered response under key, in the caller's transaction, and
 * now and then purge expired keys. */
static int remember(Ctx *c, DbSlot *slot, const char *key, const char *hash, Err *err)
{
	Req *req = &c->req;
	time_t now = time(NULL);
	int rc = KITH_OK;
	if (now - slot->last_purge >= PURGE_EVERY_S) {
		rc = idempotency_purge(req->db, now, err);
		slot->last_purge = now;
	}
	if (rc == KITH_OK)
		rc = idempotency_save(req->db, req->actor.user_id, key, hash, req->status,
				      c->raw ? c->raw : c->resp, req->location, req->etag, now, err);
	return rc;
}

/* Store a refusal (4xx) in a transaction of its own: the handler's was
 * rolled back. A retry that ran meanwhile (the key's lock ended with the
 * rollback) may have stored its own answer: that one stays. A failure here
 * only costs the replay, so it is logged. */
static void remember_alone(Ctx *c, DbSlot *slot, const char *key, const char *hash)
{
	IdempotencyRecord rec = {0};
	Db *db = c->req.db;
	int64_t user = c->req.actor.user_id;
	Err err = {0};
	int found = 0;
	int rc = db_begin(db, &err);
	if (rc == KITH_OK) {
		rc = idempotency_lock(db, user, key, &err);
		if (rc == KITH_OK)
			rc = idempotency_find(db, user, key, time(NULL), &rec, &found, &err);
		if (rc == KITH_OK && !found)
			rc = remember(c, slot, key, hash, &err);
		idempotency_record_free(&rec);
		rc = db_end(db, rc, &err);
	}
	if (rc)
		fprintf(stderr, "kith: Idempotency-Key not stored: %s\n", err.msg);
}

/* Drop a rendered answer, before answering with a problem instead. */
static void discard_answer(Ctx *c)
{
	free(c->resp);
	c->resp = NULL;
	c->n_resp = 0;
	c->raw = NULL;
	c->replayed = 0;
	c->html = 0;
	c->type = NULL;
	c->req.etag[0] = c->req.location[0] = '\0';
}

/* In the open transaction: replay the stored answer for key, or refuse a
 * key reused for another request. Returns 1 when it answered (and ended
 * the transaction), 0 when the key is new. */
static int replay_or_refuse(Ctx *c, const char *key, const char *hash)
{
	Req *req = &c->req;
	IdempotencyRecord rec = {0};
	Err err = {0};
	int found = 0;
	/* a concurrent request with the same key waits here for this one to
	 * end, then finds what it stored */
	int rc = idempotency_lock(req->db, req->actor.user_id, key, &err);
	if (rc == KITH_OK)
		rc = idempotency_find(req->db, req->actor.user_id, key, time(NULL), &rec, &found,
				      &err);
	if (rc == KITH_OK && found && strcmp(rec.request_hash, hash) != 0)
		rc = err_set(&err, ERR_INVALID, "Idempotency-Key",
			     "was already used with a different request; use a new key");
	if (rc == KITH_OK && !found)
		return 0;
	if (rc == KITH_OK)
		replay(c, &rec);
	idempotency_record_free(&rec);
	if (db_end(req->db, rc, &err)) {
		discard_answer(c);
		req_fail(req, &err);
	}
	return 1;
}

/* POST with Idempotency-Key: lookup, handler and store in one transaction
 * (the handler's own db_begin/db_end nest inside it). */
static void run_idempotent(Ctx *c, DbSlot *slot, const char *key)
{
	Req *req = &c->req;
	Err err = {0};
	char hash[65];
	if (!idempotency_key_ok(key)) {
		err_set(&err, ERR_INVALID, "Idempotency-Key",
			"must be 1 to %u printable ASCII characters", KITH_MAX_IDEMPOTENCY_KEY);
		fail_400(req, &err);
		return;
	}
	request_hash(c, hash);
	if (db_begin(req->db, &err)) {
		req_fail(req, &err);
		return;
	}
	if (replay_or_refuse(c, key, hash))
		return;
	run_handler(c);
	render(c);
	if (req->status >= 400) {
		db_rollback(req->db); /* whatever the handler began is undone */
		if (req->status < 500)
			remember_alone(c, slot, key, hash);
		return;
	}
	if (db_end(req->db, remember(c, slot, key, hash, &err), &err)) {
		discard_answer(c);
		req_fail(req, &err);
	}
}

/* 404/405/414 answers that need no database. Returns 1 when it answered. */
static int route_or_fail(Ctx *c)
{
	Req *req = &c->req;
	char detail[160];
	if (c->uri_too_long) {
		snprintf(detail, sizeof detail, "the URL is longer than %u bytes", KITH_MAX_URL);
		req_fail_status(req, 414, NULL, detail);
	} else if (c->nul) {
		req_fail_status(req, 400, NULL, "the URL must not hold %00 (a NUL byte)");
	} else if (c->n_params > KITH_MAX_QUERY_PARAMS) {
		snprintf(detail, sizeof detail, "the URL has more than %u query parameters",
			 KITH_MAX_QUERY_PARAMS);
		req_fail_status(req, 400, NULL, detail);
	} else if (c->outcome == ROUTE_NO_METHOD) {
		snprintf(detail, sizeof detail, "%s is not allowed here; use %s", req->method,
			 c->match.allow);
		req_fail_status(req, 405, NULL, detail);
	} else if (c->outcome == ROUTE_BAD_ID) {
		snprintf(detail, sizeof detail, "the %s in the path must be a positive integer",
			 c->match.bad_param);
		req_fail_status(req, 404, c->match.bad_param, detail);
	} else if (c->outcome != ROUTE_FOUND) {
		req_fail_status(req, 404, NULL, "no such resource");
	}
	return req->status != 0;
}

/* The first query parameter the route does not declare. */
typedef struct QueryCheck {
	const Route *route;  /* the matched route */
	const char *unknown; /* first undeclared name, NULL while none */
} QueryCheck;

static enum MHD_Result query_visit(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	QueryCheck *qc = cls;
	/* "a=1&&b=2" or "?&a=1": libmicrohttpd hands the empty piece over as a
	 * parameter without a name; it names nothing, like a trailing '&' */
	if (!key || !*key || route_query_allowed(qc->route, key))
		return MHD_YES;
	qc->unknown = key;
	return MHD_NO;
}

/* 422 naming the first query parameter not in the route's routes.def list
 * (the same answer as an unknown body field); returns non-zero when it
 * answered. */
static int query_or_fail(Ctx *c)
{
	QueryCheck qc = {.route = c->match.route};
	Err err = {0};
	MHD_get_connection_values(c->req.conn, MHD_GET_ARGUMENT_KIND, query_visit, &qc);
	if (!qc.unknown)
		return 0;
	err_set(&err, ERR_INVALID, qc.unknown, "unknown query parameter '%s'", qc.unknown);
	req_fail(&c->req, &err);
	return 1;
}

/* One run of a request's handler, for db_retry. */
typedef struct Run {
	Ctx *c;
	DbSlot *slot;
	const char *key; /* Idempotency-Key, or NULL */
	int body;	 /* the route takes the JSON body */
	int runs;	 /* runs so far */
} Run;

/* Run the handler (with its Idempotency-Key, if any); a run after the
 * first starts from a clean answer and a freshly parsed body (a handler
 * may change req->body). ERR_BUSY when it answered 503, for db_retry to
 * decide whether to run it again. */
static int run_once(Db *db, void *arg, Err *err)
{
	Run *run = arg;
	Ctx *c = run->c;
	Req *req = &c->req;
	(void)db;
	if (run->runs++ > 0) {
		discard_answer(c);
		json_decref(req->out);
		req->out = NULL;
		req->status = 0;
		req->problem = 0;
		json_decref(req->body);
		req->body = NULL;
		if (run->body && body_or_fail(c))
			return KITH_OK;
	}
	if (run->key)
		run_idempotent(c, run->slot, run->key);
	else
		run_handler(c);
	return req->status == 503 ? err_set(err, ERR_BUSY, NULL, "busy") : KITH_OK;
}

/* Enforce the rest of the route's policy, then run its handler: again,
 * up to KITH_BUSY_RETRIES times, when a deadlock or serialization failure
 * undid all it wrote (db_retry), before answering 503. */
static void enforce_and_run(Ctx *c, DbSlot *slot)
{
	Req *req = &c->req;
	const Route *r = c->match.route;
	Err err = {0};
	if (r->perm == PERM_ADMIN && !c->srv->hooks->is_admin(&req->actor)) {
		err_set(&err, ERR_FORBIDDEN, NULL, "only owners and admins may do this");
		req_fail(req, &err);
		return;
	}
	int body = (r->flags & ROUTE_BODY) || ((r->flags & ROUTE_BODY_OPTIONAL) && c->n_body);
	if (body && body_or_fail(c))
		return;
	if (query_or_fail(c))
		return;
	Run run = {.c = c, .slot = slot, .body = body};
	run.key = strcmp(req->method, "POST") == 0 ? req_header(req, "Idempotency-Key") : NULL;
	(void)db_retry(req->db, run_once, &run, &err);
}

static void dispatch(Ctx *c)
{
	Req *req = &c->req;
	DbSlot *slot = NULL;
	Err err = {0};
	if (route_or_fail(c))
		return;
	req->id = c->match.id;
	req->sub_id = c->match.sub_id;
	if (thread_db(c->srv, &slot, &err)) {
		req_fail(req, &err);
		return;
	}
	req->db = slot->db;
	/* A GET reads one consistent snapshot, and takes the WAL read lock once
	 * instead of once per statement (its token check included). */
	int snapshot = strcmp(req->method, "GET") == 0;
	if (snapshot && db_begin_read(req->db, &err)) {
		req_fail(req, &err);
		return;
	}
	if (c->match.route->perm == PERM_PUBLIC || !authenticate_or_fail(c, slot)) {
		/* Recording the token's use is a write: never inside a read. */
		if (!snapshot)
			c->srv->hooks->record_use(req->db, c->stale_token);
		enforce_and_run(c, slot);
	}
	if (snapshot && db_end(req->db, KITH_OK, &err) && req->status < 400) {
		discard_answer(c);
		req_fail(req, &err);
	}
	if (snapshot)
		c->srv->hooks->record_use(req->db, c->stale_token);
}

/* The web UI's Content-Security-Policy (issue 9, DESIGN.md "Web UI
 * conventions"): scripts, styles and images from this origin only, with no
 * inline script or style at all; forms post here only; no framing by
 * anyone, no <base>. Every HTML answer carries it (add_headers). */
static const char web_csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
			      "img-src 'self' data:; form-action 'self'; "
			      "frame-ancestors 'none'; base-uri 'none'";

/* Content type, caching and security headers, then the per-answer ones. */
static void add_headers(Ctx *c, struct MHD_Response *resp)
{
	Req *req = &c->req;
	int html = c->html && !req->problem;
	int asset = c->type && !req->problem;
	if (req->status != 204)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					req->problem ? "application/problem+json"
					: asset	     ? c->type
					: html	     ? "text/html; charset=utf-8"
						     : "application/json; charset=utf-8");
	if (html) { /* the one place that sets the web UI's security headers */
		MHD_add_response_header(resp, "Content-Security-Policy", web_csp);
		MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	}
	/* an asset's URL holds its content hash: what is there never changes */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				asset ? "public, max-age=31536000, immutable" : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (req->etag[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, req->etag);
	if (req->status == 503) /* the database was locked or away: worth a retry soon */
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (req->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, req->location);
	if (req->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					c->www_auth ? c->www_auth : "Bearer realm=\"kith\"");
	if (req->status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, c->match.allow);
	if (c->replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
}

/* --log: "METHOD PATH STATUS µs", time from the request line to the answer. */
static void log_request(Ctx *c)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long us =
	    (long)((t1.tv_sec - c->t0.tv_sec) * 1000000L + (t1.tv_nsec - c->t0.tv_nsec) / 1000);
	fprintf(stderr, "%s %s %d %ldµs\n", c->req.method, c->req.path, c->req.status, us);
}

/* Render and queue the response. */
static enum MHD_Result answer(Ctx *c)
{
	Req *req = &c->req;
	const char *data = "";
	size_t n = 0;
	enum MHD_ResponseMemoryMode mode = MHD_RESPMEM_PERSISTENT;
	render(c);
	if (req->status != 204 && c->raw) {
		data = c->raw;
		n = c->n_raw;
	} else if (req->status != 204 && c->resp) {
		data = c->resp;
		n = c->n_resp;
		mode = MHD_RESPMEM_MUST_FREE;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(n, (void *)data, mode);
	if (!resp)
		return MHD_NO;
	if (mode == MHD_RESPMEM_MUST_FREE)
		c->resp = NULL; /* libmicrohttpd frees it with the response */
	add_headers(c, resp);
	enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	c->answered = 1;
	if (c->srv->cfg.log)
		log_request(c);
	return ok;
}

/* Now on CLOCK_MONOTONIC, in milliseconds. */
static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The Conn of a libmicrohttpd connection, or NULL. */
static Conn *conn_state(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return info ? info->socket_context : NULL;
}

/* What the connection must send next must arrive within s seconds; 0: no
 * deadline. Returns -1 when the reaper has already cut the connection off
 * (then nothing more may run on it), else 0. */
static int conn_deadline(Conn *k, unsigned s)
{
	return k ? deadline_set(&k->deadline, s ? now_ms() + 1000LL * s : DEADLINE_NONE) : 0;
}

/* A connection opens (a Conn joins Server.conns, the headers' deadline
 * starts) or closes (its Conn leaves and is freed). libmicrohttpd reports
 * the close before it closes the socket, so the reaper never shuts down a
 * descriptor that was reused. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	Server *srv = cls;
	Conn *k = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		k = info ? calloc(1, sizeof *k) : NULL;
		if (!k)
			return; /* no deadline for it; libmicrohttpd's idle timeout still holds */
		k->fd = info->connect_fd;
		conn_deadline(k, KITH_HTTP_HEADER_S);
		pthread_mutex_lock(&srv->conn_lock);
		k->next = srv->conns;
		if (srv->conns)
			srv->conns->prev = k;
		srv->conns = k;
		pthread_mutex_unlock(&srv->conn_lock);
		*socket_context = k;
		return;
	}
	if (!k)
		return;
	pthread_mutex_lock(&srv->conn_lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		srv->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&srv->conn_lock);
	free(k);
	*socket_context = NULL;
}

/* Shut down the sockets of connections past their deadline. */
static void reap(Server *srv)
{
	long long now = now_ms();
	for (Conn *k = srv->conns; k; k = k->next) {
		/* only if the worker has not moved the deadline since: a request
		 * it has begun to run is never cut off */
		if (deadline_reap(&k->deadline, atomic_load(&k->deadline), now))
			shutdown(k->fd, SHUT_RDWR);
	}
}

/* The reaper thread: every REAP_EVERY_MS until server_stop. */
static void *reaper_main(void *arg)
{
	Server *srv = arg;
	pthread_mutex_lock(&srv->conn_lock);
	while (!srv->reaper_stop) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += REAP_EVERY_MS * 1000000L;
		t.tv_sec += t.tv_nsec / 1000000000L;
		t.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&srv->reaper_wake, &srv->conn_lock, &t);
		if (!srv->reaper_stop)
			reap(srv);
	}
	pthread_mutex_unlock(&srv->conn_lock);
	return NULL;
}

/* Query parameters in a raw URI: the non-empty '&'-separated pieces after
 * '?'. */
static unsigned count_params(const char *uri)
{
	const char *q = strchr(uri, '?');
	unsigned n = 0;
	if (!q)
		return 0;
	for (const char *p = q + 1; *p; p++)
		if (*p != '&' && (p[-1] == '&' || p == q + 1))
			n++;
	return n;
}

/* Called with the raw request line's URI before libmicrohttpd splits and
 * decodes it: note on the Conn what the dispatcher refuses (too long, %00,
 * too many parameters). Allocates nothing: a request that fails in
 * libmicrohttpd after this never reaches on_request or on_done.
 *
 * For a refused URI, the query is cut off here: libmicrohttpd stores each
 * query parameter in the connection's memory pool, and a query of
 * thousands of parameters exhausts it, after which libmicrohttpd drops the
 * connection without an answer; no documented option bounds the number of
 * parameters. This relies on undocumented behaviour of libmicrohttpd
 * 0.9.75 (MHD_VERSION 0x00097500, Debian bookworm): uri is its writable
 * request buffer passed as const, and its parser (parse_initial_message_line)
 * splits the query from that same buffer after this callback returns, so a
 * NUL after the '?' leaves it an empty query; the dispatcher answers
 * 400/414 from the Conn. start() checks that the cut took (query_cut_or_fail)
 * and answers 500 with a log line if a libmicrohttpd upgrade changed this;
 * the e2e tests of 500 and 20,000 parameters and of %00 then fail. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	Server *srv = cls;
	Conn *k = conn_state(conn);
	if (!k)
		return NULL;
	k->uri_too_long = strlen(uri) > KITH_MAX_URL;
	k->nul = strstr(uri, "%00") != NULL;
	k->n_params = count_params(uri);
	char *query = strchr(uri, '?');
	if (query && (k->uri_too_long || k->nul || k->n_params > KITH_MAX_QUERY_PARAMS))
		query[1] = '\0';
	if (srv->cfg.log)
		clock_gettime(CLOCK_MONOTONIC, &k->t0);
	return NULL;
}

/* Content-Length headers seen so far. */
typedef struct Lengths {
	const char *first; /* the first value */
	int differ;	   /* a later one differs from it */
} Lengths;

static enum MHD_Result length_visit(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	Lengths *l = cls;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0 || !value)
		return MHD_YES;
	if (!l->first)
		l->first = value;
	else if (strcmp(l->first, value) != 0)
		l->differ = 1;
	return l->differ ? MHD_NO : MHD_YES;
}

/* 1 when the request holds Content-Length headers with different values:
 * which one frames the body is ambiguous, the stuff of request smuggling,
 * and RFC 9112 6.3 says to refuse it. */
static int lengths_differ(struct MHD_Connection *conn)
{
	Lengths l = {0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, length_visit, &l);
	return l.differ;
}

/* The query of a refused URI was cut off in on_uri: when libmicrohttpd
 * still parsed parameters from it, the behaviour on_uri relies on has
 * changed (a libmicrohttpd upgrade): say so loudly and answer 500 rather
 * than go on. Returns non-zero when it answered. */
static int query_cut_or_fail(Ctx *c)
{
	if (!c->uri_too_long && !c->nul && c->n_params <= KITH_MAX_QUERY_PARAMS)
		return 0;
	int n = MHD_get_connection_values(c->req.conn, MHD_GET_ARGUMENT_KIND, NULL, NULL);
	if (n <= 0)
		return 0;
	fprintf(stderr,
		"kith: libmicrohttpd %s parsed %d query parameters of a URI whose query "
		"on_uri cut off: the behaviour of 0.9.75 that src/http/server.c relies on "
		"has changed\n",
		MHD_get_version(), n);
	req_fail_status(&c->req, 500, NULL,
			"the server cannot check this URL with this libmicrohttpd version");
	return 1;
}

/* First call: allocate the Ctx, record and route; a declared body over the
 * limit or a conflicting length gets its answer at once (so the body is
 * never read; the connection closes). Returns MHD_NO when out of memory. */
static enum MHD_Result start(Server *srv, struct MHD_Connection *conn, const char *url,
			     const char *method, void **con_cls)
{
	Ctx *c = calloc(1, sizeof *c);
	if (!c)
		return MHD_NO;
	*con_cls = c;
	Req *req = &c->req;
	c->srv = srv;
	c->link = conn_state(conn);
	if (c->link) {
		c->uri_too_long = c->link->uri_too_long;
		c->nul = c->link->nul;
		c->n_params = c->link->n_params;
		c->t0 = c->link->t0;
	}
	req->conn = conn;
	req->method = method;
	req->path = url;
	c->outcome = route_find(srv->routes, srv->n_routes, method, url, &c->match);
	buf_init(&c->body, KITH_MAX_BODY);
	if (conn_deadline(c->link, KITH_HTTP_BODY_S))
		return MHD_NO; /* the reaper cut the connection off: on_done frees the Ctx */
	if (query_cut_or_fail(c))
		return answer(c);
	const char *len = req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (len && lengths_differ(conn)) {
		req_fail_status(req, 400, "Content-Length",
				"the request has Content-Length headers that differ");
		return answer(c);
	}
	if (len && strtoull(len, NULL, 10) > KITH_MAX_BODY) {
		char detail[96];
		snprintf(detail, sizeof detail, "the body is larger than %u bytes", KITH_MAX_BODY);
		req_fail_status(req, 413, NULL, detail);
		return answer(c);
	}
	return MHD_YES;
}

/* The access handler: first call (start), body chunks, then the answer. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	Ctx *c = *con_cls;
	if (!c)
		return start(cls, conn, url, method, con_cls);
	if (c->answered)
		return MHD_YES;
	if (*upload_size) {
		c->n_body += *upload_size;
		if (c->n_body > KITH_MAX_BODY)
			return MHD_NO; /* chunked body over the limit: stop reading, drop the
					  connection */
		if (c->outcome == ROUTE_FOUND &&
		    (c->match.route->flags & (ROUTE_BODY | ROUTE_BODY_OPTIONAL)))
			buf_add(&c->body, upload, *upload_size);
		*upload_size = 0;
		return buf_failed(&c->body) ? MHD_NO : MHD_YES;
	}
	if (conn_deadline(c->link, 0)) /* all arrived: the answer is ours to send */
		return MHD_NO;	       /* unless the reaper cut the connection off first */
	dispatch(c);
	return answer(c);
}

/* The request is over (answered, or the connection dropped): free the Ctx.
 * A kept-alive connection's next request line and headers must arrive
 * within KITH_HTTP_HEADER_S from now: the idle wait counts against them. */
static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	Ctx *c = *con_cls;
	if (!c)
		return;
	conn_deadline(c->link, KITH_HTTP_HEADER_S);
	json_decref(c->req.out);
	json_decref(c->req.body);
	buf_free(&c->body);
	free(c->resp);
	free(c);
	*con_cls = NULL;
}

int server_parse_listen(const char *s, ServerConfig *cfg, char *display, size_t n, Err *err)
{
	char host[256];
	const char *colon = s ? strrchr(s, ':') : NULL, *hs = s;
	size_t hl;
	if (!colon || colon == s)
		return err_set(err, ERR_INVALID, "listen",
			       "must be ADDR:PORT, e.g. 127.0.0.1:8080");
	hl = (size_t)(colon - s);
	if (s[0] == '[' && colon[-1] == ']') {
		hs = s + 1;
		hl -= 2;
	}
	char *end = NULL;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || colon[1] < '0' || colon[1] > '9' || port < 0 || port > 65535)
		return err_set(err, ERR_INVALID, "listen",
			       "the port must be a number from 0 to 65535");
	if (hl == 0 || hl >= sizeof host)
		return err_set(err, ERR_INVALID, "listen",
			       "must be ADDR:PORT, e.g. 127.0.0.1:8080");
	memcpy(host, hs, hl);
	host[hl] = '\0';
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
	int gai = getaddrinfo(host, NULL, &hints, &ai);
	if (gai != 0 || !ai)
		return err_set(err, ERR_INVALID, "listen", "cannot resolve '%s': %s", host,
			       gai_strerror(gai));
	memset(&cfg->addr, 0, sizeof cfg->addr);
	memcpy(&cfg->addr, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	char num[INET6_ADDRSTRLEN];
	if (cfg->addr.ss_family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&cfg->addr;
		a6->sin6_port = htons((uint16_t)port);
		inet_ntop(AF_INET6, &a6->sin6_addr, num, sizeof num);
		snprintf(display, n, "[%s]", num);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&cfg->addr;
		a4->sin_port = htons((uint16_t)port);
		inet_ntop(AF_INET, &a4->sin_addr, num, sizeof num);
		snprintf(display, n, "%s", num);
	}
	return KITH_OK;
}

/* How many connections to accept at once: KITH_HTTP_CONNECTIONS, less when
 * the descriptor limit (raised to its hard maximum first) cannot hold them
 * next to the databases of threads threads. Past the limit libmicrohttpd
 * closes new connections at once instead of failing in accept(). */
static unsigned connection_limit(unsigned threads)
{
	struct rlimit rl;
	rlim_t want = KITH_HTTP_CONNECTIONS + FD_RESERVE + (rlim_t)FD_PER_THREAD * threads;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1000; /* FD_SETSIZE less a margin: fits any descriptor limit */
	if (rl.rlim_cur < want && rl.rlim_cur != RLIM_INFINITY) {
		rlim_t cur = rl.rlim_cur;
		rl.rlim_cur =
		    rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			rl.rlim_cur = cur;
	}
	rlim_t spare = want - KITH_HTTP_CONNECTIONS;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
		return rl.rlim_cur > spare + 16 ? (unsigned)(rl.rlim_cur - spare) : 16;
	return KITH_HTTP_CONNECTIONS;
}

/* Start the daemon: epoll thread pool where available. */
static int start_daemon(Server *srv, Err *err)
{
	unsigned flags = MHD_is_feature_supported(MHD_FEATURE_EPOLL) ? MHD_USE_EPOLL_INTERNAL_THREAD
								     : MHD_USE_AUTO_INTERNAL_THREAD;
	if (srv->cfg.addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (srv->cfg.log)
		flags |= MHD_USE_ERROR_LOG;
	/* A pool of one is no pool: libmicrohttpd wants the option left out. */
	struct MHD_OptionItem pool[] = {
	    {srv->cfg.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
	     (intptr_t)srv->cfg.threads, NULL},
	    {MHD_OPTION_END, 0, NULL},
	};
	errno = 0;
	srv->mhd = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, &srv->cfg.addr,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_done, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)KITH_HTTP_IDLE_S, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)KITH_HTTP_PER_IP, MHD_OPTION_CONNECTION_LIMIT,
	    connection_limit(srv->cfg.threads), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)KITH_HTTP_CONN_MEMORY, MHD_OPTION_ARRAY, pool, MHD_OPTION_END);
	if (!srv->mhd)
		return err_set(err, ERR_INTERNAL, "listen", "cannot listen: %s",
			       errno ? strerror(errno) : "libmicrohttpd refused to start");
	return KITH_OK;
}

int server_start(Server **out, const ServerConfig *cfg, Err *err)
{
	*out = NULL;
	if (cfg->threads < 1 || cfg->threads > KITH_MAX_THREADS)
		return err_set(err, ERR_INVALID, "threads", "must be from 1 to %u",
			       KITH_MAX_THREADS);
	if (!hooks || !hooks->authenticate || !hooks->record_use || !hooks->is_admin)
		return err_set(err, ERR_INTERNAL, NULL, "no token check: hooks_install() sets it");
	if (sodium_init() < 0)
		return err_set(err, ERR_INTERNAL, NULL, "libsodium failed to initialise");
	Server *srv = calloc(1, sizeof *srv);
	if (!srv)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	srv->cfg = *cfg;
	srv->hooks = hooks;
	srv->routes = route_table(&srv->n_routes);
	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->conn_lock, NULL);
	pthread_cond_init(&srv->reaper_wake, NULL);
	int rc = pthread_key_create(&srv->slot_key, NULL)
		     ? err_set(err, ERR_INTERNAL, NULL, "pthread_key_create failed")
		     : KITH_OK;
	if (rc) {
		pthread_mutex_destroy(&srv->lock);
		pthread_mutex_destroy(&srv->conn_lock);
		pthread_cond_destroy(&srv->reaper_wake);
		free(srv);
		return rc;
	}
	rc = route_table_check(srv->routes, srv->n_routes, err);
	if (rc == KITH_OK)
		rc = openapi_build(&srv->openapi, &srv->n_openapi, err);
	/* only an SQLite file has a WAL to checkpoint */
	if (rc == KITH_OK && cfg->checkpoint_pages && db_target_is_file(cfg->db_path))
		rc = checkpointer_start(&srv->ck, cfg->db_path, cfg->checkpoint_pages, err);
	if (rc == KITH_OK)
		rc = start_daemon(srv, err);
	if (rc == KITH_OK && pthread_create(&srv->reaper, NULL, reaper_main, srv) != 0)
		rc = err_set(err, ERR_INTERNAL, NULL, "cannot start the reaper thread");
	srv->reaper_started = rc == KITH_OK;
	if (rc) {
		server_stop(srv);
		return rc;
	}
	*out = srv;
	return KITH_OK;
}

unsigned server_port(const Server *srv)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : 0;
}

void server_stop(Server *srv)
{
	if (!srv)
		return;
	if (srv->reaper_started) {
		pthread_mutex_lock(&srv->conn_lock);
		srv->reaper_stop = 1;
		pthread_cond_signal(&srv->reaper_wake);
		pthread_mutex_unlock(&srv->conn_lock);
		pthread_join(srv->reaper, NULL);
	}
	if (srv->mhd)
		MHD_stop_daemon(srv->mhd); /* closes every connection: conns empties */
	for (DbSlot *s = srv->slots, *next; s; s = next) {
		next = s->next;
		db_close(s->db);
		free(s->auth_memo);
		free(s);
	}
	checkpointer_stop(srv->ck); /* after the slots: none commits any more */
	pthread_key_delete(srv->slot_key);
	pthread_mutex_destroy(&srv->lock);
	pthread_mutex_destroy(&srv->conn_lock);
	pthread_cond_destroy(&srv->reaper_wake);
	free(srv->openapi);
	free(srv);
}

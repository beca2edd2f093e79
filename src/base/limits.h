/* limits.h - every maximum in kith, one commented line each.
 * Depends on nothing. Change a limit here, never at the call site. */
#ifndef KITH_BASE_LIMITS_H
#define KITH_BASE_LIMITS_H

#define KITH_MAX_BUF (64u * 1024u * 1024u)   /* any growable buffer (CSV exports stay below) */
#define KITH_MAX_BODY (1024u * 1024u)        /* HTTP request body, bytes */
#define KITH_MAX_URL 4096u                   /* request path + query, bytes */
#define KITH_MAX_NAME 200u                   /* a person's first/last name, company name, bytes */
#define KITH_MAX_SHORT 320u                  /* email, phone, website, job title, tag, label, bytes */
#define KITH_MAX_TEXT (64u * 1024u)          /* notes, consent note, free text, bytes */
#define KITH_MAX_EMAILS 20u                  /* emails per contact */
#define KITH_MAX_PHONES 20u                  /* phones per contact */
#define KITH_MAX_TAGS 50u                    /* tags per record */
#define KITH_MAX_FIELD_OPTIONS 100u          /* options of a select custom field */
#define KITH_MAX_FIELDS 200u                 /* custom field definitions per entity */
#define KITH_LIST_DEFAULT 50                 /* list page size when ?limit= is absent */
#define KITH_LIST_MAX 500                    /* largest list page */
#define KITH_THAI_SUFFIX 20u                 /* code points kept of each indexed Thai suffix (and query word) */
#define KITH_MAX_QUERY_TERMS 8u              /* words in a search query */
#define KITH_STMT_CACHE 64u                  /* prepared statements kept per connection */
#define KITH_TOKEN_MEMO 8u                   /* verified tokens a server thread remembers (token_check_memo) */
#define KITH_MAX_DEFERRED 4096u              /* deferred index writes queued before an early flush */
#define KITH_CHECK_MAX_FINDINGS 100          /* problems one check (kith db check) reports before it stops listing */
#define KITH_MAX_PASSWORD 1024u              /* password length, bytes */
#define KITH_MIN_PASSWORD 8u                 /* shortest accepted password, bytes */
#define KITH_IDEMPOTENCY_TTL_S (24 * 3600)   /* how long an Idempotency-Key is remembered */
#define KITH_DB_CACHE_KB 16384             /* SQLite page cache per connection, KiB */
#define KITH_DB_BULK_CACHE_KB 524288       /* page cache during bulk loads (demo), KiB */
#define KITH_DB_BULK_CHECKPOINT 65536       /* WAL pages between checkpoints during bulk loads */
#define KITH_COPY_PAGE 5000                 /* rows kith db copy reads per statement (PostgreSQL answers one whole) */
#define KITH_COPY_BATCH_ROWS 1000           /* rows per INSERT kith db copy writes */
#define KITH_COPY_BATCH_PARAMS 16000        /* parameters per such INSERT (SQLite allows 32766, PostgreSQL 65535) */
#define KITH_CHECKPOINT_PAGES 1000u          /* kith serve: WAL pages that start a background checkpoint (SQLite's own default) */
#define KITH_MAX_CHECKPOINT_PAGES 1000000u   /* largest kith serve --checkpoint-pages */
#define KITH_CHECKPOINT_IDLE_MS 1000         /* kith serve empties the WAL file after this long without a commit */
#define KITH_MAX_MMAP_MB 65536u             /* largest database memory map for kith serve --mmap, MiB */
#define KITH_BUSY_TIMEOUT_MS 5000            /* wait for a locked database before failing */
#define KITH_BUSY_RETRIES 3                  /* runs again of work a deadlock undid (db_retry) */
#define KITH_MAX_DEMO 10000000L              /* rows kith demo makes in one call */
#define KITH_MAX_DEMO_USERS 100L             /* kith demo --users: each costs a password hash */
#define KITH_MAX_IDEMPOTENCY_KEY 200u        /* Idempotency-Key header value, bytes (printable ASCII) */
#define KITH_MAX_THREADS 256u                /* kith serve --threads */
#define KITH_HTTP_IDLE_S 60u                 /* libmicrohttpd's inactivity timeout: a connection that sends and reads nothing (an answer left unread) is closed after this, seconds */
#define KITH_HTTP_HEADER_S 10u               /* a request line and its headers must arrive within this of the connection's start or, kept alive, of the previous answer, seconds (slowloris) */
#define KITH_HTTP_BODY_S 30u                 /* a request body must arrive within this after its headers, seconds */
#define KITH_HTTP_PER_IP 256u                /* connections open at once from one client address (an office behind NAT: 50 browsers x 5) */
#define KITH_HTTP_CONNECTIONS 4096u          /* connections open at once in all (less when the fd limit is lower) */
#define KITH_HTTP_CONN_MEMORY (64u * 1024u)  /* libmicrohttpd memory per connection (request line, headers, buffers), bytes */
#define KITH_MAX_QUERY_PARAMS 64u            /* query parameters in one URL */
#define KITH_MAX_STAGES 50u                  /* stages per deal pipeline */
#define KITH_MAX_DEAL_MINOR 1000000000000LL /* largest deal value, minor units: sums over millions of deals and weighting by a percent stay inside int64 */
#define KITH_BOARD_DEFAULT 20                /* deals shown per stage on a pipeline board */
#define KITH_BOARD_CLOSED_DAYS 30            /* won/lost board columns: deals closed in these last days */
#define KITH_BOARD_CLOSED_DAYS_MAX 3660      /* largest closed_days a board accepts (ten years) */
#define KITH_BOARD_VISIT_MONTHS 12           /* time in stage: visits ended in these last months */
#define KITH_FORECAST_GROUPS 4096            /* month x currency groups in one forecast (over 100 years x 3 currencies) */
#define KITH_MAX_COLLABORATORS 100u          /* collaborators per contact, company or deal (lists of them are one page) */
#define KITH_DUE_MAX 200                     /* items per section of kith due / the agenda (due, too_often, key_dates) */
#define KITH_AGENDA_DAYS_MAX 366             /* days ahead an agenda or due list looks (0..this) */
#define KITH_AGENDA_DAYS_DEFAULT 7           /* days ahead of the agenda when none are asked for */
#define KITH_MAX_CADENCE_DAYS 3650           /* a contact's or tag's touch cadence, days (1..this) */
#define KITH_MAX_REPEAT 366                  /* a repeating task's "every N" units */
#define KITH_MAX_DURATION_MIN 1440           /* an activity's duration, minutes (a day) */
#define KITH_FUTURE_SLACK_S (24 * 3600)      /* an activity's occurred_at may be this far ahead, seconds */
#define KITH_MAX_TAX_ID 64u                  /* VAT / tax number, bytes (room for prefixes) */
#define KITH_MAX_FIELD_KEY 40                /* custom field key, bytes ([a-z][a-z0-9_]{0,39}) */
#define KITH_MAX_SETTING 100000              /* a whole-number workspace setting as typed, before its own range check */
#define KITH_DEMO_CHUNK 25000                /* kith demo: rows per transaction */
#define KITH_DEMO_BATCH 500                  /* kith demo: contacts per contact_create_many call */
#define KITH_DEMO_LINK_TRIES 16              /* kith demo: random ids tried for a live link to an older record */

#define KITH_STR_(x) #x
#define KITH_STR(x) KITH_STR_(x) /* a limit as a string literal, for SQL pragmas */

#endif

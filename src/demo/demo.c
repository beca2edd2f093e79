/* demo.c - demo data generator. Uses contact_create_many/company_create
 * (with the bulk flags: no per-row audit, no duplicate guard), user_add,
 * pipeline_create, deal_create/deal_move, activity_create and
 * task_create/task_done, so every row obeys the same rules as real input.
 * Depends on crm/ public headers, store/, base/ and libsodium (passwords). */
#include "demo/demo.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "crm/activity.h"
#include "core/audit.h"
#include "core/record.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/pipeline.h"
#include "crm/task.h"
#include "core/user.h"

enum { DEMO_CHUNK = KITH_DEMO_CHUNK }; /* limits.h */
enum { DEMO_BATCH = KITH_DEMO_BATCH }; /* limits.h */

typedef struct Locale {
	const char *country;              /* ISO 3166 */
	const char *phone_prefix;         /* international prefix and mobile lead digits */
	const char *const *first;         /* given names, script of the country */
	const char *const *first_latin;   /* the same names romanised, for emails */
	int n_first;
	const char *const *last;
	const char *const *last_latin;
	int n_last;
	const char *const *cities;
	int n_cities;
	const char *const *company_fmt;   /* printf formats with one %s (a surname or word) */
	int n_company_fmt;
	const char *mail_domain;          /* free-mail domain of the country */
} Locale;

#define N(a) ((int)(sizeof a / sizeof a[0]))

static const char *const pl_first[] = {"Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Łukasz",
				       "Paweł", "Michał", "Krzysztof", "Józef", "Zofia",
				       "Grzegorz", "Bożena", "Wojciech", "Jędrzej", "Ewa"};
static const char *const pl_first_l[] = {"anna", "katarzyna", "malgorzata", "agnieszka", "lukasz",
					 "pawel", "michal", "krzysztof", "jozef", "zofia",
					 "grzegorz", "bozena", "wojciech", "jedrzej", "ewa"};
static const char *const pl_last[] = {"Kowalska", "Nowak", "Wiśniewski", "Wójcik", "Kamińska",
				      "Lewandowski", "Zieliński", "Szymańska", "Woźniak", "Dąbrowski",
				      "Kozłowska", "Jankowski", "Mazur", "Krawczyk", "Żółkiewski"};
static const char *const pl_last_l[] = {"kowalska", "nowak", "wisniewski", "wojcik", "kaminska",
					"lewandowski", "zielinski", "szymanska", "wozniak",
					"dabrowski", "kozlowska", "jankowski", "mazur", "krawczyk",
					"zolkiewski"};
static const char *const pl_cities[] = {"Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań",
					"Gdańsk", "Szczecin", "Bydgoszcz", "Lublin", "Białystok"};
static const char *const pl_company[] = {"%s Sp. z o.o.", "%s i Synowie", "Piekarnia %s",
					 "Biuro Rachunkowe %s", "%s Logistyka S.A."};

static const char *const tr_first[] = {"Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Mehmet",
				       "Mustafa", "Ahmet", "İsmail", "Hüseyin", "Çağrı", "Gökhan",
				       "Şule", "Işıl", "Ömer"};
static const char *const tr_first_l[] = {"ayse", "fatma", "emine", "hatice", "zeynep", "mehmet",
					 "mustafa", "ahmet", "ismail", "huseyin", "cagri",
					 "gokhan", "sule", "isil", "omer"};
static const char *const tr_last[] = {"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız",
				      "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan",
				      "Kılıç", "Aslan", "Çetin"};
static const char *const tr_last_l[] = {"yilmaz", "kaya", "demir", "sahin", "celik", "yildiz",
					"yildirim", "ozturk", "aydin", "ozdemir", "arslan", "dogan",
					"kilic", "aslan", "cetin"};
static const char *const tr_cities[] = {"İstanbul", "Ankara", "İzmir", "Bursa", "Antalya",
					"Eskişehir", "Diyarbakır", "Iğdır", "Muğla", "Şanlıurfa"};
static const char *const tr_company[] = {"%s Ticaret A.Ş.", "%s İnşaat Ltd. Şti.",
					 "%s Gıda San. ve Tic.", "%s Tekstil", "%s Yazılım A.Ş."};

static const char *const th_first[] = {"สมชาย", "สมศรี", "ประเสริฐ", "วิไล", "สุนทร", "กาญจนา",
				       "ธนพล", "ปิยะนุช", "อนุชา", "พิมพ์ชนก", "ณัฐวุฒิ", "ศิริพร"};
static const char *const th_first_l[] = {"somchai", "somsri", "prasert", "wilai", "sunthorn",
					 "kanchana", "thanaphon", "piyanuch", "anucha",
					 "phimchanok", "nattawut", "siriporn"};
static const char *const th_last[] = {"ใจดี", "สุขสวัสดิ์", "ศรีสุข", "รุ่งเรือง", "วงศ์สวัสดิ์",
				      "ทองดี", "แก้วมณี", "บุญมา", "จันทร์เพ็ญ", "พัฒนกุล"};
static const char *const th_last_l[] = {"jaidee", "suksawat", "srisuk", "rungruang",
					"wongsawat", "thongdee", "kaewmanee", "boonma",
					"janpen", "phattanakun"};
static const char *const th_cities[] = {"กรุงเทพมหานคร", "เชียงใหม่", "ภูเก็ต", "ขอนแก่น",
					"หาดใหญ่", "นครราชสีมา", "พัทยา", "อุดรธานี"};
static const char *const th_company[] = {"บริษัท %sเทรดดิ้ง จำกัด", "ห้างหุ้นส่วนจำกัด %s",
					 "บริษัท %s คอนซัลแทนท์ จำกัด", "ร้าน%s"};

static const char *const en_first[] = {"James", "Mary", "Oliver", "Emma", "Liam", "Sophie",
				       "Noah", "Charlotte", "Lucas", "Amelia", "Jürgen", "Chloé"};
static const char *const en_first_l[] = {"james", "mary", "oliver", "emma", "liam", "sophie",
					 "noah", "charlotte", "lucas", "amelia", "juergen", "chloe"};
static const char *const en_last[] = {"Smith", "Johnson", "Williams", "Brown", "Müller",
				      "Schmidt", "Dubois", "O'Brien", "García", "Taylor"};
static const char *const en_last_l[] = {"smith", "johnson", "williams", "brown", "mueller",
					"schmidt", "dubois", "obrien", "garcia", "taylor"};
static const char *const en_cities[] = {"London", "Berlin", "München", "Paris", "Dublin",
					"Madrid", "Amsterdam", "New York"};
static const char *const en_company[] = {"%s & Partners Ltd", "%s GmbH", "%s Consulting LLC",
					 "%s Design Studio", "%s Holdings plc"};

static const Locale locales[] = {
	{"PL", "+48 6", pl_first, pl_first_l, N(pl_first), pl_last, pl_last_l, N(pl_last),
	 pl_cities, N(pl_cities), pl_company, N(pl_company), "wp.pl"},
	{"TR", "+90 5", tr_first, tr_first_l, N(tr_first), tr_last, tr_last_l, N(tr_last),
	 tr_cities, N(tr_cities), tr_company, N(tr_company), "gmail.com"},
	{"TH", "+66 8", th_first, th_first_l, N(th_first), th_last, th_last_l, N(th_last),
	 th_cities, N(th_cities), th_company, N(th_company), "hotmail.co.th"},
	{"GB", "+44 7", en_first, en_first_l, N(en_first), en_last, en_last_l, N(en_last),
	 en_cities, N(en_cities), en_company, N(en_company), "outlook.com"},
};

static const char *const statuses[] = {"lead", "lead", "prospect", "customer", "customer",
				       "customer", "former"};
static const char *const temperatures[] = {"cold", "warm", "hot"};
static const char *const sources[] = {"referral", "website", "trade fair", "cold call",
				      "linkedin", "facebook", "walk-in", "existing client"};
static const char *const tags[] = {"vip", "newsletter", "wholesale", "retail", "late payer",
				   "partner", "export", "priority"};
static const char *const titles[] = {"Owner", "CEO", "Office manager", "Accountant",
				     "Purchasing", "Sales director", "Freelancer", NULL};

/* xorshift64*: deterministic, fast; demo data only, never for secrets. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int pick(uint64_t *s, int n)
{
	return (int)(rnd(s) % (uint64_t)n);
}

static void phone(uint64_t *s, const Locale *l, char *out, size_t n)
{
	snprintf(out, n, "%s%02d %03d %03d", l->phone_prefix, pick(s, 100), pick(s, 1000),
		 pick(s, 1000));
}

static json_t *demo_company(uint64_t *s, long i)
{
	const Locale *l = &locales[pick(s, N(locales))];
	char name[256], tel[32], mail[128];
	int k = pick(s, l->n_last);
	snprintf(name, sizeof name, l->company_fmt[pick(s, l->n_company_fmt)], l->last[k]);
	phone(s, l, tel, sizeof tel);
	snprintf(mail, sizeof mail, "office%ld@%s-%ld.example", i, l->last_latin[k], i);
	json_t *c = json_pack("{ss ss ss s{ss ss} s[s]}", "legal_name", name, "phone", tel, "email",
			      mail, "address", "city", l->cities[pick(s, l->n_cities)], "country",
			      l->country, "tags", tags[pick(s, N(tags))]);
	if (pick(s, 2)) {
		char tax[32];
		snprintf(tax, sizeof tax, "%s%010ld", l->country, 1000000000L + i);
		json_object_set_new(c, "tax_id", json_string(tax));
	}
	return c;
}

static json_t *demo_contact(uint64_t *s, long i, int64_t company_id)
{
	const Locale *l = &locales[pick(s, N(locales))];
	int f = pick(s, l->n_first), g = pick(s, l->n_last);
	char mail[160], tel[32];
	snprintf(mail, sizeof mail, "%s.%s.%ld@%s", l->first_latin[f], l->last_latin[g], i,
		 l->mail_domain);
	phone(s, l, tel, sizeof tel);
	json_t *c = json_pack(
		"{ss ss s[{ss ss}] s[{ss ss}] ss ss ss s{ss ss}}", "first_name", l->first[f],
		"last_name", l->last[g], "emails", "label", "work", "value", mail, "phones", "label",
		"mobile", "value", tel, "status", statuses[pick(s, N(statuses))], "temperature",
		temperatures[pick(s, N(temperatures))], "source", sources[pick(s, N(sources))],
		"address", "city", l->cities[pick(s, l->n_cities)], "country", l->country);
	const char *title = titles[pick(s, N(titles))];
	if (title)
		json_object_set_new(c, "job_title", json_string(title));
	if (company_id)
		json_object_set_new(c, "company_id", json_integer(company_id));
	if (pick(s, 3) == 0)
		json_object_set_new(c, "tags", json_pack("[s]", tags[pick(s, N(tags))]));
	if (pick(s, 4) == 0) {
		char bday[11];
		snprintf(bday, sizeof bday, "%04d-%02d-%02d", 1950 + pick(s, 55), 1 + pick(s, 12),
			 1 + pick(s, 28));
		json_object_set_new(c, "birthday", json_string(bday));
	}
	return c;
}

/* ---- deals, activities, tasks ------------------------------------------- */

static const char *const products[] = {"Website redesign", "Annual maintenance",
				       "Bookkeeping package", "Office fit-out", "Catering contract",
				       "Consulting retainer", "Wholesale order", "Software licence",
				       "Photo shoot", "Training day", "Translation job",
				       "Delivery contract"};
static const char *const lost_reasons[] = {"price", "timing", "chose a competitor",
					   "no budget", "no reply"};
static const char *const call_subjects[] = {"Follow-up call", "Price question",
					    "Delivery date", "Introduction", "Complaint",
					    "Renewal", "Quote walkthrough"};
static const char *const email_subjects[] = {"Quote sent", "Invoice question", "Re: order",
					     "Newsletter reply", "Meeting notes",
					     "Contract draft", "Thank you"};
static const char *const meeting_subjects[] = {"Kick-off", "Site visit", "Quarterly review",
					       "Lunch", "Product demo", "Trade fair chat"};
static const char *const note_subjects[] = {"Prefers WhatsApp", "Pays on the 15th",
					    "Decision after the holidays", "New buyer in charge",
					    "Wants a discount for volume"};
static const char *const outcomes[] = {"reached", "voicemail", "no answer", "call back",
				       "interested", "not now"};
static const char *const task_titles[] = {"Call back", "Send the quote", "Chase the invoice",
					  "Prepare the contract", "Book a visit",
					  "Ask for a referral", "Check the delivery",
					  "Send a birthday card", "Renewal reminder"};
static const char *const task_types[] = {"call", "email", "meeting", "todo"};
static const char *const priorities[] = {"low", "normal", "normal", "normal", "high"};

enum { DEMO_OPEN_PCT = 28 };      /* percent of deals left open (the rest won or lost) */
enum { DEMO_WON_PCT = 30 };       /* percent of deals won */
enum { DEMO_MAIN_PCT = 60 };      /* percent of deals in the default pipeline */
enum { DEMO_TASK_OPEN_PCT = 80 }; /* percent of tasks left open */
enum { DEMO_HISTORY_DAYS = 730 }; /* activities spread over the past two years */

/* A pipeline's stages as deals need them. */
typedef struct DemoPipe {
	int64_t id;                      /* pipeline id */
	int64_t open[KITH_MAX_STAGES];   /* open stages in order */
	int n_open;
	int64_t won, lost;               /* its won and lost stage */
} DemoPipe;

/* What one run made so far, for the links of later rows. */
typedef struct Demo {
	int64_t company_first;           /* id of the first company made */
	long n_companies;                /* companies made */
	int64_t contact_first;           /* id of the first contact made */
	long n_contacts;                 /* contacts made */
	int old_links;                   /* 1: none made, the spans are the workspace's ids */
	int64_t deal_first;              /* id of the first deal made */
	long n_deals;                    /* deals made */
	int64_t users[KITH_MAX_DEMO_USERS + 1]; /* the actor (when a user) and the demo users */
	int n_users;
	DemoPipe pipes[2];               /* the default pipeline and the second one */
	char today[11];                  /* workspace civil date */
	time_t now;                      /* when the run started */
	long n_activities;               /* activities the run makes */
} Demo;

/* Makes the n rows numbered from i (n at most the batch chunked passes). */
typedef int (*MakeFn)(Db *, const Actor *, uint64_t *, long i, long n, Demo *, Err *);

/* Make `total` rows with make_some, batch rows a call, in chunks; each
 * chunk is one transaction. */
static int chunked(Db *db, const DemoOptions *opt, long total, long *done_all, long grand,
		   MakeFn make_some, long batch, const Actor *actor, uint64_t *seed, Demo *d,
		   Err *err)
{
	int rc = KITH_OK;
	for (long i = 0; i < total && rc == KITH_OK;) {
		long start = i, end = i + DEMO_CHUNK < total ? i + DEMO_CHUNK : total;
		if ((rc = db_begin(db, err)))
			break;
		while (i < end && rc == KITH_OK) {
			long n = batch < end - i ? batch : end - i;
			rc = make_some(db, actor, seed, i, n, d, err);
			i += n;
		}
		rc = db_end(db, rc, err);
		*done_all += i - start;
		if (opt->progress)
			opt->progress(opt->progress_ctx, *done_all, grand);
	}
	return rc;
}

/* A random id among the n made from first (0 when none were made). */
static int64_t pick_id(uint64_t *s, int64_t first, long n)
{
	return n > 0 ? first + (int64_t)(rnd(s) % (uint64_t)n) : 0;
}

enum { DEMO_LINK_TRIES = KITH_DEMO_LINK_TRIES }; /* limits.h */

/* A random contact (company when company is set) to link to: one made in
 * this run, or, when the run made none, a live one of the workspace found
 * by trying ids of its span. 0 when there is none. */
static int64_t link_pick(Db *db, const Actor *a, uint64_t *s, const Demo *d, int company)
{
	int64_t first = company ? d->company_first : d->contact_first;
	long n = company ? d->n_companies : d->n_contacts;
	for (int k = 0; n > 0 && k < (d->old_links ? DEMO_LINK_TRIES : 1); k++) {
		int64_t id = pick_id(s, first, n);
		if (!d->old_links ||
		    record_check(db, a, company ? RECORD_COMPANY : RECORD_CONTACT, id, 0, "id", NULL,
				 NULL) == KITH_OK)
			return id;
	}
	return 0;
}

/* When the run makes no contacts and no companies, later rows link to the
 * workspace's existing ones. Activities need one of them. */
static int demo_old_links(Db *db, const DemoOptions *opt, Demo *d, Err *err)
{
	int64_t lo, hi;
	int rc;
	if (d->n_contacts || d->n_companies || !(opt->deals || opt->activities || opt->tasks))
		return KITH_OK;
	d->old_links = 1;
	if ((rc = contact_id_span(db, &lo, &hi, err)))
		return rc;
	d->contact_first = lo;
	d->n_contacts = hi ? (long)(hi - lo + 1) : 0;
	if ((rc = company_id_span(db, &lo, &hi, err)))
		return rc;
	d->company_first = lo;
	d->n_companies = hi ? (long)(hi - lo + 1) : 0;
	if (opt->activities && !d->n_contacts && !d->n_companies)
		return err_set(err, ERR_INVALID, "activities",
			       "need contacts or companies to link to");
	return KITH_OK;
}

/* The owner of the i-th row: the acting user and the demo users in turn, 0
 * when there are none (the local system made the rows). */
static int64_t owner_of(const Demo *d, long i)
{
	return d->n_users ? d->users[i % d->n_users] : 0;
}

/* One company (n is 1). */
static int make_company(Db *db, const Actor *a, uint64_t *s, long i, long n, Demo *d, Err *err)
{
	int64_t id;
	json_t *c = demo_company(s, i);
	if (d->n_users)
		json_object_set_new(c, "owner_id", json_integer(owner_of(d, i)));
	int rc = company_create(db, a, c, COMPANY_NO_AUDIT, &id, err);
	json_decref(c);
	(void)n;
	if (rc == KITH_OK && d->n_companies++ == 0)
		d->company_first = id;
	return rc;
}

static int make_contacts(Db *db, const Actor *a, uint64_t *s, long i, long n, Demo *d, Err *err)
{
	json_t *in[DEMO_BATCH] = {0};
	int64_t ids[DEMO_BATCH];
	long k, made = 0;
	int rc = KITH_OK;
	for (k = 0; k < n && k < DEMO_BATCH; k++) {
		int64_t company = 0;
		/* seven in ten contacts work at one of the demo companies */
		if (d->n_companies && pick(s, 10) < 7)
			company = pick_id(s, d->company_first, d->n_companies);
		if (!(in[k] = demo_contact(s, i + k, company))) {
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
			break;
		}
		if (d->n_users)
			json_object_set_new(in[k], "owner_id", json_integer(owner_of(d, i + k)));
		made++;
	}
	if (rc == KITH_OK)
		rc = contact_create_many(db, a, in, (size_t)made,
					 CONTACT_FORCE | CONTACT_NO_AUDIT, ids, err);
	if (rc == KITH_OK && made && d->n_contacts == 0)
		d->contact_first = ids[0];
	if (rc == KITH_OK)
		d->n_contacts += made;
	for (k = 0; k < made; k++)
		json_decref(in[k]);
	return rc;
}

/* A civil date days from today into out[11]. */
static void date_from_today(const Demo *d, int days, char out[11])
{
	if (date_add(d->today, days, 'd', out))
		snprintf(out, 11, "%s", d->today);
}

/* The deal's input: pipeline, links, value, close date, owner. *target
 * gets the stage to move it to (0: stay in the first open stage) and
 * *lost the lost reason. */
static json_t *demo_deal(Db *db, const Actor *a, uint64_t *s, long i, const Demo *d,
			 int64_t *target, const char **lost)
{
	const DemoPipe *p = &d->pipes[pick(s, 100) < DEMO_MAIN_PCT || !d->pipes[1].id ? 0 : 1];
	int status = pick(s, 100), days;
	char title[96], close[11];
	snprintf(title, sizeof title, "%s #%ld", products[pick(s, N(products))], i + 1);
	*lost = NULL;
	if (status < DEMO_OPEN_PCT) {
		*target = p->open[pick(s, p->n_open)];
		days = pick(s, 210) - 30; /* open deals close from last month to half a year ahead */
	} else {
		*target = status < DEMO_OPEN_PCT + DEMO_WON_PCT ? p->won : p->lost;
		if (*target == p->lost)
			*lost = lost_reasons[pick(s, N(lost_reasons))];
		days = -pick(s, DEMO_HISTORY_DAYS);
	}
	if (*target == p->open[0])
		*target = 0;
	date_from_today(d, days, close);
	json_t *in = json_pack("{ss sI s{sI} ss ss}", "title", title, "pipeline_id",
			       (json_int_t)p->id, "value", "amount_minor",
			       (json_int_t)(50 + pick(s, 20000)) * 500, "expected_close_date", close,
			       "source", sources[pick(s, N(sources))]);
	int company = d->n_companies && (pick(s, 10) < 3 || !d->n_contacts);
	int64_t link = link_pick(db, a, s, d, company);
	if (link)
		json_object_set_new(in, company ? "company_id" : "contact_id", json_integer(link));
	if (d->n_users)
		json_object_set_new(in, "owner_id", json_integer(owner_of(d, i)));
	return in;
}

/* One deal, created in its pipeline's first open stage and moved on, as a
 * salesperson would (n is 1). */
static int make_deal(Db *db, const Actor *a, uint64_t *s, long i, long n, Demo *d, Err *err)
{
	int64_t id, target;
	const char *lost;
	json_t *in = demo_deal(db, a, s, i, d, &target, &lost);
	int rc = deal_create(db, a, in, &id, err);
	json_decref(in);
	(void)n;
	if (rc == KITH_OK && target)
		rc = deal_move(db, a, id, target, 0, lost, NULL, err);
	if (rc == KITH_OK && d->n_deals++ == 0)
		d->deal_first = id;
	return rc;
}

/* The activity's input: kind and direction, text by kind, when, who, and
 * a contact (most) or a company. */
static json_t *demo_activity(Db *db, const Actor *a, uint64_t *s, long i, const Demo *d)
{
	static const char *const kinds[] = {"call", "call", "call", "email", "email", "email",
					    "meeting", "note", "note", "sms", "letter"};
	const char *kind = kinds[pick(s, N(kinds))];
	char at[21];
	/* History is logged as it happens: the i-th of n falls at i/n of the
	 * past two years plus a random part of its share. In time order, the
	 * indexes by time grow at their end instead of at random places, which
	 * makes millions of rows several times cheaper to write. */
	int64_t span = (int64_t)DEMO_HISTORY_DAYS * 86400, n = d->n_activities ? d->n_activities : 1;
	int64_t share = span / n > 0 ? span / n : 1;
	time_iso(d->now - span + (time_t)(span * (int64_t)i / n + (int64_t)(rnd(s) % (uint64_t)share)),
		 at);
	json_t *in = json_pack("{ss ss}", "kind", kind, "occurred_at", at);
	const char *subject = kind[0] == 'c' ? call_subjects[pick(s, N(call_subjects))]
			      : kind[0] == 'e' ? email_subjects[pick(s, N(email_subjects))]
			      : kind[0] == 'm' ? meeting_subjects[pick(s, N(meeting_subjects))]
			      : kind[0] == 'n' ? note_subjects[pick(s, N(note_subjects))]
					       : NULL;
	if (subject)
		json_object_set_new(in, "subject", json_string(subject));
	if (kind[0] != 'n')
		json_object_set_new(in, "direction", json_string(pick(s, 2) ? "out" : "in"));
	if (kind[0] == 'c') {
		json_object_set_new(in, "outcome", json_string(outcomes[pick(s, N(outcomes))]));
		json_object_set_new(in, "duration_minutes", json_integer(1 + pick(s, 30)));
	} else if (kind[0] == 'm') {
		json_object_set_new(in, "duration_minutes", json_integer(30 + 15 * pick(s, 8)));
	}
	int company = d->n_companies && (pick(s, 100) < 15 || !d->n_contacts);
	int64_t link = link_pick(db, a, s, d, company);
	if (link) /* else activity_create names the missing link */
		json_object_set_new(in, company ? "company_id" : "contact_id", json_integer(link));
	if (d->n_users)
		json_object_set_new(in, "user_id", json_integer(owner_of(d, i)));
	return in;
}

static int make_activities(Db *db, const Actor *a, uint64_t *s, long i, long n, Demo *d,
			   Err *err)
{
	json_t *in[DEMO_BATCH] = {0};
	long k, made = 0;
	int rc = KITH_OK;
	for (k = 0; k < n && k < DEMO_BATCH; k++) {
		if (!(in[k] = demo_activity(db, a, s, i + k, d))) {
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
			break;
		}
		made++;
	}
	if (rc == KITH_OK)
		rc = activity_create_many(db, a, in, (size_t)made, ACTIVITY_NO_AUDIT, NULL, err);
	for (k = 0; k < made; k++)
		json_decref(in[k]);
	return rc;
}

/* The task's input: a title and type, a due date around today (one in
 * ten without), the demo users in turn as assignees, a link. */
static json_t *demo_task(Db *db, const Actor *a, uint64_t *s, long i, const Demo *d)
{
	char due[11];
	json_t *in = json_pack("{ss ss ss}", "title", task_titles[pick(s, N(task_titles))], "type",
			       task_types[pick(s, N(task_types))], "priority",
			       priorities[pick(s, N(priorities))]);
	if (pick(s, 10)) {
		date_from_today(d, pick(s, 60) - 20, due);
		json_object_set_new(in, "due_date", json_string(due));
	}
	int kind = pick(s, 10);
	int64_t link = kind < 5 ? link_pick(db, a, s, d, 0)
		       : kind < 7 ? pick_id(s, d->deal_first, d->n_deals)
		       : kind < 8 ? link_pick(db, a, s, d, 1)
				  : 0;
	if (link)
		json_object_set_new(in, kind < 5 ? "contact_id" : kind < 7 ? "deal_id" : "company_id",
				    json_integer(link));
	if (d->n_users)
		json_object_set_new(in, "assignee_id", json_integer(owner_of(d, i)));
	return in;
}

/* One task; DEMO_TASK_OPEN_PCT percent stay open, the rest are done. */
static int make_task(Db *db, const Actor *a, uint64_t *s, long i, long n, Demo *d, Err *err)
{
	int64_t id;
	json_t *in = demo_task(db, a, s, i, d);
	int rc = task_create(db, a, in, &id, err);
	json_decref(in);
	(void)n;
	/* The demo's activities are the ones it was asked for: completing its
	 * calls logs no more (task.h). */
	static const TaskDone quiet = {.no_touch = 1};
	if (rc == KITH_OK && pick(s, 100) >= DEMO_TASK_OPEN_PCT)
		rc = task_complete(db, a, id, &quiet, NULL, NULL, err);
	return rc;
}

/* ---- setup -------------------------------------------------------------- */

/* The acting user (unless the local system), then the demo users
 * demo-user-1@example.com...: made once, reused by later runs. Their
 * passwords are random and not shown (kith user passwd sets one). The first
 * user of an empty workspace must be an owner. */
static int demo_users(Db *db, const Actor *actor, uint64_t *s, long n, Demo *d, Err *err)
{
	json_t *all = NULL;
	int rc = user_list(db, actor, &all, err);
	if (actor->user_id)
		d->users[d->n_users++] = actor->user_id;
	int empty = rc == KITH_OK && json_array_size(all) == 0;
	json_decref(all);
	for (long i = 0; i < n && rc == KITH_OK; i++) {
		const Locale *l = &locales[pick(s, N(locales))];
		char email[64], name[160], pw[33];
		unsigned char raw[16];
		Actor found;
		snprintf(email, sizeof email, "demo-user-%ld@example.com", i + 1);
		snprintf(name, sizeof name, "%s %s", l->first[pick(s, l->n_first)],
			 l->last[pick(s, l->n_last)]);
		if (user_actor_by_email(db, email, &found, NULL) == KITH_OK) {
			d->users[d->n_users++] = found.user_id;
			continue;
		}
		randombytes_buf(raw, sizeof raw);
		for (int k = 0; k < 16; k++)
			snprintf(pw + 2 * k, 3, "%02x", raw[k]);
		rc = user_add(db, actor, email, name, empty && i == 0 ? "owner" : "member", pw,
			      &d->users[d->n_users], err);
		if (rc == KITH_OK)
			d->n_users++;
	}
	return rc;
}

/* Fill p from a pipeline's JSON (pipeline_list item). */
static void pipe_from_json(const json_t *pj, DemoPipe *p)
{
	size_t k;
	json_t *st;
	memset(p, 0, sizeof *p);
	p->id = json_int_of(pj, "id");
	json_array_foreach(json_object_get(pj, "stages"), k, st)
	{
		const char *kind = json_str_of(st, "kind");
		if (!strcmp(kind, "won"))
			p->won = json_int_of(st, "id");
		else if (!strcmp(kind, "lost"))
			p->lost = json_int_of(st, "id");
		else if (p->n_open < (int)KITH_MAX_STAGES)
			p->open[p->n_open++] = json_int_of(st, "id");
	}
}

/* The default pipeline and a second one ("Projects", made when missing). */
static int demo_pipelines(Db *db, const Actor *actor, Demo *d, Err *err)
{
	static const char second[] = "Projects";
	json_t *all = NULL, *pj, *in = NULL;
	size_t k;
	int64_t id;
	int rc = pipeline_list(db, &all, err);
	json_array_foreach(all, k, pj)
	{
		if (k == 0)
			pipe_from_json(pj, &d->pipes[0]);
		else if (!strcmp(json_str_of(pj, "name"), second))
			pipe_from_json(pj, &d->pipes[1]);
	}
	if (rc == KITH_OK && !d->pipes[1].id) {
		in = json_pack("{ss s[{ss si} {ss si} {ss si} {ss si ss} {ss si ss}]}", "name", second,
			       "stages", "name", "Brief", "probability", 10, "name", "Proposal",
			       "probability", 40, "name", "Negotiation", "probability", 70, "name",
			       "Signed", "probability", 100, "kind", "won", "name", "Declined",
			       "probability", 0, "kind", "lost");
		json_decref(all);
		all = NULL;
		if ((rc = pipeline_create(db, actor, in, &id, err)) == KITH_OK &&
		    (rc = pipeline_get(db, id, &all, err)) == KITH_OK)
			pipe_from_json(all, &d->pipes[1]);
	}
	if (rc == KITH_OK && (!d->pipes[0].id || !d->pipes[0].n_open))
		rc = err_set(err, ERR_NOT_FOUND, "pipeline_id", "the workspace has no pipeline");
	json_decref(in);
	json_decref(all);
	return rc;
}

static int check_count(long v, const char *name, long max, Err *err)
{
	if (v < 0 || v > max)
		return err_set(err, ERR_INVALID, name, "must be 0 to %ld", max);
	return KITH_OK;
}

/* Counts in range; rows that link to others need something to link to. */
static int demo_check(const DemoOptions *opt, Err *err)
{
	int rc;
	if ((rc = check_count(opt->contacts, "contacts", KITH_MAX_DEMO, err)) ||
	    (rc = check_count(opt->companies, "companies", KITH_MAX_DEMO, err)) ||
	    (rc = check_count(opt->deals, "deals", KITH_MAX_DEMO, err)) ||
	    (rc = check_count(opt->activities, "activities", KITH_MAX_DEMO, err)) ||
	    (rc = check_count(opt->tasks, "tasks", KITH_MAX_DEMO, err)) ||
	    (rc = check_count(opt->users, "users", KITH_MAX_DEMO_USERS, err)))
		return rc;
	if (opt->contacts + opt->companies + opt->deals + opt->activities + opt->tasks >
	    KITH_MAX_DEMO)
		return err_set(err, ERR_INVALID, "contacts", "at most %ld rows in all", KITH_MAX_DEMO);
	return KITH_OK;
}

int demo_generate(Db *db, const Actor *actor, const DemoOptions *opt, Err *err)
{
	uint64_t seed = opt->seed ? opt->seed : 0x9E3779B97F4A7C15ULL;
	long done = 0, grand = opt->contacts + opt->companies + opt->deals + opt->activities +
			       opt->tasks;
	Demo *d = NULL;
	int rc = demo_check(opt, err);
	if (rc)
		return rc;
	if (!(d = calloc(1, sizeof *d)))
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	d->now = time(NULL);
	d->n_activities = opt->activities;
	if ((rc = db_bulk_mode(db, err)) || (rc = task_today(db, d->today, err)) ||
	    (rc = demo_users(db, actor, &seed, opt->users, d, err)))
		goto done;
	if (opt->deals && (rc = demo_pipelines(db, actor, d, err)))
		goto done;
	if ((rc = chunked(db, opt, opt->companies, &done, grand, make_company, 1, actor, &seed, d,
			  err)) ||
	    (rc = chunked(db, opt, opt->contacts, &done, grand, make_contacts, DEMO_BATCH, actor,
			  &seed, d, err)) ||
	    (rc = demo_old_links(db, opt, d, err)) ||
	    (rc = chunked(db, opt, opt->deals, &done, grand, make_deal, 1, actor, &seed, d, err)) ||
	    (rc = chunked(db, opt, opt->activities, &done, grand, make_activities, DEMO_BATCH, actor, &seed,
			  d, err)) ||
	    (rc = chunked(db, opt, opt->tasks, &done, grand, make_task, 1, actor, &seed, d, err)))
		goto done;
	json_t *summary = json_pack("{sI sI sI sI sI sI}", "contacts", (json_int_t)opt->contacts,
				    "companies", (json_int_t)opt->companies, "deals",
				    (json_int_t)opt->deals, "activities",
				    (json_int_t)opt->activities, "tasks", (json_int_t)opt->tasks,
				    "users", (json_int_t)opt->users);
	rc = audit_write(db, actor, "demo", "workspace", 1, summary, err);
	json_decref(summary);
done:
	free(d);
	return rc;
}

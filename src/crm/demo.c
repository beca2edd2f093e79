/* demo.c - demo data generator. Uses contact_create_many/company_create
 * (with the bulk flags: no per-row audit, no duplicate guard), so every row
 * obeys the same rules as real input. */
#include "crm/demo.h"

#include <jansson.h>
#include <stdio.h>

#include "base/limits.h"
#include "crm/audit.h"
#include "crm/company.h"
#include "crm/contact.h"

enum { DEMO_CHUNK = 25000 }; /* rows per transaction */
enum { DEMO_BATCH = 500 };   /* contacts per contact_create_many call */

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

/* Makes the n rows numbered from i (n at most the batch chunked passes). */
typedef int (*MakeFn)(Db *, const Actor *, uint64_t *, long i, long n, void *, Err *);

/* Make `total` rows with make_some, batch rows a call, in chunks; each
 * chunk is one transaction. */
static int chunked(Db *db, const DemoOptions *opt, long total, long *done_all, long grand,
		   MakeFn make_some, long batch, const Actor *actor, uint64_t *seed, void *ctx,
		   Err *err)
{
	int rc = KITH_OK;
	for (long i = 0; i < total && rc == KITH_OK;) {
		long start = i, end = i + DEMO_CHUNK < total ? i + DEMO_CHUNK : total;
		if ((rc = db_begin(db, err)))
			break;
		while (i < end && rc == KITH_OK) {
			long n = batch < end - i ? batch : end - i;
			rc = make_some(db, actor, seed, i, n, ctx, err);
			i += n;
		}
		rc = db_end(db, rc, err);
		*done_all += i - start;
		if (opt->progress)
			opt->progress(opt->progress_ctx, *done_all, grand);
	}
	return rc;
}

typedef struct Ids {
	int64_t first;   /* id of the first company made */
	long n;          /* companies made */
} Ids;

/* One company (n is 1). */
static int make_company(Db *db, const Actor *a, uint64_t *s, long i, long n, void *ctx, Err *err)
{
	Ids *ids = ctx;
	int64_t id;
	json_t *c = demo_company(s, i);
	int rc = company_create(db, a, c, COMPANY_NO_AUDIT, &id, err);
	json_decref(c);
	if (rc == KITH_OK && ids->n++ == 0)
		ids->first = id;
	return rc;
}

static int make_contacts(Db *db, const Actor *a, uint64_t *s, long i, long n, void *ctx,
			 Err *err)
{
	Ids *ids = ctx;
	json_t *in[DEMO_BATCH];
	long k, made = 0;
	int rc = KITH_OK;
	for (k = 0; k < n && k < DEMO_BATCH; k++) {
		int64_t company = 0;
		/* seven in ten contacts work at one of the demo companies */
		if (ids->n && pick(s, 10) < 7)
			company = ids->first +
				  pick(s, (int)(ids->n < 0x7fffffff ? ids->n : 0x7fffffff));
		if (!(in[k] = demo_contact(s, i + k, company))) {
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
			break;
		}
		made++;
	}
	if (rc == KITH_OK)
		rc = contact_create_many(db, a, in, (size_t)made,
					 CONTACT_FORCE | CONTACT_NO_AUDIT, NULL, err);
	for (k = 0; k < made; k++)
		json_decref(in[k]);
	return rc;
}

int demo_generate(Db *db, const Actor *actor, const DemoOptions *opt, Err *err)
{
	uint64_t seed = opt->seed ? opt->seed : 0x9E3779B97F4A7C15ULL;
	long done = 0, grand = opt->contacts + opt->companies;
	Ids ids = {0};
	if (opt->contacts < 0 || opt->contacts > KITH_MAX_DEMO)
		return err_set(err, ERR_INVALID, "contacts", "must be 0 to %ld", KITH_MAX_DEMO);
	if (opt->companies < 0 || opt->companies > KITH_MAX_DEMO)
		return err_set(err, ERR_INVALID, "companies", "must be 0 to %ld", KITH_MAX_DEMO);
	int rc = db_bulk_mode(db, err);
	if (rc == KITH_OK)
		rc = chunked(db, opt, opt->companies, &done, grand, make_company, 1, actor, &seed,
			     &ids, err);
	if (rc == KITH_OK)
		rc = chunked(db, opt, opt->contacts, &done, grand, make_contacts, DEMO_BATCH, actor,
			     &seed, &ids, err);
	if (rc == KITH_OK) {
		json_t *summary = json_pack("{sI sI}", "contacts", (json_int_t)opt->contacts,
					    "companies", (json_int_t)opt->companies);
		rc = audit_write(db, actor, "demo", "workspace", 1, summary, err);
		json_decref(summary);
	}
	return rc;
}

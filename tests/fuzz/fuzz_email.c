/* fuzz_email.c - libFuzzer target for email addresses: the checks
 * contacts, companies and users apply (text_trim, utf8_valid,
 * text_email_valid, text_lower_ascii), and a contact created with the
 * input as its email through contact_create, the function the API and the
 * CLI call. Checks: an accepted address has one '@' with text on both
 * sides, and its key is accepted too; the domain accepts or refuses naming
 * the field, never anything else. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "crm/contact.h"
#include "fuzz.h"

static void check_contact(const char *email)
{
	FuzzDb *f = fuzz_db();
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_pack("{s[s]}", "emails", email);
	if (!in)
		return; /* not UTF-8: jansson refuses it before any domain call */
	fuzz_db_begin(f);
	int rc = contact_create(f->db, &f->owner, in, CONTACT_FORCE, &id, &err);
	fuzz_db_undo(f);
	json_decref(in);
	if (rc != KITH_OK && (rc != ERR_INVALID || strncmp(err.field, "emails", 6) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	Buf trimmed, key;
	buf_init(&trimmed, 4096);
	buf_init(&key, 4096);
	text_trim(&trimmed, s);
	const char *t = buf_str(&trimmed);
	if (utf8_valid(t, trimmed.len) && text_email_valid(t)) {
		const char *at = strchr(t, '@');
		if (!at || at == t || !at[1] || strchr(at + 1, '@'))
			abort();
		text_lower_ascii(&key, t);
		if (!text_email_valid(buf_str(&key)))
			abort();
	}
	check_contact(s);
	buf_free(&trimmed);
	buf_free(&key);
	free(s);
	return 0;
}

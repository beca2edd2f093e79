/* reassign.c - bulk hand-over of a user's records (kith reassign). */
#include "views/reassign.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "core/audit.h"
#include "crm/collab.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/task.h"
#include "core/user.h"

typedef int (*ReassignFn)(Db *, int64_t, int64_t, Buf *, Err *);

static const struct {
	const char *entity; /* audit entity and summary key (plural below) */
	const char *plural;
	const char *column; /* the field that changes */
	ReassignFn fn;
	RecordKind shared;  /* its collaborator rows (0 = none) */
} kinds[] = {
	{"contact", "contacts", "owner_id", contact_reassign, RECORD_CONTACT},
	{"company", "companies", "owner_id", company_reassign, RECORD_COMPANY},
	{"deal", "deals", "owner_id", deal_reassign, RECORD_DEAL},
	{"task", "tasks", "assignee_id", task_reassign, 0},
};

static int audit_ids(Db *db, const Actor *actor, const char *entity, const char *column,
		     const Buf *ids, int64_t from, int64_t to, Err *err)
{
	int rc = KITH_OK;
	json_t *diff = json_pack("{s[II]}", column, (json_int_t)from, (json_int_t)to);
	for (size_t off = 0; off + sizeof(int64_t) <= ids->len && rc == KITH_OK;
	     off += sizeof(int64_t)) {
		int64_t id;
		memcpy(&id, ids->data + off, sizeof id);
		rc = audit_write(db, actor, "reassign", entity, id, diff, err);
	}
	json_decref(diff);
	return rc;
}

int reassign_all(Db *db, const Actor *actor, const char *from_email, const char *to_email,
		 json_t **summary, Err *err)
{
	Actor to;
	int64_t from = 0;
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL, "only an owner or admin may reassign records");
	/* from may be disabled (a colleague who left); to must be active */
	int rc = user_id_by_email(db, from_email, &from, err);
	if (rc) {
		snprintf(err->field, sizeof err->field, "from");
		return rc;
	}
	if ((rc = user_actor_by_email(db, to_email, &to, err))) {
		snprintf(err->field, sizeof err->field, "to");
		return rc;
	}
	if (to.user_id == from)
		return err_set(err, ERR_INVALID, "to", "is the same user as from");
	if ((rc = db_begin(db, err)))
		return rc;
	json_t *out = json_pack("{ss ss}", "from", from_email, "to", to_email);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && rc == KITH_OK; k++) {
		Buf ids;
		buf_init(&ids, 0);
		rc = kinds[k].fn(db, from, to.user_id, &ids, err);
		if (rc == KITH_OK && kinds[k].shared) /* an owner needs no share */
			rc = collab_prune_owned(db, actor, kinds[k].shared, to.user_id, err);
		if (rc == KITH_OK)
			rc = audit_ids(db, actor, kinds[k].entity, kinds[k].column, &ids, from,
				       to.user_id, err);
		json_object_set_new(out, kinds[k].plural,
				    json_integer((json_int_t)(ids.len / sizeof(int64_t))));
		buf_free(&ids);
	}
	rc = db_end(db, rc, err);
	if (rc == KITH_OK)
		*summary = out;
	else
		json_decref(out);
	return rc;
}

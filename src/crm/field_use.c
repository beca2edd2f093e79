/* field_use.c - a field definition's removal, carried into the records that
 * used it. */
#include "crm/field_use.h"

#include <jansson.h>
#include <string.h>

#include "base/buf.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/field.h"

int field_use_remove(Db *db, const Actor *actor, int64_t id, int force, int64_t *n_values,
		     Err *err)
{
	json_t *def = NULL;
	Buf ids;
	buf_init(&ids, 0);
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = field_get(db, id, &def, err)) || (rc = field_value_records(db, id, &ids, err)) ||
	    (rc = field_remove(db, actor, id, force, n_values, err)))
		goto done;
	const char *entity = json_string_value(json_object_get(def, "entity"));
	if (entity && strcmp(entity, "contact") == 0)
		rc = contact_reindex_ids(db, &ids, err);
	else if (entity && strcmp(entity, "company") == 0)
		rc = company_reindex_ids(db, &ids, err);
done:
	json_decref(def);
	buf_free(&ids);
	return db_end(db, rc, err);
}

/* field_use.h - changes to custom field definitions that reach the records
 * using them. field.c sits below contacts and companies (they call it), so
 * what must follow a definition into their search documents and stored JSON
 * is done here, one level above all three. Depends on crm/{field,contact,
 * company}, store/. */
#ifndef KITH_CRM_FIELD_USE_H
#define KITH_CRM_FIELD_USE_H

#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* field_remove (see field.h: owner/admin; ERR_CONFLICT naming "force" when
 * values exist and force is 0), then re-index every record that held a
 * value, so its words leave search and its stored JSON loses the key, all
 * in one transaction. *n_values (may be NULL) receives how many values went. */
int field_use_remove(Db *db, const Actor *actor, int64_t id, int force, int64_t *n_values,
		     Err *err) KITH_WARN_UNUSED;

#endif

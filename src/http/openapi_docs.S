/* openapi_docs.S - embeds the docs/openapi/NAME.json files (partial OpenAPI documents)
 * into the binary as NUL-terminated strings; openapi.c merges them. Add one
 * block per new file AND list it in openapi.c. Paths are relative to the
 * project root (-I.). */
	.section .rodata
	.global kith_openapi_base
kith_openapi_base:
	.incbin "docs/openapi/base.json"
	.byte 0
	.global kith_openapi_contacts
kith_openapi_contacts:
	.incbin "docs/openapi/contacts.json"
	.byte 0
	.global kith_openapi_companies
kith_openapi_companies:
	.incbin "docs/openapi/companies.json"
	.byte 0
	.global kith_openapi_fields
kith_openapi_fields:
	.incbin "docs/openapi/fields.json"
	.byte 0
	.global kith_openapi_activities
kith_openapi_activities:
	.incbin "docs/openapi/activities.json"
	.byte 0
	.global kith_openapi_deals
kith_openapi_deals:
	.incbin "docs/openapi/deals.json"
	.byte 0
	.global kith_openapi_tasks
kith_openapi_tasks:
	.incbin "docs/openapi/tasks.json"
	.byte 0
	.global kith_openapi_collaborators
kith_openapi_collaborators:
	.incbin "docs/openapi/collaborators.json"
	.byte 0
	.global kith_openapi_timeline
kith_openapi_timeline:
	.incbin "docs/openapi/timeline.json"
	.byte 0
	.global kith_openapi_users
kith_openapi_users:
	.incbin "docs/openapi/users.json"
	.byte 0
	.global kith_openapi_history
kith_openapi_history:
	.incbin "docs/openapi/history.json"
	.byte 0
	.section .note.GNU-stack,"",@progbits

/* migrations.S - embeds src/store/migrations/NNN_*.sql into the binary as
 * NUL-terminated strings. Add one block per new migration, in order, and
 * list it in migrate.c. A PostgreSQL variant NNN_name.pg.sql (used instead
 * of NNN_name.sql on PostgreSQL) is embedded as kith_migration_NNN_pg right
 * after its shared file and listed in migrate.c's pg column. Paths are
 * relative to the project root (-I.). */
	.section .rodata
	.global kith_migration_001
kith_migration_001:
	.incbin "src/store/migrations/001_init.sql"
	.byte 0
	.global kith_migration_001_pg
kith_migration_001_pg:
	.incbin "src/store/migrations/001_init.pg.sql"
	.byte 0
	.global kith_migration_002
kith_migration_002:
	.incbin "src/store/migrations/002_search.sql"
	.byte 0
	.global kith_migration_002_pg
kith_migration_002_pg:
	.incbin "src/store/migrations/002_search.pg.sql"
	.byte 0
	.global kith_migration_003
kith_migration_003:
	.incbin "src/store/migrations/003_company_lists.sql"
	.byte 0
	.global kith_migration_003_pg
kith_migration_003_pg:
	.incbin "src/store/migrations/003_company_lists.pg.sql"
	.byte 0
	.global kith_migration_004
kith_migration_004:
	.incbin "src/store/migrations/004_contact_lists.sql"
	.byte 0
	.global kith_migration_005
kith_migration_005:
	.incbin "src/store/migrations/005_contact_doc.sql"
	.byte 0
	.global kith_migration_005_pg
kith_migration_005_pg:
	.incbin "src/store/migrations/005_contact_doc.pg.sql"
	.byte 0
	.global kith_migration_006
kith_migration_006:
	.incbin "src/store/migrations/006_idempotency_etag.sql"
	.byte 0
	.global kith_migration_007
kith_migration_007:
	.incbin "src/store/migrations/007_activities.sql"
	.byte 0
	.global kith_migration_007_pg
kith_migration_007_pg:
	.incbin "src/store/migrations/007_activities.pg.sql"
	.byte 0
	.global kith_migration_008
kith_migration_008:
	.incbin "src/store/migrations/008_pipelines.sql"
	.byte 0
	.global kith_migration_008_pg
kith_migration_008_pg:
	.incbin "src/store/migrations/008_pipelines.pg.sql"
	.byte 0
	.global kith_migration_009
kith_migration_009:
	.incbin "src/store/migrations/009_tasks.sql"
	.byte 0
	.global kith_migration_009_pg
kith_migration_009_pg:
	.incbin "src/store/migrations/009_tasks.pg.sql"
	.byte 0
	.global kith_migration_010
kith_migration_010:
	.incbin "src/store/migrations/010_collaborators.sql"
	.byte 0
	.global kith_migration_010_pg
kith_migration_010_pg:
	.incbin "src/store/migrations/010_collaborators.pg.sql"
	.byte 0
	.global kith_migration_011
kith_migration_011:
	.incbin "src/store/migrations/011_cadence.sql"
	.byte 0
	.global kith_migration_011_pg
kith_migration_011_pg:
	.incbin "src/store/migrations/011_cadence.pg.sql"
	.byte 0
	.global kith_migration_012
kith_migration_012:
	.incbin "src/store/migrations/012_timeline.sql"
	.byte 0
	.global kith_migration_012_pg
kith_migration_012_pg:
	.incbin "src/store/migrations/012_timeline.pg.sql"
	.byte 0
	.global kith_migration_013
kith_migration_013:
	.incbin "src/store/migrations/013_deal_board.sql"
	.byte 0
	.global kith_migration_013_pg
kith_migration_013_pg:
	.incbin "src/store/migrations/013_deal_board.pg.sql"
	.byte 0
	.global kith_migration_014
kith_migration_014:
	.incbin "src/store/migrations/014_search_more.sql"
	.byte 0
	.global kith_migration_014_pg
kith_migration_014_pg:
	.incbin "src/store/migrations/014_search_more.pg.sql"
	.byte 0
	.global kith_migration_015
kith_migration_015:
	.incbin "src/store/migrations/015_search_prefix4.sql"
	.byte 0
	.global kith_migration_015_pg
kith_migration_015_pg:
	.incbin "src/store/migrations/015_search_prefix4.pg.sql"
	.byte 0
	.global kith_migration_016
kith_migration_016:
	.incbin "src/store/migrations/016_task_agenda.sql"
	.byte 0
	.global kith_migration_016_pg
kith_migration_016_pg:
	.incbin "src/store/migrations/016_task_agenda.pg.sql"
	.byte 0
	.global kith_migration_017
kith_migration_017:
	.incbin "src/store/migrations/017_deal_open_totals.sql"
	.byte 0
	.global kith_migration_017_pg
kith_migration_017_pg:
	.incbin "src/store/migrations/017_deal_open_totals.pg.sql"
	.byte 0
	.global kith_migration_018
kith_migration_018:
	.incbin "src/store/migrations/018_id_sequences.sql"
	.byte 0
	.global kith_migration_018_pg
kith_migration_018_pg:
	.incbin "src/store/migrations/018_id_sequences.pg.sql"
	.byte 0
	.section .note.GNU-stack,"",@progbits

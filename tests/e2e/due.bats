#!/usr/bin/env bats
# due.bats - contact cadence and key dates end to end: kith contact
# add/edit --cadence, kith tag cadence, kith field add --remind, kith
# workspace set --touch-limit/--touch-window/--birthday-lead, kith due and
# the agenda's sections (--json, exit codes, errors naming the field,
# members), contact show's last and next touch; and the API: contact
# cadence_days, last_contacted_at and next_touch, PATCH /tags/{id}, field
# remind_days, /agenda's due, too_often and key_dates, 422 and 404.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "due and tag cadence have --help" {
	run kith due --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: kith due"* ]]
	[[ "$output" == *"--days N"* ]]
	run kith tag cadence --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"NAME DAYS|none"* ]]
	run kith contact add --help
	[[ "$output" == *"--cadence DAYS|none"* ]]
}

@test "cli: cadence per contact and per tag, due, too often, key dates" {
	kith workspace set --timezone Europe/Warsaw >/dev/null
	kith contact add --first Ann --last Kowalska --cadence 30 >/dev/null
	kith contact add --first Bob --tag vip --birthday 1980-11-25 >/dev/null
	kith contact add --first Cyd --tag vip --cadence 90 >/dev/null
	run kith tag cadence vip 14
	[ "$status" -eq 0 ]
	[[ "$output" == *"cadence_days"*"14"* ]]
	kith log add --contact 1 --kind call --at 2026-10-01T12:00:00Z >/dev/null
	kith log add --contact 3 --kind call --at 2026-11-20T12:00:00Z >/dev/null
	kith field add --entity contact --key renewal --label Renewal --type date --remind 30 >/dev/null
	kith contact edit 2 --field renewal=2026-12-01 >/dev/null
	run kith --json due --today 2026-11-22
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.due | map(.id) | join(",")')" = "2,1" ]
	[ "$(echo "$output" | jq -r '.due[0].days_overdue')" = null ]
	[ "$(echo "$output" | jq -r '.due[0].cadence_days')" = 14 ]
	[ "$(echo "$output" | jq -r '.due[1].due_date')" = 2026-10-31 ]
	[ "$(echo "$output" | jq -r '.due[1].days_overdue')" = 22 ]
	[ "$(echo "$output" | jq -r '.key_dates | map(.key) | join(",")')" = "birthday,renewal" ]
	[ "$(echo "$output" | jq -r '.key_dates[0].date')" = 2026-11-25 ]
	[ "$(echo "$output" | jq -r '.key_dates[0].days')" = 3 ]
	[ "$(echo "$output" | jq -r '.counts.due')" = 2 ]
	run kith due --today 2026-11-22
	[ "$status" -eq 0 ]
	[[ "$output" == *"due for a touch (2)"* ]]
	[[ "$output" == *"Ann Kowalska"*"2026-10-31"* ]]
	[[ "$output" == *"key dates (2)"* ]]
	echo "$output" | grep -Eq '^2026-11-25 +3 d +Bob +Birthday +contact +2$'
	[[ "$output" != *"contact #"* ]]
	# a horizon takes in who falls due soon
	run kith --json due --today 2026-11-22 --days 100
	[ "$(echo "$output" | jq -r '.due | length')" = 3 ]
	# too often: more than 2 touches within 3 days
	kith workspace set --touch-limit 2 --touch-window 3 >/dev/null
	for d in 20 21 22; do kith log add --contact 2 --kind email --at 2026-11-${d}T08:00:00Z >/dev/null; done
	run kith --json due --today 2026-11-22
	[ "$(echo "$output" | jq -r '.too_often[0].id')" = 2 ]
	[ "$(echo "$output" | jq -r '.too_often[0].touches')" = 3 ]
	# the agenda shows the same sections
	run kith --json agenda --today 2026-11-22
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.overdue | length')" = 0 ]
	[ "$(echo "$output" | jq -r '.too_often | length')" = 1 ]
	[ "$(echo "$output" | jq -r '.key_dates | length')" = 2 ]
	run kith agenda --today 2026-11-22
	[[ "$output" == *"touched too often (1)"* ]]
	# clearing the cadence
	kith contact edit 1 --cadence none >/dev/null
	kith tag cadence vip none >/dev/null
	run kith --json due --today 2026-11-22
	[ "$(echo "$output" | jq -r '.due | length')" = 0 ]
	run kith --json workspace show
	[ "$(echo "$output" | jq -r .touch_limit)" = 2 ]
	[ "$(echo "$output" | jq -r .birthday_lead_days)" = 7 ]
}

@test "cli: contact show has last contacted and next touch" {
	kith contact add --first Ann --cadence 30 >/dev/null
	kith log add --contact 1 --kind meeting --at 2026-11-01T10:00:00Z >/dev/null
	run kith contact show 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"every 30 days"* ]]
	[[ "$output" == *"last_contacted"*"2026-11-01 10:00"* ]] # in the workspace zone (UTC)
	[[ "$output" == *"next_touch"*"2026-12-01 (cadence)"* ]]
	kith task add --title Call --due 2026-11-15 --contact 1 >/dev/null
	run kith --json contact show 1
	[ "$(echo "$output" | jq -r .next_touch.source)" = task ]
	[ "$(echo "$output" | jq -r .next_touch.task_id)" = 1 ]
	[ "$(echo "$output" | jq -r .next_touch.date)" = 2026-11-15 ]
	[ "$(echo "$output" | jq -r .cadence_days)" = 30 ]
}

@test "cli: bad input names the field" {
	run kith contact add --first A --cadence 0
	[ "$status" -eq 2 ]
	[[ "$output" == *"--cadence"* ]]
	run kith contact add --first A --cadence soon
	[ "$status" -eq 2 ]
	[[ "$output" == *"--cadence"* ]]
	run kith tag cadence nosuch 5
	[ "$status" -eq 2 ]
	[[ "$output" == *"name"* ]]
	run kith tag cadence
	[ "$status" -eq 1 ]
	run kith due --days 400
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --days: must be from 0 to 366" ]]
	run kith due --today 2026-02-30
	[ "$status" -eq 2 ]
	[[ "$output" == *"today"* ]]
	run kith due --bogus
	[ "$status" -eq 1 ]
	run kith due --team --user owner@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --team: give a user or the team, not both" ]]
	run kith field add --entity contact --key note --label Note --type text --remind 3
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --remind: "* ]]
	run kith workspace set --touch-limit 0
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --touch-limit: "* ]]
	run kith workspace set --birthday-lead x
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --birthday-lead: "* ]]
}

@test "cli: members see only their own, and may not set a tag's cadence" {
	kith_member_token >/dev/null
	kith --as member@example.com contact add --first Mine --cadence 5 --tag t >/dev/null
	kith contact add --first Theirs --cadence 5 >/dev/null
	run kith --as member@example.com --json due
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.due | map(.name) | join(",")')" = Mine ]
	run kith --as member@example.com --json due --team
	[ "$(echo "$output" | jq -r '.due | map(.name) | join(",")')" = Mine ]
	run kith --json due --team
	[ "$(echo "$output" | jq -r '.due | length')" = 2 ]
	run kith --as member@example.com due --user owner@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --user: "* ]]
	run kith --as member@example.com tag cadence t 5
	[ "$status" -eq 2 ]
}

@test "api: contact cadence, next touch, tag cadence, field remind_days, agenda sections" {
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Ann","cadence_days":10,"birthday":"1990-11-24","tags":["vip"]}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .cadence_days)" = 10 ]
	api POST /api/v1/activities '{"kind":"call","contact_id":1,"occurred_at":"2026-11-01T10:00:00Z"}'
	[ "$status_code" = 201 ]
	api GET /api/v1/contacts/1
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .last_contacted_at)" = 2026-11-01T10:00:00Z ]
	[ "$(echo "$body" | jq -r .next_touch.date)" = 2026-11-11 ]
	[ "$(echo "$body" | jq -r .next_touch.source)" = cadence ]
	[ "$(echo "$body" | jq -r .next_touch.task_id)" = null ]
	[ "$(echo "$body" | jq -r .first_name)" = Ann ]
	api PATCH /api/v1/contacts/1 '{"cadence_days":4000}' -H 'If-Match: "1"'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = cadence_days ]
	api PATCH /api/v1/contacts/1 '{"cadence_days":null}' -H 'If-Match: "1"'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .cadence_days)" = null ]
	api PATCH /api/v1/tags/1 '{"cadence_days":7}'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .cadence_days)" = 7 ]
	api GET /api/v1/tags
	[ "$(echo "$body" | jq -r '.items[0].cadence_days')" = 7 ]
	api PATCH /api/v1/tags/1 '{"cadence_days":0}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = cadence_days ]
	api PATCH /api/v1/tags/1 '{"colour":"red"}'
	[ "$status_code" = 422 ]
	api PATCH /api/v1/tags/99 '{"cadence_days":7}'
	[ "$status_code" = 404 ]
	api GET /api/v1/contacts/1
	[ "$(echo "$body" | jq -r .effective_cadence_days)" = 7 ]
	[ "$(echo "$body" | jq -r .next_touch.date)" = 2026-11-08 ]
	api POST /api/v1/fields '{"entity":"contact","key":"renewal","label":"Renewal","type":"date","remind_days":14}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .remind_days)" = 14 ]
	api PATCH /api/v1/contacts/1 '{"custom":{"renewal":"2026-11-30"}}' -H 'If-Match: "2"'
	[ "$status_code" = 200 ]
	api GET '/api/v1/agenda?today=2026-11-20&team=true'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.due[0].id')" = 1 ]
	[ "$(echo "$body" | jq -r '.due[0].days_overdue')" = 12 ]
	[ "$(echo "$body" | jq -r '.key_dates | map(.key) | join(",")')" = "birthday,renewal" ]
	[ "$(echo "$body" | jq -r '.key_dates[0].days')" = 4 ]
	[ "$(echo "$body" | jq -r '.too_often | length')" = 0 ]
	[ "$(echo "$body" | jq -r '.counts.key_dates')" = 2 ]
	[ "$(echo "$body" | jq -r '.overdue | length')" = 0 ]
	api GET '/api/v1/agenda?days=367'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = days ]
}

@test "api: members get their own sections, 404 for others, 403 on tag cadence" {
	MEMBER="$(kith_member_token)"
	kith contact add --first Theirs --cadence 5 --tag vip >/dev/null
	kith_serve
	AUTH_TOKEN="$MEMBER" api POST /api/v1/contacts '{"first_name":"Mine","cadence_days":5}'
	[ "$status_code" = 201 ]
	AUTH_TOKEN="$MEMBER" api GET /api/v1/agenda
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.due | map(.name) | join(",")')" = Mine ]
	AUTH_TOKEN="$MEMBER" api GET '/api/v1/agenda?user_id=1'
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$MEMBER" api PATCH /api/v1/tags/1 '{"cadence_days":3}'
	[ "$status_code" = 403 ]
	AUTH_TOKEN="$MEMBER" api GET /api/v1/contacts/1
	[ "$status_code" = 404 ]
}

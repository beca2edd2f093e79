#!/usr/bin/env bats
# task.bats - follow-ups and tasks end to end: kith task add/list/show/edit/
# done/reopen/snooze/rm/restore and kith agenda (--json, exit codes, errors
# naming the field, repeating tasks), and the API (CRUD, If-Match 428/412,
# done/reopen/snooze/restore, agenda, 422 naming fields and unknown
# parameters, 404 for members).

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "task and agenda commands have --help" {
	for verb in add list show edit done reopen snooze rm restore; do
		run kith task "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: kith task $verb"* ]]
	done
	run kith agenda --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--today DATE"* ]]
}

@test "cli: add, list, show, edit, done with repetition, reopen, snooze, trash" {
	kith contact add --first Zofia --last Nowak >/dev/null
	run kith task add --title "Zadzwoń do Zofii" --type call --due 2999-01-31 --contact 1 \
		--priority high --every 1 months --notes "o ofercie"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added task #1: Zadzwoń do Zofii"* ]]
	run kith --json task show 1
	[ "$(echo "$output" | jq -r .repeat_unit)" = months ]
	[ "$(echo "$output" | jq -r .assignee_id)" = 1 ]
	[ "$(echo "$output" | jq -r '.history[0].action')" = create ]
	run kith --json task done 1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .next_id)" = 2 ]
	run kith --json task show 2
	[ "$(echo "$output" | jq -r .due_date)" = 2999-02-28 ]
	[ "$(echo "$output" | jq -r .contact_id)" = 1 ]
	run kith task done 1
	[ "$status" -eq 2 ]
	[[ "$output" == *"status"* ]]
	run kith task reopen 1
	[ "$status" -eq 0 ]
	run kith --json task snooze 2 --for 2w
	[ "$(echo "$output" | jq -r .due_date)" = 2999-03-14 ]
	run kith --json task snooze 2 --until 2999-04-01T09:00:00Z
	[ "$(echo "$output" | jq -r .due_at)" = 2999-04-01T09:00:00Z ]
	[ "$(echo "$output" | jq -r .due_date)" = null ]
	run kith --json task edit 2 --title "Oferta" --clear repeat --assignee owner@example.com
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .repeat_every)" = null ]
	[ "$(echo "$output" | jq -r .assignee_name)" = Owner ]
	run kith --json task list --status open --contact 1
	[ "$(echo "$output" | jq -r '.items | length')" = 2 ]
	run kith --json task list --assignee owner@example.com
	[ "$(echo "$output" | jq -r '[.items[].assignee_name] | unique | join(",")')" = Owner ]
	run kith task rm 2
	[ "$status" -eq 0 ]
	run kith task show 2
	[ "$status" -eq 2 ]
	run kith task restore 2
	[ "$status" -eq 0 ]
	run kith task list
	[[ "$output" == *"Oferta"* ]]
}

@test "cli: bad input exits non-zero naming the field and stores nothing" {
	run kith task add
	[ "$status" -eq 1 ]
	run kith task add --title "t" --type fax
	[ "$status" -eq 2 ]
	[[ "$output" == *"type"* ]]
	run kith task add --title "t" --due 2026-02-30
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --due: "* ]]
	run kith task add --title "t" --due 2026-02-01 --every 2 fortnights
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --every: "* ]]
	run kith task add --title "t" --every 2 days
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --every: "* ]]
	run kith task add --title "t" --contact 9
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --contact: "* ]]
	run kith task add --title "t" --assignee nobody@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"assignee"* ]]
	run kith task add --title "t" --colour red
	[ "$status" -eq 1 ]
	run kith task add --title "t" --due 2026-02-01
	run kith task snooze 1 --for 3y
	[ "$status" -eq 2 ]
	[[ "$output" == *"for"* ]]
	run kith task snooze 1 --until 2026-01-01
	[ "$status" -eq 2 ]
	[[ "$output" == *"until"* ]]
	run kith task snooze 1
	[ "$status" -eq 1 ]
	run kith agenda --today 2026-02-31
	[ "$status" -eq 2 ]
	[[ "$output" == *"today"* ]]
	run kith agenda --days x
	[ "$status" -eq 2 ]
	run kith task show 99
	[ "$status" -eq 2 ]
	run kith --json task list
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
}

@test "cli: agenda sections and member access" {
	kith_member_token >/dev/null
	kith task add --title "late" --due 2026-11-20 >/dev/null
	kith task add --title "now" --at 2026-11-22T10:00:00Z >/dev/null
	kith task add --title "soon" --due 2026-11-25 --priority high >/dev/null
	kith task add --title "far" --due 2026-12-25 >/dev/null
	run kith --as member@example.com task add --title "mine" --due 2026-11-22
	[ "$status" -eq 0 ]
	run kith --json agenda --team --today 2026-11-22
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '[.overdue[].title] | join(",")')" = late ]
	[ "$(echo "$output" | jq -r '[.today[].title] | join(",")')" = "mine,now" ]
	[ "$(echo "$output" | jq -r '[.upcoming[].title] | join(",")')" = soon ]
	run kith agenda --team --today 2026-11-22 --days 40
	[[ "$output" == *"upcoming (2)"* ]]
	run kith --as member@example.com --json agenda --today 2026-11-22
	[ "$(echo "$output" | jq -r '[.today[].title] | join(",")')" = mine ]
	[ "$(echo "$output" | jq -r '.overdue | length')" = 0 ]
	run kith --as member@example.com agenda --user owner@example.com
	[ "$status" -eq 2 ]
	run kith --as member@example.com task show 1
	[ "$status" -eq 2 ]
	run kith --as member@example.com task done 1
	[ "$status" -eq 2 ]
	run kith --as member@example.com task add --title x --assignee owner@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --assignee: "* ]]
	run kith --as member@example.com --json task list
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
}

@test "api: create, get, patch with If-Match, done, reopen, snooze, trash, restore" {
	kith_serve
	api POST /api/v1/tasks '{"title":"Call","type":"call","due_date":"2999-01-31","repeat_every":1,"repeat_unit":"months"}' -D "$TMP/h"
	[ "$status_code" = 201 ]
	id="$(echo "$body" | jq -r .id)"
	[ "$(hdr Location)" = "/api/v1/tasks/$id" ]
	[ "$(hdr ETag)" = '"1"' ]
	[ "$(echo "$body" | jq -r .assignee_name)" = Owner ]
	api PATCH "/api/v1/tasks/$id" '{"priority":"high"}'
	[ "$status_code" = 428 ]
	api PATCH "/api/v1/tasks/$id" '{"priority":"high"}' -H 'If-Match: "7"'
	[ "$status_code" = 412 ]
	api PATCH "/api/v1/tasks/$id" '{"priority":"high"}' -H 'If-Match: "1"' -D "$TMP/h"
	[ "$status_code" = 200 ]
	[ "$(hdr ETag)" = '"2"' ]
	api PATCH "/api/v1/tasks/$id" '{"priority":"urgent"}' -H 'If-Match: "2"'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = priority ]
	api POST "/api/v1/tasks/$id/done"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .status)" = done ]
	next="$(echo "$body" | jq -r .next_id)"
	api GET "/api/v1/tasks/$next"
	[ "$(echo "$body" | jq -r .due_date)" = 2999-02-28 ]
	[ "$(echo "$body" | jq -r .priority)" = high ]
	api POST "/api/v1/tasks/$id/done"
	[ "$status_code" = 409 ]
	api POST "/api/v1/tasks/$id/reopen"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .status)" = open ]
	api POST "/api/v1/tasks/$next/snooze" '{"for":"3d"}'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .due_date)" = 2999-03-03 ]
	api POST "/api/v1/tasks/$next/snooze" '{"until":"2999-03-01"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = until ]
	api POST "/api/v1/tasks/$next/snooze" '{"for":"3d","later":1}'
	[ "$status_code" = 422 ]
	api DELETE "/api/v1/tasks/$id"
	[ "$status_code" = 204 ]
	api GET "/api/v1/tasks/$id"
	[ "$status_code" = 410 ]
	api POST "/api/v1/tasks/$id/restore"
	[ "$status_code" = 200 ]
	api POST "/api/v1/tasks/$id/restore"
	[ "$status_code" = 409 ]
	api GET "/api/v1/tasks?status=open&limit=1"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items | length')" = 1 ]
	cursor="$(echo "$body" | jq -r .next)"
	api GET "/api/v1/tasks?status=open&limit=1&cursor=$cursor"
	[ "$(echo "$body" | jq -r '.items[0].id')" = "$next" ]
	[ "$(echo "$body" | jq -r .next)" = null ]
}

@test "api: bad input answers 422 naming the field; agenda; members get 404" {
	kith_serve
	api POST /api/v1/tasks '{"title":"t","due_at":"tomorrow"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = due_at ]
	api POST /api/v1/tasks '{"title":"t","colour":"red"}'
	[ "$status_code" = 422 ]
	api POST /api/v1/tasks '{"title":"t","deal_id":5}'
	[ "$status_code" = 404 ]
	api GET "/api/v1/tasks?colour=red"
	[ "$status_code" = 422 ]
	api GET "/api/v1/tasks?status=maybe"
	[ "$status_code" = 422 ]
	api GET "/api/v1/agenda?today=2026-02-30"
	[ "$status_code" = 422 ]
	api GET "/api/v1/agenda?user_id=1&team=true"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = team ]
	api GET "/api/v1/agenda?days=-5"
	[ "$status_code" = 422 ]
	api GET "/api/v1/agenda?when=now"
	[ "$status_code" = 422 ]
	api GET /api/v1/tasks
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]

	api POST /api/v1/tasks '{"title":"late","due_date":"2026-11-20"}'
	api POST /api/v1/tasks '{"title":"now","due_at":"2026-11-22T10:00:00Z"}'
	api GET "/api/v1/agenda?today=2026-11-22&days=3"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.overdue[0].title')" = late ]
	[ "$(echo "$body" | jq -r '.today[0].title')" = now ]

	member="$(kith_member_token)"
	AUTH_TOKEN="$member" api GET /api/v1/tasks/1
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api PATCH /api/v1/tasks/1 '{"title":"x"}' -H 'If-Match: "1"'
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api DELETE /api/v1/tasks/1
	[ "$status_code" = 404 ]
	for verb in done reopen restore; do
		AUTH_TOKEN="$member" api POST "/api/v1/tasks/1/$verb"
		[ "$status_code" = 404 ]
	done
	AUTH_TOKEN="$member" api POST /api/v1/tasks/1/snooze '{"for":"1d"}'
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET /api/v1/tasks
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
	AUTH_TOKEN="$member" api GET "/api/v1/agenda?team=true&today=2026-11-22"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.overdue | length')" = 0 ]
	AUTH_TOKEN="$member" api GET "/api/v1/agenda?user_id=1"
	[ "$status_code" = 404 ]
}

@test "cli: task and log show name the linked records and who made them" {
	kith contact add --first Zofia --last Nowak >/dev/null
	kith task add --title Call --contact 1 >/dev/null
	kith log add --contact 1 --kind call >/dev/null
	run kith task show 1
	echo "$output" | grep -Eq '^contact +Zofia Nowak$'
	echo "$output" | grep -Eq '^created_by +Owner$'
	# the record's rows name the contact; the history below lists changed
	# fields by their JSON keys, as docs/api.md "History" says
	[[ "${output%%history:*}" != *"contact_id"* ]]
	run kith log show 1
	echo "$output" | grep -Eq '^contact +Zofia Nowak$'
	run kith --json task show 1
	[ "$(echo "$output" | jq .contact_id)" = 1 ] # JSON keeps ids
}

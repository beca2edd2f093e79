#!/usr/bin/env bats
# dates.bats - dates and times through both surfaces (base/when.h): the
# edges of what kith represents (issue 7: 9999-12-31T23:59:60Z became the
# year 10000 and stack bytes reached records), offsets and local times in
# the workspace zone, relative days on the CLI, local times in CLI tables,
# UTC in JSON, and snoozing an overdue task from today.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

LEAP='9999-12-31T23:59:60Z'

@test "api: a leap second past 9999 is refused by every filter and field that takes an instant" {
	kith contact add --first Ann >/dev/null
	kith task add --title t --due 2999-01-01 >/dev/null
	kith_serve
	for q in "activities?since" "contacts?updated_since" "companies?updated_since" \
		"deals?stage_since"; do
		api GET "/api/v1/$q=$LEAP"
		[ "$status_code" = 422 ]
		[ "$(echo "$body" | jq -r '.errors[0].field')" = "${q#*\?}" ]
		[[ "$(echo "$body" | jq -r '.errors[0].message')" == *9999-12-31* ]]
	done
	api POST /api/v1/tasks "{\"title\":\"t\",\"due_at\":\"$LEAP\"}"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = due_at ]
	api PATCH /api/v1/tasks/1 "{\"due_at\":\"9999-12-31T23:30:00-01:00\"}" -H 'If-Match: "1"'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = due_at ]
	api POST /api/v1/tasks/1/snooze "{\"until\":\"$LEAP\"}"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = until ]
	api POST /api/v1/activities "{\"contact_id\":1,\"kind\":\"call\",\"occurred_at\":\"$LEAP\"}"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = occurred_at ]
	# nothing was stored: the task keeps its due
	api GET /api/v1/tasks/1
	[ "$(echo "$body" | jq -r .due_date)" = 2999-01-01 ]
	[ "$(echo "$body" | jq -r .due_at)" = null ]
	# the last representable second is fine
	api POST /api/v1/tasks '{"title":"last","due_at":"9999-12-31T23:59:59Z"}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .due_at)" = 9999-12-31T23:59:59Z ]
}

@test "cli: a leap second past 9999 is refused naming the option" {
	kith contact add --first Ann >/dev/null
	kith task add --title t --due 2999-01-01 >/dev/null
	for args in "task add --title x --at" "task add --title x --due" "task snooze 1 --until" \
		"log list --since" "contact list --updated-since" "company list --updated-since" \
		"deal list --stage-since" "log add --contact 1 --kind call --at"; do
		run kith $args "$LEAP"
		[ "$status" -eq 2 ]
		opt="${args##* }"
		[[ "$output" == "kith: $opt: "*"9999-12-31"* ]]
	done
	run kith --json task show 1
	[ "$(echo "$output" | jq -r .due_date)" = 2999-01-01 ]
	run kith agenda --today 9999-12-31
	[ "$status" -eq 2 ]
	[[ "$output" == *"today"* ]]
}

@test "api: offsets and local times in the workspace zone, answered in UTC; no relative words" {
	kith workspace set --timezone Asia/Bangkok >/dev/null
	kith_serve
	api POST /api/v1/tasks '{"title":"a","due_at":"2026-12-03T14:00:00+07:00"}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .due_at)" = 2026-12-03T07:00:00Z ]
	api POST /api/v1/tasks '{"title":"b","due_at":"2026-12-03 14:00"}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .due_at)" = 2026-12-03T07:00:00Z ]
	api POST /api/v1/tasks '{"title":"c","due_at":"2026-12-03T09:00:00.250-05:00"}'
	[ "$(echo "$body" | jq -r .due_at)" = 2026-12-03T14:00:00Z ]
	api POST /api/v1/tasks '{"title":"d","due_at":"tomorrow"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = due_at ]
	[[ "$(echo "$body" | jq -r '.errors[0].message')" != *--* ]]
	api POST /api/v1/tasks '{"title":"d","due_date":"tomorrow"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = due_date ]
	api POST /api/v1/tasks/1/snooze '{"until":"2027-01-05 09:30"}'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .due_at)" = 2027-01-05T02:30:00Z ]
	# a date as a filter is its local midnight: 2026-12-03 in Bangkok began 17:00Z the day before
	kith contact add --first Ann >/dev/null
	api GET '/api/v1/contacts?updated_since=2026-12-03T00:00:00%2B07:00'
	[ "$status_code" = 200 ]
	api GET '/api/v1/activities?since=2026-12-03%2009:00'
	[ "$status_code" = 200 ]
}

@test "cli: relative days, local times and offsets wherever a date is asked" {
	kith workspace set --timezone Asia/Bangkok >/dev/null
	today="$(TZ=Asia/Bangkok date +%F)"
	run kith --json task add --title a --due tomorrow
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .due_date)" = "$(TZ=Asia/Bangkok date -d "$today +1 day" +%F)" ]
	run kith --json task add --title b --due +2w
	[ "$(echo "$output" | jq -r .due_date)" = "$(TZ=Asia/Bangkok date -d "$today +14 days" +%F)" ]
	run kith --json task add --title c --due "2026-12-03 14:00"
	[ "$(echo "$output" | jq -r .due_at)" = 2026-12-03T07:00:00Z ]
	[ "$(echo "$output" | jq -r .due_date)" = null ]
	run kith --json task add --title d --due 2026-12-03T14:00+01:00
	[ "$(echo "$output" | jq -r .due_at)" = 2026-12-03T13:00:00Z ]
	run kith --json task add --title t --due "tomorrow 09:30"
	[ "$(echo "$output" | jq -r .due_at)" = "$(TZ=UTC date -d "$(TZ=Asia/Bangkok date -d "$today +1 day" +%F) 09:30 +0700" +%FT%H:%M:%SZ)" ]
	run kith --json task add --title e --due friday
	due="$(echo "$output" | jq -r .due_date)"
	[ "$(date -d "$due" +%u)" = 5 ]
	[[ "$due" > "$today" ]]
	run kith task add --title f --due soon
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --due: must be"*"tomorrow"* ]]
	run kith task add --title f --due 2026-12-03 --at 2026-12-03T10:00Z
	[ "$status" -eq 1 ]
	run kith --json task snooze 1 --until "+1m"
	[ "$(echo "$output" | jq -r .due_date)" = "$(TZ=Asia/Bangkok date -d "$today +1 month" +%F)" ]
	run kith --json agenda --today yesterday
	[ "$(echo "$output" | jq -r .date)" = "$(TZ=Asia/Bangkok date -d "$today -1 day" +%F)" ]
	run kith --json due --today today
	[ "$status" -eq 0 ]
	run kith --json deal add --title D --close +30d
	[ "$(echo "$output" | jq -r .expected_close_date)" = "$(TZ=Asia/Bangkok date -d "$today +30 days" +%F)" ]
	kith contact add --first Ann >/dev/null
	run kith --json log add --contact 1 --kind call --at "2026-12-01 09:15"
	[ "$(echo "$output" | jq -r .occurred_at)" = 2026-12-01T02:15:00Z ]
	for args in "log list --since" "contact list --updated-since" "company list --updated-since" \
		"deal list --stage-since"; do
		run kith $args yesterday
		[ "$status" -eq 0 ]
	done
	run kith --json log list --since 2026-12-02
	[ "$(echo "$output" | jq -r '.items | length')" = 0 ]
	run kith --json log list --since 2026-12-01
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
}

@test "cli: tables show instants in the workspace zone, --json stays UTC" {
	kith workspace set --timezone Asia/Bangkok >/dev/null
	kith task add --title Call --at 2026-12-03T07:00:00Z >/dev/null
	run kith task list
	[[ "$output" == *"2026-12-03 14:00"* ]]
	[[ "$output" != *"2026-12-03T07:00:00Z"* ]]
	run kith task show 1
	[[ "$output" == *"due_at"*"2026-12-03 14:00"* ]]
	run kith --json task list
	[ "$(echo "$output" | jq -r '.items[0].due_at')" = 2026-12-03T07:00:00Z ]
	kith contact add --first Ann >/dev/null
	run kith log add --contact 1 --kind call --at 2026-12-01T23:30:00Z
	[[ "$output" == *"logged call #1 at 2026-12-02 06:30"* ]]
	[[ "$output" == *"last contacted: 2026-12-02 06:30"* ]]
	run kith log list
	[[ "$output" == *"2026-12-02 06:30"* ]]
	run kith timeline contact 1
	[[ "$output" == *"last contacted: 2026-12-02 06:30"* ]]
}

@test "snoozing an overdue task counts from today, not from its old due" {
	today="$(date -u +%F)"
	kith task add --title late --due 2020-01-10 >/dev/null
	kith task add --title "late at" --at 2020-01-10T09:00:00Z >/dev/null
	run kith --json task snooze 1 --for 3d
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .due_date)" = "$(date -u -d "$today +3 days" +%F)" ]
	run kith --json task snooze 2 --for 1w
	[ "$(echo "$output" | jq -r .due_at)" = "$(date -u -d "$today +7 days" +%F)T09:00:00Z" ]
	kith task add --title later --due 2999-01-10 >/dev/null
	run kith --json task snooze 3 --for 3d
	[ "$(echo "$output" | jq -r .due_date)" = 2999-01-13 ]
}

@test "the agenda refuses a today whose midnight is before the year 1000" {
	kith workspace set --timezone Asia/Bangkok >/dev/null
	run kith agenda --today 1000-01-01
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --today: "* ]]
	run kith agenda --today 1000-01-02
	[ "$status" -eq 0 ]
}

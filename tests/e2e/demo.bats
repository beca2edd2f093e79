#!/usr/bin/env bats
# demo.bats - kith demo end to end: contacts, companies, deals in two
# pipelines, activities, tasks and users through the real binary (--json
# counts, what the API then shows: board, agenda, timelines), the same data
# for the same seed, and bad counts named by their option (exit 2).

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "demo --help lists the options" {
	run kith demo --help
	[ "$status" -eq 0 ]
	for o in --contacts --companies --deals --activities --tasks --users --seed; do
		[[ "$output" == *"$o"* ]]
	done
}

@test "demo makes deals, activities, tasks and users the API shows" {
	run kith --json demo --contacts 40 --companies 4 --deals 30 --activities 200 --tasks 40 \
		--users 2
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq '[.contacts, .companies, .deals, .activities, .tasks, .users]' -c)" \
		= '[40,4,30,200,40,2]' ]
	[ "$(echo "$output" | jq '.rows_per_second > 0')" = true ]
	kith_serve
	api GET "/api/v1/deals?limit=500"
	[ "$(echo "$body" | jq '.items | length')" -eq 30 ]
	[ "$(echo "$body" | jq '[.items[].status] | unique | length')" -eq 3 ]
	api GET "/api/v1/pipelines"
	[ "$(echo "$body" | jq -r '[.items[].name] | join(",")')" = "Sales,Projects" ]
	api GET "/api/v1/pipelines/1/board"
	[ "$status_code" -eq 200 ]
	[ "$(echo "$body" | jq '[.stages[].count] | add')" -gt 0 ]
	api GET "/api/v1/activities?limit=500"
	[ "$(echo "$body" | jq '.items | length')" -eq 200 ]
	contact="$(echo "$body" | jq '[.items[] | .contact_id // empty][0]')"
	api GET "/api/v1/contacts/$contact/timeline"
	[ "$status_code" -eq 200 ]
	[ "$(echo "$body" | jq '.items | length')" -gt 0 ]
	api GET "/api/v1/tasks?limit=500"
	[ "$(echo "$body" | jq '.items | length')" -eq 40 ]
	user="$(kith --json user list | jq '.[] | select(.email == "demo-user-1@example.com") | .id')"
	api GET "/api/v1/agenda?user_id=$user&days=60"
	[ "$status_code" -eq 200 ]
	[ "$(echo "$body" | jq '.overdue + .today + .upcoming | length')" -gt 0 ]
	[ "$(echo "$body" | jq -c '[(.overdue + .today + .upcoming)[].assignee_id] | unique')" = "[$user]" ]
}

@test "a second run links to the records already there and reuses the users" {
	kith demo --contacts 20 --users 1 >/dev/null
	run kith demo --contacts 0 --companies 0 --deals 5 --activities 30 --tasks 5 --users 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"5 deals, 30 activities, 5 tasks, 1 users"* ]]
	[ "$(kith --json user list | jq 'length')" -eq 2 ]
}

@test "the same seed makes the same data" {
	kith demo --contacts 20 --deals 10 --activities 30 --tasks 10 --seed 42 >/dev/null
	first="$(kith --json deal list --limit 100 | jq -c '[.items[] | [.title, .value.amount_minor, .stage_id, .contact_id]]')"
	kith_new_db
	KITH_DB="$NEW_DB"
	"$KITH_BIN" --db "$KITH_DB" init --country PL --currency PLN >/dev/null
	kith demo --contacts 20 --deals 10 --activities 30 --tasks 10 --seed 42 >/dev/null
	second="$(kith --json deal list --limit 100 | jq -c '[.items[] | [.title, .value.amount_minor, .stage_id, .contact_id]]')"
	[ "$first" = "$second" ]
	[ "$(echo "$first" | jq length)" -eq 10 ]
}

@test "bad counts name the option and store nothing" {
	run kith demo --deals abc
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --deals: must be a whole number"* ]]
	run kith demo --activities -3
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --activities:"* ]]
	run kith demo --users 101
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --users: must be 0 to 100"* ]]
	run kith demo --contacts 0 --companies 0 --activities 5
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --activities: need contacts or companies"* ]]
	run kith demo --tasks 1 --frobnicate
	[ "$status" -eq 1 ]
	[ "$(kith --json task list | jq '.items | length')" -eq 0 ]
}

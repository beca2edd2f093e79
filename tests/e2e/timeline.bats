#!/usr/bin/env bats
# timeline.bats - merged timelines end to end: activities linked to deals
# (kith log --deal, deal_id in the API), kith timeline contact|company|deal
# with activities, task events and stage changes, pages across types with
# one cursor, GET /api/v1/{contacts,companies,deals}/{id}/timeline and
# /api/v1/deals/{id}/stages, bad input naming the field, 404 for members.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

# A contact (1) at a company (1) with a deal (1) moved once, two activities
# (one on the deal only), and a task on the contact completed.
busy() {
	kith company add --name Acme >/dev/null
	kith contact add --first Zofia --company 1 >/dev/null
	kith deal add --title "Website" --contact 1 >/dev/null
	kith deal move 1 2 >/dev/null
	kith log add --contact 1 --kind call --subject "Intro call" --at 2026-01-02 >/dev/null
	kith log add --deal 1 --kind email --subject "Quote sent" --at 2026-01-03 >/dev/null
	kith task add --title "Call back" --contact 1 >/dev/null
	kith task done 1 >/dev/null
}

@test "timeline --help names the three records" {
	run kith timeline --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: kith timeline contact|company|deal ID"* ]]
}

@test "cli: activities link to deals" {
	busy
	run kith --json log list --deal 1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	[ "$(echo "$output" | jq -r '.items[0].deal_id')" = 1 ]
	run kith log list --deal 1
	[[ "$output" == *"DEAL"* ]]
	run kith log add --deal 9 --kind call
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --deal: "* ]]
	run kith log add --deal x --kind call
	[ "$status" -eq 1 ]
	run kith log edit 2 --clear deal
	[ "$status" -eq 2 ]
	[[ "$output" == *"contact_id"* ]]
	run kith --json log edit 2 --contact 1 --clear deal
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .deal_id)" = null ]
}

@test "cli: contact, company and deal timelines merge every kind of item" {
	busy
	run kith timeline contact 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"AT"*"TYPE"*"WHAT"*"SUBJECT"*"BY"* ]]
	[[ "$output" == *"task_done"*"task_created"*"stage_change"*"First contact -> Proposal"* ]]
	[[ "$output" == *"Quote sent"*"Intro call"* ]]
	[[ "$output" == *"last contacted: 2026-01-02 00:00"* ]]
	run kith --json timeline company 1
	[ "$(echo "$output" | jq -r '[.items[].type] | join(",")')" = \
		"task_done,task_created,stage_change,stage_change,activity,activity" ]
	run kith --json timeline deal 1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '[.items[].type] | join(",")')" = \
		"stage_change,stage_change,activity" ]
	[ "$(echo "$output" | jq -r '.items[0].stage_change.to_stage')" = Proposal ]
	[ "$(echo "$output" | jq -r '.items[1].stage_change.from_stage')" = null ]
	[ "$(echo "$output" | jq -r '.items[2].activity.subject')" = "Quote sent" ]
	[ "$(echo "$output" | jq -r .last_contacted_at)" = 2026-01-03T00:00:00Z ]
	run kith timeline deal 99
	[ "$status" -eq 2 ]
	run kith timeline deal 1 --limit 0
	[ "$status" -ne 0 ]
	run kith timeline deal 1 --cursor nonsense
	[ "$status" -eq 2 ]
	[[ "$output" == *"cursor"* ]]
	run kith timeline deal 1 --bogus
	[ "$status" -eq 1 ]
}

@test "cli: one cursor pages across types, each item once" {
	busy
	all="$(kith --json timeline contact 1 | jq -r '.items[] | "\(.type):\(.at)"' | tr '\n' ' ')"
	seen=""
	cursor=""
	for _ in 1 2 3 4 5 6 7 8; do
		if [ -n "$cursor" ]; then
			out="$(kith --json timeline contact 1 --limit 1 --cursor "$cursor")"
		else
			out="$(kith --json timeline contact 1 --limit 1)"
		fi
		seen="$seen$(echo "$out" | jq -r '.items[] | "\(.type):\(.at)"') "
		cursor="$(echo "$out" | jq -r '.next // empty')"
		[ -n "$cursor" ] || break
	done
	[ "$seen" = "$all" ]
	[ "$(echo "$all" | wc -w)" = 6 ]
}

@test "cli: a member cannot read another user's deal timeline" {
	busy
	echo 'member-password' | kith user add --email m@example.com --name M --role member \
		--password-stdin >/dev/null
	run kith --as m@example.com timeline deal 1
	[ "$status" -eq 2 ]
	run kith --as m@example.com timeline contact 1
	[ "$status" -eq 2 ]
}

@test "api: deal timeline and stage history; activities with deal_id" {
	busy
	kith_serve
	api GET /api/v1/deals/1/timeline
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '[.items[].type] | join(",")')" = "stage_change,stage_change,activity" ]
	[ "$(echo "$body" | jq -r .next)" = null ]
	api GET "/api/v1/deals/1/timeline?limit=2"
	next="$(echo "$body" | jq -r .next)"
	[ "$next" != null ]
	api GET "/api/v1/deals/1/timeline?limit=2&cursor=$next"
	[ "$(echo "$body" | jq -r '[.items[].type] | join(",")')" = activity ]
	[ "$(echo "$body" | jq -r .next)" = null ]

	api GET /api/v1/deals/1/stages
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '[.items[].to_stage] | join(",")')" = "First contact,Proposal" ]
	[ "$(echo "$body" | jq -r '.items[0].from_stage_id')" = null ]
	api GET "/api/v1/deals/1/stages?limit=5"
	[ "$status_code" = 422 ]
	api GET /api/v1/deals/99/stages
	[ "$status_code" = 404 ]

	api POST /api/v1/activities '{"kind":"meeting","deal_id":1,"occurred_at":"2026-01-04"}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .deal_id)" = 1 ]
	api GET "/api/v1/activities?deal_id=1"
	[ "$(echo "$body" | jq -r '.items | length')" = 2 ]
	api GET "/api/v1/activities?deal_id=x"
	[ "$status_code" = 422 ]
	api POST /api/v1/activities '{"kind":"meeting","deal_id":42}'
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = deal_id ]
	api GET /api/v1/contacts/1/timeline
	[ "$(echo "$body" | jq -r '.items | length')" = 7 ]
	api GET /api/v1/companies/1/timeline
	[ "$(echo "$body" | jq -r '.items | length')" = 7 ]
}

@test "api: bad timeline input is 422 naming the field; members get 404" {
	busy
	kith_serve
	for path in contacts/1 companies/1 deals/1; do
		api GET "/api/v1/$path/timeline?cursor=nonsense"
		[ "$status_code" = 422 ]
		[ "$(echo "$body" | jq -r '.errors[0].field')" = cursor ]
		api GET "/api/v1/$path/timeline?limit=501"
		[ "$status_code" = 422 ]
		[ "$(echo "$body" | jq -r '.errors[0].field')" = limit ]
		api GET "/api/v1/$path/timeline?sort=at"
		[ "$status_code" = 422 ]
	done
	api GET /api/v1/deals/99/timeline
	[ "$status_code" = 404 ]
	member="$(kith_member_token)"
	for path in contacts/1/timeline companies/1/timeline deals/1/timeline deals/1/stages; do
		AUTH_TOKEN="$member" api GET "/api/v1/$path"
		[ "$status_code" = 404 ] || { echo "$path -> $status_code"; false; }
	done
}

@test "cli: timeline --all reads every page, in tables and JSON" {
	kith contact add --first Ann >/dev/null
	for n in 1 2 3; do kith log add --contact 1 --kind note --subject "n$n" >/dev/null; done
	run kith --json timeline contact 1 --limit 2 --all
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq '.items | length')" = 3 ]
	[ "$(echo "$output" | jq .next)" = null ]
	run kith timeline contact 1 --limit 2 --all
	[ "$(echo "$output" | grep -c ' note ')" = 3 ]
	run kith --json timeline contact 1 --limit 2
	[ "$(echo "$output" | jq '.items | length')" = 2 ]
	[ "$(echo "$output" | jq -r .next)" != null ]
}

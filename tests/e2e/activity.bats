#!/usr/bin/env bats
# activity.bats - interaction history end to end: kith log add/list/show/
# edit/rm/restore and kith timeline (--json, exit codes, errors naming the
# field, last contacted), and the API (CRUD, If-Match 428/412, 422 naming
# fields and unknown parameters, 404 for members, timelines with pages).

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "log and timeline commands have --help" {
	for verb in add list show edit rm restore; do
		run kith log "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: kith log $verb"* ]]
	done
	run kith timeline --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"contact|company|deal ID"* ]]
}

@test "cli: log, list, show, edit, trash and restore activities" {
	kith company add --name "Acme" >/dev/null
	kith contact add --first Zofia --last Nowak --company 1 >/dev/null
	run kith log add --contact 1 --kind call --direction out --subject "Pierwsza rozmowa" \
		--duration 20 --at 2026-01-05 --outcome "wants a quote"
	[ "$status" -eq 0 ]
	[[ "$output" == *"logged call #1 at 2026-01-05 00:00"* ]]
	[[ "$output" == *"last contacted: 2026-01-05 00:00"* ]]
	run kith --json log add --company 1 --kind note --body "Zażółć gęślą jaźń"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .kind)" = note ]
	[ "$(echo "$output" | jq -r .company_id)" = 1 ]
	[ "$(echo "$output" | jq -r .direction)" = null ]
	kith log add --contact 1 --kind email --at 2026-01-03T10:00:00Z --user owner@example.com >/dev/null

	run kith --json log list --contact 1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.items | length')" = 2 ]
	[ "$(echo "$output" | jq -r '.items[0].id')" = 1 ]
	[ "$(echo "$output" | jq -r '.items[1].user_name')" = Owner ]
	run kith log list --kind call
	[ "$status" -eq 0 ]
	[[ "$output" == *"Pierwsza rozmowa"* ]]
	[[ "$output" != *"email"* ]]
	run kith --json log list --limit 1
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	cursor="$(echo "$output" | jq -r .next)"
	run kith --json log list --limit 5 --cursor "$cursor"
	[ "$(echo "$output" | jq -r '.items | length')" = 2 ]

	run kith log show 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"wants a quote"* ]]
	[[ "$output" == *"history:"* ]]

	run kith --json log edit 1 --subject "Quote call" --clear outcome
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .subject)" = "Quote call" ]
	[ "$(echo "$output" | jq -r .outcome)" = null ]
	[ "$(echo "$output" | jq -r .version)" = 2 ]

	run kith log rm 1
	[ "$status" -eq 0 ]
	run kith log show 1
	[ "$status" -eq 2 ]
	run kith log rm 1
	[ "$status" -eq 2 ]
	run kith timeline contact 1
	[[ "$output" == *"last contacted: 2026-01-03 10:00"* ]]
	run kith log restore 1
	[ "$status" -eq 0 ]

	run kith timeline company 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"AT"*"TYPE"*"WHAT"*"SUBJECT"*"BY"* ]]
	[[ "$output" == *"Quote call"* ]]
	[[ "$output" == *"last contacted: 2026-01-05 00:00"* ]]
	run kith --json timeline company 1 --limit 2
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.items | length')" = 2 ]
	[ "$(echo "$output" | jq -r '.items[0].type')" = activity ]
	[ "$(echo "$output" | jq -r '.items[0].activity.kind')" = note ]
	[ "$(echo "$output" | jq -r .next)" != null ]
	[ "$(echo "$output" | jq -r .last_contacted_at)" = 2026-01-05T00:00:00Z ]
}

@test "cli: bad input is rejected naming the field and stores nothing" {
	kith contact add --first Ann >/dev/null
	run kith log add --contact 1 --kind fax
	[ "$status" -eq 2 ]
	[[ "$output" == *"kind"* ]]
	run kith log add --contact 1
	[ "$status" -eq 1 ]
	run kith log add --kind call
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --contact: "* ]]
	run kith log add --contact 99 --kind call
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --contact: "* ]]
	run kith log add --contact x --kind call
	[ "$status" -eq 1 ]
	run kith log add --contact 1 --kind note --direction in
	[ "$status" -eq 2 ]
	[[ "$output" == *"direction"* ]]
	run kith log add --contact 1 --kind call --duration 2000
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --duration: "* ]]
	run kith log add --contact 1 --kind call --duration ten
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --duration: "* ]]
	run kith log add --contact 1 --kind call --at 2999-01-01
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --at: "* ]]
	run kith log add --contact 1 --kind call --user nobody@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"user"* ]]
	run kith log add --contact 1 --kind call --bogus
	[ "$status" -eq 1 ]
	run kith log list --kind fax
	[ "$status" -eq 2 ]
	run kith log list --since soon
	[ "$status" -eq 2 ]
	[[ "$output" == *"since"* ]]
	run kith timeline invoice 1
	[ "$status" -eq 1 ]
	run kith timeline deal 1
	[ "$status" -eq 2 ]
	run kith log add --deal 1 --kind call
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --deal: "* ]]
	run kith timeline contact 99
	[ "$status" -eq 2 ]
	run kith log edit 1 --subject x
	[ "$status" -eq 2 ]
	run kith --json log list
	[ "$(echo "$output" | jq -r '.items | length')" = 0 ]
}

@test "cli: a member sees only activities of their records" {
	kith_member_token >/dev/null
	kith contact add --first Hidden >/dev/null
	kith log add --contact 1 --kind call >/dev/null
	run kith --as member@example.com --json contact add --first Mine
	mine="$(echo "$output" | jq -r .id)"
	run kith --as member@example.com log add --contact "$mine" --kind meeting
	[ "$status" -eq 0 ]
	run kith --as member@example.com --json log list
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	run kith --as member@example.com log show 1
	[ "$status" -eq 2 ]
	run kith --as member@example.com log add --contact 1 --kind call
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --contact: "* ]]
	run kith --as member@example.com timeline contact 1
	[ "$status" -eq 2 ]
	run kith --as member@example.com log add --contact "$mine" --kind call --user owner@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --user: "* ]]
}

@test "api: create, get, patch with If-Match, trash, restore, list" {
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Ana"}'
	contact="$(echo "$body" | jq -r .id)"
	api POST /api/v1/activities "{\"kind\":\"call\",\"direction\":\"in\",\"contact_id\":$contact,\"occurred_at\":\"2026-02-01T09:30:00Z\"}" -D "$TMP/h"
	[ "$status_code" = 201 ]
	id="$(echo "$body" | jq -r .id)"
	[ "$(hdr Location)" = "/api/v1/activities/$id" ]
	[ "$(hdr ETag)" = '"1"' ]
	[ "$(echo "$body" | jq -r .user_name)" = Owner ]

	api GET "/api/v1/activities/$id"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .occurred_at)" = 2026-02-01T09:30:00Z ]

	api PATCH "/api/v1/activities/$id" '{"subject":"Callback"}'
	[ "$status_code" = 428 ]
	api PATCH "/api/v1/activities/$id" '{"subject":"Callback"}' -H 'If-Match: "5"'
	[ "$status_code" = 412 ]
	api PATCH "/api/v1/activities/$id" '{"subject":"Callback"}' -H 'If-Match: "1"' -D "$TMP/h"
	[ "$status_code" = 200 ]
	[ "$(hdr ETag)" = '"2"' ]
	api PATCH "/api/v1/activities/$id" '{"deal_id":3}' -H 'If-Match: "2"'
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = deal_id ]
	api PATCH "/api/v1/activities/$id" '{"deal_id":"3"}' -H 'If-Match: "2"'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = deal_id ]

	api GET "/api/v1/activities?contact_id=$contact&kind=call&since=2026-01-01"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items | length')" = 1 ]
	api GET "/api/v1/activities?since=2026-03-01"
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]

	api DELETE "/api/v1/activities/$id"
	[ "$status_code" = 204 ]
	api GET "/api/v1/activities/$id"
	[ "$status_code" = 410 ]
	api GET "/api/v1/activities/$id?include_deleted=true"
	[ "$status_code" = 200 ]
	api POST "/api/v1/activities/$id/restore"
	[ "$status_code" = 200 ]
	api POST "/api/v1/activities/$id/restore"
	[ "$status_code" = 409 ]
}

@test "api: bad input answers 422 naming the field" {
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Ana"}'
	c="$(echo "$body" | jq -r .id)"
	while IFS='|' read -r json field; do
		api POST /api/v1/activities "$json"
		[ "$status_code" = 422 ] || { echo "$json -> $status_code $body"; false; }
		[ "$(echo "$body" | jq -r '.errors[0].field')" = "$field" ]
	done <<EOF2
{"contact_id":$c}|kind
{"kind":"fax","contact_id":$c}|kind
{"kind":"call"}|contact_id
{"kind":"call","direction":"sideways","contact_id":$c}|direction
{"kind":"note","direction":"out","contact_id":$c}|direction
{"kind":"call","duration_minutes":-5,"contact_id":$c}|duration_minutes
{"kind":"call","occurred_at":"2026-13-01","contact_id":$c}|occurred_at
{"kind":"call","user_id":77,"contact_id":$c}|user_id
{"kind":"call","color":"red","contact_id":$c}|color
EOF2
	api POST /api/v1/activities '{"kind":"call","contact_id":404}'
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = contact_id ]
	api GET "/api/v1/activities?colour=red"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = colour ]
	api GET "/api/v1/activities?contact_id=abc"
	[ "$status_code" = 422 ]
	api GET "/api/v1/activities?kind=fax"
	[ "$status_code" = 422 ]
	api GET "/api/v1/activities?limit=0"
	[ "$status_code" = 422 ]
	api GET "/api/v1/contacts/$c/timeline?cursor=nonsense"
	[ "$status_code" = 422 ]
	api GET "/api/v1/contacts/$c/timeline?sort=x"
	[ "$status_code" = 422 ]
	api GET /api/v1/activities
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
}

@test "api: timelines page through each activity once; members get 404" {
	kith_serve
	api POST /api/v1/companies '{"legal_name":"Acme"}'
	co="$(echo "$body" | jq -r .id)"
	api POST /api/v1/contacts "{\"first_name\":\"Ana\",\"company_id\":$co}"
	c="$(echo "$body" | jq -r .id)"
	for d in 01 02 03 04 05; do
		api POST /api/v1/activities "{\"kind\":\"email\",\"contact_id\":$c,\"occurred_at\":\"2026-01-${d}\"}"
		[ "$status_code" = 201 ]
	done
	api POST /api/v1/activities "{\"kind\":\"note\",\"company_id\":$co,\"occurred_at\":\"2026-01-09\"}"

	api GET "/api/v1/contacts/$c/timeline?limit=2"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .last_contacted_at)" = 2026-01-05T00:00:00Z ]
	seen="$(echo "$body" | jq -r '.items[].activity.id')"
	next="$(echo "$body" | jq -r .next)"
	for _ in 1 2 3 4; do
		[ "$next" != null ] || break
		api GET "/api/v1/contacts/$c/timeline?limit=2&cursor=$next"
		seen="$seen $(echo "$body" | jq -r '.items[].activity.id')"
		next="$(echo "$body" | jq -r .next)"
	done
	[ "$(echo $seen)" = "5 4 3 2 1" ]

	api GET "/api/v1/companies/$co/timeline"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items | length')" = 6 ]
	[ "$(echo "$body" | jq -r '.items[0].activity.kind')" = note ]
	[ "$(echo "$body" | jq -r .last_contacted_at)" = 2026-01-05T00:00:00Z ]

	member="$(kith_member_token)"
	AUTH_TOKEN="$member" api GET "/api/v1/contacts/$c/timeline"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET "/api/v1/companies/$co/timeline"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET /api/v1/activities/1
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api PATCH /api/v1/activities/1 '{"subject":"x"}' -H 'If-Match: "1"'
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api DELETE /api/v1/activities/1
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api POST /api/v1/activities/1/restore
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET /api/v1/activities
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
	AUTH_TOKEN="$member" api POST /api/v1/activities "{\"kind\":\"call\",\"contact_id\":$c}"
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = contact_id ]
	api GET /api/v1/contacts/999/timeline
	[ "$status_code" = 404 ]
}

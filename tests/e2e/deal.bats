#!/usr/bin/env bats
# deal.bats - pipelines and deals end to end: the CLI (pipeline list/show/
# add/rename/stage-add/stage-edit/stage-rm, deal add/show/list/edit/move/
# rm/restore/board/forecast, --json, exit codes, errors naming the field)
# and the API (CRUD, If-Match 412/428, moves, 422 naming fields, unknown
# query parameters, 404 for members, 403 for pipeline changes by members,
# board and forecast).

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "pipeline and deal commands have --help" {
	for verb in list show add rename stage-add stage-edit stage-rm; do
		run kith pipeline "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: kith pipeline $verb"* ]]
	done
	for verb in add show list edit move rm restore board forecast; do
		run kith deal "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: kith deal $verb"* ]]
	done
}

@test "cli: the default pipeline and pipeline changes" {
	run kith pipeline list
	[ "$status" -eq 0 ]
	[[ "$output" == *"Sales"*"First contact 10%"*"Negotiation 70%"*"Won 100%"*"Lost 0%"* ]]
	run kith --json pipeline add --name Rentals --stage "Inquiry:20" --stage "Signed:100:won" \
		--stage "Gone:0:lost"
	[ "$status" -eq 0 ]
	id="$(echo "$output" | jq -r .id)"
	[ "$(echo "$output" | jq -r '[.stages[].kind] | join(",")')" = "open,won,lost" ]
	run kith --json pipeline stage-add "$id" --name "Viewing: booked" --probability 50
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '[.stages[].name] | join(",")')" = "Inquiry,Viewing: booked,Signed,Gone" ]
	sid="$(echo "$output" | jq -r '.stages[1].id')"
	run kith --json pipeline stage-edit "$sid" --position 1 --name Viewing
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '[.stages[].name] | join(",")')" = "Viewing,Inquiry,Signed,Gone" ]
	run kith pipeline rename "$id" Lettings
	[ "$status" -eq 0 ]
	[[ "$output" == *"Lettings"* ]]
	run kith pipeline stage-rm "$sid"
	[ "$status" -eq 0 ]
	run kith --json pipeline show "$id"
	[ "$(echo "$output" | jq -r '.stages | length')" = 3 ]
}

@test "cli: bad pipeline input names the field and changes nothing" {
	run kith pipeline add --name Bad --stage "A:10" --stage "B:100" --stage "L:0:lost"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: kind:"*"won"* ]]
	run kith pipeline add --name Bad --stage "A:10" --stage "W:100:won" --stage "L:abc:lost"
	[ "$status" -eq 2 ]
	[[ "$output" == *"probability"* ]]
	run kith pipeline add --name Bad --stage "A:110" --stage "W:100:won" --stage "L:0:lost"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --stage: "* ]]
	run kith pipeline add --name sales --stage "A:10" --stage "W:100:won" --stage "L:0:lost"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --name:"* ]]
	run kith pipeline add --name Bad --stage nocolon
	[ "$status" -eq 1 ]
	run kith pipeline add --stage "A:10"
	[ "$status" -eq 1 ]
	run kith pipeline stage-edit 6 --kind open
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --kind:"* ]]
	run kith pipeline stage-rm 99
	[ "$status" -eq 2 ]
	run kith pipeline show x
	[ "$status" -eq 1 ]
	run kith --json pipeline list
	[ "$(echo "$output" | jq -r 'length')" = 1 ]
	[ "$(echo "$output" | jq -r '.[0].stages | length')" = 7 ]
}

@test "cli: add, show, edit, move, list, board, forecast, rm and restore a deal" {
	kith contact add --first Ann >/dev/null
	run kith --json deal add --title "Website" --contact 1 --value 1234.50 --close 2026-12-15 \
		--source referral --notes "Zażółć"
	[ "$status" -eq 0 ]
	id="$(echo "$output" | jq -r .id)"
	[ "$(echo "$output" | jq -r .value.amount_minor)" = 123450 ]
	[ "$(echo "$output" | jq -r .value.currency)" = PLN ]
	[ "$(echo "$output" | jq -r .stage)" = "First contact" ]
	[ "$(echo "$output" | jq -r .status)" = open ]
	kith deal add --title "Yen" --value 1000 --currency JPY --stage 5 --close 2026-12-01 >/dev/null
	run kith deal move "$id" 7 --lost-reason "too expensive"
	[ "$status" -eq 0 ]
	[[ "$output" == *"moved to Lost (lost)"* ]]
	run kith --json deal show "$id"
	[ "$(echo "$output" | jq -r .lost_reason)" = "too expensive" ]
	[ "$(echo "$output" | jq -r .lost_at)" != null ]
	run kith --json deal move "$id" 2
	[ "$(echo "$output" | jq -r .lost_at)" = null ]
	[ "$(echo "$output" | jq -r .status)" = open ]
	run kith deal show "$id" --history
	[ "$status" -eq 0 ]
	[[ "$output" == *"stage history:"*"First contact"*"Lost"*"Proposal"* ]]
	run kith --json deal show "$id" --history
	[ "$(echo "$output" | jq -r '[.stage_history[].to_stage] | join(",")')" = "First contact,Lost,Proposal" ]
	run kith --json deal edit "$id" --title "Website v2" --value 99.99 --clear source
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .title)" = "Website v2" ]
	[ "$(echo "$output" | jq -r .value.amount_minor)" = 9999 ]
	[ "$(echo "$output" | jq -r .source)" = null ]
	run kith deal list --status open
	[ "$status" -eq 0 ]
	[[ "$output" == *"Website v2"*"99.99 PLN"* ]]
	[[ "$output" == *"1000 JPY"* ]]
	run kith --json deal list --stage 5
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	run kith deal board
	[ "$status" -eq 0 ]
	[[ "$output" == *"Proposal (#2, 30%, open): 1 deal(s), 99.99 PLN"* ]]
	run kith deal board --limit 1
	[ "$status" -eq 0 ]
	[[ "$output" != *"more:"* ]]
	kith deal add --title "Second" --stage 5 >/dev/null
	run kith deal board 1 --limit 1
	[[ "$output" == *"more: kith deal list --stage 5 --cursor "* ]]
	cursor="$(echo "$output" | sed -n 's/.*--cursor //p')"
	run kith --json deal list --stage 5 --cursor "$cursor"
	[ "$(echo "$output" | jq -r '.items[0].title')" = Second ]
	kith deal rm 3 >/dev/null
	run kith --json deal board 1
	[ "$(echo "$output" | jq -r '.stages[4].count')" = 1 ]
	[ "$(echo "$output" | jq -r '.stages[4].totals[0].amount_minor')" = 1000 ]
	run kith --json deal forecast
	[ "$status" -eq 0 ]
	# 1000 JPY x 70% = 700; 99.99 PLN x 30% = 29.997 -> 30.00
	[ "$(echo "$output" | jq -r '[.months[] | "\(.month) \(.currency) \(.weighted)"] | join(";")')" = "2026-12 JPY 700;2026-12 PLN 30.00" ]
	run kith deal rm "$id"
	[ "$status" -eq 0 ]
	run kith deal show "$id"
	[ "$status" -eq 2 ]
	run kith --json deal list --trash
	[ "$(echo "$output" | jq -r '.items[0].id')" = "$id" ]
	run kith deal restore "$id"
	[ "$status" -eq 0 ]
	run kith pipeline stage-rm 2
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: stage_id:"* ]]
}

@test "cli: bad deal input names the field, exits 1 or 2 and stores nothing" {
	run kith deal add
	[ "$status" -eq 1 ]
	run kith deal add --title T --value 1.234
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --value:"* ]]
	run kith deal add --title T --currency XYZ
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --currency:"* ]]
	run kith deal add --title T --close 2026-13-01
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --close:"* ]]
	run kith deal add --title T --contact 42
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --contact:"* ]]
	run kith deal add --title T --stage 99
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --stage:"* ]]
	run kith deal add --title T --contact abc
	[ "$status" -eq 1 ]
	run kith deal add --title T --owner nobody@example.com
	[ "$status" -eq 2 ]
	run kith deal add --title T --field nope=1
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --field nope:"* ]]
	run kith deal add --title T --bogus
	[ "$status" -eq 1 ]
	run kith deal list --status maybe
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --status:"* ]]
	run kith --json deal list
	[ "$(echo "$output" | jq -r '.items | length')" = 0 ]
	kith deal add --title T >/dev/null
	run kith deal move 1 1
	[ "$status" -eq 2 ]
	run kith deal move 1 2 --lost-reason x
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --lost-reason:"* ]]
	run kith deal move 1
	[ "$status" -eq 1 ]
	run kith deal edit 1
	[ "$status" -eq 1 ]
	run kith deal edit 1 --clear title
	[ "$status" -eq 2 ]
	run kith deal board 9
	[ "$status" -eq 2 ]
}

@test "cli: a member sees only their own deals and may not change pipelines" {
	kith_member_token >/dev/null
	kith deal add --title "Owner's" >/dev/null
	run kith --as member@example.com --json deal add --title "Member's"
	[ "$status" -eq 0 ]
	mine="$(echo "$output" | jq -r .id)"
	[ "$(echo "$output" | jq -r .owner_id)" != null ]
	run kith --as member@example.com --json deal list
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	run kith --as member@example.com deal show 1
	[ "$status" -eq 2 ]
	[[ "$output" == *"no deal 1"* ]]
	run kith --as member@example.com deal add --title X --owner owner@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --owner:"* ]]
	run kith --as member@example.com pipeline rename 1 Mine
	[ "$status" -eq 2 ]
	run kith --as member@example.com --json deal board
	[ "$(echo "$output" | jq -r '.stages[0].count')" = 1 ]
}

@test "api: deals CRUD with If-Match, moves, board and forecast" {
	kith_serve
	api POST /api/v1/deals '{"title":"Big","value":{"amount":"12.50","currency":"EUR"},"expected_close_date":"2026-11-30"}' -D "$TMP/h"
	[ "$status_code" = 201 ]
	id="$(echo "$body" | jq -r .id)"
	grep -qi "^location: /api/v1/deals/$id" "$TMP/h"
	grep -qi '^etag: "1"' "$TMP/h"
	[ "$(echo "$body" | jq -r .value.amount_minor)" = 1250 ]
	api GET "/api/v1/deals/$id"
	[ "$status_code" = 200 ]
	api PATCH "/api/v1/deals/$id" '{"notes":"x"}'
	[ "$status_code" = 428 ]
	api PATCH "/api/v1/deals/$id" '{"notes":"x"}' -H 'If-Match: "9"'
	[ "$status_code" = 412 ]
	api PATCH "/api/v1/deals/$id" '{"notes":"x","value":{"amount_minor":2000}}' -H 'If-Match: "1"'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .value.amount)" = "20.00" ]
	[ "$(echo "$body" | jq -r .value.currency)" = EUR ]
	api POST "/api/v1/deals/$id/move" '{"stage_id":6}'
	[ "$status_code" = 428 ]
	api POST "/api/v1/deals/$id/move" '{"stage_id":6}' -H 'If-Match: "1"'
	[ "$status_code" = 412 ]
	api POST "/api/v1/deals/$id/move" '{"stage_id":6,"lost_reason":"x"}' -H 'If-Match: "2"'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = lost_reason ]
	api POST "/api/v1/deals/$id/move" '{}' -H 'If-Match: "2"'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = stage_id ]
	api POST "/api/v1/deals/$id/move" '{"stage_id":6}' -H 'If-Match: "2"'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .status)" = won ]
	[ "$(echo "$body" | jq -r .won_at)" != null ]
	api POST "/api/v1/deals/$id/move" '{"stage_id":6}' -H 'If-Match: "3"'
	[ "$status_code" = 409 ]
	api POST "/api/v1/deals/$id/move" '{"stage_id":3}' -H 'If-Match: "3"'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .won_at)" = null ]
	api GET "/api/v1/deals?status=open&pipeline_id=1"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items | length')" = 1 ]
	api GET "/api/v1/pipelines/1/board?limit=5"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.stages[2].totals[0].amount_minor')" = 2000 ]
	[ "$(echo "$body" | jq -r '.stages[2].deals[0].id')" = "$id" ]
	closed_since="$(echo "$body" | jq -r .closed_since)"
	[[ "$closed_since" == 20*Z ]]
	[ "$(echo "$body" | jq -r '.stages[5].stage.kind')" = won ]
	won_before="$(echo "$body" | jq -r '.stages[5].count')"
	api GET "/api/v1/deals?stage_id=6&stage_since=$closed_since"
	[ "$(echo "$body" | jq -r '.items | length')" = "$won_before" ]
	api GET "/api/v1/pipelines/1/board?closed_days=3660"
	[ "$status_code" = 200 ]
	api GET /api/v1/pipelines/1/forecast
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.months[0].month')" = 2026-11 ]
	[ "$(echo "$body" | jq -r '.months[0].weighted_minor')" = 800 ]
	api GET /api/v1/pipelines/9/board
	[ "$status_code" = 404 ]
	api DELETE "/api/v1/deals/$id"
	[ "$status_code" = 204 ]
	api GET "/api/v1/deals/$id"
	[ "$status_code" = 410 ]
	api POST "/api/v1/deals/$id/restore"
	[ "$status_code" = 200 ]
	api POST "/api/v1/deals/$id/restore"
	[ "$status_code" = 409 ]
}

@test "api: bad deal input answers 422 naming the field" {
	kith_serve
	api POST /api/v1/deals '{}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = title ]
	api POST /api/v1/deals '{"title":"T","value":{"amount":"1.5","currency":"JPY"}}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = value.amount ]
	api POST /api/v1/deals '{"title":"T","stage":3}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = stage ]
	api POST /api/v1/deals '{"title":"T","company_id":5}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = company_id ]
	api GET '/api/v1/deals?colour=red'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = colour ]
	api GET '/api/v1/deals?status=maybe'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = status ]
	api GET '/api/v1/deals?stage_id=x'
	[ "$status_code" = 422 ]
	api GET '/api/v1/pipelines/1/board?limit=0'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = limit ]
	for days in 0 -3 3661 x 1.5; do
		api GET "/api/v1/pipelines/1/board?closed_days=$days"
		[ "$status_code" = 422 ]
		[ "$(echo "$body" | jq -r '.errors[0].field')" = closed_days ]
	done
	api GET '/api/v1/deals?stage_since=yesterday'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = stage_since ]
	api GET /api/v1/deals
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
}

@test "api: pipelines and stages; members get 403 for changes and 404 for others' deals" {
	kith_serve
	api GET /api/v1/pipelines
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items[0].name')" = Sales ]
	api POST /api/v1/pipelines '{"name":"Rentals","stages":[{"name":"A","probability":10},{"name":"W","probability":100,"kind":"won"},{"name":"L","probability":0,"kind":"lost"}]}'
	[ "$status_code" = 201 ]
	pid="$(echo "$body" | jq -r .id)"
	api POST /api/v1/pipelines '{"name":"Bad","stages":[{"name":"A","probability":10},{"name":"W","probability":100,"kind":"won"},{"name":"W2","probability":100,"kind":"won"},{"name":"L","probability":0,"kind":"lost"}]}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = kind ]
	api PATCH "/api/v1/pipelines/$pid" '{"name":"Lettings"}'
	[ "$status_code" = 428 ]
	api PATCH "/api/v1/pipelines/$pid" '{"name":"Lettings"}' -H 'If-Match: "1"'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .name)" = Lettings ]
	api POST "/api/v1/pipelines/$pid/stages" '{"name":"B","probability":40,"position":1}'
	[ "$status_code" = 201 ]
	sid="$(echo "$body" | jq -r '.stages[0].id')"
	version="$(echo "$body" | jq -r .version)"
	api PATCH "/api/v1/stages/$sid" '{"probability":45}'
	[ "$status_code" = 428 ]
	api PATCH "/api/v1/stages/$sid" '{"probability":101}' -H "If-Match: \"$version\""
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = probability ]
	api PATCH "/api/v1/stages/$sid" '{"probability":45}' -H "If-Match: \"$((version + 1))\""
	[ "$status_code" = 412 ]
	api PATCH "/api/v1/stages/$sid" '{"probability":45}' -H "If-Match: \"$version\""
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .version)" = "$((version + 1))" ]
	# the won role moves to another empty stage; the old won stage becomes open
	won="$(echo "$body" | jq -r '[.stages[] | select(.kind == "won")][0].id')"
	api PATCH "/api/v1/stages/$sid" '{"kind":"won"}' -H "If-Match: \"$((version + 1))\""
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r --argjson w "$won" '.stages[] | select(.id == $w) | .kind')" = open ]
	api PATCH "/api/v1/stages/$won" '{"kind":"won"}' -H "If-Match: \"$((version + 2))\""
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r --argjson s "$sid" '.stages[] | select(.id == $s) | .kind')" = open ]
	api POST /api/v1/deals "{\"title\":\"R\",\"stage_id\":$sid}"
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .pipeline_id)" = "$pid" ]
	deal="$(echo "$body" | jq -r .id)"
	api DELETE "/api/v1/stages/$sid"
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = stage_id ]
	member="$(kith_member_token)"
	AUTH_TOKEN="$member" api GET "/api/v1/deals/$deal"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api PATCH "/api/v1/deals/$deal" '{"notes":"x"}' -H 'If-Match: "1"'
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api POST "/api/v1/deals/$deal/move" '{"stage_id":1}' -H 'If-Match: "1"'
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api DELETE "/api/v1/deals/$deal"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET /api/v1/deals
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
	AUTH_TOKEN="$member" api GET "/api/v1/pipelines/$pid/board"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.stages[0].count')" = 0 ]
	AUTH_TOKEN="$member" api DELETE "/api/v1/stages/$sid"
	[ "$status_code" = 403 ]
	AUTH_TOKEN="$member" api POST /api/v1/pipelines '{"name":"M","stages":[]}'
	[ "$status_code" = 403 ]
	AUTH_TOKEN="$member" api POST /api/v1/deals '{"title":"Mine"}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .owner_id)" != null ]
}

@test "cli: deal move by stage name; tables show names; the forecast labels undated deals" {
	kith company add --name "Acme Sp" >/dev/null
	kith contact add --first Anna --last Nowak --company 1 >/dev/null
	kith deal add --title Web --contact 1 --company 1 --value 100 --close 2026-12-20 >/dev/null
	kith deal add --title Logo --value 50 >/dev/null
	run kith deal move 1 proposal
	[ "$status" -eq 0 ]
	[[ "$output" == "deal #1 moved to Proposal (open)" ]]
	run kith deal move 1 NEGO
	[[ "$output" == "deal #1 moved to Negotiation (open)" ]]
	run kith deal move 1 2
	[[ "$output" == "deal #1 moved to Proposal (open)" ]]
	run kith deal move 1 f
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: STAGE: 'f' matches several stages: First contact, Follow-up" ]]
	run kith deal move 1 Invoiced
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: STAGE: no stage 'Invoiced' in this pipeline; its stages: "* ]]
	run kith deal list
	echo "$output" | grep -Eq '^1 +Web +Anna Nowak +Acme Sp +Proposal'
	run kith log add --deal 1 --contact 1 --kind call
	run kith log list
	echo "$output" | grep -q 'Anna Nowak'
	echo "$output" | grep -q 'Web'
	run kith task add --title Chase --deal 1 --due 2026-12-10
	run kith task list
	[[ "$output" == *"Web (deal)"* ]]
	[[ "$output" != *"deal #"* ]]
	run kith deal show 1 --history
	echo "$output" | grep -Eq '^contact +Anna Nowak$'
	echo "$output" | grep -Eq '^company +Acme Sp$'
	echo "$output" | grep -Eq '^pipeline +Sales$'
	echo "$output" | grep -Eq '^owner +Owner$'
	echo "$output" | grep -Eq 'Proposal +Negotiation +Owner'
	run kith deal forecast
	echo "$output" | grep -Eq '^2026-12 +PLN +1 +100.00'
	echo "$output" | grep -Eq '^no close date +PLN +1 +50.00'
}

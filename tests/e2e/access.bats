#!/usr/bin/env bats
# access.bats - access control (issue 3). Every route of src/http/routes.def
# runs as a member (bob) against records another member (ann) owns: record
# routes answer 404, lists leave the records out, owner/admin-only routes
# answer 403 (the dispatcher refuses PERM_ADMIN before the handler runs).
# Then ann shares the records with bob and the same routes succeed (a
# collaborator may not manage collaborators: 403). The route table drives
# the test: a route in routes.def without a line in the table below fails
# it, so a new route cannot ship without an access test. The CLI is covered
# with --as.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

ROUTES_DEF="$BATS_TEST_DIRNAME/../../src/http/routes.def"
# The stylesheet's versioned URL: its content hash is BLAKE2b-64 (docs/web.md).
WEBCSS="/assets/$(b2sum -l 64 "$BATS_TEST_DIRNAME/../../src/web/assets/kith.css" | cut -c1-16)/kith.css"

# "METHOD pattern" of every route in routes.def.
route_list() {
	sed -n 's/^ROUTE(\([A-Z]*\), "\([^"]*\)".*/\1 \2/p' "$ROUTES_DEF"
}

# The table: METHOD PATTERN PATH BODY HIDDEN SHARED IDS ITEM, one route per
# line, run top to bottom. PATH and BODY use @C (ann's contact), @M (her
# company), @D (her deal), @A (her activity on @C), @T (her task on @D), @B
# (bob's own contact), @F (a custom field), @U (bob's user id), @WEBCSS (the
# web UI stylesheet's versioned URL); "-" = none.
# HIDDEN and SHARED are the statuses expected before and after sharing.
# IDS is a jq expression listing ids in the answer, ITEM the record that
# must be absent before and present after sharing ("-" = no check).
# Routes marked "workspace" are not record-scoped: workspace-wide data
# (fields, pipelines, the API itself) every user may read.
ACCESS_TABLE='
GET / / - 200 200 - - workspace
GET /api/v1/health /api/v1/health - 200 200 - - workspace
GET /api/v1/me /api/v1/me - 200 200 - - workspace
GET /api/v1/openapi.json /api/v1/openapi.json - 200 200 - - workspace
GET /assets/{hash}/{name} @WEBCSS - 200 200 - - workspace
GET /api/v1/contacts /api/v1/contacts - 200 200 .items[].id @C
GET /api/v1/contacts /api/v1/contacts?q=ola - 200 200 .items[].id @C
GET /api/v1/contacts /api/v1/contacts?owner_id=@ANN - 200 200 .items[].id @C
GET /api/v1/companies /api/v1/companies - 200 200 .items[].id @M
GET /api/v1/companies /api/v1/companies?q=acme - 200 200 .items[].id @M
GET /api/v1/deals /api/v1/deals - 200 200 .items[].id @D
GET /api/v1/activities /api/v1/activities - 200 200 .items[].id @A
GET /api/v1/tasks /api/v1/tasks - 200 200 .items[].id @T
GET /api/v1/tags /api/v1/tags - 200 200 .items[].name vip
GET /api/v1/agenda /api/v1/agenda - 200 200 - -
GET /api/v1/pipelines /api/v1/pipelines - 200 200 - - workspace
GET /api/v1/pipelines/{id} /api/v1/pipelines/1 - 200 200 - - workspace
GET /api/v1/pipelines/{id}/board /api/v1/pipelines/1/board - 200 200 .stages[0].deals[].id @D
GET /api/v1/pipelines/{id}/forecast /api/v1/pipelines/1/forecast - 200 200 .months[].count 1
GET /api/v1/fields /api/v1/fields - 200 200 - - workspace
GET /api/v1/fields/{id} /api/v1/fields/@F - 200 200 - - workspace
GET /api/v1/contacts/{id} /api/v1/contacts/@C - 404 200 - -
GET /api/v1/contacts/{id}/history /api/v1/contacts/@C/history - 404 200 - -
GET /api/v1/contacts/{id}/timeline /api/v1/contacts/@C/timeline - 404 200 .items[].activity.id @A
GET /api/v1/contacts/{id}/collaborators /api/v1/contacts/@C/collaborators - 404 200 .items[].user_id @U
GET /api/v1/companies/{id} /api/v1/companies/@M - 404 200 - -
GET /api/v1/companies/{id}/contacts /api/v1/companies/@M/contacts - 404 200 .items[].id @C
GET /api/v1/companies/{id}/history /api/v1/companies/@M/history - 404 200 - -
GET /api/v1/companies/{id}/timeline /api/v1/companies/@M/timeline - 404 200 - -
GET /api/v1/companies/{id}/collaborators /api/v1/companies/@M/collaborators - 404 200 - -
GET /api/v1/deals/{id} /api/v1/deals/@D - 404 200 - -
GET /api/v1/deals/{id}/collaborators /api/v1/deals/@D/collaborators - 404 200 - -
GET /api/v1/deals/{id}/timeline /api/v1/deals/@D/timeline - 404 200 .items[].task.id @T
GET /api/v1/deals/{id}/stages /api/v1/deals/@D/stages - 404 200 .items[].deal_id @D
GET /api/v1/activities/{id} /api/v1/activities/@A - 404 200 - -
GET /api/v1/deals/{id}/history /api/v1/deals/@D/history - 404 200 .items[].action create
GET /api/v1/tasks/{id}/history /api/v1/tasks/@T/history - 404 200 .items[].action create
GET /api/v1/activities/{id}/history /api/v1/activities/@A/history - 404 200 .items[].action create
GET /api/v1/tasks/{id} /api/v1/tasks/@T - 404 200 - -
POST /api/v1/contacts /api/v1/contacts {"first_name":"New","company_id":@M} 422 201 - -
POST /api/v1/companies /api/v1/companies {"legal_name":"Bobco"} 201 201 - -
POST /api/v1/deals /api/v1/deals {"title":"New","contact_id":@C} 422 201 - -
POST /api/v1/activities /api/v1/activities {"kind":"note","contact_id":@C} 404 201 - -
POST /api/v1/tasks /api/v1/tasks {"title":"New","deal_id":@D} 404 201 - -
PATCH /api/v1/contacts/{id} /api/v1/contacts/@C {"job_title":"CEO"} 404 200 - -
PATCH /api/v1/companies/{id} /api/v1/companies/@M {"notes":"n"} 404 200 - -
PATCH /api/v1/deals/{id} /api/v1/deals/@D {"notes":"n"} 404 200 - -
PATCH /api/v1/activities/{id} /api/v1/activities/@A {"subject":"s"} 404 200 - -
PATCH /api/v1/tasks/{id} /api/v1/tasks/@T {"notes":"n"} 404 200 - -
POST /api/v1/contacts/{id}/tags /api/v1/contacts/@C/tags {"add":["x"]} 404 200 - -
POST /api/v1/companies/{id}/tags /api/v1/companies/@M/tags {"add":["x"]} 404 200 - -
POST /api/v1/deals/{id}/move /api/v1/deals/@D/move {"stage_id":2} 404 200 - -
POST /api/v1/tasks/{id}/snooze /api/v1/tasks/@T/snooze {"for":"3d"} 404 200 - -
POST /api/v1/tasks/{id}/done /api/v1/tasks/@T/done - 404 200 - -
POST /api/v1/tasks/{id}/reopen /api/v1/tasks/@T/reopen - 404 200 - -
POST /api/v1/contacts/{id}/collaborators /api/v1/contacts/@C/collaborators {"user_id":@U} 404 403 - -
POST /api/v1/companies/{id}/collaborators /api/v1/companies/@M/collaborators {"user_id":@U} 404 403 - -
POST /api/v1/deals/{id}/collaborators /api/v1/deals/@D/collaborators {"user_id":@U} 404 403 - -
DELETE /api/v1/contacts/{id}/collaborators/{user_id} /api/v1/contacts/@C/collaborators/@U - 404 403 - -
DELETE /api/v1/companies/{id}/collaborators/{user_id} /api/v1/companies/@M/collaborators/@U - 404 403 - -
DELETE /api/v1/deals/{id}/collaborators/{user_id} /api/v1/deals/@D/collaborators/@U - 404 403 - -
DELETE /api/v1/activities/{id} /api/v1/activities/@A - 404 204 - -
POST /api/v1/activities/{id}/restore /api/v1/activities/@A/restore - 404 200 - -
DELETE /api/v1/tasks/{id} /api/v1/tasks/@T - 404 204 - -
POST /api/v1/tasks/{id}/restore /api/v1/tasks/@T/restore - 404 200 - -
DELETE /api/v1/deals/{id} /api/v1/deals/@D - 404 204 - -
POST /api/v1/deals/{id}/restore /api/v1/deals/@D/restore - 404 200 - -
DELETE /api/v1/companies/{id} /api/v1/companies/@M - 404 204 - -
POST /api/v1/companies/{id}/restore /api/v1/companies/@M/restore - 404 200 - -
DELETE /api/v1/contacts/{id} /api/v1/contacts/@C - 404 204 - -
POST /api/v1/contacts/{id}/restore /api/v1/contacts/@C/restore - 404 200 - -
POST /api/v1/contacts/{id}/merge /api/v1/contacts/@C/merge {"other_id":@B} 404 200 - -
POST /api/v1/contacts/{id}/purge /api/v1/contacts/@C/purge - 403 403 - - admin
POST /api/v1/companies/{id}/purge /api/v1/companies/@M/purge - 403 403 - - admin
POST /api/v1/fields /api/v1/fields {"entity":"contact","key":"y","label":"Y","type":"text"} 403 403 - - admin
PATCH /api/v1/fields/{id} /api/v1/fields/@F {"label":"Z"} 403 403 - - admin
DELETE /api/v1/fields/{id} /api/v1/fields/@F - 403 403 - - admin
POST /api/v1/pipelines /api/v1/pipelines {"name":"P"} 403 403 - - admin
PATCH /api/v1/pipelines/{id} /api/v1/pipelines/1 {"name":"P"} 403 403 - - admin
POST /api/v1/pipelines/{id}/stages /api/v1/pipelines/1/stages {"name":"S","probability":5} 403 403 - - admin
PATCH /api/v1/stages/{id} /api/v1/stages/1 {"name":"S"} 403 403 - - admin
DELETE /api/v1/stages/{id} /api/v1/stages/1 - 403 403 - - admin
PATCH /api/v1/tags/{id} /api/v1/tags/1 {"cadence_days":7} 403 403 - - admin
POST /api/v1/reassign /api/v1/reassign {"from":"ann@example.com","to":"bob@example.com"} 403 403 - - admin
GET /api/v1/users /api/v1/users - 200 200 - - workspace
POST /api/v1/users/{id}/disable /api/v1/users/@U/disable - 403 403 - - admin
POST /api/v1/users/{id}/enable /api/v1/users/@U/enable - 403 403 - - admin
'

# Replace the @ placeholders in $1.
fill() {
	local s="$1"
	s="${s//@ANN/$ANN_ID}"
	s="${s//@C/$C}"
	s="${s//@M/$M}"
	s="${s//@D/$D}"
	s="${s//@A/$A}"
	s="${s//@T/$T}"
	s="${s//@B/$B}"
	s="${s//@F/$F}"
	s="${s//@U/$BOB_ID}"
	s="${s//@WEBCSS/$WEBCSS}"
	printf '%s' "$s"
}

# ann's records, bob's own contact, a custom field; sets the ids and BOB.
make_records() {
	kith_member_token ann@example.com >/dev/null
	BOB="$(kith_member_token bob@example.com)"
	ANN_ID="$(kith user list --json | jq '.[] | select(.email == "ann@example.com") | .id')"
	BOB_ID="$(kith user list --json | jq '.[] | select(.email == "bob@example.com") | .id')"
	local as=(--as ann@example.com)
	M="$(kith "${as[@]}" company add --name Acme --json | jq .id)"
	C="$(kith "${as[@]}" contact add --first Ola --company "$M" --tag vip --json | jq .id)"
	D="$(kith "${as[@]}" deal add --title Big --value 100 --json | jq .id)"
	A="$(kith "${as[@]}" log add --contact "$C" --kind call --json | jq .id)"
	T="$(kith "${as[@]}" task add --title Call --deal "$D" --due 2030-01-01 --json | jq .id)"
	B="$(kith --as bob@example.com contact add --first Bob-own --json | jq .id)"
	F="$(kith field add --entity contact --key k --label K --type text --json | jq .id)"
	for v in M C D A T B F ANN_ID BOB_ID; do
		[ -n "${!v}" ] && [ "${!v}" != null ] || { echo "set-up failed: $v" >&2; return 1; }
	done
}

# The current ETag of the record a PATCH or move goes to (read as the owner).
etag_of() {
	local path="${1%/move}"
	curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL$path" |
		sed -n 's/^[Ee][Tt][Aa][Gg]: *\([^[:space:]]*\).*/\1/p'
}

# Run every table line as bob; phase is "hidden" or "shared".
run_table() {
	local phase="$1" failed=0
	local method pattern path body hidden shared ids item _
	while read -r method pattern path body hidden shared ids item _; do
		[ -n "$method" ] || continue
		path="$(fill "$path")"
		body="$(fill "$body")"
		item="$(fill "$item")"
		local want="$hidden" extra=()
		[ "$phase" = shared ] && want="$shared"
		[ "$body" = - ] && body=""
		if [ "$method" = PATCH ] || [[ "$path" == */move ]]; then
			extra=(-H "If-Match: $(etag_of "$path")")
		fi
		AUTH_TOKEN="$BOB" api "$method" "$path" "$body" "${extra[@]}"
		if [ "$status_code" != "$want" ]; then
			echo "$phase: $method $path -> $status_code, want $want: $body" >&2
			failed=1
			continue
		fi
		[ "$ids" = - ] || [ "$status_code" != 200 ] && continue
		local found
		found="$(echo "$body" | jq -r "$ids" | grep -cx -- "$item" || true)"
		if [ "$phase" = hidden ] && [ "$found" != 0 ]; then
			echo "$phase: $method $path lists $item" >&2
			failed=1
		elif [ "$phase" = shared ] && [ "$found" = 0 ]; then
			echo "$phase: $method $path does not list $item: $body" >&2
			failed=1
		fi
	done <<<"$ACCESS_TABLE"
	return "$failed"
}

@test "every route in routes.def has an access test line, and every line is a route" {
	local missing=0 route
	while read -r route; do
		if ! grep -q "^$route " <<<"$ACCESS_TABLE"; then
			echo "no access test for: $route (add a line to ACCESS_TABLE)" >&2
			missing=1
		fi
	done < <(route_list)
	while read -r method pattern _; do
		[ -n "$method" ] || continue
		if ! route_list | grep -qx "$method $pattern"; then
			echo "not a route: $method $pattern" >&2
			missing=1
		fi
	done <<<"$ACCESS_TABLE"
	[ "$missing" -eq 0 ]
	[ "$(route_list | wc -l)" -gt 70 ]
}

@test "api: a member gets 404 for others' records and success once they are shared" {
	make_records
	kith_serve
	run_table hidden
	kith --as ann@example.com contact share "$C" --with bob@example.com >/dev/null
	kith --as ann@example.com company share "$M" --with bob@example.com >/dev/null
	kith --as ann@example.com deal share "$D" --with bob@example.com >/dev/null
	run_table shared
	# unshared again: hidden again
	kith --as ann@example.com deal unshare "$D" --with bob@example.com >/dev/null
	AUTH_TOKEN="$BOB" api GET "/api/v1/deals/$D"
	[ "$status_code" = 404 ]
}

@test "api: collaborator routes answer 422/404 naming the field for bad input" {
	make_records
	kith_serve
	api POST "/api/v1/contacts/$C/collaborators" "{\"user_id\": $BOB_ID}"
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .email)" = bob@example.com ]
	api POST "/api/v1/contacts/$C/collaborators" "{\"user_id\": $BOB_ID}"
	[ "$status_code" = 200 ]
	api GET "/api/v1/contacts/$C/collaborators"
	[ "$(echo "$body" | jq '.items | length')" -eq 1 ]
	api POST "/api/v1/contacts/$C/collaborators" '{"user_id": 999}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = user_id ]
	api POST "/api/v1/contacts/$C/collaborators" '{"user_id": "x"}'
	[ "$status_code" = 422 ]
	api POST "/api/v1/contacts/$C/collaborators" '{}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = user_id ]
	api POST "/api/v1/contacts/$C/collaborators" "{\"user_id\": $BOB_ID, \"x\": 1}"
	[ "$status_code" = 422 ]
	api POST "/api/v1/contacts/$C/collaborators" "{\"user_id\": $ANN_ID}"
	[ "$status_code" = 422 ]
	api POST "/api/v1/deals/999/collaborators" "{\"user_id\": $BOB_ID}"
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = id ]
	api DELETE "/api/v1/companies/$M/collaborators/$BOB_ID"
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = user_id ]
	api DELETE "/api/v1/contacts/$C/collaborators/abc"
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = user_id ]
	api DELETE "/api/v1/contacts/abc/collaborators/$BOB_ID"
	[ "$(echo "$body" | jq -r '.errors[0].field')" = id ]
	api GET "/api/v1/contacts/$C/collaborators?limit=5"
	[ "$status_code" = 422 ]
	api DELETE "/api/v1/contacts/$C/collaborators/$BOB_ID"
	[ "$status_code" = 204 ]
	api GET "/api/v1/contacts/$C/history"
	[ "$(echo "$body" | jq -r '.items[0].action')" = unshare ]
}

@test "collaborators: a member sees names and emails only; a new owner's unshare is audited" {
	make_records
	kith --as ann@example.com contact share "$C" --with bob@example.com >/dev/null
	kith_serve
	AUTH_TOKEN="$BOB" api GET "/api/v1/contacts/$C/collaborators"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -c '.items[0] | [.user_id, .email, .name]')" = "[$BOB_ID,\"bob@example.com\",\"$(kith user list --json | jq -r '.[] | select(.email == "bob@example.com") | .name')\"]" ]
	[ "$(echo "$body" | jq -c '.items[0] | [has("role"), has("disabled")]')" = '[false,false]' ]
	api GET "/api/v1/contacts/$C/collaborators"
	[ "$(echo "$body" | jq -r '.items[0].role')" = member ]
	[ "$(echo "$body" | jq -r '.items[0].disabled')" = false ]
	# the CLI table for a member: email and name, an empty ROLE column
	run kith --as bob@example.com contact collaborators "$C"
	[ "$status" -eq 0 ]
	[[ "$output" == *"bob@example.com"* ]]
	[[ "$output" != *member* ]]
	run kith --as bob@example.com contact collaborators "$C" --json
	[ "$(echo "$output" | jq -c '.[0] | [has("role"), has("disabled")]')" = '[false,false]' ]
	# the owner hands the contact to bob: his share goes, audited as unshare
	kith contact edit "$C" --owner bob@example.com >/dev/null
	api GET "/api/v1/contacts/$C/collaborators"
	[ "$(echo "$body" | jq '.items | length')" -eq 0 ]
	api GET "/api/v1/contacts/$C/history"
	[ "$(echo "$body" | jq -c "[.items[] | select(.action == \"unshare\") | .changes.collaborator_id]")" = "[[$BOB_ID,null]]" ]
}

@test "cli: --as a member: not found before sharing, allowed after, and share rules" {
	make_records
	local bob=(--as bob@example.com)
	for cmd in "contact show $C" "contact edit $C --title X" "contact rm $C" \
		"contact tag $C +x" "contact collaborators $C" "company show $M" \
		"company edit $M --notes n" "deal show $D" "deal move $D 2" "log show $A" \
		"task show $T" "task done $T" "timeline contact $C" "timeline deal $D"; do
		# shellcheck disable=SC2086
		run kith "${bob[@]}" $cmd
		[ "$status" -eq 2 ] || { echo "hidden: $cmd -> $status $output" >&2; return 1; }
	done
	run kith "${bob[@]}" contact share "$C" --with bob@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"no contact"* ]]
	run kith "${bob[@]}" contact list --json
	[ "$(echo "$output" | jq '.items | length')" -eq 1 ]
	run kith --as ann@example.com contact share "$C" --with bob@example.com
	[ "$status" -eq 0 ]
	[ "$output" = "contact #$C shared with bob@example.com" ]
	run kith --as ann@example.com contact share "$C" --with bob@example.com
	[ "$output" = "contact #$C already shared with bob@example.com" ]
	kith --as ann@example.com company share "$M" --with bob@example.com >/dev/null
	kith --as ann@example.com deal share "$D" --with bob@example.com >/dev/null
	for cmd in "contact show $C" "contact edit $C --title X" "contact tag $C +x" \
		"contact collaborators $C" "company show $M" "company edit $M --notes n" \
		"deal show $D" "deal move $D 2" "log show $A" "task show $T" "task done $T" \
		"timeline contact $C" "timeline deal $D" "company collaborators $M" \
		"deal collaborators $D"; do
		# shellcheck disable=SC2086
		run kith "${bob[@]}" $cmd
		[ "$status" -eq 0 ] || { echo "shared: $cmd -> $status $output" >&2; return 1; }
	done
	run kith "${bob[@]}" contact list --json
	[ "$(echo "$output" | jq '.items | length')" -eq 2 ]
	# a collaborator may not manage collaborators or take the record
	run kith "${bob[@]}" contact unshare "$C" --with bob@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"owner or an admin"* ]]
	run kith "${bob[@]}" contact edit "$C" --owner bob@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --owner: "* ]]
	run kith "${bob[@]}" deal edit "$D" --owner bob@example.com
	[ "$status" -eq 2 ]
	# bad input
	run kith contact share "$C" --with ghost@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --with: "* ]]
	run kith contact share "$C"
	[ "$status" -eq 1 ]
	run kith contact share "$C" --with bob@example.com extra
	[ "$status" -eq 1 ]
	run kith contact share abc --with bob@example.com
	[ "$status" -eq 1 ]
	run kith deal collaborators 999
	[ "$status" -eq 2 ]
	run kith contact collaborators "$C" --json
	[ "$(echo "$output" | jq '.[0].email')" = '"bob@example.com"' ]
	run kith contact unshare "$C" --with bob@example.com
	[ "$status" -eq 0 ]
	run kith contact collaborators "$C"
	[ "$output" = "contact #$C is not shared with anyone" ]
	for noun in contact company deal; do
		for verb in share unshare collaborators; do
			run kith "$noun" "$verb" --help
			[ "$status" -eq 0 ]
		done
	done
}

# issue 7: a merge grants nobody access or ownership the actor could not
# grant directly. bob (a member) is a collaborator on ann's contact; he
# merges his own contact, shared with cid, into it: cid still gets 404 and
# the owner stays ann. An unassigned contact shared with bob stays
# unassigned. The owner's merge carries the shares, each in the history.
@test "api+cli: a member's merge shares with nobody and takes no ownership; an owner's does" {
	make_records
	CID="$(kith_member_token cid@example.com)"
	kith_serve
	kith --as ann@example.com contact share "$C" --with bob@example.com >/dev/null
	kith --as bob@example.com contact share "$B" --with cid@example.com >/dev/null
	AUTH_TOKEN="$BOB" api POST "/api/v1/contacts/$C/merge" "{\"other_id\": $B}"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq .owner_id)" = "$ANN_ID" ]
	AUTH_TOKEN="$CID" api GET "/api/v1/contacts/$C"
	[ "$status_code" = 404 ]
	api GET "/api/v1/contacts/$C/collaborators"
	[ "$(echo "$body" | jq -r '[.items[].email] | join(" ")')" = bob@example.com ]
	# an unassigned contact shared with bob: his merge does not make it his
	local open mine
	api POST /api/v1/contacts '{"first_name":"Open","owner_id":null}'
	open="$(echo "$body" | jq .id)"
	[ "$(kith contact show "$open" --json | jq .owner_id)" = null ]
	kith contact share "$open" --with bob@example.com >/dev/null
	mine="$(kith --as bob@example.com contact add --first Mine --json | jq .id)"
	kith --as bob@example.com contact share "$mine" --with cid@example.com >/dev/null
	run kith --as bob@example.com contact merge "$open" "$mine"
	[ "$status" -eq 0 ]
	[ "$(kith contact show "$open" --json | jq .owner_id)" = null ]
	run kith --as cid@example.com contact show "$open"
	[ "$status" -eq 2 ]
	# the owner (of the workspace) may share and assign: the merge does both
	# and the history says so
	local other
	other="$(kith --as bob@example.com contact add --first Other --json | jq .id)"
	kith --as bob@example.com contact share "$other" --with cid@example.com >/dev/null
	api POST "/api/v1/contacts/$open/merge" "{\"other_id\": $other}"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq .owner_id)" = "$BOB_ID" ]
	AUTH_TOKEN="$CID" api GET "/api/v1/contacts/$open"
	[ "$status_code" = 200 ]
	api GET "/api/v1/contacts/$open/history"
	# bob, its collaborator, is its owner now: his share goes (unshare)
	[ "$(echo "$body" | jq -r '[.items[].action] | join(" ")')" = "merge share unshare merge share create" ]
	[ "$(echo "$body" | jq -c '.items[2].changes.collaborator_id')" = "[$BOB_ID,null]" ]
	[ "$(echo "$body" | jq -c '.items[0].changes.changes.owner_id')" = "[null,$BOB_ID]" ]
	[ "$(echo "$body" | jq -c '.items[1].changes.collaborator_id')" = "[null,$(kith user list --json | jq '.[] | select(.email == "cid@example.com") | .id')]" ]
}

# Fails when text names ann's hidden contact: its name, id or owner.
no_leak() {
	if grep -q -e Ola -e "#$C\b" -e "id\": *$C\b" -e ann@ -e "owner_id" <<<"$1"; then
		echo "leaks the hidden contact: $1" >&2
		return 1
	fi
}

# issue 7: a member learns nothing about records hidden from them: a
# company's contact_count counts what they see, and the duplicate guard
# says only that the email or phone exists (no name, no id, no owner).
@test "api+cli: contact_count and the duplicate guard reveal no hidden contact" {
	make_records
	kith_serve
	kith --as ann@example.com contact edit "$C" --email ola@acme.example --phone "+48 601 234 567" >/dev/null
	kith --as ann@example.com company share "$M" --with bob@example.com >/dev/null
	AUTH_TOKEN="$BOB" api GET "/api/v1/companies/$M"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq .contact_count)" = 0 ]
	AUTH_TOKEN="$BOB" api GET "/api/v1/companies"
	[ "$(echo "$body" | jq ".items[] | select(.id == $M) | .contact_count")" = 0 ]
	[ "$(kith --as bob@example.com company show "$M" --json | jq .contact_count)" = 0 ]
	[ "$(kith --as ann@example.com company show "$M" --json | jq .contact_count)" = 1 ]
	api GET "/api/v1/companies/$M"
	[ "$(echo "$body" | jq .contact_count)" = 1 ]
	# the duplicate guard: that it exists, nothing else
	AUTH_TOKEN="$BOB" api POST /api/v1/contacts '{"first_name":"X","emails":[{"value":"OLA@acme.example"}]}'
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = "emails[0].value" ]
	[[ "$(echo "$body" | jq -r .detail)" == *"already exists (owned by another user"* ]]
	[ "$(echo "$body" | jq 'has("existing_id")')" = false ]
	no_leak "$body"
	AUTH_TOKEN="$BOB" api PATCH "/api/v1/contacts/$B" '{"phones":[{"value":"+48601234567"}]}' -H "If-Match: $(etag_of "/api/v1/contacts/$B")"
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq 'has("existing_id")')" = false ]
	no_leak "$body"
	run kith --as bob@example.com contact add --first X --email ola@acme.example
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --email: a contact with email ola@acme.example already exists (owned by another user"* ]]
	no_leak "$output"
	run kith --as bob@example.com --json contact add --first X --phone "601 234 567"
	[ "$status" -eq 2 ]
	no_leak "$output"
	# shared with bob: now the count and the guard name it
	kith --as ann@example.com contact share "$C" --with bob@example.com >/dev/null
	AUTH_TOKEN="$BOB" api GET "/api/v1/companies/$M"
	[ "$(echo "$body" | jq .contact_count)" = 1 ]
	AUTH_TOKEN="$BOB" api POST /api/v1/contacts '{"first_name":"X","emails":[{"value":"ola@acme.example"}]}'
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq .existing_id)" = "$C" ]
	[[ "$(echo "$body" | jq -r .detail)" == *"#$C Ola"* ]]
}

#!/usr/bin/env bats
# contact.bats - contacts and tags end to end: the CLI (add, show, list,
# search, edit, rm/restore/purge, merge, tag, tag list, --json, duplicate
# exit 2, errors naming the field, nothing stored after a rejected add) and
# the API (CRUD, 409 with existing_id, If-Match 412/428, 422 naming fields,
# 404 for a member, 410 for the trash, pagination, search, tags, history).

load helpers
bats_require_minimum_version 1.5.0

setup() { kith_setup; }
teardown() { kith_teardown; }

# count: how many live contacts the database holds.
count() {
	kith --json contact list --limit 500 | jq '.items | length'
}

@test "contact and tag commands have --help" {
	for verb in add show list search edit rm restore purge merge tag; do
		run kith contact "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: kith contact $verb"* ]]
	done
	run kith contact add --help
	[[ "$output" == *"--phone [LABEL:]NUMBER"* ]]
	run kith tag list --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: kith tag list"* ]]
	run kith help contact
	[ "$status" -eq 0 ]
	[[ "$output" == *"contact merge"* ]]
}

@test "cli: add, show, list and search a contact" {
	run kith contact add --first Ann --last Kowalska --email work:Ann@Example.pl \
		--email home:ann@home.pl --phone "601 234 567" --title CEO --status customer \
		--temperature hot --source referral --tag VIP --tag Łódź --birthday 1980-02-29 \
		--website example.pl --street "Piotrkowska 1" --city Łódź --postal-code 90-001 \
		--country pl --notes "Met at the fair" --consent "newsletter"
	[ "$status" -eq 0 ]
	[[ "$output" == "added contact #1 Ann Kowalska" ]]

	run kith --json contact show 1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .display_name)" = "Ann Kowalska" ]
	[ "$(echo "$output" | jq -r '.emails[0].value')" = "Ann@Example.pl" ]
	[ "$(echo "$output" | jq -r '.emails[1].label')" = home ]
	[ "$(echo "$output" | jq -r '.phones[0].value')" = "+48601234567" ]
	[ "$(echo "$output" | jq -r .address.country)" = PL ]
	[ "$(echo "$output" | jq -r .status)" = customer ]
	[ "$(echo "$output" | jq -r '.tags | length')" = 2 ]
	[ "$(echo "$output" | jq -r .version)" = 1 ]

	run kith contact show 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"Piotrkowska 1, 90-001 Łódź, PL"* ]]
	[[ "$output" == *"+48601234567 (mobile)"* ]]

	kith contact add --first Bob --last Nowak --phone "+66 81 234 5678" >/dev/null
	run kith contact list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ID"*"NAME"*"COMPANY"*"EMAIL"*"PHONE"*"STATUS"*"TEMP"*"TAGS" ]]
	[[ "${lines[1]}" == "1"*"Ann Kowalska"*"Ann@Example.pl"*"+48601234567"*"customer"*"hot"* ]]
	[[ "${lines[2]}" == "2"*"Bob Nowak"* ]]

	run kith --json contact search lodz
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	[ "$(echo "$output" | jq -r '.items[0].id')" = 1 ]
	[ "$(echo "$output" | jq -r '.items[0].notes')" = null ]
	run kith --json contact search 0812345678
	[ "$(echo "$output" | jq -r '.items[0].id')" = 2 ]
	run kith --json contact search ann kow
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	run kith --json contact list --status customer --tag vip
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	run kith --json contact list --temperature cold
	[ "$(echo "$output" | jq -r '.items | length')" = 0 ]
}

@test "cli: duplicates exit 2 naming the existing contact; --force adds anyway" {
	kith contact add --first Ann --last Kowalska --email ann@x.pl --phone "601 234 567" >/dev/null
	run kith contact add --first Other --email ANN@X.PL
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --email: a contact with email ANN@X.PL already exists: #1 Ann Kowalska (use --force to add anyway)" ]]
	run kith contact add --first Other --phone "+48 601-234-567"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --phone: "*"#1 Ann Kowalska"* ]]
	[ "$(count)" = 1 ]
	run kith contact add --first Other --email ann@x.pl --force
	[ "$status" -eq 0 ]
	[ "$(count)" = 2 ]
}

@test "cli: bad input exits 2 naming the field and stores nothing" {
	kith contact add --first Kept >/dev/null
	run kith contact add --first Ann --email not-an-email
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --email: must be an email address"* ]]
	run kith contact add --first Ann --email a@x.pl --email home:broken
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --email #2: "* ]]
	run kith contact add --first Ann --phone "call me"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --phone: must be a phone number, e.g. +48 601 234 567" ]]
	run kith contact add --first Ann --status vip
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --status: "* ]]
	run kith contact add --first Ann --birthday 2020-02-30
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --birthday: "* ]]
	run kith contact add --first Ann --country Poland
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --country: "* ]]
	run kith contact add --first Ann --company 999
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --company: no company #999" ]]
	run kith contact add --first Ann --owner nobody@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --owner: "* ]]
	run kith contact add --first Ann --tag "a,b"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --tag: "* ]]
	run kith contact add --first Ann --field nope=1
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --field nope: "* ]]
	run kith contact add --email ""
	[ "$status" -eq 2 ]
	run kith contact add
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --first: a contact needs a first name, a last name or an email" ]]
	run kith contact add --first Ann --bogus x
	[ "$status" -eq 1 ]
	[[ "$output" == *"unexpected argument '--bogus'"* ]]
	run kith contact add --first Ann --clear city
	[ "$status" -eq 1 ]
	run kith contact show abc
	[ "$status" -eq 1 ]
	run kith contact show 99
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: ID: no contact #99" ]]
	run kith contact list --sort age
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --sort: unknown sort 'age'"* ]]
	run kith contact list --updated-since soon
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --updated-since: "* ]]
	[ "$(count)" = 1 ]
	run kith --json tag list
	[ "$(echo "$output" | jq 'length')" = 0 ]
}

@test "cli: custom fields are converted by their type" {
	kith field add --entity contact --key budget --label Budget --type money >/dev/null
	kith field add --entity contact --key visits --label Visits --type number >/dev/null
	kith field add --entity contact --key active --label Active --type boolean >/dev/null
	run kith --json contact add --first Cy --field "budget=12.50 EUR" --field visits=3 \
		--field active=yes
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c '.custom.budget | [.amount_minor, .currency]')" = '[1250,"EUR"]' ]
	[ "$(echo "$output" | jq -c .custom.visits)" = 3 ]
	[ "$(echo "$output" | jq -c .custom.active)" = true ]
	run kith contact add --first Dee --field visits=many
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --field visits: "* ]]
}

@test "cli: edit, --clear, rm, restore, purge" {
	kith contact add --first Ann --last Nowak --city Kraków --title CEO --email a@x.pl >/dev/null
	run kith --json contact edit 1 --last Kowalska --clear title --clear city --email b@x.pl
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .display_name)" = "Ann Kowalska" ]
	[ "$(echo "$output" | jq -r .job_title)" = null ]
	[ "$(echo "$output" | jq -r .address.city)" = null ]
	[ "$(echo "$output" | jq -r '.emails[0].value')" = b@x.pl ]
	[ "$(echo "$output" | jq -r .version)" = 2 ]
	run kith contact edit 1
	[ "$status" -eq 1 ]
	run kith contact edit 1 --clear nickname
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: nickname: unknown field 'nickname'" ]]
	run kith contact edit 1 --clear status
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --status: "* ]]

	run kith contact purge 1
	[ "$status" -eq 2 ]
	[[ "$output" == *"move it to the trash first"* ]]
	run kith contact rm 1
	[ "$status" -eq 0 ]
	[[ "$output" == "contact #1 moved to the trash" ]]
	run kith contact show 1
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: ID: contact #1 is in the trash"* ]]
	run kith --json contact show 1 --trash
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .deleted_at)" != null ]
	run kith --json contact list --trash
	[ "$(echo "$output" | jq -r '.items[0].id')" = 1 ]
	[ "$(count)" = 0 ]
	run kith contact restore 1
	[ "$status" -eq 0 ]
	[ "$(count)" = 1 ]
	run kith contact restore 1
	[ "$status" -eq 2 ]
	kith contact rm 1 >/dev/null
	run kith contact purge 1
	[ "$status" -eq 0 ]
	[[ "$output" == "contact #1 purged" ]]
	run kith contact show 1 --trash
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: ID: no contact #1" ]]
}

@test "cli: history, merge and tags" {
	kith contact add --first Ann --email ann@x.pl --tag vip >/dev/null
	kith contact add --first Anna --last Kowalska --email anna@home.pl --phone "601 234 567" \
		--tag Hurt >/dev/null
	run kith --json contact merge 1 2
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .display_name)" = "Ann Kowalska" ]
	[ "$(echo "$output" | jq -r '.emails | length')" = 2 ]
	[ "$(echo "$output" | jq -r '.tags | length')" = 2 ]
	run kith contact show 2
	[ "$status" -eq 2 ]
	run kith contact merge 1 1
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: other_id: "* ]]

	run kith contact tag 1 +Łódź -VIP --add new
	[ "$status" -eq 0 ]
	[[ "$output" == "contact #1 tags: Hurt, Łódź, new" ]]
	run kith contact tag 1
	[ "$status" -eq 1 ]
	run kith tag list
	[ "$status" -eq 0 ]
	[[ "$output" == *"NAME"*"CONTACTS"* ]]
	[[ "$output" == *"Łódź"* ]]
	run kith --json tag list
	[ "$(echo "$output" | jq -r '.[] | select(.name == "Hurt") | .contacts')" = 1 ]

	run kith contact show 1 --history
	[ "$status" -eq 0 ]
	[[ "$output" == *"history:"* ]]
	[[ "$output" == *"tag"* ]]
	[[ "$output" == *"merge"* ]]
	run kith --json contact show 1 --history
	[ "$(echo "$output" | jq -r '.history | map(.action) | join(" ")')" = "tag merge create" ]
}

@test "cli: list pages with cursors; members see only their own" {
	for n in Ewa Adam Zoe Ola Iga; do kith contact add --first "$n" >/dev/null; done
	run kith --json contact list --limit 2
	[ "$(echo "$output" | jq -r '[.items[].display_name] | join(",")')" = "Adam,Ewa" ]
	next="$(echo "$output" | jq -r .next)"
	run kith --json contact list --limit 2 --cursor "$next"
	[ "$(echo "$output" | jq -r '[.items[].display_name] | join(",")')" = "Iga,Ola" ]
	next="$(echo "$output" | jq -r .next)"
	run kith --json contact list --limit 2 --cursor "$next"
	[ "$(echo "$output" | jq -r '[.items[].display_name] | join(",")')" = "Zoe" ]
	[ "$(echo "$output" | jq -r .next)" = null ]
	run kith --json contact list --limit 2 --sort -created
	[ "$(echo "$output" | jq -r '[.items[].display_name] | join(",")')" = "Iga,Ola" ]
	run kith contact list --cursor zz
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --cursor: "* ]]

	kith_member_token >/dev/null
	run kith --as member@example.com contact add --first Mine
	[ "$status" -eq 0 ]
	run kith --as member@example.com --json contact list
	[ "$(echo "$output" | jq -r '[.items[].display_name] | join(",")')" = "Mine" ]
	run kith --as member@example.com contact show 1
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: ID: no contact #1" ]]
}

@test "api: create, get, patch with If-Match, delete, restore, purge" {
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Ann","last_name":"Kowalska","emails":["ann@x.pl"],"phones":["601 234 567"],"tags":["VIP"]}' -D "$TMP/h"
	[ "$status_code" = 201 ]
	id="$(echo "$body" | jq -r .id)"
	[ "$(hdr Location)" = "/api/v1/contacts/$id" ]
	[ "$(hdr ETag)" = '"1"' ]
	[ "$(echo "$body" | jq -r '.phones[0].value')" = "+48601234567" ]

	api GET "/api/v1/contacts/$id" "" -D "$TMP/h"
	[ "$status_code" = 200 ]
	[ "$(hdr ETag)" = '"1"' ]
	[ "$(echo "$body" | jq -r .display_name)" = "Ann Kowalska" ]

	api PATCH "/api/v1/contacts/$id" '{"job_title":"CEO"}'
	[ "$status_code" = 428 ]
	api PATCH "/api/v1/contacts/$id" '{"job_title":"CEO"}' -H 'If-Match: "1"' -D "$TMP/h"
	[ "$status_code" = 200 ]
	[ "$(hdr ETag)" = '"2"' ]
	[ "$(echo "$body" | jq -r .job_title)" = CEO ]
	api PATCH "/api/v1/contacts/$id" '{"job_title":"CTO"}' -H 'If-Match: "1"'
	[ "$status_code" = 412 ]
	api PATCH "/api/v1/contacts/$id" '{"job_title":"CTO"}' -H 'If-Match: "0"'
	[ "$status_code" = 412 ]
	api GET "/api/v1/contacts/$id"
	[ "$(echo "$body" | jq -r .job_title)" = CEO ]

	api GET "/api/v1/contacts/$id/history"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '[.items[].action] | join(" ")')" = "update create" ]
	api GET "/api/v1/contacts/$id/history?limit=1&cursor=x"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = cursor ]
	api GET "/api/v1/contacts/$id/history?limit=1"
	[ "$(echo "$body" | jq -r '[.items[].action] | join(" ")')" = "update" ]

	api POST "/api/v1/contacts/$id/tags" '{"add":["Łódź"],"remove":["vip"]}'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -c .tags)" = '["Łódź"]' ]
	api GET /api/v1/tags
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items[] | select(.name == "Łódź") | .contacts')" = 1 ]

	api POST "/api/v1/contacts/$id/purge"
	[ "$status_code" = 409 ]
	api DELETE "/api/v1/contacts/$id"
	[ "$status_code" = 204 ]
	api GET "/api/v1/contacts/$id"
	[ "$status_code" = 410 ]
	api GET "/api/v1/contacts/$id?include_deleted=true"
	[ "$status_code" = 200 ]
	api PATCH "/api/v1/contacts/$id" '{"job_title":"X"}' -H 'If-Match: "3"'
	[ "$status_code" = 410 ]
	api POST "/api/v1/contacts/$id/restore"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .deleted_at)" = null ]
	api DELETE "/api/v1/contacts/$id"
	api POST "/api/v1/contacts/$id/purge"
	[ "$status_code" = 204 ]
	api GET "/api/v1/contacts/$id?include_deleted=true"
	[ "$status_code" = 404 ]
}

@test "api: duplicates are 409 with existing_id; force adds anyway" {
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Ann","emails":["ann@x.pl"]}'
	id="$(echo "$body" | jq -r .id)"
	api POST /api/v1/contacts '{"first_name":"Other","emails":["other@x.pl","ANN@x.pl"]}'
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq -r .existing_id)" = "$id" ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = "emails[1].value" ]
	[[ "$(echo "$body" | jq -r '.errors[0].message')" == *"#$id Ann"* ]]
	api POST "/api/v1/contacts?force=true" '{"first_name":"Other","emails":["ANN@x.pl"]}'
	[ "$status_code" = 201 ]
	api POST "/api/v1/contacts?force=maybe" '{"first_name":"Other"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = force ]
	other="$(kith --json contact list --sort -created --limit 1 | jq -r '.items[0].id')"
	api POST "/api/v1/contacts/$id/merge" "{\"other_id\":$other}"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.emails | length')" = 1 ]
	api GET "/api/v1/contacts/$other"
	[ "$status_code" = 410 ]
}

@test "api: 422 names the unknown field, the wrong type, the bad value" {
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Ann","nickname":"A"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = nickname ]
	api POST /api/v1/contacts '{"first_name":5}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = first_name ]
	api POST /api/v1/contacts '{"first_name":"Ann","emails":["ann@x.pl",{"label":"home","value":"nope"}]}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = "emails[1].value" ]
	api POST /api/v1/contacts '{"first_name":"Ann","address":{"city":5}}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = "address.city" ]
	api POST /api/v1/contacts '{"first_name":"Ann","tags":"vip"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = tags ]
	api POST /api/v1/contacts '{"first_name":"Ann","owner_id":"1"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = owner_id ]
	api POST /api/v1/contacts '{}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = first_name ]
	api POST /api/v1/contacts/1/merge '{"other":2}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = other ]
	api GET "/api/v1/contacts?sort=age"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = sort ]
	api GET "/api/v1/contacts?limit=0"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = limit ]
	api GET "/api/v1/contacts?owner_id=abc"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = owner_id ]
	api GET "/api/v1/contacts?color=red"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = color ]
	api POST "/api/v1/contacts?forse=true" '{"first_name":"Ann"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = forse ]
	api GET "/api/v1/tags?limit=5"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = limit ]
	[ "$(count)" = 0 ]
}

@test "api: a member gets 404 for the owner's contacts and sees only their own" {
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Owned","last_name":"ByOwner"}'
	id="$(echo "$body" | jq -r .id)"
	member="$(kith_member_token)"
	AUTH_TOKEN="$member" api GET "/api/v1/contacts/$id"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api PATCH "/api/v1/contacts/$id" '{"first_name":"X"}' -H 'If-Match: "1"'
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api DELETE "/api/v1/contacts/$id"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET "/api/v1/contacts/$id/history"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api POST /api/v1/contacts '{"first_name":"Mine"}'
	[ "$status_code" = 201 ]
	mine="$(echo "$body" | jq -r .id)"
	[ "$(echo "$body" | jq -r .owner_id)" != null ]
	AUTH_TOKEN="$member" api GET /api/v1/contacts
	[ "$(echo "$body" | jq -r '[.items[].id] | join(",")')" = "$mine" ]
	AUTH_TOKEN="$member" api GET "/api/v1/contacts?q=owned"
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
	AUTH_TOKEN="$member" api DELETE "/api/v1/contacts/$mine"
	[ "$status_code" = 204 ]
	AUTH_TOKEN="$member" api POST "/api/v1/contacts/$mine/purge"
	[ "$status_code" = 403 ]
}

@test "api: pages follow next cursors; search and filters" {
	kith_serve
	for n in Ewa Adam Zoe Ola Iga; do
		api POST /api/v1/contacts "{\"first_name\":\"$n\",\"last_name\":\"Łęcka\",\"status\":\"customer\"}"
		[ "$status_code" = 201 ]
	done
	api POST /api/v1/contacts '{"first_name":"Tom","phones":["+66 81 234 5678"]}'
	names=""
	cursor=""
	for _ in 1 2 3 4; do
		api GET "/api/v1/contacts?status=customer&limit=2${cursor:+&cursor=$cursor}"
		[ "$status_code" = 200 ]
		names="$names$(echo "$body" | jq -r '[.items[].first_name] | join(",")'),"
		cursor="$(echo "$body" | jq -r '.next // empty')"
		[ -n "$cursor" ] || break
	done
	[ "$names" = "Adam,Ewa,Iga,Ola,Zoe," ]

	api GET "/api/v1/contacts?q=lecka&limit=3"
	[ "$(echo "$body" | jq -r '.items | length')" = 3 ]
	next="$(echo "$body" | jq -r .next)"
	api GET "/api/v1/contacts?q=lecka&limit=3&cursor=$next"
	[ "$(echo "$body" | jq -r '.items | length')" = 2 ]
	[ "$(echo "$body" | jq -r .next)" = null ]
	api GET "/api/v1/contacts?q=0812345678"
	[ "$(echo "$body" | jq -r '.items[0].first_name')" = Tom ]
	api GET "/api/v1/contacts?q=lecka&sort=name"
	[ "$status_code" = 422 ]
	api GET "/api/v1/contacts?sort=-updated&limit=1"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items | length')" = 1 ]
	api GET "/api/v1/contacts?trash=true"
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
}

@test "cli: edit --tag adds, --untag removes, --set-tags replaces; others stay" {
	kith contact add --first Ann --tag vip --tag b2b >/dev/null
	run kith --json contact edit 1 --tag warm
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c '.tags | sort')" = '["b2b","vip","warm"]' ]
	run kith --json contact edit 1 --untag VIP --untag nope
	[ "$(echo "$output" | jq -c '.tags | sort')" = '["b2b","warm"]' ]
	run kith --json contact edit 1 --set-tags "a, b"
	[ "$(echo "$output" | jq -c '.tags | sort')" = '["a","b"]' ]
	run kith --json contact edit 1 --set-tags ""
	[ "$(echo "$output" | jq -c '.tags')" = '[]' ]
	run kith contact edit 1 --untag "$(printf '\xff')"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --untag: "* ]]
}

@test "cli: lists say when there is more and --all walks every page" {
	for n in 1 2 3 4 5; do kith contact add --first "P$n" >/dev/null; done
	run --separate-stderr kith contact list --limit 2
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^[0-9]')" = 2 ]
	[[ "$stderr" == "more: add --cursor "*" for the next page, or --all for every page" ]]
	cursor="$(echo "$stderr" | sed 's/.*--cursor \([^ ]*\).*/\1/')"
	run --separate-stderr kith contact list --limit 2 --cursor "$cursor"
	[[ "$output" == *P3* ]]
	run --separate-stderr kith contact list --limit 2 --all
	[ "$(echo "$output" | grep -c '^[0-9]')" = 5 ]
	[ -z "$stderr" ]
	run --separate-stderr kith --json contact list --limit 2 --all
	[ "$(echo "$output" | jq '.items | length')" = 5 ]
	[ "$(echo "$output" | jq .next)" = null ]
	run --separate-stderr kith --json contact list --limit 2
	[ "$(echo "$output" | jq '.items | length')" = 2 ] # stdout is JSON only
}

# issue 7: history says what changed from what to what, in the CLI table
# and the API (fields: [{"field","from","to"}] next to the stored changes).
@test "cli+api: history shows each changed field with its old and new value" {
	kith contact add --first Ann --email ann@x.pl --city Łódź >/dev/null
	kith contact edit 1 --title CEO --city Kraków >/dev/null
	kith contact tag 1 +vip >/dev/null
	kith contact add --first Anna --last Kowalska --email anna@home.pl >/dev/null
	kith contact merge 1 2 >/dev/null
	run kith contact show 1 --history
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq 'owner@example.com +update +job_title: \(none\) -> CEO; address.city: Łódź -> Kraków$'
	echo "$output" | grep -Eq 'owner@example.com +tag +tags: \(none\) -> vip$'
	echo "$output" | grep -Eq 'owner@example.com +merge +merged_from: 2; last_name: \(none\) -> Kowalska; .*emails: ann@x.pl -> ann@x.pl, anna@home.pl'
	echo "$output" | grep -Eq 'owner@example.com +create +first_name: \(none\) -> Ann; '
	run kith contact show 2 --history --trash
	echo "$output" | grep -Eq 'owner@example.com +merge +merged_into: 1; keeper: Ann Kowalska$'
	run kith --json contact show 1 --history
	[ "$(echo "$output" | jq -c '.history[2].fields')" = '[{"field":"job_title","from":null,"to":"CEO"},{"field":"address.city","from":"Łódź","to":"Kraków"}]' ]
	kith_serve
	api GET /api/v1/contacts/1/history
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -c '.items[1].fields')" = '[{"field":"tags","from":[],"to":["vip"]}]' ]
	[ "$(echo "$body" | jq -c '.items[2].changes.job_title')" = '[null,"CEO"]' ]
	api DELETE /api/v1/contacts/1
	api GET /api/v1/contacts/1/history
	[ "$(echo "$body" | jq -r '.items[0] | .fields[0].field + " " + (.fields[0].to == .at | tostring)')" = "deleted_at true" ]
	# long values are cut in the table, never in the API
	kith contact restore 1 >/dev/null
	kith contact edit 1 --notes "$(printf 'x%.0s' $(seq 1 200))" >/dev/null
	run kith contact show 1 --history
	echo "$output" | grep -Eq 'update +notes: \(none\) -> x{60}\.\.\.$'
	api GET /api/v1/contacts/1/history
	[ "$(echo "$body" | jq -r '.items[0].fields[0].to | length')" = 200 ]
}

@test "api: deals, tasks and activities answer their history field by field too" {
	kith_serve
	local d t a
	d="$(kith deal add --title Big --value 100 --json | jq .id)"
	kith deal edit "$d" --title Bigger >/dev/null
	t="$(kith task add --title Call --due 2030-01-01 --json | jq .id)"
	kith task edit "$t" --title "Call back" >/dev/null
	kith contact add --first Ola >/dev/null
	a="$(kith log add --contact 1 --kind call --subject Hi --json | jq .id)"
	kith log edit "$a" --subject Hello >/dev/null
	api GET "/api/v1/deals/$d/history"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -c '.items[0].fields')" = '[{"field":"title","from":"Big","to":"Bigger"}]' ]
	api GET "/api/v1/tasks/$t/history?limit=1"
	[ "$(echo "$body" | jq -c '[(.items | length), .items[0].fields[0]]')" = '[1,{"field":"title","from":"Call","to":"Call back"}]' ]
	api GET "/api/v1/activities/$a/history"
	[ "$(echo "$body" | jq -r '[.items[].action] | join(" ")')" = "update create" ]
	[ "$(echo "$body" | jq -c '.items[0].fields[0]')" = '{"field":"subject","from":"Hi","to":"Hello"}' ]
	run kith task show "$t"
	echo "$output" | grep -Eq 'owner@example.com +update +title: Call -> Call back$'
	api GET "/api/v1/tasks/$t/history?cursor=x"
	[ "$status_code" = 422 ]
	api GET "/api/v1/deals/999/history"
	[ "$status_code" = 404 ]
}

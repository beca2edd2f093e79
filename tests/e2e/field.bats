#!/usr/bin/env bats
# field.bats - custom fields end to end: definitions from the CLI and the
# API (owner/admin only), typed values on companies and contacts, required
# fields, select options in use, and deleting a field with its values.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "field commands have --help" {
	for verb in add list show edit rm; do
		run kith field "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: kith field $verb"* ]]
	done
}

@test "cli: define, list, show, edit a field" {
	run kith --json field add --entity company --key tier --label Tier --type select \
		--option gold --option silver
	[ "$status" -eq 0 ]
	id="$(echo "$output" | jq -r .id)"
	[ "$(echo "$output" | jq -c .options)" = '["gold","silver"]' ]
	[ "$(echo "$output" | jq -r .required)" = false ]
	run kith field add --entity contact --key budget --label Budget --type money --required
	[ "$status" -eq 0 ]
	[[ "$output" == *"contact.budget (money)"* ]]
	run kith --json field list --entity company
	[ "$(echo "$output" | jq -r 'length')" = 1 ]
	run kith field list
	[[ "$output" == *"tier"*"gold, silver"* ]]
	[[ "$output" == *"budget"* ]]
	run kith --json field edit "$id" --label Level --option gold --option bronze --required
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .label)" = Level ]
	[ "$(echo "$output" | jq -r .required)" = true ]
	[ "$(echo "$output" | jq -r .version)" = 2 ]
	run kith field show "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Level"* ]]
}

@test "cli: bad definitions name the field; members may not define" {
	run kith field add --entity person --key a --label A --type text
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --entity:"* ]]
	run kith field add --entity company --key Bad-Key --label A --type text
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --key:"* ]]
	run kith field add --entity company --key a --label A --type colour
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --type:"* ]]
	run kith field add --entity company --key a --label A --type select
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --option:"* ]]
	run kith field add --entity company --key a --label A --type text --option x
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --option:"* ]]
	run kith field add --entity company --key a --label A
	[ "$status" -eq 1 ]
	[[ "$output" == *"--type: missing"* ]]
	kith field add --entity company --key a --label A --type text >/dev/null
	run kith field add --entity company --key a --label Again --type text
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --key: a custom field 'a' already exists for companies"* ]]
	kith_member_token >/dev/null
	run kith --as member@example.com field add --entity company --key b --label B --type text
	[ "$status" -eq 2 ]
	[[ "$output" == *"only an owner or admin"* ]]
	run kith --json field list
	[ "$(echo "$output" | jq -r 'length')" = 1 ]
}

@test "cli: typed values on a company, required fields, options in use" {
	kith field add --entity company --key employees --label Employees --type number >/dev/null
	kith field add --entity company --key founded --label Founded --type date >/dev/null
	kith field add --entity company --key budget --label Budget --type money >/dev/null
	kith field add --entity company --key active --label Active --type boolean >/dev/null
	tier="$(kith --json field add --entity company --key tier --label Tier --type select \
		--option gold --option silver | jq -r .id)"
	run kith --json company add --name Typed --field employees=12 --field founded=1999-12-31 \
		--field "budget=12.50 EUR" --field active=yes --field tier=gold
	[ "$status" -eq 0 ]
	id="$(echo "$output" | jq -r .id)"
	[ "$(echo "$output" | jq -r .custom.employees)" = 12 ]
	[ "$(echo "$output" | jq -c .custom.budget)" = '{"amount_minor":1250,"currency":"EUR","amount":"12.50"}' ]
	[ "$(echo "$output" | jq -r .custom.active)" = true ]
	[ "$(echo "$output" | jq -r .custom.founded)" = 1999-12-31 ]
	run kith company add --name Bad --field employees=many
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --field employees:"* ]]
	run kith company add --name Bad --field founded=2023-02-29
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --field founded:"* ]]
	run kith company add --name Bad --field "budget=12.505 EUR"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --field budget:"* ]]
	run kith company add --name Bad --field tier=bronze
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --field tier:"* ]]
	run kith company edit "$id" --field employees=12.5 --clear custom.active
	[ "$status" -eq 0 ]
	run kith --json company show "$id"
	[ "$(echo "$output" | jq -r .custom.employees)" = 12.5 ]
	[ "$(echo "$output" | jq -r '.custom | has("active")')" = false ]

	run kith field edit "$tier" --option silver
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --option: option 'gold' is still used by 1 record"* ]]

	kith field add --entity company --key vat --label VAT --type text --required >/dev/null
	run kith company add --name NoVat
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --field vat: is required"* ]]
	run kith company edit "$id" --field vat=exempt
	[ "$status" -eq 0 ]
	run kith company edit "$id" --clear custom.vat
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --field vat:"* ]]
	run kith --json company list
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
}

@test "cli: deleting a field with values needs --force and deletes them" {
	fid="$(kith --json field add --entity company --key note --label Note --type text | jq -r .id)"
	id="$(kith --json company add --name A --field note=hello | jq -r .id)"
	kith company add --name B --field note=world >/dev/null
	run kith field rm "$fid"
	[ "$status" -eq 2 ]
	[[ "$output" == *"has 2 values"*"--force"* ]]
	run kith --json company show "$id"
	[ "$(echo "$output" | jq -r .custom.note)" = hello ]
	run kith field rm "$fid" --force
	[ "$status" -eq 0 ]
	[[ "$output" == *"deleted custom field #$fid company.note and its 2 values"* ]]
	run kith --json company show "$id"
	[ "$(echo "$output" | jq -c .custom)" = '{}' ]
	run kith field show "$fid"
	[ "$status" -eq 2 ]
}

@test "api: fields defined through the API are used on a contact and a company" {
	kith_serve
	api POST /api/v1/fields '{"entity":"company","key":"employees","label":"Employees","type":"number"}' -D "$TMP/h"
	[ "$status_code" = 201 ]
	fid="$(echo "$body" | jq -r .id)"
	[ "$(hdr Location)" = "/api/v1/fields/$fid" ]
	[ "$(hdr ETag)" = '"1"' ]
	api POST /api/v1/fields '{"entity":"contact","key":"shoe_size","label":"Shoe size","type":"select","options":["S","M","L"]}'
	[ "$status_code" = 201 ]
	cfid="$(echo "$body" | jq -r .id)"

	api POST /api/v1/companies '{"legal_name":"Big","custom":{"employees":250}}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .custom.employees)" = 250 ]
	api POST /api/v1/companies '{"legal_name":"Bad","custom":{"employees":"many"}}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = custom.employees ]
	api POST /api/v1/companies '{"legal_name":"Bad","custom":{"shoe_size":"M"}}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = custom.shoe_size ]

	api POST /api/v1/contacts '{"first_name":"Ann","last_name":"Lee","custom":{"shoe_size":"M"}}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .custom.shoe_size)" = M ]
	ann="$(echo "$body" | jq -r .id)"
	api POST /api/v1/contacts '{"first_name":"Bob","last_name":"Lee","custom":{"shoe_size":"XXL"}}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = custom.shoe_size ]

	api GET "/api/v1/fields?entity=contact"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items | length')" = 1 ]
	api GET "/api/v1/fields?entity=person"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = entity ]

	api PATCH "/api/v1/fields/$cfid" '{"options":["S","L"]}'
	[ "$status_code" = 428 ]
	api PATCH "/api/v1/fields/$cfid" '{"options":["S","L"]}' -H 'If-Match: "5"'
	[ "$status_code" = 412 ]
	api PATCH "/api/v1/fields/$cfid" '{"options":["S","L"]}' -H 'If-Match: "1"'
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = options ]
	api PATCH "/api/v1/fields/$cfid" '{"options":["S","M","XL"],"label":"Size"}' -H 'If-Match: "1"' -D "$TMP/h"
	[ "$status_code" = 200 ]
	[ "$(hdr ETag)" = '"2"' ]
	api PATCH "/api/v1/fields/$cfid" '{"type":"text"}' -H 'If-Match: "2"'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = type ]

	api DELETE "/api/v1/fields/$cfid"
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = force ]
	[[ "$(echo "$body" | jq -r .detail)" == *"1 value"*"force=true"* ]]
	api DELETE "/api/v1/fields/$cfid?force=true"
	[ "$status_code" = 204 ]
	api GET "/api/v1/fields/$cfid"
	[ "$status_code" = 404 ]
	api GET "/api/v1/contacts/$ann"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -c .custom)" = '{}' ]
}

@test "api: members may read definitions but not change them" {
	kith_serve
	member="$(kith_member_token)"
	api POST /api/v1/fields '{"entity":"company","key":"a","label":"A","type":"text"}'
	fid="$(echo "$body" | jq -r .id)"
	AUTH_TOKEN="$member" api GET /api/v1/fields
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items | length')" = 1 ]
	AUTH_TOKEN="$member" api POST /api/v1/fields '{"entity":"company","key":"b","label":"B","type":"text"}'
	[ "$status_code" = 403 ]
	AUTH_TOKEN="$member" api PATCH "/api/v1/fields/$fid" '{"label":"X"}' -H 'If-Match: "1"'
	[ "$status_code" = 403 ]
	AUTH_TOKEN="$member" api DELETE "/api/v1/fields/$fid"
	[ "$status_code" = 403 ]
	api POST /api/v1/fields '{"entity":"company","key":"a","label":"Again","type":"text"}'
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = key ]
	api POST /api/v1/fields '{"entity":"company","key":"c","label":"C","type":"text","colour":1}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = colour ]
}

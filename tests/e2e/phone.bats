#!/usr/bin/env bats
# phone.bats - phone numbers are read with the contact's own country (its
# address, or one given with the number) before the workspace's; a national
# number that fits neither asks for the +country form.

load helpers

setup() {
	kith_setup
	kith workspace set --country TH >/dev/null
}
teardown() { kith_teardown; }

@test "cli: a Polish mobile of a Polish contact in a Thai workspace is +48" {
	run kith contact add --first Jan --country PL --phone "601 234 567" --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.phones[0].value')" = "+48601234567" ]
	# the same digits without a contact country are no Thai number
	run kith contact add --first Ewa --phone "601 234 568"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --phone: is not a national number of TH; write it with its country code, e.g. +48 601 234 567" ]]
	# a Thai number of the Polish contact still reads as Thai
	run kith contact add --first Iga --country PL --phone "081 234 5678" --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.phones[0].value')" = "+66812345678" ]
}

@test "cli: --phone-country reads the numbers of that command with that country" {
	run kith contact add --first Ayse --phone "0532 123 45 67" --phone "work:(0212) 555 12 34" \
		--phone-country tr --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '[.phones[].value] | join(",")')" = "+905321234567,+902125551234" ]
	[ "$(echo "$output" | jq -r '.address.country')" = null ]
	run kith contact add --first Tom --phone "07700 900123" --phone-country GB --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.phones[0].value')" = "+447700900123" ]
	run kith contact add --first Ann --phone-country GB
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --phone-country: goes with --phone NUMBER" ]]
	run kith contact add --first Ann --phone "07700 900124" --phone-country Britain
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --phone-country: must be a two-letter ISO 3166 country code"* ]]
	# fits neither Turkey nor Thailand
	run kith contact add --first Ann --phone "601 234 567" --phone-country TR
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --phone: is not a national number of TR or TH; write it with its country code"* ]]
	run kith contact list --json
	[ "$(echo "$output" | jq -r '.items | length')" = 2 ]
}

@test "cli: edit reads new phones with the contact's address country" {
	id="$(kith contact add --first Jan --country PL --json | jq -r .id)"
	run kith contact edit "$id" --phone "601 234 567" --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.phones[0].value')" = "+48601234567" ]
}

@test "api: phones take a country per number; companies a phone_country" {
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Jan","address":{"country":"PL"},"phones":["601 234 567",{"label":"home","value":"0532 123 45 67","country":"TR"}]}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r '[.phones[].value] | join(",")')" = "+48601234567,+905321234567" ]
	[ "$(echo "$body" | jq -r '.phones[1] | has("country")')" = false ]
	api POST /api/v1/contacts '{"first_name":"Ewa","phones":["601 234 568"]}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = "phones[0].value" ]
	[[ "$(echo "$body" | jq -r '.errors[0].message')" == *"write it with its country code"* ]]
	[[ "$(echo "$body" | jq -r .detail)" != *"--"* ]]
	api POST /api/v1/contacts '{"first_name":"Ewa","phones":[{"value":"601 234 568","country":"P"}]}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = "phones[0].country" ]

	api POST /api/v1/companies '{"legal_name":"Acme Sp. z o.o.","phone":"22 123 45 67","phone_country":"PL"}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .phone)" = "+48221234567" ]
	[ "$(echo "$body" | jq -r 'has("phone_country")')" = false ]
	api POST /api/v1/companies '{"legal_name":"Bosphorus AS","phone":"(0212) 555 12 34","address":{"country":"TR"}}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r .phone)" = "+902125551234" ]
	api POST /api/v1/companies '{"legal_name":"Nowhere","phone":"22 123 45 67"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = phone ]
	api POST /api/v1/companies '{"legal_name":"Nowhere","phone_country":"PL"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = phone_country ]
}

#!/usr/bin/env bats
# company.bats - companies end to end: the CLI (add, show, list, search,
# edit, tag, rm/restore/purge, --json, exit codes, errors naming the field)
# and the API (CRUD, If-Match 412/428, 422 naming fields, 404 for members,
# trash, tags, contacts, history).

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "company commands have --help" {
	for verb in add show list search edit rm restore purge tag; do
		run kith company "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: kith company $verb"* ]]
	done
	run kith help company
	[ "$status" -eq 0 ]
	[[ "$output" == *"company purge"* ]]
}

@test "cli: add, show, edit, list and search a company" {
	run kith --json company add --name "Łódzkie Zakłady Sp. z o.o." --tax-id "PL 725-18-01-126" \
		--phone "601 234 567" --email biuro@example.pl --website example.pl --street "Piotrkowska 1" \
		--city Łódź --postal-code 90-001 --country pl --tag VIP --tag Hurt --notes "Zażółć"
	[ "$status" -eq 0 ]
	id="$(echo "$output" | jq -r .id)"
	[ "$(echo "$output" | jq -r .legal_name)" = "Łódzkie Zakłady Sp. z o.o." ]
	[ "$(echo "$output" | jq -r .phone)" = "+48601234567" ]
	[ "$(echo "$output" | jq -r .address.country)" = PL ]
	[ "$(echo "$output" | jq -r '.tags | length')" = 2 ]
	[ "$(echo "$output" | jq -r .version)" = 1 ]

	run kith company show "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Łódzkie Zakłady"* ]]
	[[ "$output" == *"Piotrkowska 1, 90-001 Łódź, PL"* ]]
	[[ "$output" == *"contacts:"* ]]

	run kith --json company edit "$id" --city Kraków --clear tax-id --clear notes
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .address.city)" = Kraków ]
	[ "$(echo "$output" | jq -r .address.street)" = "Piotrkowska 1" ]
	[ "$(echo "$output" | jq -r .tax_id)" = null ]
	[ "$(echo "$output" | jq -r .notes)" = null ]
	[ "$(echo "$output" | jq -r .version)" = 2 ]

	kith company add --name "Beta" >/dev/null
	run kith --json company list --sort -name
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.items | length')" = 2 ]
	[ "$(echo "$output" | jq -r '.items[0].legal_name')" = "Łódzkie Zakłady Sp. z o.o." ]
	[ "$(echo "$output" | jq -r .next)" = null ]
	run kith company list
	[ "$status" -eq 0 ]
	[[ "$(echo "$output" | head -n 1)" == ID*NAME* ]]

	run kith --json company search lodzkie
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	[ "$(echo "$output" | jq -r '.items[0].id')" = "$id" ]
	run kith --json company search 601234567
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	run kith --json company search krakow
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
}

@test "cli: pages with --limit and --cursor visit every company once" {
	for n in Alfa Bravo Charlie Delta Echo Foxtrot Golf; do
		kith company add --name "$n" >/dev/null
	done
	seen=""
	cursor=""
	for _ in 1 2 3 4 5; do
		if [ -n "$cursor" ]; then
			run kith --json company list --limit 3 --cursor "$cursor"
		else
			run kith --json company list --limit 3
		fi
		[ "$status" -eq 0 ]
		seen="$seen $(echo "$output" | jq -r '.items[].legal_name' | tr '\n' ' ')"
		cursor="$(echo "$output" | jq -r '.next // empty')"
		[ -z "$cursor" ] && break
	done
	[ "$(echo $seen)" = "Alfa Bravo Charlie Delta Echo Foxtrot Golf" ]
	run kith company list --cursor nonsense
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --cursor:"* ]]
}

@test "cli: bad input names the field, exits 2 and changes nothing" {
	run kith company add --name "   "
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --name:"* ]]
	run kith company add --name X --email nobody
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --email:"* ]]
	run kith company add --name X --tax-id "PL#1"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --tax-id:"* ]]
	run kith company add --name X --country POL
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --country:"* ]]
	run kith company add --name X --phone 12
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --phone:"* ]]
	run kith company add --name X --owner nobody@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --owner:"* ]]
	run kith company add --name X --field nope=1
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --field nope: no custom field 'nope' for companies"* ]]
	run kith company add --tax-id X
	[ "$status" -eq 1 ]
	[[ "$output" == *"--name: missing"* ]]
	run kith company add --name X --colour red
	[ "$status" -eq 1 ]
	[[ "$output" == *"unexpected argument '--colour'"* ]]
	run kith --json company list
	[ "$(echo "$output" | jq -r '.items | length')" = 0 ]
	run kith company show 42
	[ "$status" -eq 2 ]
	[[ "$output" == *"no company 42"* ]]
	run kith company show abc
	[ "$status" -eq 1 ]
	run kith company edit 42
	[ "$status" -eq 1 ]
	run kith company list --sort size
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --sort:"* ]]
}

@test "cli: tags, trash, restore and purge keep contacts" {
	id="$(kith --json company add --name "Trashy" --tag one | jq -r .id)"
	run kith company tag "$id" +two -one
	[ "$status" -eq 0 ]
	[ "$output" = "company #$id tags: two" ]
	cid="$(kith --json contact add --first Ann --last Nowak --company "$id" | jq -r .id)"
	run kith --json company show "$id"
	[ "$(echo "$output" | jq -r .contact_count)" = 1 ]
	[ "$(echo "$output" | jq -r '.contacts[0].name')" = "Ann Nowak" ]
	run kith company show "$id"
	[[ "$output" == *"Ann Nowak"* ]]

	run kith company purge "$id"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not in the trash"* ]]
	run kith company rm "$id"
	[ "$status" -eq 0 ]
	run kith company show "$id"
	[ "$status" -eq 2 ]
	[[ "$output" == *"in the trash"* ]]
	run kith --json company list --trash
	[ "$(echo "$output" | jq -r '.items[0].id')" = "$id" ]
	run kith company restore "$id"
	[ "$status" -eq 0 ]
	run kith company rm "$id"
	run kith company purge "$id"
	[ "$status" -eq 0 ]
	run kith company show "$id" --trash
	[ "$status" -eq 2 ]
	run kith --json contact show "$cid"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .company)" = null ]
}

@test "cli: history lists every change" {
	id="$(kith --json company add --name Audited | jq -r .id)"
	kith company edit "$id" --email a@example.com >/dev/null
	kith company rm "$id" >/dev/null
	kith company restore "$id" >/dev/null
	run kith --json company show "$id" --history
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '[.history[].action] | join(",")')" = "restore,delete,update,create" ]
	[ "$(echo "$output" | jq -r '.history[2].changes.email[1]')" = a@example.com ]
}

@test "cli: a member sees only their own companies" {
	kith_member_token >/dev/null
	kith company add --name "Owner's" >/dev/null
	run kith --as member@example.com --json company add --name "Member's"
	[ "$status" -eq 0 ]
	mine="$(echo "$output" | jq -r .id)"
	[ "$(echo "$output" | jq -r .owner_id)" != null ]
	run kith --as member@example.com --json company list
	[ "$(echo "$output" | jq -r '.items | length')" = 1 ]
	[ "$(echo "$output" | jq -r '.items[0].id')" = "$mine" ]
	run kith --as member@example.com company show 1
	[ "$status" -eq 2 ]
	[[ "$output" == *"no company 1"* ]]
	run kith --as member@example.com company add --name X --owner owner@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --owner:"* ]]
}

@test "api: create, get, patch with If-Match, delete, restore" {
	kith_serve
	api POST /api/v1/companies '{"legal_name":"Acme Sp. z o.o.","tax_id":"PL 1234567890","address":{"city":"Gdańsk","country":"PL"},"tags":["vip"]}' -D "$TMP/h"
	[ "$status_code" = 201 ]
	id="$(echo "$body" | jq -r .id)"
	[ "$(hdr Location)" = "/api/v1/companies/$id" ]
	[ "$(hdr ETag)" = '"1"' ]
	[ "$(echo "$body" | jq -r .address.city)" = Gdańsk ]

	api GET "/api/v1/companies/$id" "" -D "$TMP/h"
	[ "$status_code" = 200 ]
	[ "$(hdr ETag)" = '"1"' ]
	[ "$(echo "$body" | jq -r .legal_name)" = "Acme Sp. z o.o." ]

	api PATCH "/api/v1/companies/$id" '{"email":"hello@acme.pl"}'
	[ "$status_code" = 428 ]
	api PATCH "/api/v1/companies/$id" '{"email":"hello@acme.pl"}' -H 'If-Match: "7"'
	[ "$status_code" = 412 ]
	api PATCH "/api/v1/companies/$id" '{"email":"hello@acme.pl"}' -H 'If-Match: "1"' -D "$TMP/h"
	[ "$status_code" = 200 ]
	[ "$(hdr ETag)" = '"2"' ]
	[ "$(echo "$body" | jq -r .email)" = hello@acme.pl ]
	api PATCH "/api/v1/companies/$id" '{"email":"again@acme.pl"}' -H 'If-Match: "1"'
	[ "$status_code" = 412 ]

	api GET "/api/v1/companies?q=gdansk"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items[0].id')" = "$id" ]
	api GET "/api/v1/companies?tag=VIP&sort=-updated"
	[ "$(echo "$body" | jq -r '.items | length')" = 1 ]

	api DELETE "/api/v1/companies/$id"
	[ "$status_code" = 204 ]
	api GET "/api/v1/companies/$id"
	[ "$status_code" = 410 ]
	api GET "/api/v1/companies/$id?include_deleted=true"
	[ "$status_code" = 200 ]
	api GET "/api/v1/companies?trash=true"
	[ "$(echo "$body" | jq -r '.items[0].id')" = "$id" ]
	api POST "/api/v1/companies/$id/restore"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .deleted_at)" = null ]
	api POST "/api/v1/companies/$id/tags" '{"add":["new"],"remove":["vip"]}'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -c .tags)" = '["new"]' ]
	api GET "/api/v1/companies/$id/history"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '[.items[].action] | join(",")')" = "tag,restore,delete,update,create" ]
}

@test "api: 422 names the field and stores nothing" {
	kith_serve
	api POST /api/v1/companies '{"tax_id":"1"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = legal_name ]
	api POST /api/v1/companies '{"legal_name":"A","website":"not a site"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = website ]
	api POST /api/v1/companies '{"legal_name":"A","address":{"town":"X"}}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = address.town ]
	api POST /api/v1/companies '{"legal_name":"A","colour":"red"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = colour ]
	api POST /api/v1/companies '{"legal_name":"A","owner_id":999}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = owner_id ]
	api GET "/api/v1/companies?limit=0"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = limit ]
	api GET "/api/v1/companies?updated_since=yesterday"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = updated_since ]
	api GET "/api/v1/companies?trash=maybe"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = trash ]
	api GET /api/v1/companies
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
}

@test "api: a member gets 404 for companies they do not own; purge is for admins" {
	kith_serve
	member="$(kith_member_token)"
	api POST /api/v1/companies '{"legal_name":"Owned by owner"}'
	id="$(echo "$body" | jq -r .id)"
	AUTH_TOKEN="$member" api GET "/api/v1/companies/$id"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api PATCH "/api/v1/companies/$id" '{"notes":"x"}' -H 'If-Match: "1"'
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api DELETE "/api/v1/companies/$id"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET "/api/v1/companies/$id/contacts"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET "/api/v1/companies/$id/history"
	[ "$status_code" = 404 ]
	AUTH_TOKEN="$member" api GET /api/v1/companies
	[ "$(echo "$body" | jq -r '.items | length')" = 0 ]
	AUTH_TOKEN="$member" api POST /api/v1/companies '{"legal_name":"Mine"}'
	[ "$status_code" = 201 ]
	mine="$(echo "$body" | jq -r .id)"
	AUTH_TOKEN="$member" api DELETE "/api/v1/companies/$mine"
	[ "$status_code" = 204 ]
	AUTH_TOKEN="$member" api POST "/api/v1/companies/$mine/purge"
	[ "$status_code" = 403 ]
	api POST "/api/v1/companies/$mine/purge"
	[ "$status_code" = 204 ]
	api GET "/api/v1/companies/$mine?include_deleted=true"
	[ "$status_code" = 404 ]
}

@test "api: a company's contacts, paginated; purge unlinks them" {
	kith_serve
	api POST /api/v1/companies '{"legal_name":"Contacts Inc"}'
	id="$(echo "$body" | jq -r .id)"
	for n in Ann Bob Cyd; do
		api POST /api/v1/contacts "{\"first_name\":\"$n\",\"last_name\":\"X\",\"company_id\":$id}"
		[ "$status_code" = 201 ]
	done
	api GET "/api/v1/companies/$id/contacts?limit=2"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '.items | length')" = 2 ]
	next="$(echo "$body" | jq -r .next)"
	api GET "/api/v1/companies/$id/contacts?limit=2&cursor=$next"
	[ "$(echo "$body" | jq -r '.items | length')" = 1 ]
	[ "$(echo "$body" | jq -r .next)" = null ]
	api GET "/api/v1/companies/$id"
	[ "$(echo "$body" | jq -r .contact_count)" = 3 ]
	api DELETE "/api/v1/companies/$id"
	api POST "/api/v1/companies/$id/purge"
	[ "$status_code" = 204 ]
	api GET "/api/v1/contacts?q=ann"
	[ "$(echo "$body" | jq -r '.items[0].company')" = null ]
}

@test "company show --history lists who changed which fields from what to what" {
	kith company add --name "Historia Sp. z o.o." >/dev/null
	kith company edit 1 --city "Gdańsk" >/dev/null
	kith company edit 1 --city "Sopot" --name "Historia S.A." >/dev/null
	run kith company show 1 --history
	[ "$status" -eq 0 ]
	[[ "$output" == *"history:"* ]]
	echo "$output" | grep -Eq 'owner@example.com +update +legal_name: Historia Sp. z o.o. -> Historia S.A.; address.city: Gdańsk -> Sopot$'
	echo "$output" | grep -Eq 'owner@example.com +update +address.city: \(none\) -> Gdańsk$'
	echo "$output" | grep -Eq 'owner@example.com +create +legal_name: \(none\) -> Historia Sp. z o.o.; owner_id: \(none\) -> 1$'
	kith_serve
	api GET /api/v1/companies/1/history
	[ "$(echo "$body" | jq -c '.items[1].fields')" = '[{"field":"address.city","from":null,"to":"Gdańsk"}]' ]
}

@test "cli: company edit --tag adds, --untag removes, --set-tags replaces" {
	kith company add --name Acme --tag a --tag b >/dev/null
	run kith --json company edit 1 --tag c --city Kraków
	[ "$(echo "$output" | jq -c '.tags | sort')" = '["a","b","c"]' ]
	run kith --json company edit 1 --untag A
	[ "$(echo "$output" | jq -c '.tags | sort')" = '["b","c"]' ]
	run kith --json company edit 1 --set-tags x
	[ "$(echo "$output" | jq -c '.tags')" = '["x"]' ]
}

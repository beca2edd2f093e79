#!/usr/bin/env bats
# search.bats - search finds digits inside phone numbers and notes, ranks
# longer queries best match first, and adding a namesake at the same
# company warns without refusing.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "cli: 4 or more digits from anywhere in a number, and notes, are found" {
	kith contact add --first Jan --last Nowak --phone "601 234 567" --notes "Met at the Poznań fair" >/dev/null
	kith contact add --first Ayşe --phone "+90 532 987 65 43" --notes "Işık Holding'den" >/dev/null
	kith contact add --first สมชาย --phone "+66 81 555 0000" --notes "ลูกค้าบริษัทตัวอย่างจำกัด" >/dev/null
	run kith --json contact search 2345
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '[.items[].first_name] | join(",")')" = Jan ]
	run kith --json contact search "234 567"
	[ "$(echo "$output" | jq -r '[.items[].first_name] | join(",")')" = Jan ]
	run kith --json contact search 9876
	[ "$(echo "$output" | jq -r '[.items[].first_name] | join(",")')" = Ayşe ]
	run kith --json contact search poznan
	[ "$(echo "$output" | jq -r '[.items[].first_name] | join(",")')" = Jan ]
	run kith --json contact search ışık
	[ "$(echo "$output" | jq -r '[.items[].first_name] | join(",")')" = Ayşe ]
	run kith --json contact search ตัวอย่าง
	[ "$(echo "$output" | jq -r '[.items[].first_name] | join(",")')" = สมชาย ]
	kith company add --name "Globex" --phone "22 123 45 67" --notes "Ürün kataloğu" >/dev/null
	run kith --json company search katalogu
	[ "$(echo "$output" | jq -r '[.items[].legal_name] | join(",")')" = Globex ]
	run kith --json company search 4567
	[ "$(echo "$output" | jq -r '[.items[].legal_name] | join(",")')" = Globex ]
}

@test "api: a longer query comes best match first, a short prefix in creation order" {
	kith contact add --first Ewa --last Zielińska --notes "Her colleague Kowalski called about the fair, three offers and the spring delivery dates" >/dev/null
	kith contact add --first Jan --last Kowalski >/dev/null
	kith_serve
	api GET "/api/v1/contacts?q=kowalski"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '[.items[].first_name] | join(",")')" = "Jan,Ewa" ]
	api GET "/api/v1/contacts?q=kow"
	[ "$(echo "$body" | jq -r '[.items[].first_name] | join(",")')" = "Ewa,Jan" ]
	# pages of a ranked search
	api GET "/api/v1/contacts?q=kowalski&limit=1"
	[ "$(echo "$body" | jq -r '.items[0].first_name')" = Jan ]
	next="$(echo "$body" | jq -r .next)"
	api GET "/api/v1/contacts?q=kowalski&limit=1&cursor=$next"
	[ "$(echo "$body" | jq -r '.items[0].first_name')" = Ewa ]
	[ "$(echo "$body" | jq -r .next)" = null ]
}

@test "cli: a namesake at the same company is a warning on stderr, and is added" {
	kith company add --name Acme >/dev/null
	kith contact add --first Jan --last Kowalski --company 1 >/dev/null
	run kith contact add --first jan --last KOWALSKI --company 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"kith: warning: a contact with this name already works at Acme: #1 Jan Kowalski"* ]]
	[[ "$output" == *"added contact #2"* ]]
	# the warning is on stderr: stdout is the JSON alone
	json="$(kith --json contact add --first Jan --last Kowalski --company 1 2>"$TMP/err")"
	[ "$(echo "$json" | jq -r .id)" = 3 ]
	grep -q "kith: warning: a contact with this name already works at Acme" "$TMP/err"
	# another company or none: quiet
	kith company add --name Globex >/dev/null
	run kith contact add --first Jan --last Kowalski --company 2
	[[ "$output" != *warning* ]]
	run kith contact add --first Jan --last Kowalski
	[[ "$output" != *warning* ]]
}

@test "api: a namesake at the same company comes back in warnings of the 201" {
	kith company add --name Acme >/dev/null
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Jan","last_name":"Kowalski","company_id":1}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r 'has("warnings")')" = false ]
	api POST /api/v1/contacts '{"first_name":"Jan","last_name":"Kowalski","company_id":1}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq -r '.warnings[0] | [.code, .field, (.existing_id|tostring)] | join(",")')" = "same_name,first_name,1" ]
	[[ "$(echo "$body" | jq -r '.warnings[0].message')" == "a contact with this name already works at Acme: #1 Jan Kowalski" ]]
	id="$(echo "$body" | jq -r .id)"
	api GET "/api/v1/contacts/$id"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r 'has("warnings")')" = false ]
}

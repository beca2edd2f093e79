#!/usr/bin/env bats
# reassign.bats - kith reassign and POST /api/v1/reassign against the real binary.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "cli: a departed colleague's records move to another, with exit codes for bad input" {
	kith_member_token ann@example.com >/dev/null
	kith_member_token bob@example.com >/dev/null
	kith --as ann@example.com contact add --first Ola >/dev/null
	kith --as ann@example.com deal add --title Deal >/dev/null
	run kith reassign --from ann@example.com --to bob@example.com --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq .contacts)" -eq 1 ]
	[ "$(echo "$output" | jq .deals)" -eq 1 ]
	run kith --as bob@example.com contact list --json
	[ "$(echo "$output" | jq '.items | length')" -eq 1 ]
	run kith reassign --from ann@example.com
	[ "$status" -eq 1 ]
	run kith reassign --from ann@example.com --to ann@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --to: "* ]]
	run kith --as bob@example.com reassign --from ann@example.com --to bob@example.com
	[ "$status" -eq 2 ]
	run kith reassign --help
	[ "$status" -eq 0 ]
}

@test "api: owners reassign, members get 403, bad input is 422/404 naming the field" {
	kith_member_token ann@example.com >/dev/null
	member="$(kith_member_token bob@example.com)"
	kith --as ann@example.com contact add --first Ola >/dev/null
	kith_serve
	api POST /api/v1/reassign '{"from": "ann@example.com", "to": "bob@example.com"}'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq .contacts)" -eq 1 ]
	api POST /api/v1/reassign '{"from": "ann@example.com"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = to ]
	api POST /api/v1/reassign '{"from": "ghost@example.com", "to": "bob@example.com"}'
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = from ]
	api POST /api/v1/reassign '{"from": "ann@example.com", "to": "bob@example.com", "x": 1}'
	[ "$status_code" = 422 ]
	AUTH_TOKEN="$member" api POST /api/v1/reassign '{"from": "ann@example.com", "to": "bob@example.com"}'
	[ "$status_code" = 403 ]
}

#!/usr/bin/env bats
# user.bats - users (issue 7): disabling and re-enabling a user (CLI and
# API), what a disabled user can no longer do, the user list for members
# and admins, sharing by email through the API.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

user_id() {
	kith user list --json | jq ".[] | select(.email == \"$1\") | .id"
}

@test "cli: user disable/enable; a disabled user keeps their records but cannot act" {
	M_TOKEN="$(kith_member_token m@example.com)"
	kith_serve
	local c shared
	c="$(kith --as m@example.com contact add --first Ola --json | jq .id)"
	shared="$(kith contact add --first Shared --json | jq .id)"
	kith contact share "$shared" --with m@example.com >/dev/null
	AUTH_TOKEN="$M_TOKEN" api GET /api/v1/me
	[ "$status_code" = 200 ]
	run kith user disable m@example.com
	[ "$status" -eq 0 ]
	[[ "$output" == "user m@example.com disabled: their tokens no longer work"* ]]
	# at once: the running server answers 401
	AUTH_TOKEN="$M_TOKEN" api GET /api/v1/me
	[ "$status_code" = 401 ]
	run kith --as m@example.com contact list
	[ "$status" -eq 2 ]
	[[ "$output" == *"no active user with email m@example.com"* ]]
	run kith token create --user m@example.com
	[ "$status" -eq 2 ]
	# their records and history stay
	[ "$(kith contact show "$c" --json | jq .owner_id)" = "$(user_id m@example.com)" ]
	run kith contact show "$c" --history
	[[ "$output" == *create* ]]
	# nobody can assign to or share with them
	local mine
	mine="$(kith contact add --first Other --json | jq .id)"
	run kith contact edit "$mine" --owner m@example.com
	[ "$status" -eq 2 ]
	run kith contact share "$mine" --with m@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --with: "* ]]
	# the shares they had stay until someone removes them
	[ "$(kith contact collaborators "$shared" --json | jq -r '.[0].disabled')" = true ]
	run kith contact unshare "$shared" --with m@example.com
	[ "$status" -eq 0 ]
	# the list shows the state
	run kith user list
	[ "$status" -eq 0 ]
	[[ "$(grep m@example.com <<<"$output")" == *"member"*"disabled since 20"* ]]
	[[ "$(grep owner@example.com <<<"$output")" == *"owner"*"active"* ]]
	[ "$(kith user list --json | jq '.[] | select(.email == "m@example.com") | .disabled')" = true ]
	run kith user disable m@example.com
	[ "$output" = "user m@example.com is disabled already" ]
	# handing their records on
	echo 'member-password' | kith user add --email n@example.com --name N --password-stdin >/dev/null
	run kith reassign --from m@example.com --to n@example.com
	[ "$status" -eq 0 ]
	[ "$(kith contact show "$c" --json | jq .owner_id)" = "$(user_id n@example.com)" ]
	run kith reassign --from n@example.com --to m@example.com
	[ "$status" -eq 2 ]
	# re-enabled: the same token works again
	run kith user enable m@example.com
	[ "$status" -eq 0 ]
	[ "$output" = "user m@example.com enabled" ]
	AUTH_TOKEN="$M_TOKEN" api GET /api/v1/me
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq .disabled)" = false ]
	run kith --as m@example.com contact list
	[ "$status" -eq 0 ]
	run kith user enable m@example.com
	[ "$output" = "user m@example.com is active already" ]
}

@test "a running server's thread refuses a token at once when it is revoked or its user disabled" {
	# one server thread: every request below meets the same remembered
	# verification (token_check_memo), which must never outlive a change
	M_TOKEN="$(kith_member_token m@example.com)"
	kith_serve --threads 1
	local c mid tid
	c="$(kith --as m@example.com contact add --first Ola --json | jq .id)"
	mid="$(user_id m@example.com)"
	for _ in 1 2 3; do
		AUTH_TOKEN="$M_TOKEN" api GET "/api/v1/contacts/$c"
		[ "$status_code" = 200 ]
	done
	# disabled through the API: a commit on the same thread's connection
	api POST "/api/v1/users/$mid/disable"
	[ "$status_code" = 200 ]
	AUTH_TOKEN="$M_TOKEN" api GET "/api/v1/contacts/$c"
	[ "$status_code" = 401 ]
	api POST "/api/v1/users/$mid/enable"
	[ "$status_code" = 200 ]
	AUTH_TOKEN="$M_TOKEN" api GET "/api/v1/contacts/$c"
	[ "$status_code" = 200 ]
	# disabled by another process (the CLI)
	kith user disable m@example.com >/dev/null
	AUTH_TOKEN="$M_TOKEN" api GET "/api/v1/contacts/$c"
	[ "$status_code" = 401 ]
	AUTH_TOKEN="$M_TOKEN" api GET /api/v1/me
	[ "$status_code" = 401 ]
	kith user enable m@example.com >/dev/null
	AUTH_TOKEN="$M_TOKEN" api GET "/api/v1/contacts/$c"
	[ "$status_code" = 200 ]
	# revoked by the CLI
	tid="$(kith token list --json | jq '.[] | select(.user_email == "m@example.com") | .id')"
	kith token revoke "$tid" >/dev/null
	AUTH_TOKEN="$M_TOKEN" api GET "/api/v1/contacts/$c"
	[ "$status_code" = 401 ]
	AUTH_TOKEN="$M_TOKEN" api POST /api/v1/contacts '{"first_name": "X"}'
	[ "$status_code" = 401 ]
	# the owner's token, checked in between, still works
	api GET "/api/v1/contacts/$c"
	[ "$status_code" = 200 ]
}

@test "cli: who may disable whom; the last active owner stays; bad input" {
	kith_member_token m@example.com >/dev/null
	echo 'admin-password' | kith user add --email ad@example.com --name Ad --role admin \
		--password-stdin >/dev/null
	# a member's list: whom they may assign and share with, no roles or states
	run kith --as m@example.com user list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +EMAIL\ +NAME$ ]]
	[ "$(kith --as m@example.com user list --json | jq -c '[.[] | keys] | unique')" = '[["email","id","name"]]' ]
	run kith user disable owner@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"last active owner"* ]]
	run kith --as ad@example.com user disable owner@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"only an owner may disable an owner"* ]]
	run kith --as m@example.com user disable ad@example.com
	[ "$status" -eq 2 ]
	run kith --as ad@example.com user disable ad@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"yourself"* ]]
	run kith --as ad@example.com user disable m@example.com
	[ "$status" -eq 0 ]
	run kith user disable ghost@example.com
	[ "$status" -eq 2 ]
	[ "$output" = "kith: EMAIL: no user with email ghost@example.com" ]
	run kith user disable
	[ "$status" -eq 1 ]
	run kith user disable m@example.com extra
	[ "$status" -eq 1 ]
	run kith user enable --bogus
	[ "$status" -eq 1 ]
	run kith user disable --help
	[ "$status" -eq 0 ]
	# a second owner: one of the two may go, the other then stays
	echo 'owner2-password' | kith user add --email o2@example.com --name O2 --role owner \
		--password-stdin >/dev/null
	run kith --as o2@example.com user disable owner@example.com
	[ "$status" -eq 0 ]
	run kith user disable o2@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"last active owner"* ]]
	[ "$(kith user list --json | jq '[.[] | select(.disabled)] | length')" = 2 ]
}

@test "api: users list for members and admins, disable/enable, share by email" {
	M_TOKEN="$(kith_member_token m@example.com)"
	G_TOKEN="$(kith_member_token gone@example.com)"
	kith_serve
	local m gone owner
	m="$(user_id m@example.com)"
	gone="$(user_id gone@example.com)"
	owner="$(user_id owner@example.com)"
	api POST "/api/v1/users/$gone/disable"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq .disabled)" = true ]
	[ "$(echo "$body" | jq -r .disabled_at)" != null ]
	AUTH_TOKEN="$G_TOKEN" api GET /api/v1/users
	[ "$status_code" = 401 ]
	# a member: active users, id, name and email only
	AUTH_TOKEN="$M_TOKEN" api GET /api/v1/users
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r '[.items[].email] | join(" ")')" = "owner@example.com m@example.com" ]
	[ "$(echo "$body" | jq -c '[.items[] | keys] | unique')" = '[["email","id","name"]]' ]
	[ "$(echo "$body" | jq .next)" = null ]
	# an owner: everyone, with role, state and creation
	api GET /api/v1/users
	[ "$(echo "$body" | jq '.items | length')" = 3 ]
	[ "$(echo "$body" | jq -r ".items[] | select(.id == $gone) | [.role, .disabled] | join(\" \")")" = "member true" ]
	[ "$(echo "$body" | jq -r '.items[0].created_at')" != null ]
	api GET '/api/v1/users?limit=5'
	[ "$status_code" = 422 ]
	# enable again: their token works
	api POST "/api/v1/users/$gone/enable"
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq .disabled)" = false ]
	AUTH_TOKEN="$G_TOKEN" api GET /api/v1/me
	[ "$status_code" = 200 ]
	# refusals
	AUTH_TOKEN="$M_TOKEN" api POST "/api/v1/users/$gone/disable"
	[ "$status_code" = 403 ]
	api POST "/api/v1/users/$owner/disable"
	[ "$status_code" = 409 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = id ]
	[[ "$(echo "$body" | jq -r .detail)" == *"last active owner"* ]]
	api POST /api/v1/users/999/disable
	[ "$status_code" = 404 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = id ]
	api POST /api/v1/users/abc/enable
	[ "$status_code" = 404 ]
	# sharing by email (or user_id, not both)
	local c
	c="$(kith contact add --first Ola --json | jq .id)"
	api POST "/api/v1/contacts/$c/collaborators" '{"email": "M@example.com"}'
	[ "$status_code" = 201 ]
	[ "$(echo "$body" | jq .user_id)" = "$m" ]
	api POST "/api/v1/contacts/$c/collaborators" '{"email": "m@example.com"}'
	[ "$status_code" = 200 ]
	api POST "/api/v1/contacts/$c/collaborators" "{\"email\": \"m@example.com\", \"user_id\": $m}"
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = email ]
	api POST "/api/v1/contacts/$c/collaborators" '{"email": "ghost@example.com"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = email ]
	api POST "/api/v1/contacts/$c/collaborators" '{"email": 5}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = email ]
	api POST "/api/v1/users/$gone/disable"
	api POST "/api/v1/contacts/$c/collaborators" '{"email": "gone@example.com"}'
	[ "$status_code" = 422 ]
	[[ "$(echo "$body" | jq -r .detail)" == *"no active user"* ]]
	api POST "/api/v1/contacts/999/collaborators" '{"email": "m@example.com"}'
	[ "$status_code" = 404 ]
}

#!/usr/bin/env bats
# list_all.bats - --all walks every page and prints each as it comes: one
# table header and every row exactly once, --json one valid object whose
# "items" array holds every record once (the same bytes as one page of
# everything), for contacts, deals and tasks (names filled in per page) and
# the timeline (with last_contacted_at after "next").

bats_require_minimum_version 1.5.0
load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "cli: contact list --all across pages prints every row once, table and JSON" {
	for n in Al Bartholomew Cy Dorotheus Ed Fryderyka Gu; do
		kith contact add --first "$n" >/dev/null
	done
	run --separate-stderr kith contact list --limit 2 --all
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(echo "$output" | grep -c '^ID ')" = 1 ] # one header
	[ "$(echo "$output" | head -1 | cut -c1-2)" = ID ]
	[ "$(echo "$output" | grep -c '^[0-9]')" = 7 ]
	for n in Al Bartholomew Cy Dorotheus Ed Fryderyka Gu; do
		[ "$(echo "$output" | grep -c "^[0-9]* *$n ")" = 1 ] || { echo "$n"; false; }
	done
	# the rows are those of one page of everything (widths aside)
	[ "$(echo "$output" | tr -s ' ')" = "$(kith contact list | tr -s ' ')" ]

	run --separate-stderr kith --json contact list --limit 2 --all
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	echo "$output" | jq -e '.items | type == "array"' >/dev/null
	[ "$(echo "$output" | jq -c '[.items[].id]')" = '[1,2,3,4,5,6,7]' ]
	[ "$(echo "$output" | jq '[.items[].id] | unique | length')" = 7 ]
	[ "$(echo "$output" | jq .next)" = null ]
	# byte for byte what a single page holding everything prints
	[ "$output" = "$(kith --json contact list)" ]
	[ "$output" = "$(kith --json contact list --limit 1 --all)" ]
}

@test "cli: --all from a --cursor reads the rest, and an empty list is one empty array" {
	for n in 1 2 3 4 5; do kith contact add --first "P$n" >/dev/null; done
	run --separate-stderr kith contact list --limit 2
	cursor="$(echo "$stderr" | sed 's/.*--cursor \([^ ]*\).*/\1/')"
	run --separate-stderr kith --json contact list --limit 2 --cursor "$cursor" --all
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c '[.items[].first_name]')" = '["P3","P4","P5"]' ]
	run kith --json contact list --trash --limit 2 --all
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c .)" = '{"items":[],"next":null}' ]
	[ "$output" = "$(kith --json contact list --trash)" ]
	run kith contact list --trash --all
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | wc -l)" = 1 ] # the header alone
}

@test "cli: deal and task lists --all fill in names on every page" {
	kith company add --name Acme >/dev/null
	kith contact add --first Zofia --company 1 >/dev/null
	for n in 1 2 3 4 5; do
		kith deal add --title "D$n" --contact 1 >/dev/null
		kith task add --title "T$n" --contact 1 >/dev/null
	done
	run --separate-stderr kith deal list --limit 2 --all
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^[0-9]')" = 5 ]
	[ "$(echo "$output" | grep -c 'Zofia')" = 5 ] # names on pages 2 and 3 too
	[ "$(echo "$output" | tr -s ' ')" = "$(kith deal list | tr -s ' ')" ]
	run --separate-stderr kith --json deal list --limit 2 --all
	[ "$(echo "$output" | jq -c '[.items[].title] | sort')" = '["D1","D2","D3","D4","D5"]' ]
	run --separate-stderr kith task list --limit 2 --all
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'Zofia')" = 5 ]
	[ "$(echo "$output" | tr -s ' ')" = "$(kith task list | tr -s ' ')" ]
	run --separate-stderr kith --json task list --limit 3 --all
	[ "$(echo "$output" | jq '.items | length')" = 5 ]
	[ "$output" = "$(kith --json task list)" ]
}

@test "cli: timeline --all streams its pages with last_contacted_at after next" {
	kith contact add --first Ann >/dev/null
	for n in 1 2 3 4 5; do kith log add --contact 1 --kind call --subject "n$n" >/dev/null; done
	run --separate-stderr kith --json timeline contact 1 --limit 2 --all
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c '[.items[].activity.subject] | sort')" = '["n1","n2","n3","n4","n5"]' ]
	[ "$(echo "$output" | jq -c 'keys_unsorted')" = '["items","next","last_contacted_at"]' ]
	[ "$(echo "$output" | jq -r .last_contacted_at)" != null ]
	[ "$output" = "$(kith --json timeline contact 1)" ]
	run --separate-stderr kith timeline contact 1 --limit 2 --all
	[ "$(echo "$output" | grep -c '^AT ')" = 1 ]
	[ "$(echo "$output" | grep -c ' call ')" = 5 ]
	[[ "$(echo "$output" | tail -1)" == "last contacted: "* ]]
}

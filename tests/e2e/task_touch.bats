#!/usr/bin/env bats
# task_touch.bats - completing a call, email or meeting task logs the touch:
# an activity of that kind linked to the same record, with the outcome, so
# the contact's last contacted and timeline show it.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "cli: task done --outcome logs the call; last contacted and the timeline show it" {
	kith contact add --first Ann --last Kowalska >/dev/null
	run kith contact show 1
	[[ "$output" == *"last_contacted"*"never"* ]]
	kith task add --title "Call Ann about the offer" --type call --contact 1 >/dev/null
	run kith task done 1 --outcome "agreed to meet" --note "wants the offer by Friday"
	[ "$status" -eq 0 ]
	[[ "$output" == *"task #1 done"*"logged activity #1"* ]]
	done_at="$(kith --json task show 1 | jq -r .done_at)"
	[ "$(kith --json contact show 1 | jq -r .last_contacted_at)" = "$done_at" ]
	run kith --json timeline contact 1
	[ "$(echo "$output" | jq -r .last_contacted_at)" = "$done_at" ]
	[ "$(echo "$output" | jq -r '[.items[] | select(.type == "activity") | .activity | .kind, .subject, .outcome, .body] | join("|")')" = \
		"call|Call Ann about the offer|agreed to meet|wants the offer by Friday" ]
	run kith timeline contact 1
	[[ "$output" == *"Call Ann about the offer"* ]]

	# a todo logs nothing and names the option when given an outcome
	kith task add --title "Tidy the files" --contact 1 >/dev/null
	run kith task done 2 --outcome "tidied"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --outcome: is recorded on the activity of a call, email or meeting task"* ]]
	# a note the activity cannot hold names --note, the option typed
	kith task add --title "Call Ann again" --type call --contact 1 >/dev/null
	run kith task done 3 --note "$(head -c 70000 /dev/zero | tr '\0' x)"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --note: must be at most 65536 bytes" ]]
	[ "$(kith --json task show 3 | jq -r .status)" = open ]
	run kith --json task done 2
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .activity_id)" = null ]
	[ "$(kith --json log list | jq '.items | length')" = 1 ]
}

@test "api: POST done with an outcome logs the touch; without a body it still works" {
	kith contact add --first Ann >/dev/null
	kith contact add --first Bob >/dev/null
	kith_serve
	api POST /api/v1/tasks '{"title":"Meet Ann","type":"meeting","contact_id":1}'
	[ "$status_code" = 201 ]
	api POST /api/v1/tasks/1/done '{"outcome":"signed"}'
	[ "$status_code" = 200 ]
	[ "$(echo "$body" | jq -r .status)" = done ]
	activity="$(echo "$body" | jq -r .activity_id)"
	[ "$activity" -gt 0 ]
	done_at="$(echo "$body" | jq -r .done_at)"
	api GET "/api/v1/activities/$activity"
	[ "$(echo "$body" | jq -r '[.kind, .outcome, (.contact_id|tostring), .occurred_at] | join("|")')" = "meeting|signed|1|$done_at" ]
	api GET /api/v1/contacts/1/timeline
	[ "$(echo "$body" | jq -r .last_contacted_at)" = "$done_at" ]
	[ "$(echo "$body" | jq -r '[.items[].type] | index("activity") != null')" = true ]
	api GET /api/v1/contacts/1
	[ "$(echo "$body" | jq -r .last_contacted_at)" = "$done_at" ]

	# no body: an email is logged without an outcome
	api POST /api/v1/tasks '{"title":"Mail Bob","type":"email","contact_id":2}'
	api POST /api/v1/tasks/2/done
	[ "$status_code" = 200 ]
	api GET "/api/v1/activities/$(echo "$body" | jq -r .activity_id)"
	[ "$(echo "$body" | jq -r '[.kind, (.outcome|tostring)] | join("|")')" = "email|null" ]

	# bad bodies name the field, store nothing and leave the task open
	api POST /api/v1/tasks '{"title":"Call Bob","type":"call","contact_id":2}'
	api POST /api/v1/tasks/3/done '{"outcome":5}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = outcome ]
	api POST /api/v1/tasks/3/done '{"result":"x"}'
	[ "$status_code" = 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = result ]
	[[ "$(echo "$body" | jq -r .detail)" != *"--"* ]]
	api GET /api/v1/tasks/3
	[ "$(echo "$body" | jq -r .status)" = open ]
	api GET /api/v1/activities
	[ "$(echo "$body" | jq '.items | length')" = 2 ]
}

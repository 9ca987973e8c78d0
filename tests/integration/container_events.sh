#!/usr/bin/env bash
# docker events without a daemon: berth processes and shims append to the
# event log; `berth events` prints docker's lines or --format, filters by
# type, event, container, image and label, replays from --since, stops at
# --until, and follows the log live.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers stop_follower)
follower=""
stop_follower() { [ -z "$follower" ] || { kill "$follower" 2>/dev/null; wait "$follower" 2>/dev/null; } || true; }

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest
start=$(date +%s)

# A follower started before anything happens sees events as they come.
"$BERTH" events --filter type=container --format '{{.Action}} {{.Actor.Attributes.name}}' >"$TEST_DIR/live" 2>&1 &
follower=$!
sleep 0.5

expect_status 3 "a container's life" -- b run --name one --label team=blue busybox sh -c 'exit 3'
expect_status 0 "a second one, paused and stopped" -- b run -d --name two busybox sleep 100
b pause two >/dev/null && b unpause two >/dev/null
b exec two true
b rename two second
b stop -t 0 second >/dev/null
b rm one second >/dev/null
b tag busybox:latest extra:1 && b rmi extra:1 >/dev/null
end=$(( $(date +%s) + 1 ))
sleep 0.5

events=$(b events --since "$start" --until "$end")
expect_contains "$events" "container create " "create"
expect_contains "$events" "container start " "start"
expect_contains "$events" "container die " "die, written by the shim"
expect_contains "$events" "exitCode=3" "with the exit code"
expect_contains "$events" "team=blue" "labels are attributes"
expect_contains "$events" "container pause " "pause"
expect_contains "$events" "container unpause " "unpause"
expect_contains "$events" "container exec_start: true " "exec, named by its command"
expect_contains "$events" "oldName=/two" "rename"
expect_contains "$events" "container kill " "stop sends a kill"
expect_contains "$events" "container stop " "stop"
expect_contains "$events" "container destroy " "destroy"
expect_contains "$events" "image tag sha256:" "image tag"
expect_contains "$events" "(name=extra:1)" "naming the new tag"
expect_contains "$events" "image untag docker.io/library/extra:1" "image untag"
first=$(echo "$events" | grep " container create " | head -1)
expect_eq "$(echo "$first" | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2}) container create [0-9a-f]{64} \(image=busybox, name=one, team=blue\)$')" \
  "1" "docker's line: time, type, action, id, sorted attributes"

expect_eq "$(b events --since "$start" --until "$end" --filter container=one --format '{{.Action}}' | tr '\n' ' ')" \
  "create start die destroy " "--filter container= and --format"
expect_eq "$(b events --since "$start" --until "$end" --filter event=die --format '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}' | tr '\n' ' ')" \
  "one 3 second 137 " "--filter event=die"
expect_eq "$(b events --since "$start" --until "$end" --filter label=team=blue --filter event=create --format '{{.Actor.Attributes.name}}')" \
  "one" "filters of different keys all apply"
json=$(b events --since "$start" --until "$end" --filter event=create --format json | sed -n 1p)
expect_eq "$(echo "$json" | jq -r '.Type + " " + .Action + " " + .status + " " + .from')" "container create create busybox" \
  "--format json has docker's fields"
expect_eq "$(b events --since "$end" --until "$end" | wc -l)" "0" "nothing outside the window"

stop_follower
live=$(cat "$TEST_DIR/live")
expect_contains "$live" "create one" "the follower saw the create as it happened"
expect_contains "$live" "die one" "and the die"
expect_contains "$live" "destroy second" "and the last destroy"

# The die event carries the labels too (the shim writes it), and each
# health change, volume, image save/load and prune is an event.
mark=$(date +%s.%N)
b run --name labelled --label team=red --label 'note=say "hi"' busybox true
b run -d --name probed --health-cmd true --health-interval 200ms busybox sleep 100 >/dev/null
for _ in $(seq 50); do [ "$(b inspect -f '{{.State.Health.Status}}' probed)" = healthy ] && break; sleep 0.1; done
b volume create named-vol >/dev/null && b volume rm named-vol >/dev/null
b volume create pruned-vol >/dev/null && b volume prune -af >/dev/null
b save -o "$TEST_DIR/saved.tar" busybox && b load -i "$TEST_DIR/saved.tar" >/dev/null
b rm -f probed >/dev/null && b container prune -f >/dev/null && b image prune -f >/dev/null
until_now=$(( $(date +%s) + 1 ))
sleep 0.3
tail_events() { b events --since "$mark" --until "$until_now" "$@"; }
expect_eq "$(tail_events --filter event=die --filter container=labelled --format '{{.Actor.Attributes.team}}|{{.Actor.Attributes.note}}|{{.Actor.Attributes.exitCode}}')" \
  'red|say "hi"|0' "die has the container's labels"
expect_eq "$(tail_events --filter event=health_status --format '{{.Action}} {{.Actor.Attributes.name}}')" \
  "health_status: healthy probed" "a health change is an event (--filter event=health_status matches its prefix)"
image_id=$(b image inspect -f '{{.Id}}' busybox)
expect_eq "$(tail_events --filter type=volume --format '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.driver}}' | tr '\n' ',')" \
  "create named-vol local,destroy named-vol local,create pruned-vol local,destroy pruned-vol local,prune  <no value>," \
  "volume create, destroy and prune"
expect_eq "$(tail_events --filter type=image --filter event=save --filter event=load --format '{{.Action}} {{.Actor.ID}}' | tr '\n' ',')" \
  "save $image_id,load $image_id," "image save and load name the image by id"
expect_eq "$(tail_events --filter event=prune --format '{{.Type}}' | sort | tr '\n' ' ')" "container image volume " \
  "every prune is an event"
expect_contains "$(tail_events --filter event=prune --filter type=container --format '{{json .Actor.Attributes}}')" '"reclaimed":' \
  "with the space it reclaimed"

expect_status 1 "an unknown filter" -- b events --filter bogus=1 --until "$end"
expect_contains "$(last_err)" "invalid filter 'bogus'" "names it"
expect_status 1 "a bad timestamp" -- b events --since yesterday
expect_contains "$(last_err)" "failed to parse value as time or duration" "names the problem"
expect_status 1 "--since after --until" -- b events --since "$end" --until "$start"

finish

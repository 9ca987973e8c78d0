#!/usr/bin/env bash
# All six OCI hook kinds run, in lifecycle order, each with the container
# state on stdin: prestart, createRuntime, createContainer (create),
# startContainer, poststart (start), poststop (delete).
source "$(dirname "$0")/lib.sh"

log=$TEST_DIR/log
mkdir -p "$log"

# hooked_bundle DIR: the log dir is bind-mounted at the same path inside the
# container, so hooks in either mount namespace write to the same host file.
hooked_bundle() {
  local bundle=$1
  make_bundle "$bundle" true
  edit_config "$bundle" '
    def hook(stage): {"path": "/bin/sh", "env": ["PATH=/usr/bin:/bin"],
      "args": ["sh", "-c", "echo \(stage) >> \($log)/order; cat > \($log)/\(stage).json"]};
    .root.readonly = false
    | .mounts += [{"destination": $log, "source": $log, "type": "bind", "options": ["rbind", "rw"]}]
    | .hooks = {"prestart": [hook("prestart")], "createRuntime": [hook("createRuntime")],
        "createContainer": [hook("createContainer")], "startContainer": [hook("startContainer")],
        "poststart": [hook("poststart")], "poststop": [hook("poststop")]}' --arg log "$log"
}

order() { tr '\n' ' ' <"$log/order" 2>/dev/null | sed 's/ $//'; }

bundle=$TEST_DIR/bundle
hooked_bundle "$bundle"

expect_status 0 "create runs the creation hooks" -- rt create --bundle "$bundle" hooked
expect_eq "$(order)" "prestart createRuntime createContainer" "prestart, createRuntime, createContainer in order at create"
expect_eq "$(jq -r .id "$log/prestart.json" 2>/dev/null)" hooked "prestart hook gets the state's id on stdin"
expect_eq "$(jq -r .bundle "$log/prestart.json" 2>/dev/null)" "$bundle" "prestart hook gets the bundle path on stdin"
expect_eq "$(jq -r .status "$log/createRuntime.json" 2>/dev/null)" creating "createRuntime sees status creating"
pid=$(jq -r .pid "$log/createContainer.json" 2>/dev/null || echo 0)
expect_eq "$(rt state hooked | jq -r .pid)" "$pid" "createContainer hook gets the container's pid"

expect_status 0 "start runs the start hooks" -- rt start hooked
for _ in $(seq 50); do
  [ "$(rt state hooked 2>/dev/null | jq -r .status)" == stopped ] && break
  sleep 0.1
done
expect_eq "$(order)" "prestart createRuntime createContainer startContainer poststart" \
  "startContainer then poststart at start"
expect_eq "$(jq -r .id "$log/startContainer.json" 2>/dev/null)" hooked "startContainer hook gets the state on stdin"

expect_status 0 "delete runs the poststop hook" -- rt delete hooked
expect_eq "$(order)" "prestart createRuntime createContainer startContainer poststart poststop" "poststop last, at delete"
expect_eq "$(jq -r .status "$log/poststop.json" 2>/dev/null)" stopped "poststop sees status stopped"

# `run` goes through the whole lifecycle, deleting at the end.
rm -f "$log"/*
bundle=$TEST_DIR/run-bundle
hooked_bundle "$bundle"
expect_status 0 "run with all hooks" -- rt run --bundle "$bundle" hooked-run
expect_eq "$(order)" "prestart createRuntime createContainer startContainer poststart poststop" "run runs all six in order"

finish

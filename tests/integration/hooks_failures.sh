#!/usr/bin/env bash
# Failing hooks: a non-zero prestart hook or a createRuntime hook past its
# timeout fails the create and leaves no container behind; the error names
# the stage, the hook and why. A failing poststop hook only warns.
source "$(dirname "$0")/lib.sh"

bundle=$TEST_DIR/failing
make_bundle "$bundle" true
edit_config "$bundle" '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo no network >&2; exit 3"]}]'
expect_status 1 "a prestart hook exiting 3 fails the run" -- rt run --bundle "$bundle" failing
expect_contains "$(last_err)" "prestart hook /bin/sh" "the error names the stage and hook path"
expect_contains "$(last_err)" "exited with status 3" "the error gives the exit status"
expect_contains "$(last_err)" "no network" "the error quotes the hook's output"
expect_status 1 "no container is left after the failed create" -- rt state failing

bundle=$TEST_DIR/slow
make_bundle "$bundle" true
edit_config "$bundle" \
  '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo $$ > \($pidfile); exec sleep 30"], "timeout": 1}]' \
  --arg pidfile "$TEST_DIR/sleeper.pid"
expect_status 1 "a createRuntime hook past its timeout fails the create" -- rt create --bundle "$bundle" slow
expect_contains "$(last_err)" "createRuntime hook /bin/sh: timed out after 1 seconds" "the error says it timed out"
sleeper=$(cat "$TEST_DIR/sleeper.pid" 2>/dev/null || echo "")
if [ -n "$sleeper" ] && ! kill -0 "$sleeper" 2>/dev/null; then pass "the timed-out hook was killed"; else
  fail "the timed-out hook ($sleeper) is still running"
fi
expect_status 1 "no container is left after the timeout" -- rt state slow

bundle=$TEST_DIR/poststop
make_bundle "$bundle" true
edit_config "$bundle" '.hooks.poststop = [{"path": "/bin/false"}]'
expect_status 0 "a failing poststop hook does not fail the run" -- rt run --bundle "$bundle" poststop-fails

# A startContainer hook fails inside the container after `start` released it:
# start reports the hook's failure and runs no poststart hook.
bundle=$TEST_DIR/startfails
make_bundle "$bundle" true
edit_config "$bundle" '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}]
  | .hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c", "touch \($marker)"]}]' --arg marker "$TEST_DIR/poststart-ran"
expect_status 0 "create with a failing startContainer hook" -- rt create --bundle "$bundle" startfails
expect_status 1 "start reports the failed startContainer hook" -- rt start startfails
expect_contains "$(last_err)" "startContainer hook /bin/sh: exited with status 4" "the error names the hook and status"
[ ! -e "$TEST_DIR/poststart-ran" ] && pass "no poststart hook ran" || fail "a poststart hook ran after a failed start"
expect_status 0 "delete the failed container" -- rt delete --force startfails

finish

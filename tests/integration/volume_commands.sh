#!/usr/bin/env bash
# The volume commands on a private store: volume create (names, anonymous,
# --label, -o, -d, --name), volume ls (columns, natural order, -q, --filter,
# --format), volume inspect (JSON, -f, missing volumes), volume rm (-f, in
# use), volume prune (prompt, -a, --filter, reclaimed space) and an old store
# upgraded in place; every error's wording and exit status as Docker's.
source "$(dirname "$0")/lib.sh"

BERTH="$BERTH_BIN_DIR/berth"
export BERTH_ROOT="$TEST_DIR/root" BERTH_RUNROOT="$TEST_DIR/run"
b() { "$BERTH" "$@"; }
# sql STATEMENT: runs one statement on the store's database (for what no
# command can do yet: a container's reference to a volume).
sql() { python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$BERTH_ROOT/berth.db" "$1"; }
invalid_chars() { echo "\"$1\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"; }

# ---- an empty store ----
expect_status 0 "volume ls on an empty store" -- b volume ls
expect_eq "$(last_out)" "DRIVER    VOLUME NAME" "header as Docker's"
expect_status 0 "volume --help" -- b volume --help
for command in create inspect ls prune rm; do expect_contains "$(last_out)" "  $command" "volume --help lists $command"; done
expect_status 0 "volume ls --help" -- b volume ls --help
expect_contains "$(last_out)" "Usage:  berth volume ls [OPTIONS]" "usage line"
expect_contains "$(last_out)" "berth volume ls, berth volume list" "aliases"

# ---- create ----
expect_status 0 "create a named volume" -- b volume create data1
expect_eq "$(last_out)" "data1" "create prints the name"
expect_eq "$(stat -c %a "$BERTH_ROOT/volumes/data1/_data")" "755" "_data made 0755"
expect_eq "$(stat -c %a "$BERTH_ROOT/volumes/data1")" "701" "volume dir made 0701"
expect_status 0 "create the same name again" -- b volume create data1
expect_eq "$(last_out)" "data1" "an existing volume is returned"
expect_status 0 "create with labels and options" -- b volume create --label tier=db --label flag -o type=tmpfs -o device=tmpfs -o o=size=1m,uid=1000 tmpvol
expect_status 0 "create with --name" -- b volume create --name byflag
expect_eq "$(last_out)" "byflag" "--name names it"
expect_status 0 "--name and the same positional name" -- b volume create --name same1 same1
expect_status 1 "--name and another positional name" -- b volume create --name one two
expect_eq "$(last_err)" "Error: conflicting options: either specify --name or provide positional arg, not both" "conflict wording"
expect_status 0 "create without a name" -- b volume create
ANON=$(last_out)
expect_eq "$(echo "$ANON" | grep -cE '^[0-9a-f]{64}$')" "1" "anonymous name is 64 hex"
expect_eq "$(b volume inspect "$ANON" | jq -c '.[0].Labels')" '{"com.docker.volume.anonymous":""}' "anonymous label as Docker >= 23"

expect_status 1 "a relative path is no volume name" -- b volume create ../x
expect_eq "$(last_err)" "Error: create ../x: $(invalid_chars ../x)" "invalid name wording"
expect_status 1 "an absolute path is no volume name" -- b volume create /abs
expect_eq "$(last_err)" "Error: create /abs: $(invalid_chars /abs)" "absolute path wording"
expect_status 1 "unicode is no volume name" -- b volume create "vélo"
expect_contains "$(last_err)" "includes invalid characters" "unicode refused"
expect_status 1 "one character is too short" -- b volume create a
expect_eq "$(last_err)" "Error: create a: volume name is too short, names should be at least two alphanumeric characters" "too short wording"
expect_status 1 "300 characters are too long" -- b volume create "$(printf 'a%.0s' $(seq 300))"
expect_contains "$(last_err)" "volume name is too long (300 characters, at most 255)" "too long named"
expect_status 1 "another driver" -- b volume create -d nfsplugin x1
expect_eq "$(last_err)" "Error: create x1: error looking up volume plugin nfsplugin: plugin \"nfsplugin\" not found" "driver wording"
expect_status 0 "--driver local" -- b volume create --driver local x2
expect_status 1 "an unknown option" -- b volume create -o bogus=1 x3
expect_eq "$(last_err)" "Error: create x3: invalid option: \"bogus\"" "invalid option wording"
expect_status 1 "type without device" -- b volume create -o type=tmpfs x3
expect_eq "$(last_err)" "Error: create x3: missing required option: \"device\"" "missing option wording"
expect_status 1 "size without quota support" -- b volume create -o size=1g x3
expect_contains "$(last_err)" "quota size requested but no quota support" "size refused"
expect_status 1 "a relative bind device" -- b volume create -o type=none -o o=bind -o device=rel/dir x3
expect_contains "$(last_err)" "absolute path" "relative bind device refused"
expect_status 125 "a label without a name" -- b volume create --label =x x3
expect_eq "$(last_err | head -1)" "invalid argument \"=x\" for \"--label\" flag: invalid label '=x': empty name" "label wording"
expect_contains "$(last_err)" "See 'berth volume create --help'." "usage hint"
expect_status 125 "a label key with a space" -- b volume create --label "a b=c" x3
expect_contains "$(last_err)" "label 'a b' contains whitespaces" "whitespace label refused"
expect_status 1 "two names" -- b volume create x3 x4
expect_contains "$(last_err)" "\"berth volume create\" requires at most 1 argument." "argument count wording"
expect_status 125 "an unknown flag" -- b volume create --bogus
expect_contains "$(last_err)" "unknown flag: --bogus" "unknown flag wording"
expect_eq "$(ls "$BERTH_ROOT/volumes" | grep -c x3)" "0" "failed creates leave nothing"
expect_eq "$(ls "$TEST_DIR" | grep -c '^x$')" "0" "../x wrote nothing outside"

# ---- ls ----
b volume create vol10 >/dev/null
b volume create vol2 >/dev/null
expect_status 0 "volume ls" -- b volume ls
expect_eq "$(last_out | head -1)" "DRIVER    VOLUME NAME" "ls header"
expect_eq "$(last_out | grep ' data1$')" "local     data1" "ls row as Docker's"
expect_eq "$(b volume ls -q | grep '^vol' | tr '\n' ' ')" "vol2 vol10 " "natural order (vol2 before vol10)"
expect_eq "$(b volume ls -q | wc -l)" "8" "every volume listed"
expect_eq "$(b volume list -q --filter name=vol)" "$(printf 'tmpvol\nvol2\nvol10')" "name filter is a substring match (and the list alias)"
expect_eq "$(b volume ls -q --filter 'name=^data')" "data1" "anchored name filter"
expect_eq "$(b volume ls -q --filter label=tier)" "tmpvol" "label filter"
expect_eq "$(b volume ls -q --filter label=tier=web)" "" "label=value filter excludes"
expect_eq "$(b volume ls -q --filter driver=local | wc -l)" "8" "driver filter"
expect_eq "$(b volume ls -q --filter dangling=true | wc -l)" "8" "all dangling without containers"
expect_eq "$(b volume ls -q --filter dangling=false)" "" "none in use"
expect_eq "$(b volume ls --format json | jq -r 'select(.Name == "tmpvol") | .Labels')" "flag=,tier=db" "json Labels as k=v, sorted"
expect_eq "$(b volume ls --format json | jq -c 'select(.Name == "data1") | keys')" '["Availability","Driver","Group","Labels","Links","Mountpoint","Name","Scope","Size","Status"]' "json fields as Docker's"
expect_eq "$(b volume ls --format json | jq -r 'select(.Name == "data1") | .Mountpoint')" "$BERTH_ROOT/volumes/data1/_data" "json Mountpoint"
expect_eq "$(b volume ls --filter name=data1 --format '{{.Name}} {{.Driver}} {{.Scope}}')" "data1 local local" "template format"
expect_eq "$(b volume ls --filter name=data1 --format 'table {{.Name}}\t{{.Scope}}')" "$(printf 'VOLUME NAME   SCOPE\ndata1         local')" "table template format"
expect_eq "$(b volume ls -q --format '{{.Mountpoint}}' --filter name=vol2)" "$BERTH_ROOT/volumes/vol2/_data" "-q does not override --format"
expect_status 1 "ls with an unknown filter" -- b volume ls --filter foo=bar
expect_eq "$(last_err)" "Error: invalid filter 'foo'" "unknown filter wording"
expect_status 1 "ls with a bad dangling value" -- b volume ls --filter dangling=maybe
expect_eq "$(last_err)" "Error: invalid filter 'dangling=[maybe]'" "bad dangling wording"
expect_status 125 "ls with a filter without '='" -- b volume ls --filter dangling
expect_eq "$(last_err | head -1)" "invalid argument \"dangling\" for \"-f, --filter\" flag: bad format of filter (expected name=value)" "bad format wording"
expect_status 1 "ls with an argument" -- b volume ls extra
expect_contains "$(last_err)" "\"berth volume ls\" accepts no arguments." "no arguments wording"
expect_status 1 "ls with a broken template" -- b volume ls --format '{{.Name'
expect_contains "$(last_err)" "template parsing error" "template error"

# ---- inspect ----
expect_status 0 "inspect" -- b volume inspect tmpvol
expect_eq "$(last_out | jq -c '.[0] | keys_unsorted')" '["CreatedAt","Driver","Labels","Mountpoint","Name","Options","Scope"]' "inspect keys in Docker's order"
expect_eq "$(last_out | jq -r '.[0].Name, .[0].Driver, .[0].Scope' | tr '\n' ' ')" "tmpvol local local " "Name, Driver, Scope"
expect_eq "$(last_out | jq -c '.[0].Labels')" '{"flag":"","tier":"db"}' "Labels"
expect_eq "$(last_out | jq -c '.[0].Options')" '{"device":"tmpfs","o":"size=1m,uid=1000","type":"tmpfs"}' "Options"
expect_eq "$(last_out | jq -r '.[0].Mountpoint')" "$BERTH_ROOT/volumes/tmpvol/_data" "Mountpoint"
expect_eq "$(last_out | jq -r '.[0].CreatedAt' | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$')" "1" "CreatedAt is RFC 3339"
expect_eq "$(TZ=UTC b volume inspect -f '{{.CreatedAt}}' tmpvol | grep -c 'Z$')" "1" "CreatedAt in UTC ends in Z"
expect_eq "$(TZ=EST5EDT b volume inspect -f '{{.CreatedAt}}' tmpvol | grep -cE -- '-0[45]:00$')" "1" "CreatedAt carries the local offset"
expect_eq "$(last_out | head -2 | tail -1)" "    {" "4-space indent as Docker's"
expect_eq "$(b volume inspect -f '{{.Name}} {{.Labels.tier}}' tmpvol)" "tmpvol db" "inspect -f"
expect_eq "$(b volume inspect --format '{{json .Options}}' tmpvol)" '{"device":"tmpfs","o":"size=1m,uid=1000","type":"tmpfs"}' "inspect --format json"
expect_status 0 "inspect two volumes" -- b volume inspect data1 vol2
expect_eq "$(last_out | jq -r '.[].Name' | tr '\n' ' ')" "data1 vol2 " "both, in the order asked"
expect_status 1 "inspect a missing volume" -- b volume inspect nosuch
expect_eq "$(last_out)" "[]" "an empty array on stdout"
expect_eq "$(last_err)" "Error: No such volume: nosuch" "missing wording"
expect_status 1 "inspect one present, one missing" -- b volume inspect data1 nosuch
expect_eq "$(last_out | jq -r '.[].Name')" "data1" "the present one is shown"
expect_eq "$(last_err)" "Error: No such volume: nosuch" "the missing one reported"
expect_status 1 "inspect without a name" -- b volume inspect
expect_contains "$(last_err)" "\"berth volume inspect\" requires at least 1 argument." "argument count wording"

# ---- rm ----
echo data >"$BERTH_ROOT/volumes/vol2/_data/file"
expect_status 0 "rm" -- b volume rm vol2
expect_eq "$(last_out)" "vol2" "rm prints the name"
expect_eq "$(test -e "$BERTH_ROOT/volumes/vol2" && echo present || echo gone)" "gone" "rm deletes the directory"
expect_status 1 "rm a missing volume" -- b volume rm vol2
expect_eq "$(last_err)" "Error: get vol2: no such volume" "rm missing wording"
expect_status 0 "rm -f a missing volume" -- b volume rm -f vol2
expect_eq "$(last_out)" "vol2" "rm -f prints the name anyway"
b volume create inuse >/dev/null
sql "INSERT INTO volume_refs(volume, container_id) VALUES ('inuse', 'c0ffee'), ('inuse', 'beef01');"
expect_status 1 "rm a volume in use" -- b volume rm inuse
expect_eq "$(last_err)" "Error: remove inuse: volume is in use - [beef01, c0ffee]" "in use wording"
expect_status 1 "rm -f a volume in use" -- b volume rm -f inuse
expect_eq "$(b volume ls -q --filter dangling=false)" "inuse" "dangling=false lists the volume in use"
expect_status 1 "rm several, one missing" -- b volume rm vol10 nosuch x2
expect_eq "$(last_out | tr '\n' ' ')" "vol10 x2 " "the others are removed"
expect_eq "$(last_err)" "Error: get nosuch: no such volume" "the missing one reported"

# ---- prune ----
b volume create >/dev/null  # a second anonymous volume
ANON2=$(b volume ls -q | grep -E '^[0-9a-f]{64}$' | grep -v "$ANON")
head -c 2000 /dev/zero >"$BERTH_ROOT/volumes/$ANON/_data/blob"
expect_status 0 "prune, answering no" -- sh -c "echo n | '$BERTH' volume prune"
expect_eq "$(last_out)" "WARNING! This will remove anonymous local volumes not used by at least one container.
Are you sure you want to continue? [y/N] " "Docker's prompt"
expect_eq "$(b volume ls -q | grep -c "$ANON")" "1" "nothing removed on no"
expect_status 0 "prune with no input" -- sh -c "'$BERTH' volume prune </dev/null"
expect_eq "$(b volume ls -q | grep -c "$ANON")" "1" "end of input is a no"
expect_status 0 "prune, answering yes" -- sh -c "echo y | '$BERTH' volume prune"
expect_eq "$(last_out)" "WARNING! This will remove anonymous local volumes not used by at least one container.
Are you sure you want to continue? [y/N] Deleted Volumes:
$(printf '%s\n%s' "$ANON" "$ANON2" | LC_ALL=C sort)

Total reclaimed space: 2kB" "prune output as Docker's"
expect_eq "$(b volume ls -q | grep -cE '^[0-9a-f]{64}$')" "0" "anonymous volumes pruned"
expect_eq "$(b volume ls -q | grep -c data1)" "1" "named volumes kept without -a"
expect_status 0 "prune -f with nothing to prune" -- b volume prune -f
expect_eq "$(last_out)" "Total reclaimed space: 0B" "nothing pruned"
expect_status 0 "prune -a, answering no" -- sh -c "echo no | '$BERTH' volume prune -a"
expect_contains "$(last_out)" "WARNING! This will remove all local volumes not used by at least one container." "the -a prompt"
expect_status 1 "prune -a with --filter all" -- b volume prune -a -f --filter all=1
expect_eq "$(last_err)" "Error: conflicting options: cannot specify both --all and --filter all=1" "conflict wording"
expect_status 1 "prune with a list-only filter" -- b volume prune -f --filter dangling=true
expect_eq "$(last_err)" "Error: invalid filter 'dangling'" "prune filter wording"
b volume create --label keep=yes kept >/dev/null
expect_status 0 "prune -a with a label! filter" -- b volume prune -a -f --filter 'label!=keep=yes'
expect_eq "$(last_out | sed -n '/Deleted/,/^$/p' | grep -v Deleted | sed '/^$/d' | sort | tr '\n' ' ')" "byflag data1 same1 " "unused named volumes without the label pruned"
expect_eq "$(b volume ls -q | sort | tr '\n' ' ')" "inuse kept tmpvol " "in use, labelled-out and option volumes kept"
expect_status 0 "prune --filter all=true with a label" -- b volume prune -f --filter all=true --filter label=keep
expect_eq "$(last_out | sed -n 2p)" "kept" "label filter selects"
expect_status 0 "rm the option volume" -- b volume rm tmpvol
sql "DELETE FROM volume_refs;"
expect_status 0 "prune -a -f once unused" -- b volume prune -a -f
expect_eq "$(b volume ls -q)" "" "everything pruned"
expect_eq "$(ls -A "$BERTH_ROOT/volumes")" "" "no directory left"

# ---- crash leftovers and old stores ----
mkdir -p "$BERTH_ROOT/volumes/halfmade/_data" && echo stale >"$BERTH_ROOT/volumes/halfmade/_data/stale"
expect_eq "$(b volume ls -q)" "" "a directory without a row is no volume"
expect_status 0 "create over a half-made directory" -- b volume create halfmade
expect_eq "$(ls -A "$BERTH_ROOT/volumes/halfmade/_data")" "" "the leftover was replaced"
b volume rm halfmade >/dev/null
sql "DROP TABLE IF EXISTS containers; DROP TABLE volume_refs; DROP TABLE volumes; UPDATE schema_version SET version = 1;"
expect_status 0 "an images-only store is upgraded in place" -- b volume create upgraded
expect_eq "$(b volume ls -q)" "upgraded" "volumes work after the upgrade"
expect_eq "$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select version from schema_version").fetchone()[0] > 1)' "$BERTH_ROOT/berth.db")" "True" "schema version bumped"

finish

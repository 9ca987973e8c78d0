#!/usr/bin/env bash
# docker cp without a daemon, both directions, for running and stopped
# containers: docker's rules for where a copy lands (into a directory, onto
# a name, "dir/." for contents), -a for ownership, -L for symlinks, tar
# streams on stdin and stdout, and paths that never leave the container
# (CVE-2018-15664): a symlink planted in the container resolves inside it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest
expect_status 0 "a running container" -- b run -d --name box busybox sleep 1000
expect_status 0 "a created container" -- b create --name idle busybox sh -c 'cat /tmp/in/hello.txt'

host=$TEST_DIR/host
mkdir -p "$host/tree/sub" "$host/out"
echo hello >"$host/hello.txt"
echo nested >"$host/tree/sub/nested.txt"
echo top >"$host/tree/top.txt"
ln -s top.txt "$host/tree/link"
chown 1234:4321 "$host/hello.txt"

# ---- into a running container ----
expect_status 0 "a file into a directory" -- b cp "$host/hello.txt" box:/tmp
expect_eq "$(b exec box cat /tmp/hello.txt)" "hello" "lands under its own name"
expect_eq "$(b exec box stat -c %u:%g /tmp/hello.txt)" "1234:4321" "keeps the host file's uid and gid, as dockerd does"
expect_status 0 "a file onto a new name" -- b cp "$host/hello.txt" box:/tmp/renamed.txt
expect_eq "$(b exec box cat /tmp/renamed.txt)" "hello" "takes that name"
expect_status 0 "-a is accepted" -- b cp -a "$host/hello.txt" box:/tmp/owned.txt
expect_eq "$(b exec box stat -c %u:%g /tmp/owned.txt)" "1234:4321" "the source's uid and gid (no User set)"
# With a User, -a gives everything copied in to that user and its primary
# group, from the container's own /etc/passwd (the fixture's nobody: 65534).
b run -d --name as-daemon --user nobody busybox sleep 1000 >/dev/null
mkdir -p "$host/owned/sub" && echo x >"$host/owned/sub/f" && chown -R 1234:4321 "$host/owned"
expect_status 0 "-a into a container with a User" -- b cp -a "$host/owned" as-daemon:/tmp/
expect_eq "$(b exec as-daemon stat -c %u:%g /tmp/owned /tmp/owned/sub/f | sort -u)" "65534:65534" "belongs to that user and group, all of it"
expect_status 0 "without -a" -- b cp "$host/owned" as-daemon:/tmp/kept
expect_eq "$(b exec as-daemon stat -c %u:%g /tmp/kept/sub/f)" "1234:4321" "the source's ids are kept"
b create --name unknown-user --user nosuchuser busybox true >/dev/null
expect_status 1 "-a with a User the container does not know" -- b cp -a "$host/owned" unknown-user:/tmp/
expect_contains "$(last_err)" "unable to find user nosuchuser" "names the user"
b rm -f as-daemon unknown-user >/dev/null
expect_status 0 "a directory into a directory" -- b cp "$host/tree" box:/tmp
expect_eq "$(b exec box cat /tmp/tree/sub/nested.txt)" "nested" "copied whole, recursively"
expect_eq "$(b exec box readlink /tmp/tree/link)" "top.txt" "a symlink stays a symlink"
expect_status 0 "a directory onto a new name" -- b cp "$host/tree" box:/tmp/copy
expect_eq "$(b exec box cat /tmp/copy/top.txt)" "top" "becomes that directory"
expect_status 0 "dir/. copies the contents" -- b exec box mkdir /tmp/contents
expect_status 0 "into an existing directory" -- b cp "$host/tree/." box:/tmp/contents
expect_eq "$(b exec box ls /tmp/contents | tr '\n' ' ')" "link sub top.txt " "the contents, not the directory"
expect_status 0 "a relative container path" -- b cp "$host/hello.txt" box:relative.txt
expect_eq "$(b exec box cat /relative.txt)" "hello" "is taken from /, as docker's"
expect_status 0 "a path with .." -- b cp "$host/tree/sub/../top.txt" box:/tmp/dotdot/../dotted.txt
expect_eq "$(b exec box cat /tmp/dotted.txt)" "top" "is resolved lexically on both sides"
b exec box sh -c 'mkdir -p /srcdir && echo in >/srcdir/f && ln -s /srcdir /tmp/dirlink'
expect_status 0 "a symlink to a directory, with /." -- b cp box:/tmp/dirlink/. "$host/out/linked"
expect_eq "$(cat "$host/out/linked/f")" "in" "copies the directory's contents"
echo plain >"$host/.wh.secret"
expect_status 0 "a file named like a whiteout" -- b cp "$host/.wh.secret" box:/tmp
expect_eq "$(b exec box cat /tmp/.wh.secret)" "plain" "stays a plain file"

# ---- out of a running container ----
expect_status 0 "a container file into a host directory" -- b cp box:/etc/passwd "$host/out"
expect_eq "$(head -1 "$host/out/passwd" | cut -d: -f1)" "root" "lands under its own name"
expect_status 0 "onto a new name" -- b cp box:/tmp/hello.txt "$host/out/got.txt"
expect_eq "$(cat "$host/out/got.txt")" "hello" "takes that name"
expect_status 0 "a directory out" -- b cp box:/tmp/tree "$host/out/tree2"
expect_eq "$(cat "$host/out/tree2/sub/nested.txt")" "nested" "recursively"
expect_eq "$(stat -c %u "$host/out/got.txt")" "0" "owned by the caller without -a"
b exec box chown 77:88 /tmp/hello.txt
expect_status 0 "-a out" -- b cp -a box:/tmp/hello.txt "$host/out/owned.txt"
expect_eq "$(stat -c %u:%g "$host/out/owned.txt")" "0:0" "belongs to the caller too, as dockerd's CopyTo"
b exec box ln -s /etc/passwd /tmp/pwlink
expect_status 0 "a symlink without -L" -- b cp box:/tmp/pwlink "$host/out/asis"
expect_eq "$(readlink "$host/out/asis")" "/etc/passwd" "is copied as the link"
expect_status 0 "a symlink with -L" -- b cp -L box:/tmp/pwlink "$host/out/followed"
expect_eq "$(head -1 "$host/out/followed" | cut -d: -f1)" "root" "is copied as what it points at, in the container"

out=$(timeout 20 script -qec "$BERTH cp $host/hello.txt box:/tmp/tty.txt" /dev/null </dev/null 2>&1 | tr -d '\r') || true
expect_contains "$out" "Successfully copied 2.05kB to box:/tmp/tty.txt" "on a terminal, docker's summary (tar bytes)"
expect_eq "$(b cp "$host/hello.txt" box:/tmp/quiet.txt 2>&1)" "" "and nothing when output is not a terminal"

# ---- tar streams ----
b cp box:/tmp/tree - >"$TEST_DIR/tree.tar"
expect_eq "$?" "0" "cp to - writes a tar stream"
expect_eq "$(tar -tf "$TEST_DIR/tree.tar" | sort | tr '\n' ' ')" "tree/ tree/link tree/sub/ tree/sub/nested.txt tree/top.txt " \
  "rooted at the source's name"
tar -C "$host" -cf "$TEST_DIR/in.tar" hello.txt tree
expect_status 0 "cp - extracts a tar stream into a directory" -- sh -c "$BERTH cp - box:/root <'$TEST_DIR/in.tar'"
expect_eq "$(b exec box cat /root/tree/top.txt)" "top" "the stream's entries"
expect_status 1 "cp - into a file" -- sh -c "$BERTH cp - box:/etc/passwd <'$TEST_DIR/in.tar'"
expect_contains "$(last_err)" 'destination "box:/etc/passwd" must be a directory' "is refused in docker's words"
python3 - "$TEST_DIR/evil.tar" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as tar:
    data = b"owned\n"
    info = tarfile.TarInfo("../../../../escaped")
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
EOF
expect_status 1 "a hostile stream" -- sh -c "$BERTH cp - box:/tmp <'$TEST_DIR/evil.tar'"
expect_contains "$(last_err)" "escapes" "is refused, naming the entry"
expect_status 1 "and nothing was written above the directory" -- b exec box test -e /escaped

# ---- stopped containers ----
expect_status 1 "into a created container's missing directory" -- b cp "$host/hello.txt" idle:/tmp/in/
expect_contains "$(last_err)" "no such directory" "is refused"
expect_status 0 "make the directory by copying a tree" -- b cp "$host/tree" idle:/tmp/in
expect_status 0 "then the file" -- b cp "$host/hello.txt" idle:/tmp/in/
expect_status 0 "start it" -- b start -a idle
expect_eq "$(last_out)" "hello" "the container sees what was copied in"
expect_status 0 "out of a stopped container" -- b cp idle:/tmp/in/top.txt "$host/out/from-stopped"
expect_eq "$(cat "$host/out/from-stopped")" "top" "reads its writable layer"
expect_status 0 "and out of the image's layers" -- b cp idle:/bin/busybox "$host/out/busybox"
expect_eq "$(cmp -s "$host/out/busybox" /bin/busybox && echo same)" "same" "the image's file"
expect_eq "$(b inspect -f '{{.State.Status}}' idle)" "exited" "the container stays as it was"

# ---- symlinks never leave the container (CVE-2018-15664) ----
echo "host secret" >"$TEST_DIR/sentinel"
b exec box ln -s "$TEST_DIR" /tmp/escape
expect_status 1 "reading through a symlink to a host path" -- b cp box:/tmp/escape/sentinel "$host/out/stolen"
expect_contains "$(last_err)" "Could not find the file" "finds nothing: the link resolves in the container"
expect_eq "$(ls "$host/out/stolen" 2>/dev/null || echo absent)" "absent" "and copies nothing"
expect_status 1 "writing through it" -- b cp "$host/hello.txt" box:/tmp/escape/planted
expect_eq "$(ls "$TEST_DIR/planted" 2>/dev/null || echo absent)" "absent" "writes nothing on the host"
b exec box ln -s / /tmp/rootlink
expect_status 0 "a symlink to / in the destination path" -- b cp "$host/hello.txt" box:/tmp/rootlink/tmp/via-root.txt
expect_eq "$(b exec box cat /tmp/via-root.txt)" "hello" "resolves to the container's root"

# ---- refusals ----
expect_status 1 "no such path in the container" -- b cp box:/nope "$host/out"
expect_contains "$(last_err)" "Could not find the file /nope in container box" "docker's words"
expect_status 1 "no such host path" -- b cp "$host/nope" box:/tmp
expect_contains "$(last_err)" "lstat $host/nope: no such file or directory" "names it"
expect_status 1 "a directory onto a file" -- b cp "$host/tree" box:/etc/passwd
expect_contains "$(last_err)" "cannot copy directory" "is refused"
expect_status 1 "a file into a missing directory" -- b cp "$host/hello.txt" box:/nosuchdir/
expect_contains "$(last_err)" "no such directory" "is refused"
expect_status 1 "a missing parent" -- b cp "$host/hello.txt" box:/no/such/file
expect_contains "$(last_err)" "Could not find the file /no/such in container box" "docker's words"
expect_status 1 "a missing parent on the host" -- b cp box:/etc/passwd "$host/no/such/file"
expect_contains "$(last_err)" "invalid output path: directory \"$host/no/such\" does not exist" "docker's words"
mkdir -p "$host/etc-file" && echo x >"$host/etc-file/etc"
expect_status 1 "a file named as a directory of the container" -- b cp "$host/etc-file/." box:/
expect_contains "$(last_err)" "cannot overwrite directory" "never replaces the directory"
expect_status 0 "whose files are all still there" -- b exec box test -s /etc/passwd
expect_status 1 "both sides local" -- b cp "$host/hello.txt" "$host/out"
expect_contains "$(last_err)" "must specify at least one container source" "docker's words"
expect_status 1 "both sides containers" -- b cp box:/etc/passwd idle:/tmp
expect_contains "$(last_err)" "copying between containers is not supported" "docker's words"
expect_status 1 "no such container" -- b cp nosuch:/etc/passwd "$host/out"
expect_contains "$(last_err)" "No such container: nosuch" "names it"
expect_status 1 "one argument" -- b cp box:/etc/passwd
expect_contains "$(last_err)" "requires exactly 2 arguments" "the usage error"
expect_status 0 "a read-only container" -- b create --read-only --name ro busybox true
expect_status 1 "refuses copies into it" -- b cp "$host/hello.txt" ro:/tmp
expect_contains "$(last_err)" "read-only" "saying why"

finish

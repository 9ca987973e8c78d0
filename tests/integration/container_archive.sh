#!/usr/bin/env bash
# docker export and commit without a daemon: the container's filesystem as
# a tar stream (its changes over the image's layers), and its changes as a
# new image whose layer carries deletions as OCI whiteouts, with the
# container's config, --change instructions, author and message.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest
expect_status 0 "a container that adds, changes and deletes files" -- \
  b run --name changer busybox sh -c 'echo hi >/newfile; echo changed >>/etc/passwd; rm /etc/group; mkdir -p /data/sub; echo a >/data/a; echo b >/data/sub/b; ln /data/a /data/hardlink'

# ---- export ----
b export changer >"$TEST_DIR/changer.tar"
expect_eq "$?" "0" "export to a redirected stdout"
names=$(tar -tf "$TEST_DIR/changer.tar")
expect_contains "$names" "newfile" "the export has the added file"
expect_contains "$names" "bin/busybox" "and the image's files"
expect_not_contains "$(echo "$names" | grep -x 'etc/group' || true)" "etc/group" "but not the deleted one"
expect_not_contains "$names" ".wh." "and no whiteout markers"
expect_eq "$(tar -xOf "$TEST_DIR/changer.tar" newfile)" "hi" "the added file's content"
expect_eq "$(tar -xOf "$TEST_DIR/changer.tar" etc/passwd | tail -1)" "changed" "the changed file's new content"
expect_contains "$(tar -tvf "$TEST_DIR/changer.tar" data/hardlink data/a)" "link to data/" "a hard link stays a link"
# The runtime's mount points live in a layer of the image's own, not in the
# container's upper dir (no inodes made per start), and export shows them
# (dockerd's init layer), even for a container that never ran.
changer_upper="$BERTH_ROOT/containers/$(b inspect -f '{{.Id}}' changer)/upper"
expect_eq "$(cat "$changer_upper/newfile")" "hi" "the container's upper dir holds its new file"
expect_eq "$(cd "$changer_upper" && ls -d proc sys dev etc/hosts etc/hostname etc/resolv.conf 2>/dev/null | wc -l)" "0" \
  "but none of the runtime's mount points"
for point in etc/hosts etc/hostname etc/resolv.conf proc/ sys/ dev/; do
  expect_contains "$names" "$point" "the export has the mount point $point"
done
b create --name never-ran busybox true >/dev/null
expect_contains "$(b export never-ran | tar -t)" "etc/hosts" "so has the export of a container that never ran"
b rm never-ran >/dev/null
expect_status 0 "export -o" -- b export -o "$TEST_DIR/out.tar" changer
expect_eq "$(cmp "$TEST_DIR/out.tar" "$TEST_DIR/changer.tar" >/dev/null && echo same)" "same" "-o writes the same archive"
expect_eq "$(stat -c %a "$TEST_DIR/out.tar")" "600" "mode 0600, as docker's"
out=$(timeout 20 script -qec "$BERTH export changer" /dev/null </dev/null 2>&1 | tr -d '\r') || true
expect_contains "$out" "cowardly refusing to save to a terminal" "export to a terminal is refused"
expect_status 1 "export of no such container" -- b export nosuch
expect_contains "$(last_err)" "No such container: nosuch" "names it"
expect_status 1 "export needs exactly one container" -- b export
expect_status 1 "export -o into a missing directory" -- b export -o "$TEST_DIR/no/such/dir/x.tar" changer
expect_eq "$(ls "$TEST_DIR/no" 2>/dev/null || true)" "" "and leaves nothing behind"

# ---- commit ----
expect_status 0 "commit with a message, an author and changes" -- \
  b commit -m "first commit" -a "Berth Tester" -c 'ENV FOO=bar' -c 'CMD ["cat", "/newfile"]' changer committed:v1
id=$(last_out)
expect_eq "${id:0:7}" "sha256:" "commit prints the new image's id"
expect_eq "$(b images -q --no-trunc committed:v1)" "$id" "the image is tagged"
expect_status 0 "run the committed image" -- b run --rm committed:v1
expect_eq "$(last_out)" "hi" "its CMD is the --change one, and it has the added file"
expect_eq "$(b run --rm committed:v1 sh -c 'echo $FOO')" "bar" "ENV from --change"
expect_eq "$(b run --rm committed:v1 tail -1 /etc/passwd)" "changed" "the changed file"
expect_status 1 "the deleted file stays deleted (whiteout)" -- b run --rm committed:v1 test -e /etc/group
expect_eq "$(b image inspect -f '{{.Comment}}|{{.Author}}' committed:v1)" "first commit|Berth Tester" \
  "the message and the author"
base_layers=$(b image inspect -f '{{len .RootFS.Layers}}' busybox)
expect_eq "$(b image inspect -f '{{len .RootFS.Layers}}' committed:v1)" "$((base_layers + 1))" "one layer on the base's"
expect_contains "$(b history --no-trunc committed:v1)" "first commit" "history shows the commit"
expect_status 0 "the hard link survives a commit" -- b run --rm committed:v1 sh -c \
  'test "$(stat -c %i /data/a)" = "$(stat -c %i /data/hardlink)"'

# A directory replaced whole becomes opaque: nothing of the lower one shows.
expect_status 0 "a container that replaces /data" -- \
  b run --name replacer committed:v1 sh -c 'rm -rf /data; mkdir /data; echo c >/data/c'
expect_status 0 "commit it, untagged" -- b commit replacer
second=$(last_out)
expect_eq "$(b run --rm "$second" ls /data)" "c" "the opaque directory hides the lower layer's files"
expect_eq "$(b image inspect -f '{{len .RootFS.Layers}}' "$second")" "$((base_layers + 2))" "a layer on the committed image"
mkdir "$TEST_DIR/saved"
expect_status 0 "save the second image" -- b save -o "$TEST_DIR/second.tar" "$second"
tar -C "$TEST_DIR/saved" -xf "$TEST_DIR/second.tar"
top=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Layers"][-1])' "$TEST_DIR/saved/manifest.json")
layer_names=" $(tar -tf "$TEST_DIR/saved/$top" | sort | tr '\n' ' ')"
expect_contains "$layer_names" "data/.wh..wh..opq" "the new layer marks /data opaque"
expect_contains "$layer_names" "data/c " "and holds the new file"
for point in etc/hosts etc/hostname etc/resolv.conf proc/ sys/ dev/; do
  expect_not_contains "$layer_names" " $point" "the runtime's mount point $point is not in the layer"
done

# A running container is frozen while its changes are read, then runs on.
expect_status 0 "a running container" -- \
  b run -d --name ticker busybox sh -c 'i=0; while true; do i=$((i+1)); echo $i >/count.new; mv /count.new /count; sleep 0.1; done'
sleep 0.5
expect_status 0 "commit a running container (paused during commit)" -- b commit ticker ticking:v1
expect_eq "$(b inspect -f '{{.State.Status}}' ticker)" "running" "it runs again afterwards, not paused"
expect_status 0 "the image holds the state at commit time" -- b run --rm ticking:v1 test -s /count
expect_status 0 "commit --pause=false" -- b commit --pause=false ticker ticking:v2
expect_status 0 "pause it" -- b pause ticker
expect_status 0 "commit of a paused container" -- b commit ticker ticking:v3
expect_eq "$(b inspect -f '{{.State.Status}}' ticker)" "paused" "stays paused"
expect_status 0 "unpause" -- b unpause ticker

# ---- bad input loses nothing ----
images_before=$(b images -q | wc -l)
expect_status 1 "an unknown --change instruction" -- b commit -c 'RUN echo no' changer bad:v1
expect_contains "$(last_err)" "RUN" "is refused, naming it"
expect_status 1 "an invalid reference" -- b commit changer 'UPPER:case'
expect_contains "$(last_err)" "repository name must be lowercase" "is refused with docker's words"
expect_status 1 "commit of no such container" -- b commit nosuch
expect_contains "$(last_err)" "No such container: nosuch" "names it"
expect_eq "$(b images -q | wc -l)" "$images_before" "no image was made by the refused commits"

finish

#!/usr/bin/env bash
# Pull and push against Debian's docker-registry on loopback, and interop
# with skopeo: what berth pushes, skopeo reads with the same digests; what
# skopeo pushes, berth pulls.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

start_registry 5000
R=127.0.0.1:5000
SKOPEO=(skopeo --override-os linux)

expect_status 0 "import the busybox rootfs" -- b import "$(busybox_tarball)" busybox:latest
ID=$(last_out)
expect_contains "$ID" "sha256:" "import prints the image id"

expect_status 0 "tag for the local registry" -- b tag busybox "$R/test/busybox:1"
expect_status 0 "push to the loopback registry" -- b push "$R/test/busybox:1"
PUSHED=$(last_out | sed -n 's/^1: digest: \(sha256:[0-9a-f]*\) size: [0-9]*$/\1/p')
expect_contains "$PUSHED" "sha256:" "push prints Docker's digest line"
expect_contains "$(last_out)" "The push refers to repository [$R/test/busybox]" "push names the repository"
expect_eq "$(b events --since 0 --until "$(( $(date +%s) + 1 ))" --filter event=push --format '{{.Type}} {{.Actor.ID}} {{.Actor.Attributes.name}}')" \
  "image $R/test/busybox:1 $R/test/busybox:1" "a push is an image event naming the reference"

expect_status 0 "skopeo inspect reads berth's push" -- "${SKOPEO[@]}" inspect --tls-verify=false "docker://$R/test/busybox:1"
expect_eq "$(last_out | jq -r .Digest)" "$PUSHED" "skopeo sees the digest berth pushed"
expect_status 0 "skopeo inspect --config" -- "${SKOPEO[@]}" inspect --tls-verify=false --config --raw "docker://$R/test/busybox:1"
expect_eq "sha256:$(last_out | sha256sum | cut -d' ' -f1)" "$ID" "the config skopeo reads hashes to berth's image id"

# A second push of the same image uploads nothing.
expect_status 0 "push again" -- b push "$R/test/busybox:1"
expect_contains "$(last_out)" "Layer already exists" "second push skips the layer"
# Another repository of the same registry: the layer is mounted, not uploaded.
b tag busybox "$R/other/busybox:2"
expect_status 0 "push to a second repository" -- b push "$R/other/busybox:2"
expect_contains "$(last_out)" "Mounted from test/busybox" "cross-repository mount"

# A fresh store pulls it back: same image id, files in the layer.
export BERTH_ROOT="$TEST_DIR/root2"
expect_status 0 "pull into a fresh store" -- b pull "$R/test/busybox:1"
expect_contains "$(last_out)" "Digest: $PUSHED" "pull prints the digest"
expect_contains "$(last_out)" "Status: Downloaded newer image for $R/test/busybox:1" "pull status line"
expect_eq "$(b images -q --no-trunc "$R/test/busybox:1")" "$ID" "pulled image has the pushed id"
expect_eq "$(find "$BERTH_ROOT/layers" -path '*/diff/bin/busybox' -type f | wc -l)" "1" "the layer holds bin/busybox"
expect_status 0 "pull again" -- b pull "$R/test/busybox:1"
expect_contains "$(last_out)" "Status: Image is up to date for $R/test/busybox:1" "second pull is up to date"
expect_status 0 "pull by digest" -- b pull "$R/test/busybox@$PUSHED"
expect_status 1 "pull of a missing tag fails" -- b pull "$R/test/busybox:nope"
expect_contains "$(last_err)" "manifest unknown" "the error carries the registry's message"

# skopeo pushes (from berth's docker-archive); berth pulls.
export BERTH_ROOT="$TEST_DIR/root"
b save -o "$TEST_DIR/busybox.tar" busybox:latest
expect_status 0 "skopeo copy docker-archive → registry" -- \
  "${SKOPEO[@]}" copy --dest-tls-verify=false "docker-archive:$TEST_DIR/busybox.tar" "docker://$R/from-skopeo/busybox:3"
export BERTH_ROOT="$TEST_DIR/root3"
expect_status 0 "berth pulls what skopeo pushed" -- b pull "$R/from-skopeo/busybox:3"
SKOPEO_DIGEST=$("${SKOPEO[@]}" inspect --tls-verify=false "docker://$R/from-skopeo/busybox:3" | jq -r .Digest)
expect_contains "$(b images --digests)" "$SKOPEO_DIGEST" "images --digests shows skopeo's manifest digest"
expect_eq "$(b images -q --no-trunc "$R/from-skopeo/busybox:3")" "$ID" "same image id through skopeo"

# skopeo copy between repositories keeps berth's digests.
expect_status 0 "skopeo copy registry → registry" -- \
  "${SKOPEO[@]}" copy --src-tls-verify=false --dest-tls-verify=false "docker://$R/test/busybox:1" "docker://$R/copied/busybox:1"
expect_eq "$("${SKOPEO[@]}" inspect --tls-verify=false "docker://$R/copied/busybox:1" | jq -r .Digest)" "$PUSHED" \
  "skopeo copy keeps the manifest digest"

# The Debian image: import, push, pull into a fresh store; same tree.
DEBIAN=$(debian_tarball) || DEBIAN=
if [ -n "$DEBIAN" ]; then
  export BERTH_ROOT="$TEST_DIR/root"
  expect_status 0 "import the Debian rootfs" -- b import "$DEBIAN" "$R/debian:bookworm"
  DEBIAN_ID=$(last_out)
  expect_status 0 "push the Debian image" -- b push "$R/debian:bookworm"
  export BERTH_ROOT="$TEST_DIR/root4"
  expect_status 0 "pull the Debian image" -- b pull "$R/debian:bookworm"
  expect_eq "$(b images -q --no-trunc "$R/debian:bookworm")" "$DEBIAN_ID" "Debian image id survives the round trip"
  layer=$(find "$BERTH_ROOT/layers" -mindepth 2 -maxdepth 2 -name diff)
  expect_eq "$(tar -tzf "$DEBIAN" | grep -vc '/$')" "$(cd "$layer" && find . -mindepth 1 ! -type d | wc -l)" \
    "every non-directory entry of the tarball is in the layer"
  expect_eq "$(stat -c %a "$layer/usr/bin/passwd" 2>/dev/null)" "4755" "setuid bit kept (usr/bin/passwd)"
else
  fail "Debian fixture missing (setup.sh makes it with debootstrap)"
fi

finish

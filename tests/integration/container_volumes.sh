#!/usr/bin/env bash
# Volumes in containers: -v NAME:/dst creates the named volume on first use
# and keeps its data across containers; -v /dst and the image's VOLUME make
# anonymous ones, removed by rm -v and --rm; an empty volume is filled from
# the image (through every layer, whiteouts honoured) and never from the
# host, whatever symlinks the image holds (CVE-2022-23648); inspect shows
# the mounts; a volume in use cannot be removed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

# make_layered_image NAME DIR...: a docker-archive whose layers are the
# busybox rootfs and then each DIR's tree, loaded as NAME:latest.
make_layered_image() {
  local name=$1 work="$TEST_DIR/archive-$1" layers=() diff_ids=() index=0 dir
  shift
  mkdir -p "$work"
  cp "$(busybox_tarball)" "$work/l0.tar"
  layers+=(l0.tar)
  for dir in "$@"; do
    index=$((index + 1))
    tar -C "$dir" -cf "$work/l$index.tar" .
    layers+=("l$index.tar")
  done
  for layer in "${layers[@]}"; do diff_ids+=("\"sha256:$(sha256sum "$work/$layer" | cut -d' ' -f1)\""); done
  local ids; ids=$(IFS=,; echo "${diff_ids[*]}")
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]},"config":{"Cmd":["sh"],"Volumes":{"/declared":{}}}}' \
    "$ids" >"$work/config.json"
  local config; config=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mv "$work/config.json" "$work/$config.json"
  local list; list=$(printf '"%s",' "${layers[@]}")
  printf '[{"Config":"%s.json","RepoTags":["%s:latest"],"Layers":[%s]}]' "$config" "$name" "${list%,}" >"$work/manifest.json"
  tar -C "$work" -cf "$work/archive.tar" manifest.json "$config.json" "${layers[@]}"
  b load -q -i "$work/archive.tar" >/dev/null
}

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest

# ---- named volumes ----
expect_status 0 "-v NAME:/dst creates the volume" -- b run --rm -v data:/data busybox sh -c 'echo kept >/data/f'
expect_eq "$(b volume ls -q)" "data" "the volume exists"
expect_eq "$(b run --rm -v data:/data busybox cat /data/f)" "kept" "its data outlives the container"
expect_eq "$(b volume ls -q)" "data" "--rm keeps a named volume"
expect_status 1 "a read-only volume refuses writes" -- b run --rm -v data:/data:ro busybox touch /data/g
expect_contains "$(last_err)" "Read-only file system" "the kernel says why"
b create --name holder -v data:/data busybox true >/dev/null
expect_status 1 "a volume in use cannot be removed" -- b volume rm data
expect_contains "$(last_err)" "volume is in use" "docker's words"
expect_eq "$(b inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.RW}}{{end}}' holder)" \
  "volume data /data true" "inspect shows the mount"
expect_status 0 "rm the holder" -- b rm holder
expect_status 0 "then the volume can go" -- b volume rm data

# A volume whose own options say ro stays read-only, whatever -v says.
mkdir -p "$TEST_DIR/host-ro"
echo keep >"$TEST_DIR/host-ro/f"
expect_status 0 "a read-only bind volume" -- \
  b volume create --opt type=none --opt o=bind,ro --opt device="$TEST_DIR/host-ro" rovol
expect_status 1 "cannot be written through -v NAME:/dst" -- b run --rm -v rovol:/x busybox sh -c 'echo bad >/x/f'
expect_eq "$(cat "$TEST_DIR/host-ro/f")" "keep" "the host directory is untouched"
expect_status 0 "remove it" -- b volume rm rovol

# ---- anonymous volumes ----
expect_status 0 "-v /dst and the image's VOLUME" -- b run --name anon -v /scratch busybox sh -c 'echo x >/scratch/f'
expect_eq "$(b volume ls -q | wc -l)" "1" "one anonymous volume"
expect_eq "$(b inspect -f '{{range .Mounts}}{{len .Name}}{{end}}' anon)" "64" "named by 64 hex digits"
expect_status 0 "rm without -v" -- b rm anon
expect_eq "$(b volume ls -q | wc -l)" "1" "keeps the anonymous volume"
expect_status 0 "volume prune removes it" -- b volume prune -f
b run --name anon2 -v /scratch busybox true
expect_status 0 "rm -v" -- b rm -v anon2
expect_eq "$(b volume ls -q | wc -l)" "0" "removes the anonymous volume"
expect_status 0 "--rm" -- b run --rm -v /scratch busybox true
expect_eq "$(b volume ls -q | wc -l)" "0" "--rm removes anonymous volumes too"

# ---- copy-up ----
expect_eq "$(b run --rm -v etc:/etc busybox cat /etc/group)" "$(b run --rm busybox cat /etc/group)" \
  "an empty volume gets the image's files"
b run --rm -v etc:/etc busybox sh -c 'echo mine >/etc/marker'
expect_eq "$(b run --rm -v etc:/etc busybox cat /etc/marker)" "mine" "a volume with content is not filled again"
expect_eq "$(b run --rm --mount type=volume,src=fresh,dst=/etc,volume-nocopy busybox ls /etc | grep -c group || true)" "0" \
  "volume-nocopy leaves it empty"

mkdir -p "$TEST_DIR/upper1/data" "$TEST_DIR/upper2/data" "$TEST_DIR/evil"
echo A >"$TEST_DIR/upper1/data/a"
echo B >"$TEST_DIR/upper1/data/b"
: >"$TEST_DIR/upper2/data/.wh.a"
echo C >"$TEST_DIR/upper2/data/c"
make_layered_image layered "$TEST_DIR/upper1" "$TEST_DIR/upper2"
expect_eq "$(b run --rm -v layers:/data layered ls /data | tr '\n' ' ')" "b c " \
  "copy-up sees every layer, whiteouts included"
expect_eq "$(b run --rm layered sh -c 'ls -d /declared')" "/declared" "the image's VOLUME is mounted"
expect_eq "$(b volume ls -q | sort | tr '\n' ' ')" "etc fresh layers " "and was anonymous: --rm removed it"

# An image whose /data is a symlink that points out of the rootfs: the copy
# reads the image's /etc, never the host's.
ln -s ../../../../../../etc "$TEST_DIR/evil/data"
make_layered_image evil "$TEST_DIR/evil"
expect_status 0 "copy-up through a hostile symlink" -- b run --rm -v evilvol:/data evil true
evil_data=$(b volume inspect -f '{{.Mountpoint}}' evilvol)
expect_eq "$(sha256sum <"$evil_data/passwd")" "$(b run --rm busybox cat /etc/passwd | sha256sum)" \
  "the volume holds the image's passwd, not the host's"

# ---- bad input ----
expect_status 125 "an invalid volume name" -- b run --rm -v 'bad name:/x' busybox true
expect_contains "$(last_err)" "includes invalid characters for a local volume name" "docker's words"
expect_status 125 "a relative destination" -- b run --rm -v data:relative busybox true
expect_eq "$(b ps -aq | wc -l)" "0" "failed runs leave no container"

finish

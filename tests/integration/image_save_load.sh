#!/usr/bin/env bash
# save and load: berth's docker-archive loads in podman, podman's
# docker-archive and oci-archive load in berth, berth's OCI layout loads back
# in berth, and hostile archives are refused without leaving anything behind.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

# podman with a store of this test's own (vfs, no runtime needed for images).
P="$TEST_DIR/podman"
RR=$(mktemp -d /tmp/bsl.XXXXXX)
remove_podman_runroot() { rm -rf "$RR"; }
CLEANUP_HOOKS+=(remove_podman_runroot)
mkdir -p "$P/root" "$P/tmp"
printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' "$P/root" "$RR" >"$P/storage.conf"
printf '[engine]\nevents_logger = "file"\nevents_logfile_path = "%s"\ntmp_dir = "%s"\n' "$P/events.log" "$P/tmp" >"$P/containers.conf"
export CONTAINERS_STORAGE_CONF="$P/storage.conf" CONTAINERS_CONF="$P/containers.conf"
pm() { podman --root "$P/root" --runroot "$RR" --storage-driver vfs --events-backend file "$@"; }

b import "$(busybox_tarball)" busybox:latest >/dev/null
ID=$(b images -q --no-trunc busybox)

# berth save → podman load
expect_status 0 "berth save (docker-archive)" -- b save -o "$TEST_DIR/berth.tar" busybox
expect_status 0 "tar lists manifest.json" -- tar -tf "$TEST_DIR/berth.tar" manifest.json
expect_status 0 "podman load reads berth's archive" -- pm load -i "$TEST_DIR/berth.tar"
expect_contains "$(last_out)" "busybox:latest" "podman names the loaded image"
# podman names a docker-archive's short names localhost/NAME (Docker would say docker.io/library/NAME).
expect_eq "$(pm images -q --no-trunc localhost/busybox:latest)" "$ID" "podman sees berth's image id"

# podman save → berth load (docker-archive and oci-archive)
pm tag localhost/busybox:latest localhost/from-podman:1
expect_status 0 "podman save docker-archive" -- pm save --format docker-archive -o "$TEST_DIR/podman.tar" localhost/from-podman:1
export BERTH_ROOT="$TEST_DIR/root2"
expect_status 0 "berth load reads podman's docker-archive" -- b load -i "$TEST_DIR/podman.tar"
expect_contains "$(last_out)" "Loaded image: localhost/from-podman:1" "load names the image"
expect_eq "$(b images -q --no-trunc localhost/from-podman:1)" "$ID" "same image id after podman's save"
expect_status 0 "podman save oci-archive" -- pm save --format oci-archive -o "$TEST_DIR/podman-oci.tar" localhost/from-podman:1
export BERTH_ROOT="$TEST_DIR/root3"
expect_status 0 "berth load reads podman's oci-archive" -- b load -i "$TEST_DIR/podman-oci.tar"
# podman rewrites the config when it converts to OCI: the id is the digest of the config in the archive.
mkdir -p "$TEST_DIR/podman-oci" && tar -C "$TEST_DIR/podman-oci" -xf "$TEST_DIR/podman-oci.tar"
oci_manifest=$(jq -r '.manifests[0].digest' "$TEST_DIR/podman-oci/index.json")
oci_config=$(jq -r .config.digest "$TEST_DIR/podman-oci/blobs/sha256/${oci_manifest#sha256:}")
expect_eq "$(b images -q --no-trunc | head -1)" "$oci_config" "the image id is the archive's config digest"
expect_eq "$(b image inspect localhost/from-podman:1 | jq -r '.[0].Descriptor.digest')" "$oci_manifest" \
  "the archive's manifest is kept byte for byte"

# berth's OCI layout round trip, through stdin and gzip.
export BERTH_ROOT="$TEST_DIR/root"
expect_status 0 "berth save --format oci" -- b save --format oci -o "$TEST_DIR/berth-oci.tar" busybox
expect_status 0 "the OCI archive has an oci-layout file" -- tar -xOf "$TEST_DIR/berth-oci.tar" oci-layout
gzip -c "$TEST_DIR/berth-oci.tar" >"$TEST_DIR/berth-oci.tar.gz"
export BERTH_ROOT="$TEST_DIR/root4"
expect_status 0 "berth load of a gzipped OCI archive from stdin" -- sh -c "'$BERTH' load <'$TEST_DIR/berth-oci.tar.gz'"
expect_eq "$(b images -q --no-trunc busybox:latest)" "$ID" "OCI round trip keeps the id"
expect_status 0 "a second load is harmless" -- b load -i "$TEST_DIR/berth.tar"
expect_eq "$(b images -q | wc -l)" "1" "still one image"

# Hostile archives: nothing outside the store, nothing half-loaded.
export BERTH_ROOT="$TEST_DIR/root5"
mkdir -p "$TEST_DIR/outside"
python3 - "$TEST_DIR" <<'PY'
import io, json, sys, tarfile
d = sys.argv[1]
def add(t, name, data=b"", **kw):
    info = tarfile.TarInfo(name); info.size = len(data)
    for k, v in kw.items(): setattr(info, k, v)
    t.addfile(info, io.BytesIO(data))
with tarfile.open(f"{d}/escape.tar", "w") as t:
    add(t, "manifest.json", b"[]")
    add(t, "../outside/pwned", b"x")
with tarfile.open(f"{d}/layer-escape.tar", "w") as t:
    add(t, "manifest.json", json.dumps([{"Config": "c.json", "RepoTags": ["evil:1"], "Layers": ["../../../etc/passwd"]}]).encode())
    add(t, "c.json", json.dumps({"os": "linux", "architecture": "amd64", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0"*64]}}).encode())
with tarfile.open(f"{d}/wrong-diffid.tar", "w") as t:
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as l: add(l, "hello", b"hi")
    add(t, "l/layer.tar", layer.getvalue())
    add(t, "manifest.json", json.dumps([{"Config": "c.json", "RepoTags": ["wrong:1"], "Layers": ["l/layer.tar"]}]).encode())
    add(t, "c.json", json.dumps({"os": "linux", "architecture": "amd64", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "1"*64]}}).encode())
with open(f"{d}/garbage.tar", "wb") as f: f.write(b"this is not a tar archive at all" * 100)
PY
expect_status 1 "an archive entry climbing out is refused" -- b load -i "$TEST_DIR/escape.tar"
expect_contains "$(last_err)" "escapes" "the error names the escape"
expect_eq "$(ls "$TEST_DIR/outside")" "" "nothing written outside"
expect_status 1 "a layer path climbing out is refused" -- b load -i "$TEST_DIR/layer-escape.tar"
expect_status 1 "a layer whose diff id does not match is refused" -- b load -i "$TEST_DIR/wrong-diffid.tar"
expect_contains "$(last_err)" "diff id mismatch" "the error names the mismatch"
expect_status 1 "garbage is refused" -- b load -i "$TEST_DIR/garbage.tar"
expect_eq "$(b images -q | wc -l)" "0" "no image from any hostile archive"
expect_eq "$(store_layer_count)" "0" "no layer left behind"
expect_eq "$(ls "$BERTH_ROOT/tmp" 2>/dev/null | wc -l)" "0" "no staging left behind"

finish

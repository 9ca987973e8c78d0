#!/usr/bin/env bash
# Pulls that must fail cleanly or recover: a blob whose digest does not match,
# a layer that tries to climb out of its directory, layers in zstd and plain
# tar and one whose bytes contradict its media type, a manifest pointing at a
# config of the wrong media type, a kill -9 mid-pull (the next pull finishes
# the job), and several pulls of the same image at once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

start_registry 5000
R=127.0.0.1:5000
b import "$(busybox_tarball)" "$R/good/busybox:1" >/dev/null
b push "$R/good/busybox:1" >/dev/null

# --- a blob that does not match its digest ---
b tag "$R/good/busybox:1" "$R/bad/busybox:1"
b push "$R/bad/busybox:1" >/dev/null
MANIFEST=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$R/v2/bad/busybox/manifests/1")
LAYER=$(echo "$MANIFEST" | jq -r '.layers[0].digest')
# The registry's filesystem storage keeps blobs by digest: corrupt one byte.
DATA="$(registry_storage)/docker/registry/v2/blobs/sha256/${LAYER:7:2}/${LAYER:7}/data"
printf 'X' | dd of="$DATA" bs=1 seek=100 conv=notrunc status=none
export BERTH_ROOT="$TEST_DIR/root-mismatch"
expect_status 1 "pull of a corrupted blob fails" -- b pull "$R/bad/busybox:1"
expect_contains "$(last_err)" "digest mismatch: expected $LAYER, got sha256:" "the error carries both digests"
expect_eq "$(b images -q | wc -l)" "0" "no image recorded"
expect_eq "$(store_layer_count)" "0" "no layer left behind"
expect_eq "$(find "$BERTH_ROOT/blobs/sha256" -type f -name "${LAYER:7}" | wc -l)" "0" "no blob stored under the claimed digest"

# --- hostile layers, pushed as an OCI layout with skopeo ---
mkdir -p "$TEST_DIR/outside"
python3 - "$TEST_DIR" <<'PY'
import gzip, hashlib, io, json, os, subprocess, sys, tarfile
d = sys.argv[1]
def add(t, name, data=b"", **kw):
    info = tarfile.TarInfo(name); info.size = len(data)
    for k, v in kw.items(): setattr(info, k, v)
    t.addfile(info, io.BytesIO(data) if data else None)
MEDIA = {"gzip": "tar+gzip", "zstd": "tar+zstd", "none": "tar"}
def layout(name, entries, compress="gzip", declared=None):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        for e in entries: add(t, **e)
    tar = raw.getvalue()
    if compress == "gzip": gz = gzip.compress(tar)
    elif compress == "zstd": gz = subprocess.run(["zstd", "-q", "-c"], input=tar, capture_output=True, check=True).stdout
    else: gz = tar
    layer_type = "application/vnd.oci.image.layer.v1." + MEDIA[declared or compress]
    root = f"{d}/{name}"; os.makedirs(f"{root}/blobs/sha256", exist_ok=True)
    def blob(b):
        h = hashlib.sha256(b).hexdigest(); open(f"{root}/blobs/sha256/{h}", "wb").write(b); return "sha256:" + h
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(config), "size": len(config)},
        "layers": [{"mediaType": layer_type, "digest": blob(gz), "size": len(gz)}]}).encode()
    index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": blob(manifest), "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "1"}}]}
    open(f"{root}/index.json", "w").write(json.dumps(index))
    open(f"{root}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
out = f"{d}/outside"
layout("dotdot", [dict(name="../../../../../../" + out.lstrip("/") + "/dotdot", data=b"x")])
layout("symlink", [dict(name="link", type=tarfile.SYMTYPE, linkname=out), dict(name="link/through-symlink", data=b"x")])
layout("hardlink", [dict(name="passwd", type=tarfile.LNKTYPE, linkname="/etc/passwd")])
layout("chmod", [dict(name="link", type=tarfile.SYMTYPE, linkname=out + "/sentinel"), dict(name="link", type=tarfile.DIRTYPE, mode=0o777)])
# Layer formats: zstd and uncompressed tar as declared, and a tar that claims to be gzip.
hello = [dict(name="hello", data=b"hello from a layer\n", mode=0o644)]
layout("zstd", hello, compress="zstd")
layout("plain", hello, compress="none")
layout("liar", hello, compress="none", declared="gzip")
# A two-platform index: linux/amd64 with two layers, linux/arm64 with one.
def image(root, layers, arch):
    os.makedirs(f"{root}/blobs/sha256", exist_ok=True)
    def blob(b):
        h = hashlib.sha256(b).hexdigest(); open(f"{root}/blobs/sha256/{h}", "wb").write(b); return "sha256:" + h
    tars = []
    for entries in layers:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w") as t:
            for e in entries: add(t, **e)
        tars.append(raw.getvalue())
    config = json.dumps({"architecture": arch, "os": "linux", "rootfs": {"type": "layers",
        "diff_ids": ["sha256:" + hashlib.sha256(t).hexdigest() for t in tars]}}).encode()
    descs = []
    for t in tars:
        gz = gzip.compress(t); descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(gz), "size": len(gz)})
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(config), "size": len(config)},
        "layers": descs}).encode()
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": blob(manifest), "size": len(manifest),
            "platform": {"architecture": arch, "os": "linux"}}
root = f"{d}/multi"
amd = image(root, [[dict(name="base", data=b"base layer\n")], [dict(name="arch", data=b"amd64\n")]], "amd64")
arm = image(root, [[dict(name="arch", data=b"arm64\n")]], "arm64")
index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [arm, amd]}).encode()
h = hashlib.sha256(index).hexdigest(); open(f"{root}/blobs/sha256/{h}", "wb").write(index)
open(f"{root}/children", "w").write("".join(f"{m['digest']} {m['mediaType']}\n" for m in (amd, arm)))
open(f"{root}/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + h, "size": len(index)}]}))
PY
echo sentinel >"$TEST_DIR/outside/sentinel"
chmod 600 "$TEST_DIR/outside/sentinel"
for name in dotdot symlink hardlink chmod; do
  skopeo copy --override-os linux --dest-tls-verify=false "oci:$TEST_DIR/$name:1" "docker://$R/evil/$name:1" >/dev/null 2>&1 ||
    fail "skopeo could not push the $name layout"
done
export BERTH_ROOT="$TEST_DIR/root-hostile"
expect_status 1 "a layer entry with .. is refused" -- b pull "$R/evil/dotdot:1"
expect_contains "$(last_err)" "escapes the layer root" "the error names the escape"
expect_status 1 "a hardlink to a host file is refused" -- b pull "$R/evil/hardlink:1"
# A write through a symlink and a chmod through a symlink stay in the layer.
b pull "$R/evil/symlink:1" >/dev/null 2>&1 || true
b pull "$R/evil/chmod:1" >/dev/null 2>&1 || true
expect_eq "$(ls "$TEST_DIR/outside")" "sentinel" "nothing written outside the layer"
expect_eq "$(stat -c %a "$TEST_DIR/outside/sentinel")" "600" "no chmod through a symlink"
expect_eq "$(b images -q "$R/evil/dotdot:1")$(b images -q "$R/evil/hardlink:1")" "" "refused images are not recorded"

# --- layer formats: tar+zstd and plain tar pull; a media type the bytes contradict does not ---
# Pushed with curl, blob by blob, as the layout has them: skopeo would
# compress the plain tar on its way to the registry.
push_layout_as_is() {  # push_layout_as_is LAYOUT_DIR REPO TAG
  local dir=$1 repo=$2 tag=$3 file location manifest
  for file in "$dir"/blobs/sha256/*; do
    location=$(curl -s -D - -o /dev/null -X POST "http://$R/v2/$repo/blobs/uploads/" | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
    case $location in http*) ;; *) location="http://$R$location" ;; esac
    [[ $location == *\?* ]] && location+="&" || location+="?"
    curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" \
      "${location}digest=sha256:$(basename "$file")" >/dev/null || return 1
  done
  # Manifests an index names go up first, by digest; the tagged one last.
  local digest media
  while read -r digest media; do
    curl -sf -X PUT -H "Content-Type: $media" --data-binary "@$dir/blobs/sha256/${digest#sha256:}" \
      "http://$R/v2/$repo/manifests/$digest" >/dev/null || return 1
  done < <(cat "$dir/children" 2>/dev/null)
  manifest=$(jq -r '.manifests[0].digest' "$dir/index.json")
  media=$(jq -r '.manifests[0].mediaType' "$dir/index.json")
  curl -sf -X PUT -H "Content-Type: $media" \
    --data-binary "@$dir/blobs/sha256/${manifest#sha256:}" "http://$R/v2/$repo/manifests/$tag" >/dev/null
}
for name in zstd plain liar; do
  push_layout_as_is "$TEST_DIR/$name" "formats/$name" 1 || fail "could not push the $name layout"
done
export BERTH_ROOT="$TEST_DIR/root-formats"
for name in zstd plain; do
  expect_status 0 "a $name layer pulls" -- b pull -q "$R/formats/$name:1"
  expect_eq "$(cat "$(find "$BERTH_ROOT/layers" -path '*/diff/hello' | head -1)" 2>/dev/null)" "hello from a layer" \
    "the $name layer's file is in the store"
  b rmi "$R/formats/$name:1" >/dev/null
done
# An index: the host's platform by default, another with --platform; two layers chained.
# The fixture's amd64 manifest is the host's: on another architecture the
# default pick differs, so the block is skipped there.
if [ "$(uname -m)" = x86_64 ]; then
  push_layout_as_is "$TEST_DIR/multi" formats/multi 1 || fail "could not push the two-platform index"
  expect_status 0 "pull through an index" -- b pull -q "$R/formats/multi:1"
  expect_eq "$(b image inspect -f '{{.Architecture}} {{len .RootFS.Layers}}' "$R/formats/multi:1")" "amd64 2" \
    "the host's platform (linux/amd64), both layers"
  expect_eq "$(find "$BERTH_ROOT/layers" -path '*/diff/arch' -exec cat {} +)" "amd64" "the amd64 layers are stored"
  expect_status 0 "pull --platform linux/arm64" -- b pull -q --platform linux/arm64 "$R/formats/multi:1"
  expect_eq "$(b image inspect -f '{{.Architecture}} {{len .RootFS.Layers}}' "$R/formats/multi:1")" "arm64 1" \
    "--platform picks the other manifest"
  expect_status 1 "a platform the index lacks" -- b pull -q --platform linux/s390x "$R/formats/multi:1"
  expect_contains "$(last_err)" "s390x" "the error names the platform"
  b rmi -f "$R/formats/multi:1" >/dev/null 2>&1
  b image prune -a -f >/dev/null 2>&1
fi

expect_status 1 "a layer whose bytes contradict its media type is refused" -- b pull "$R/formats/liar:1"
expect_contains "$(last_err)" "layer media type says gzip but the content is none" "the error names both"
expect_eq "$(b images -q "$R/formats/liar:1")$(store_layer_count)" "0" "nothing recorded or kept"

# --- a manifest whose config has a layer media type ---
CONFIG=$(echo "$MANIFEST" | jq -r '.config.digest')
BAD_MANIFEST=$(echo "$MANIFEST" | jq -c '.config.mediaType = "application/vnd.oci.image.layer.v1.tar+gzip"')
curl -s -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$BAD_MANIFEST" \
  "http://$R/v2/good/busybox/manifests/badconfig" >/dev/null
expect_status 1 "a config of the wrong media type is refused" -- b pull "$R/good/busybox:badconfig"
expect_contains "$(last_err)" "is not an image config media type" "the error names the media type"

# --- kill -9 mid-pull, then the next pull finishes the job ---
DEBIAN=$(debian_tarball) || DEBIAN=
if [ -n "$DEBIAN" ]; then
  export BERTH_ROOT="$TEST_DIR/root"
  b import "$DEBIAN" "$R/debian:1" >/dev/null
  b push "$R/debian:1" >/dev/null
  export BERTH_ROOT="$TEST_DIR/root-kill"
  for delay in 0.2 0.5; do
    # The binary itself (not the b function's subshell) is what gets the SIGKILL.
    "$BERTH" pull -q "$R/debian:1" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    images=$(b images -q "$R/debian:1")
    if [ -n "$images" ]; then
      expect_eq "$(store_layer_count)" "1" "killed after completing: the image is whole"
    else
      expect_eq "$(store_layer_count)" "0" "killed after ${delay}s: no layer looks complete"
    fi
  done
  expect_status 0 "the next pull finishes the job" -- b pull "$R/debian:1"
  layer=$(find "$BERTH_ROOT/layers" -mindepth 2 -maxdepth 2 -name diff)
  expect_eq "$(cd "$layer" && find . -mindepth 1 ! -type d | wc -l)" "$(tar -tzf "$DEBIAN" | grep -vc '/$')" "the layer is complete"

  # --- several pulls of the same image at once ---
  export BERTH_ROOT="$TEST_DIR/root-parallel"
  pids=()
  for i in 1 2 3; do
    "$BERTH" pull -q "$R/debian:1" >"$TEST_DIR/parallel-$i.out" 2>&1 &
    pids+=($!)
  done
  ok=0
  for pid in "${pids[@]}"; do wait "$pid" && ok=$((ok + 1)); done
  expect_eq "$ok" "3" "three concurrent pulls all succeed"
  expect_eq "$(b images -q | wc -l)" "1" "one image"
  expect_eq "$(store_layer_count)" "1" "one layer"
else
  fail "Debian fixture missing (setup.sh makes it with debootstrap)"
fi

finish

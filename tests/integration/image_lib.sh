# Helpers for the image suites: a private berth store, a local registry on
# loopback (inside the suite's own network namespace), and image fixtures
# built from Debian packages and cached under the build directory.
# Source after lib.sh.

BERTH="$BERTH_BIN_DIR/berth"
export BERTH_ROOT="$TEST_DIR/root" BERTH_RUNROOT="$TEST_DIR/run"
export DOCKER_CONFIG="$TEST_DIR/docker-config"
b() { "$BERTH" "$@"; }

# For CLEANUP_HOOKS in container suites: every container of the private
# store is removed (berth stops each by its recorded pid).
remove_all_containers() {
  local id
  for id in $(b ps -aq --no-trunc 2>/dev/null); do b rm -f "$id" >/dev/null 2>&1 || true; done
}

REGISTRY_PIDS=()
stop_registries() {
  local pid
  for pid in "${REGISTRY_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  REGISTRY_PIDS=()
}
CLEANUP_HOOKS+=(stop_registries)

# write_registry_config DIR PORT: DIR/config.yml for a docker-registry on
# 127.0.0.1:PORT storing under DIR. Its last section is `http:`, so keys
# appended next (tls) belong to it.
write_registry_config() {
  local dir=$1 port=$2
  mkdir -p "$dir/storage"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
}
# add_registry_htpasswd DIR HTPASSWD: basic auth from an htpasswd file.
add_registry_htpasswd() {
  printf 'auth:\n  htpasswd:\n    realm: berth-test\n    path: %s\n' "$2" >>"$1/config.yml"
}
# launch_registry DIR PROBE...: serves DIR/config.yml (stopped by PID when
# the suite exits) and waits until the probe command prints 200 or 401.
launch_registry() {
  local dir=$1
  shift
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  REGISTRY_PIDS+=($!)
  local i
  for i in $(seq 100); do
    case $("$@") in 200 | 401) return 0 ;; esac
    sleep 0.1
  done
  echo "registry in $dir did not start: $(cat "$dir/log")" >&2
  return 1
}

# start_registry [PORT [HTPASSWD]]: Debian's docker-registry on 127.0.0.1:PORT
# (default 5000), storage in the test dir, basic auth from an htpasswd file
# when given.
start_registry() {
  local port=${1:-5000} htpasswd=${2:-} dir="$TEST_DIR/registry-${1:-5000}"
  write_registry_config "$dir" "$port"
  [ -z "$htpasswd" ] || add_registry_htpasswd "$dir" "$htpasswd"
  launch_registry "$dir" curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/"
}
registry_storage() { echo "$TEST_DIR/registry-${1:-5000}/storage"; }

# A tarball of the busybox rootfs fixture (cached).
busybox_tarball() {
  local tarball="$BERTH_FIXTURE_DIR/busybox-rootfs.tar"
  if [ ! -s "$tarball" ]; then
    local rootfs
    rootfs=$(busybox_rootfs)
    tar -C "$rootfs" --numeric-owner -cf "$tarball.$$" . && mv "$tarball.$$" "$tarball"
  fi
  echo "$tarball"
}

# The Debian bookworm minbase rootfs tarball setup.sh made with debootstrap
# (tests/fixtures/make_debian_rootfs.sh); suites run in a namespace without
# network, so they cannot make it themselves.
debian_tarball() {
  local tarball="$BERTH_FIXTURE_DIR/debian-minbase.tar.gz"
  [ -s "$tarball" ] || { echo "missing fixture $tarball: run ./setup.sh" >&2; return 1; }
  echo "$tarball"
}

# blob_files: how many blobs and layer directories the store holds.
store_blob_count() { find "$BERTH_ROOT/blobs/sha256" -type f 2>/dev/null | wc -l; }
store_layer_count() { find "$BERTH_ROOT/layers" -mindepth 1 -maxdepth 1 -type d ! -name '.*' 2>/dev/null | wc -l; }

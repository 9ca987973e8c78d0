#!/usr/bin/env bash
# The whole set-up on a fresh Debian 12 machine, as root: dependencies,
# build, install. Idempotent; fast when nothing changed.
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  # build
  build-essential cmake ninja-build pkg-config
  nlohmann-json3-dev libseccomp-dev libcap-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev
  libssl-dev libsqlite3-dev libarchive-dev libcurl4-openssl-dev libzstd-dev libisal-dev
  # tests and benchmarks
  busybox-static crun runc podman jq iproute2 util-linux uidmap time python3
  docker-registry skopeo debootstrap zstd docker.io strace
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
cmake --install build --prefix /usr/local >/dev/null
echo "setup: installed $(command -v berth-runtime)"

# Test and bench fixture that needs the network (suites run without one):
# a Debian minbase rootfs tarball, made once with debootstrap, cached.
bash tests/fixtures/make_debian_rootfs.sh build/fixtures ||
  echo "setup: WARNING: could not make the Debian fixture; image suites that need it will fail" >&2

# A first container: a busybox bundle from the default spec, run by berth-runtime.
bundle=build/first-container
if [ ! -x "$bundle/rootfs/bin/busybox" ]; then
  rm -rf "$bundle" && mkdir -p "$bundle/rootfs/bin"
  cp /bin/busybox "$bundle/rootfs/bin/busybox"
  ln -s busybox "$bundle/rootfs/bin/sh"
  ln -s busybox "$bundle/rootfs/bin/echo"
fi
rm -f "$bundle/config.json"
berth-runtime spec --bundle "$bundle"
jq '.process.terminal = false | .process.args = ["echo", "Hello from a Berth container"]' \
  "$bundle/config.json" >"$bundle/config.json.new" && mv "$bundle/config.json.new" "$bundle/config.json"
berth-runtime --root build/first-container-state run --bundle "$bundle" "first-$$"

# The default image, busybox:latest, made from Debian's busybox-static by
# `berth import` (only when the store has no image of that name), and a
# first container run by berth itself: no network needed.
if ! berth image inspect busybox:latest >/dev/null 2>&1; then
  image_root=build/busybox-image
  rm -rf "$image_root" && mkdir -p "$image_root/bin" "$image_root/etc" "$image_root/tmp" "$image_root/root"
  cp /bin/busybox "$image_root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$image_root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$image_root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$image_root/etc/group"
  chmod 1777 "$image_root/tmp"
  tar -C "$image_root" --numeric-owner -c . | berth import --change 'CMD ["sh"]' - busybox:latest >/dev/null
fi
berth run --rm busybox echo "Hello from a Berth container, run by berth"

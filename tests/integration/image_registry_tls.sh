#!/usr/bin/env bash
# The registry client over HTTPS, end to end, against Debian's docker-registry
# serving TLS (and mutual TLS) with a test CA made here by openssl.
#
# Loopback names always speak plain http, so the registry is reached by a
# non-loopback name, registry.berth.test, that a private /etc/hosts maps to
# 127.0.0.1. Everything the suite mounts (/etc/hosts, a tmpfs over each of
# /etc/berth, /etc/docker and /etc/containers that exists, the system CA
# bundle) is mounted in a private mount namespace of its own; the host's /etc
# is never touched. Traffic stays on 127.0.0.1 of the suite's own network
# namespace (lib.sh).
#
# Cases: no CA → verification fails; --cert-dir (push, pull, digests as
# skopeo and curl see them); certs.d in the default directories; the
# system CA bundle; mutual TLS (certs.d and --cert-dir, a .cert without its
# .key); --insecure-registry against TLS and against plain http; plain http
# refused on a non-loopback name; --cert-dir of a missing directory; login
# with basic auth over TLS.
if [ -z "${BERTH_TLS_MNTNS:-}" ]; then
  BERTH_TLS_MNTNS=$(readlink /proc/self/ns/mnt)  # the namespace it must not mount in
  export BERTH_TLS_MNTNS
  exec unshare --mount --propagation private -- bash "$0" "$@"
fi
for tool in openssl docker-registry curl; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed" >&2; exit 77; }
done
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

# Nothing may go through a proxy: every request is for 127.0.0.1 here.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

NAME=registry.berth.test
TLS_PORT=5443   # TLS, server certificate from the test CA
MTLS_PORT=5444  # TLS, client certificates from the client CA required
HTTP_PORT=5080  # plain http
AUTH_PORT=5445  # TLS and basic auth (htpasswd)
R=$NAME:$TLS_PORT
M=$NAME:$MTLS_PORT
H=$NAME:$HTTP_PORT
A=$NAME:$AUTH_PORT

# ---- mounts: private to this namespace; unmounted at exit all the same ----
MOUNTS=()
unmount_all() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[i]}" 2>/dev/null || true; done
  MOUNTS=()
}
CLEANUP_HOOKS+=(unmount_all)
bind_over() { mount --bind "$1" "$2" && MOUNTS+=("$2"); }
tmpfs_over() { mount -t tmpfs -o mode=0755,size=4m berth-tls-test "$1" && MOUNTS+=("$1"); }
unmount() { # unmount MOUNTPOINT: the latest mount there
  umount "$1"
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    if [ "${MOUNTS[i]}" == "$1" ]; then unset 'MOUNTS[i]'; MOUNTS=("${MOUNTS[@]}"); break; fi
  done
}

# The suite must be in a mount namespace of its own before it mounts anything.
if [ "$(readlink /proc/self/ns/mnt)" == "$BERTH_TLS_MNTNS" ]; then
  echo "refusing to run: not in a private mount namespace" >&2
  exit 1
fi
{ cat /etc/hosts; echo "127.0.0.1 $NAME"; } >"$TEST_DIR/hosts"
bind_over "$TEST_DIR/hosts" /etc/hosts
expect_eq "$(getent hosts "$NAME" | awk '{print $1}')" "127.0.0.1" "$NAME resolves to 127.0.0.1 in the suite's namespace"

# ---- certificates ----
PKI=$TEST_DIR/pki
mkdir -p "$PKI"
ossl() { openssl "$@" 2>>"$PKI/openssl.log"; }
# make_ca NAME: a self-signed CA (EC P-256).
make_ca() {
  ossl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 2 \
    -subj "/CN=berth test $1" -keyout "$PKI/$1.key" -out "$PKI/$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
# make_leaf NAME CA EXTENSIONS...: a key and a certificate signed by CA.
make_leaf() {
  local name=$1 ca=$2
  shift 2
  printf '%s\n' "$@" >"$PKI/$name.ext"
  ossl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -subj "/CN=$name" \
    -keyout "$PKI/$name.key" -out "$PKI/$name.csr" &&
    ossl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial -days 2 \
      -extfile "$PKI/$name.ext" -out "$PKI/$name.crt"
}
make_ca ca && make_ca client-ca && make_ca other-ca &&
  make_leaf server ca "subjectAltName=DNS:$NAME" "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature" &&
  make_leaf client client-ca "extendedKeyUsage=clientAuth" "keyUsage=critical,digitalSignature" ||
  { echo "openssl failed: $(cat "$PKI/openssl.log")" >&2; exit 1; }
expect_status 0 "the server certificate verifies against the test CA" -- \
  openssl verify -CAfile "$PKI/ca.crt" -verify_hostname "$NAME" "$PKI/server.crt"

# Certificate directories as --cert-dir takes them (and certs.d entries).
certdir() { # certdir NAME FILE:AS...: a directory holding the given files under the given names
  local dir="$TEST_DIR/certdirs/$1" spec
  shift
  mkdir -p "$dir"
  for spec in "$@"; do cp "$PKI/${spec%%:*}" "$dir/${spec#*:}"; done
  echo "$dir"
}
CA_DIR=$(certdir ca ca.crt:ca.crt)
OTHER_CA_DIR=$(certdir other other-ca.crt:other.crt)
CLIENT_DIR=$(certdir client ca.crt:ca.crt client.crt:client.cert client.key:client.key)
CERT_NO_KEY_DIR=$(certdir cert-no-key ca.crt:ca.crt client.crt:client.cert)
KEY_NO_CERT_DIR=$(certdir key-no-cert ca.crt:ca.crt client.key:client.key)
EMPTY_DIR=$(certdir empty)

# ---- registries ----
# start_tls_registry PORT [tls|mtls|http] [HTPASSWD]: docker-registry on 127.0.0.1:PORT.
start_tls_registry() {
  local port=$1 mode=${2:-tls} htpasswd=${3:-} dir="$TEST_DIR/registry-$1"
  write_registry_config "$dir" "$port"
  if [ "$mode" != http ]; then
    printf '  tls:\n    certificate: %s\n    key: %s\n' "$PKI/server.crt" "$PKI/server.key" >>"$dir/config.yml"
  fi
  if [ "$mode" == mtls ]; then
    printf '    clientcas:\n      - %s\n' "$PKI/client-ca.crt" >>"$dir/config.yml"
  fi
  [ -z "$htpasswd" ] || add_registry_htpasswd "$dir" "$htpasswd"
  local probe=(curl -s -o /dev/null -w '%{http_code}' --resolve "$NAME:$port:127.0.0.1")
  case $mode in
    http) probe+=("http://$NAME:$port/v2/") ;;
    tls) probe+=(--cacert "$PKI/ca.crt" "https://$NAME:$port/v2/") ;;
    mtls) probe+=(--cacert "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" "https://$NAME:$port/v2/") ;;
  esac
  launch_registry "$dir" "${probe[@]}"
}

start_tls_registry "$TLS_PORT" tls
start_tls_registry "$MTLS_PORT" mtls
start_tls_registry "$HTTP_PORT" http

SKOPEO=(skopeo --override-os linux)
HANDSHAKE_LOG=$TEST_DIR/registry-$MTLS_PORT/log

# Each pull goes to a fresh store of its own unless said otherwise.
use_store() { export BERTH_ROOT="$TEST_DIR/root-$1"; }
# pull_fails DESCRIPTION NEEDLE BERTH-ARGS...: exit 1, stderr names NEEDLE, no new image.
pull_fails() {
  local description=$1 needle=$2 before
  shift 2
  before=$(b images -q --no-trunc)
  expect_status 1 "$description" -- b "$@"
  expect_contains "$(last_err)" "$needle" "$description: the error names it"
  expect_eq "$(b images -q --no-trunc)" "$before" "$description: no image left behind"
}
# pull_works DESCRIPTION REFERENCE BERTH-ARGS...: exit 0, the pushed digest, the imported image id.
pull_works() {
  local description=$1 reference=$2
  shift 2
  expect_status 0 "$description" -- b "$@"
  expect_contains "$(last_out)" "Digest: $PUSHED" "$description: the pushed digest"
  expect_eq "$(b images -q --no-trunc "$reference")" "$ID" "$description: the image id"
}
repositories_in() { find "$(registry_storage "$1")" -type d -name _manifests 2>/dev/null | wc -l; }

use_store main
expect_status 0 "import the busybox rootfs" -- b import "$(busybox_tarball)" busybox:latest
ID=$(last_out)
for registry in "$R" "$M" "$H" "$A"; do b tag busybox "$registry/test/busybox:1"; done

echo "# 1. no CA configured: certificate verification fails"
expect_status 1 "push to the TLS registry without its CA fails" -- b push "$R/test/busybox:1"
expect_contains "$(last_err)" "SSL certificate problem" "push: the error names the certificate problem"
expect_contains "$(last_err)" "https://$R/v2/" "push: the error names the https URL"
expect_eq "$(repositories_in "$TLS_PORT")" "0" "nothing reached the registry"

echo "# 2. --cert-dir with the CA: push, pull back, digests as skopeo and curl see them"
expect_status 0 "push --cert-dir" -- b push --cert-dir "$CA_DIR" "$R/test/busybox:1"
PUSHED=$(last_out | sed -n 's/^1: digest: \(sha256:[0-9a-f]*\) size: [0-9]*$/\1/p')
expect_contains "$PUSHED" "sha256:" "push prints Docker's digest line"
if command -v skopeo >/dev/null; then
  expect_status 0 "skopeo inspect --cert-dir reads berth's push over TLS" -- \
    "${SKOPEO[@]}" inspect --cert-dir "$CA_DIR" "docker://$R/test/busybox:1"
  expect_eq "$(last_out | jq -r .Digest)" "$PUSHED" "skopeo sees the digest berth pushed"
else
  echo "# skopeo not installed: its cross-check is left out"
fi
CURL_DIGEST=$(curl -sS --cacert "$PKI/ca.crt" -o /dev/null -D - \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "https://$R/v2/test/busybox/manifests/1" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
expect_eq "$CURL_DIGEST" "$PUSHED" "curl --cacert sees the digest berth pushed"

use_store no-ca
pull_fails "pull from the TLS registry with no CA" "SSL certificate problem" pull "$R/test/busybox:1"
expect_contains "$(last_err)" "https://$R/v2/test/busybox/manifests/1" "pull: the error names the https URL"
pull_fails "pull --cert-dir with another CA" "SSL certificate problem" pull --cert-dir "$OTHER_CA_DIR" "$R/test/busybox:1"
use_store cert-dir
pull_works "pull --cert-dir into a fresh store" "$R/test/busybox:1" pull --cert-dir "$CA_DIR" "$R/test/busybox:1"
expect_contains "$(last_out)" "Status: Downloaded newer image for $R/test/busybox:1" "pull status line"
expect_eq "$(find "$BERTH_ROOT/layers" -path '*/diff/bin/busybox' -type f | wc -l)" "1" "the layer holds bin/busybox"
expect_status 0 "pull by digest --cert-dir" -- b pull --cert-dir "$CA_DIR" "$R/test/busybox@$PUSHED"
expect_contains "$(last_out)" "Already exists" "pull by digest reuses the layer it has"

echo "# 3. the default certs.d directories"
# A tmpfs over an existing /etc directory (its files copied in), in this namespace only.
private_etc_dir() {
  local dir=$1 copy="$TEST_DIR/etc-copy${1//\//-}"
  mkdir -p "$copy"
  cp -a "$dir/." "$copy/"
  tmpfs_over "$dir" && cp -a "$copy/." "$dir/"
}
CERTS_D_PARENTS=()
for parent in /etc/berth /etc/docker /etc/containers; do
  if [ -d "$parent" ]; then
    private_etc_dir "$parent"
    CERTS_D_PARENTS+=("$parent")
  else
    echo "# $parent does not exist: its certs.d is not tried (the suite never creates directories in /etc)"
  fi
done
((${#CERTS_D_PARENTS[@]})) || fail "none of /etc/berth, /etc/docker, /etc/containers exists to hold a certs.d"
n=0
for parent in "${CERTS_D_PARENTS[@]}"; do
  n=$((n + 1))
  use_store "certs-d-$n"
  mkdir -p "$parent/certs.d/$NAME:$MTLS_PORT"
  cp "$PKI/ca.crt" "$parent/certs.d/$NAME:$MTLS_PORT/ca.crt"
  pull_fails "$parent/certs.d: a CA for another port does not serve $R" "SSL certificate problem" pull "$R/test/busybox:1"
  mkdir -p "$parent/certs.d/$R"
  cp "$PKI/ca.crt" "$parent/certs.d/$R/ca.crt"
  pull_works "pull with $parent/certs.d/$R/ca.crt and no flag" "$R/test/busybox:1" pull "$R/test/busybox:1"
  use_store "certs-d-$n-cert-dir"
  pull_fails "--cert-dir replaces $parent/certs.d (an empty --cert-dir trusts no test CA)" "SSL certificate problem" \
    pull --cert-dir "$EMPTY_DIR" "$R/test/busybox:1"
  rm -rf "$parent/certs.d"
done

echo "# 4. the system CA bundle"
SYSTEM_BUNDLE=/etc/ssl/certs/ca-certificates.crt
if [ -f "$SYSTEM_BUNDLE" ]; then
  cat "$SYSTEM_BUNDLE" "$PKI/ca.crt" >"$TEST_DIR/bundle.crt"
  bind_over "$TEST_DIR/bundle.crt" "$SYSTEM_BUNDLE"
  use_store bundle
  pull_works "pull with the test CA in the system bundle, no certs.d, no flag" "$R/test/busybox:1" pull "$R/test/busybox:1"
  use_store bundle-extra
  pull_works "--cert-dir with another CA keeps the system bundle beside it" "$R/test/busybox:1" \
    pull --cert-dir "$OTHER_CA_DIR" "$R/test/busybox:1"
  if ((${#CERTS_D_PARENTS[@]})); then
    parent=${CERTS_D_PARENTS[0]}
    mkdir -p "$parent/certs.d/$R"
    cp "$PKI/other-ca.crt" "$parent/certs.d/$R/other.crt"
    use_store bundle-certs-d
    pull_works "a certs.d CA is added to the system bundle, not put in its place" "$R/test/busybox:1" pull "$R/test/busybox:1"
    rm -rf "$parent/certs.d"
  fi
  unmount "$SYSTEM_BUNDLE"
  use_store bundle-gone
  pull_fails "with the system bundle restored the test CA is untrusted again" "SSL certificate problem" pull "$R/test/busybox:1"
else
  fail "no system CA bundle at $SYSTEM_BUNDLE"
fi

echo "# 5. mutual TLS"
use_store main
expect_status 1 "push to the mutual-TLS registry without a client certificate fails" -- \
  b push --cert-dir "$CA_DIR" "$M/test/busybox:1"
expect_status 0 "push --cert-dir with client.cert + client.key" -- b push --cert-dir "$CLIENT_DIR" "$M/test/busybox:1"
expect_contains "$(last_out)" "1: digest: $PUSHED " "the same manifest digest on the mutual-TLS registry"
# Under TLS 1.3 the server's refusal (alert "bad certificate") comes after
# the client's side of the handshake, as a receive error, or the send fails
# first on the reset connection (curl then reports "getpeername() failed").
# Neither is a broken connection worth retrying, and the message must say
# "certificate" whichever of the two the race gives.
use_store mtls-none
handshakes_before=$(grep -c "TLS handshake error" "$HANDSHAKE_LOG" || true)
pull_fails "pull without a client certificate" "certificate" pull --cert-dir "$CA_DIR" "$M/test/busybox:1"
# The registry logs the handshake error after sending its alert: it may
# come a moment after berth has exited.
for _ in $(seq 40); do
  handshakes_after=$(grep -c "TLS handshake error" "$HANDSHAKE_LOG" || true)
  [ "$handshakes_after" -gt "$handshakes_before" ] && break
  sleep 0.05
done
sleep 0.2  # berth has exited, so any retry came before: this lets its log line land too
handshakes_after=$(grep -c "TLS handshake error" "$HANDSHAKE_LOG" || true)
expect_contains "$(tail -1 "$HANDSHAKE_LOG")" "client didn't provide a certificate" "the registry saw no client certificate"
expect_eq "$((handshakes_after - handshakes_before))" "1" \
  "a refused client certificate is not retried as a broken connection (TLS handshakes)"
# The https attempt fails, and so does the fallback to plain http (the https
# server answers it with a 400): both are named.
pull_fails "--insecure-registry without a client certificate still fails, naming both attempts" "answers neither https (" \
  --insecure-registry "$M" pull "$M/test/busybox:1"
use_store mtls-cert-dir
pull_works "pull --cert-dir with client.cert + client.key" "$M/test/busybox:1" pull --cert-dir "$CLIENT_DIR" "$M/test/busybox:1"
use_store mtls-no-key
pull_fails "a .cert without its .key is refused (--cert-dir)" "client certificate $CERT_NO_KEY_DIR/client.cert has no key $CERT_NO_KEY_DIR/client.key" \
  pull --cert-dir "$CERT_NO_KEY_DIR" "$M/test/busybox:1"
pull_fails "a .key without its .cert is refused (--cert-dir)" "client key $KEY_NO_CERT_DIR/client.key has no certificate $KEY_NO_CERT_DIR/client.cert" \
  pull --cert-dir "$KEY_NO_CERT_DIR" "$M/test/busybox:1"
if ((${#CERTS_D_PARENTS[@]})); then
  first=${CERTS_D_PARENTS[0]} last=${CERTS_D_PARENTS[-1]}
  entry="$first/certs.d/$M"
  mkdir -p "$entry"
  cp "$PKI/ca.crt" "$entry/ca.crt"
  cp "$PKI/client.crt" "$entry/client.cert"
  use_store mtls-certs-d-no-key
  pull_fails "a .cert without its .key is refused (certs.d)" "client certificate $entry/client.cert has no key $entry/client.key" \
    pull "$M/test/busybox:1"
  cp "$PKI/client.key" "$entry/client.key"
  use_store mtls-certs-d
  pull_works "pull with ca.crt, client.cert and client.key in $first/certs.d" "$M/test/busybox:1" pull "$M/test/busybox:1"
  if [ "$last" != "$first" ]; then
    # The CA in one certs.d, the client certificate in another: both are read.
    mkdir -p "$last/certs.d/$M"
    mv "$entry/client.cert" "$entry/client.key" "$last/certs.d/$M/"
    use_store mtls-certs-d-split
    pull_works "CA in $first/certs.d, client certificate in $last/certs.d" "$M/test/busybox:1" pull "$M/test/busybox:1"
    mv "$last/certs.d/$M/client.cert" "$last/certs.d/$M/client.key" "$entry/"
    rm -rf "$last/certs.d"
  fi
  # Verification off does not mean no client certificate.
  rm "$entry/ca.crt"
  use_store mtls-insecure
  pull_works "--insecure-registry still sends the certs.d client certificate" "$M/test/busybox:1" \
    --insecure-registry "$M" pull "$M/test/busybox:1"
  rm -rf "$first/certs.d"
fi

echo "# 6. --insecure-registry against the TLS registry"
use_store insecure-tls
pull_works "--insecure-registry pulls over TLS without the CA" "$R/test/busybox:1" --insecure-registry "$R" pull "$R/test/busybox:1"
use_store insecure-other
pull_fails "--insecure-registry for another port does not switch verification off" "SSL certificate problem" \
  --insecure-registry "$NAME:1" pull "$R/test/busybox:1"

echo "# 7. plain http on a non-loopback name"
use_store main
expect_status 1 "push to a plain-http registry without --insecure-registry fails" -- b push "$H/test/busybox:1"
expect_contains "$(last_err)" "https://$H/v2/" "push: the error names the https URL it tried"
expect_eq "$(repositories_in "$HTTP_PORT")" "0" "nothing reached the plain-http registry"
expect_status 0 "push with --insecure-registry" -- b --insecure-registry "$H" push "$H/test/busybox:1"
expect_contains "$(last_out)" "1: digest: $PUSHED " "the same manifest digest over plain http"
use_store http-refused
pull_fails "pull from plain http without --insecure-registry" "https://$H/v2/test/busybox/manifests/1" pull "$H/test/busybox:1"
expect_contains "$(last_err)" "SSL" "the https failure is a TLS one"
use_store http-insecure
pull_works "pull from plain http with --insecure-registry" "$H/test/busybox:1" --insecure-registry "$H" pull "$H/test/busybox:1"
use_store http-insecure-url
pull_works "--insecure-registry written as http://host:port/" "$H/test/busybox:1" --insecure-registry "http://$H/" pull "$H/test/busybox:1"

echo "# 8. --cert-dir of a missing directory"
use_store missing-dir
pull_fails "pull --cert-dir /nonexistent" "certificate directory /nonexistent" pull --cert-dir /nonexistent "$R/test/busybox:1"
pull_fails "pull --cert-dir of a regular file" "$PKI/ca.crt: not a directory" pull --cert-dir "$PKI/ca.crt" "$R/test/busybox:1"
use_store main
expect_status 1 "push --cert-dir /nonexistent" -- b push --cert-dir /nonexistent "$R/test/busybox:1"
expect_contains "$(last_err)" "certificate directory /nonexistent" "push: the error names the directory"
expect_status 1 "login --cert-dir /nonexistent" -- b login --cert-dir /nonexistent -u alice -p s3cret "$A"
expect_contains "$(last_err)" "certificate directory /nonexistent" "login: the error names the directory"

echo "# 9. login with basic auth over TLS"
mkdir -p "$TEST_DIR/auth"
python3 -W ignore -c 'import crypt; print("alice:" + crypt.crypt("s3cret", "$2b$05$abcdefghijklmnopqrstuu"))' >"$TEST_DIR/auth/htpasswd"
start_tls_registry "$AUTH_PORT" tls "$TEST_DIR/auth/htpasswd"
use_store main
expect_status 1 "login over TLS without the CA fails" -- b login -u alice -p s3cret "$A"
expect_contains "$(last_err)" "SSL certificate problem" "login: the error names the certificate problem"
expect_eq "$(jq -r --arg r "$A" '.auths[$r].auth // "none"' "$DOCKER_CONFIG/config.json" 2>/dev/null || echo none)" "none" \
  "a failed login stores nothing"
expect_status 1 "login --cert-dir with a wrong password" -- b login --cert-dir "$CA_DIR" -u alice -p wrong "$A"
expect_contains "$(last_err)" "401" "login: the error says unauthorized"
expect_status 0 "login --cert-dir over TLS" -- \
  sh -c "echo s3cret | '$BERTH' login --cert-dir '$CA_DIR' -u alice --password-stdin '$A'"
expect_contains "$(last_out)" "Login Succeeded" "Login Succeeded"
expect_eq "$(jq -r --arg r "$A" '.auths[$r].auth' "$DOCKER_CONFIG/config.json" | base64 -d)" "alice:s3cret" \
  "credentials stored as Docker does"
expect_status 0 "push over TLS with the stored credentials" -- b push --cert-dir "$CA_DIR" "$A/test/busybox:1"
expect_contains "$(last_out)" "1: digest: $PUSHED " "the same manifest digest behind basic auth"
use_store auth
pull_works "pull over TLS with the stored credentials" "$A/test/busybox:1" pull --cert-dir "$CA_DIR" "$A/test/busybox:1"
expect_status 0 "logout" -- b logout "$A"
use_store auth-out
pull_fails "pull after logout is refused" "401" pull --cert-dir "$CA_DIR" "$A/test/busybox:1"

finish

#!/usr/bin/env bash
# The image commands on a private store: images (columns, -q, --digests,
# --no-trunc, filters, json), tag, rmi (untag vs delete, -f), image prune,
# history, image inspect, system df, import --change, login/logout.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

TARBALL=$(busybox_tarball)
expect_status 0 "import with --change" -- b import -c 'CMD ["sh"]' -c 'ENV A=1' -c 'LABEL tier=test' -m "from busybox" "$TARBALL" busybox:latest
ID=$(last_out)
expect_status 0 "images" -- b images
header=$(last_out | head -1)
expect_eq "$(echo "$header" | tr -s ' ')" "REPOSITORY TAG IMAGE ID CREATED SIZE" "images header as Docker's"
expect_contains "$(last_out | sed -n 2p)" "busybox" "busybox listed"
expect_contains "$(last_out | sed -n 2p)" "${ID:7:12}" "short id listed"
expect_eq "$(b images -q)" "${ID:7:12}" "images -q prints the short id"
expect_eq "$(b images -q --no-trunc)" "$ID" "images -q --no-trunc prints the full id"
expect_eq "$(b images --format json | jq -r .Repository)" "busybox" "images --format json"
expect_contains "$(b images --digests | head -1)" "DIGEST" "images --digests adds the column"

expect_status 0 "inspect" -- b image inspect busybox
expect_eq "$(last_out | jq -r '.[0].Id')" "$ID" "inspect Id"
expect_eq "$(last_out | jq -c '.[0].Config.Cmd')" '["sh"]' "--change CMD reached the config"
expect_eq "$(last_out | jq -r '.[0].Config.Env[0]')" "A=1" "--change ENV reached the config"
expect_eq "$(last_out | jq -r '.[0].Comment')" "from busybox" "-m reached the config"
expect_eq "$(last_out | jq -r '.[0].RepoTags[0]')" "busybox:latest" "RepoTags in familiar form"
expect_eq "$(b image inspect -f '{{.Config.Labels.tier}}' busybox)" "test" "inspect -f path"
expect_status 1 "inspect of a missing image" -- b image inspect nosuch
expect_contains "$(last_err)" "No such image: nosuch" "Docker's wording"
expect_status 1 "import with a bad --change" -- b import -c 'RUN true' "$TARBALL" bad:1
expect_contains "$(last_err)" "RUN is not a valid change command" "bad --change named"

# tag, filters, rmi
expect_status 0 "tag" -- b tag busybox example.com/team/box:v1
expect_eq "$(b images --format json | jq -r .Repository | sort | tr '\n' ' ')" "busybox example.com/team/box " "one row per tag"
expect_eq "$(b images --filter reference='example.com/*/*' --format json | jq -r .Tag)" "v1" "reference filter"
expect_eq "$(b images --filter label=tier=test -q | sort -u)" "${ID:7:12}" "label filter"
expect_eq "$(b images --filter label=tier=prod -q)" "" "label filter excludes"
expect_eq "$(b images --filter dangling=true -q)" "" "no dangling images yet"
expect_status 0 "rmi of one of two tags only untags" -- b rmi example.com/team/box:v1
expect_eq "$(last_out)" "Untagged: example.com/team/box:v1" "Untagged line"
expect_eq "$(b images -q --no-trunc)" "$ID" "image still there"

# A second image sharing nothing; then dangling + prune.
b import "$TARBALL" other:1 >/dev/null
b import -c 'CMD ["true"]' "$TARBALL" other:1 >/dev/null
expect_eq "$(b images --filter dangling=true -q | wc -l)" "1" "moving a tag leaves a dangling image"
expect_status 0 "image prune -f" -- b image prune -f
expect_contains "$(last_out)" "Total reclaimed space:" "prune reports reclaimed space"
expect_eq "$(b images --filter dangling=true -q | wc -l)" "0" "dangling image pruned"
expect_eq "$(b images -q | wc -l)" "2" "tagged images kept"

# Shared layer: removing one image keeps the layer for the other.
layers_before=$(store_layer_count)
expect_eq "$layers_before" "1" "both images share one layer"
expect_status 0 "rmi other:1" -- b rmi other:1
expect_contains "$(last_out)" "Deleted: sha256:" "rmi deletes the image"
expect_eq "$(store_layer_count)" "1" "the shared layer stays"
expect_eq "$(b images -a -q --no-trunc)" "$(b images -q --no-trunc)" "images -a: no intermediate images in an imported store"
expect_eq "$(b save busybox | tar -tf - | grep -c '^manifest.json$')" "1" "save to a pipe writes the archive to stdout"
expect_status 0 "history" -- b history busybox
expect_eq "$(last_out | head -1 | tr -s ' ')" "IMAGE CREATED CREATED BY SIZE COMMENT" "history header"
expect_contains "$(last_out)" "from busybox" "history shows the comment"

expect_status 0 "system df" -- b system df
expect_contains "$(last_out | sed -n 2p)" "Images" "system df Images row"
expect_status 0 "image prune -a -f" -- b image prune -a -f
expect_eq "$(b images -q | wc -l)" "0" "all images pruned"
expect_eq "$(store_layer_count)" "0" "no layer left on disk"
expect_eq "$(store_blob_count)" "0" "no blob left on disk"
expect_status 1 "rmi of a missing image" -- b rmi nosuch:1
expect_contains "$(last_err)" "No such image: nosuch:1" "rmi error wording"

# login/logout against a registry with htpasswd auth.
mkdir -p "$TEST_DIR/auth"
python3 -W ignore -c 'import crypt; print("alice:" + crypt.crypt("s3cret", "$2b$05$abcdefghijklmnopqrstuu"))' >"$TEST_DIR/auth/htpasswd"
start_registry 5001 "$TEST_DIR/auth/htpasswd"
expect_status 1 "login with a wrong password" -- b login -u alice -p wrong 127.0.0.1:5001
expect_status 0 "login" -- sh -c "echo s3cret | '$BERTH' login -u alice --password-stdin 127.0.0.1:5001"
expect_contains "$(last_out)" "Login Succeeded" "Login Succeeded"
expect_eq "$(jq -r '.auths["127.0.0.1:5001"].auth' "$DOCKER_CONFIG/config.json" | base64 -d)" "alice:s3cret" "credentials stored as Docker does"
expect_eq "$(stat -c %a "$DOCKER_CONFIG/config.json")" "600" "config.json is private"
b import "$TARBALL" 127.0.0.1:5001/private/box:1 >/dev/null
expect_status 0 "push with stored credentials" -- b push 127.0.0.1:5001/private/box:1
expect_status 0 "logout" -- b logout 127.0.0.1:5001
expect_contains "$(last_out)" "Removing login credentials for 127.0.0.1:5001" "logout wording"
expect_status 1 "push without credentials is refused" -- b push 127.0.0.1:5001/private/box:1
expect_contains "$(last_err)" "401" "the error says unauthorized"

finish

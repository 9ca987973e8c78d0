#!/usr/bin/env bash
# Builds if needed, then runs every test (unit and integration) through ctest.
set -euo pipefail
cd "$(dirname "$0")"
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
cd build
ctest --output-on-failure --timeout 300 -j "$(nproc)" "$@"

#!/usr/bin/env bash
# Benchmark: what one committing command costs — `smout submit` of each record of the example
# register, in a fresh git copy, ROUNDS times; prints the median per submit for each binary.
# Usage: benches/submit.sh [ROUNDS] BIN [BIN…]   (e.g. an older build beside target/release/smout)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=$1; shift
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.gov \
  GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.gov SMOUT_TODAY=2026-11-22
for bin in "$@"; do
  times=()
  for r in $(seq "$rounds"); do
    tmp=$(mktemp -d)
    cp -R "$here/examples/register/." "$tmp/"
    find "$tmp/records" -name determinations.toml -delete
    (cd "$tmp" && git init -q -b main && git add -A && git commit -qm base)
    ids=$(cd "$tmp/records" && ls)
    for id in $ids; do
      # Only records that pass check are submitted (the draft is refused before any write).
      if (cd "$tmp" && "$bin" -q check "$id" >/dev/null 2>&1); then
        start=$(date +%s%N)
        (cd "$tmp" && "$bin" -q submit "$id" >/dev/null)
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000 )))
      fi
    done
    rm -rf "$tmp"
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  n=${#sorted[@]}
  echo "$bin: ${n} submits, median $(awk "BEGIN{printf \"%.2f\", ${sorted[$((n/2))]}/1000}") ms"
done

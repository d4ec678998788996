#!/usr/bin/env bash
# Render the example PDFs kept in examples/pdf (reproducibly: fixed SOURCE_DATE_EPOCH), from the
# example register's history as examples/build-register.sh makes it — so each PDF is the
# submission as the Privacy Office received it, with its determination.
# Usage: examples/render-pdfs.sh   (SMOUT=path/to/smout to pick the binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
smout=${SMOUT:-smout}
export SOURCE_DATE_EPOCH=1763769600
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SMOUT="$smout" "$here/build-register.sh" "$tmp/register" >/dev/null
mkdir -p "$here/pdf"
cd "$tmp/register"
for id in opa-seizure-release opa-media-vawa cbp-fld; do
  "$smout" -q render "$id" --rev submitted -o "$here/pdf/$id.pdf"
done
"$smout" -q render cbp-fld --rev submitted --release -o "$here/pdf/cbp-fld-release.pdf"

#!/usr/bin/env bash
# Render the example PDFs kept in examples/pdf (reproducibly: fixed SOURCE_DATE_EPOCH).
# Usage: examples/render-pdfs.sh   (SMOUT=path/to/smout to pick the binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
smout=${SMOUT:-smout}
export SOURCE_DATE_EPOCH=1763769600
mkdir -p "$here/pdf"
cd "$here/register"
for id in opa-seizure-release opa-media-vawa cbp-fld; do
  "$smout" -q render "$id" -o "$here/pdf/$id.pdf"
done
"$smout" -q render cbp-fld --release -o "$here/pdf/cbp-fld-release.pdf"

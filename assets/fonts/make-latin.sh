#!/bin/sh
# The Latin fonts smout embeds in most PDFs: DejaVu Sans cut to the characters records and forms
# use (ASCII, Latin-1, Latin Extended-A, the punctuation, superscripts, arrows and ballot boxes
# of the forms). Glyph outlines and advances are DejaVu's own; a PDF whose text needs any other
# character embeds a subset of the full font instead. Made with fontTools 4.55.0 (PyPI);
# running this again gives the same bytes. LICENSE-DejaVu.txt covers these cuts as it does the
# fonts they are cut from.
#
#   pip install fonttools==4.55.0 && sh assets/fonts/make-latin.sh
set -eu
cd "$(dirname "$0")"
UNICODES="U+0020-007E,U+00A0-017F,U+2010-2027,U+2030,U+2032-2033,U+2039-203A,U+2070,U+2074-2079,U+20AC,U+2122,U+2190-2193,U+2610-2612"
for face in DejaVuSans DejaVuSans-Bold DejaVuSans-Oblique; do
  pyftsubset "$face.ttf" --unicodes="$UNICODES" --layout-features='' --no-hinting \
    --name-IDs='*' --name-languages='*' --notdef-outline --no-recalc-timestamp \
    --output-file="latin/$face.ttf"
  # Deflated once here, at zlib's best: the PDF writer embeds these bytes as they are.
  python3 -c 'import sys, zlib; open(sys.argv[2], "wb").write(zlib.compress(open(sys.argv[1], "rb").read(), 9))' \
    "latin/$face.ttf" "latin/$face.ttf.zlib"
done

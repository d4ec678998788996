#!/usr/bin/env python3
"""Make the name lists that `check --release` looks people up in (src/pii/names.rs).

Source: the 1990 U.S. Census name frequency files dist.all.last, dist.female.first and
dist.male.first (U.S. Census Bureau, a work of the U.S. Government: public domain), as the PyPI
package `names` 0.3.0 ships them:

    pip download --no-deps names==0.3.0 && tar xzf names-0.3.0.tar.gz
    python3 assets/names/make.py names-0.3.0/names

Writes assets/names/given.txt (the female and male first names) and assets/names/surnames.txt
(every surname), one upper-case ASCII name a line, sorted, each once.
"""
import os
import sys

src = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))


def names(*files):
    out = set()
    for f in files:
        with open(os.path.join(src, f), encoding="ascii") as fh:
            for line in fh:
                word = line.split()[0] if line.strip() else ""
                if word.isalpha():
                    out.add(word.upper())
    return sorted(out)


for name, files in [
    ("given.txt", ["dist.female.first", "dist.male.first"]),
    ("surnames.txt", ["dist.all.last"]),
]:
    got = names(*files)
    with open(os.path.join(here, name), "w", encoding="ascii") as fh:
        fh.write("\n".join(got) + "\n")
    print(f"{name}: {len(got)} names")

#!/usr/bin/env python3
"""typst_compile.py IN.typ OUT.pdf FONTDIR... — compile with the `typst`
PyPI package (typst-py), fonts from the given folders only (no system fonts),
fixed timestamp so the output is reproducible."""
import sys
import typst

src, out, *fonts = sys.argv[1:]
typst.compile(src, output=out, font_paths=fonts, ignore_system_fonts=True,
              timestamp=1700000000)

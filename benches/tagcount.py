#!/usr/bin/env python3
"""Element counts and the first 30 elements of tagged PDFs, side by side,
read with poppler's `pdfinfo -struct-text` (an independent reader).

    python3 benches/tagcount.py trang.pdf typst.pdf

Typst's PDF of the same Markdown: `pandoc -s -t typst` then `typst compile`
(pypandoc-binary and typst 0.15.2 from PyPI; Typst tags by default).
"""
import re
import subprocess
import sys
from collections import Counter

KINDS = ["Document", "Part", "Sect", "Div", "H1", "H2", "H3", "H4", "H5", "H6", "P",
         "L", "LI", "Lbl", "LBody", "Table", "THead", "TBody", "TR", "TH", "TD",
         "Figure", "Caption", "Note", "Reference", "Link", "TOC", "TOCI",
         "BlockQuote", "Code", "Quote", "Span"]


def elements(pdf):
    out = subprocess.run(["pdfinfo", "-struct-text", pdf],
                         capture_output=True).stdout.decode("utf-8", "replace")
    found = []
    for line in out.splitlines():
        m = re.match(r"^(\s*)([A-Z][A-Za-z0-9]*)( |:|$)", line)
        if m and not line.strip().startswith('"'):
            found.append((len(m.group(1)) // 2, m.group(2)))
    return found


def main():
    names = sys.argv[1:]
    trees = [elements(p) for p in names]
    counts = [Counter(k for _, k in t) for t in trees]
    kinds = [k for k in KINDS if any(c[k] for c in counts)]
    kinds += sorted({k for c in counts for k in c} - set(kinds))
    print("| element | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for k in kinds:
        print(f"| {k} | " + " | ".join(str(c[k]) for c in counts) + " |")
    print()
    print("| # | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for i in range(30):
        cells = []
        for t in trees:
            cells.append(("·" * t[i][0] + t[i][1]) if i < len(t) else "")
        if not any(cells):
            break
        print(f"| {i + 1} | " + " | ".join(cells) + " |")


main()

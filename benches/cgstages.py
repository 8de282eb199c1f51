#!/usr/bin/env python3
"""Per-stage instruction counts from callgrind profiles, as the tables of
benches/README.md show them.

    cargo build --profile profiling
    SOURCE_DATE_EPOCH=1700000000 valgrind --tool=callgrind \
        --callgrind-out-file=after.cg target/profiling/trang build -q book.md
    python3 benches/cgstages.py before.cg after.cg

The `profiling` profile is the release build with line tables, which
callgrind_annotate needs to name each function's source file; release
builds carry no debug info (Cargo.toml).

Each stage is the inclusive count of the function that runs it, from
callgrind_annotate's entry for the function in its own source file (the
largest when there are several). Code inlined into it from another file is
an entry of its own and is not counted, and which code is inlined changes
from build to build: a stage whose count moves with no change to its code
(linebreak, from 154.9 M to 53.3 M in session 13) moved its inlining.
`total` is the whole program. The first file is the reference of the
change columns. Instruction counts do not depend on the
machine's load, unlike times.

Run it from outside the repository (`cd /tmp`): inside it, callgrind_annotate
names the files of a profile made there relative to it and counts their
functions apart from the same functions under other paths (session 23: the
typeset stage read 53.3 M instead of 458.1 M).

The EPUB built beside a PDF makes its fonts first, while the pages are set
(session 23): `epub fonts early` is that part, `epub` the rest (both run on
the EPUB's thread, beside the PDF's).
"""
import re
import subprocess
import sys

STAGES = {
    'parse': r'trang::markdown::parse_with$',
    'epub': r'trang::epub::write_epub(_paged|_with)?$',
    'epub fonts early': r'trang::epub::prepare_fonts$',
    'epub subset': r'trang::epub::subset::embed$',
    'epub package': r'trang::epub::package::build$',
    'shape': r'trang::typeset::shape::Shaper::shape$',
    'linebreak': r'trang::typeset::linebreak::break_lines$',
    'flow': r'trang::typeset::blocks::build_flow(_split)?$',
    'paginate': r'trang::typeset::paginate::paginate(_keeping)?$',
    'typeset': r'trang::typeset::typeset_with$',
    'pdf': r'trang::pdf::write_pdf_(owned|as)$',
}


def load(path):
    out = subprocess.run(['callgrind_annotate', '--threshold=100', '--inclusive=yes', path],
                         capture_output=True, text=True, check=True).stdout
    total = int(re.search(r'([\d,]+) \(100.0%\)\s+PROGRAM TOTALS', out).group(1).replace(',', ''))
    counts = {'total': total}
    for line in out.splitlines():
        m = re.match(r'^\s*([\d,]+)\s+\([^)]*\)\s+\S+?:(.*?)(\s\[.*\])?$', line)
        if not m or not m.group(3):
            continue
        for stage, pattern in STAGES.items():
            if re.search(pattern, m.group(2)):
                counts[stage] = max(counts.get(stage, 0), int(m.group(1).replace(',', '')))
    return counts


def main():
    profiles = [load(p) for p in sys.argv[1:]]
    if not profiles:
        sys.exit(__doc__)
    for stage in [*STAGES, 'total']:
        v = [p.get(stage, 0) / 1e6 for p in profiles]
        change = [f"{(x / v[0] - 1) * 100:+.1f} %" if v[0] else "–" for x in v[1:]]
        print(f"| {stage} | " + " | ".join(f"{x:,.1f} M" for x in v) + " | " + " | ".join(change) + " |")


if __name__ == '__main__':
    main()

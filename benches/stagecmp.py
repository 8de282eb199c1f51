#!/usr/bin/env python3
"""Stage benchmarks of two builds, run alternately: the table for an issue's
before/after.

Each argument is `NAME=BINARY[@DIR]`: a `stages` bench binary (built with
`cargo bench --bench stages --no-run`, copied out of `target/release/deps/`)
and the checkout it was built from (the binary reads `source/article.md`
there; default: the current folder). The binaries run one after the other,
`--runs` times (divan: 5 samples each), and the table gives, per stage and
input, the median of the medians and the change from the first build.

    python3 benches/stagecmp.py --runs 3 before=/tmp/stages-old@/work/wt/old \\
        after=target/release/deps/stages-XXXX

Wall time on a small shared machine moves by ±15 % between runs: read the
table beside callgrind's instruction counts (benches/README.md).
"""

import argparse
import re
import statistics
import subprocess
import sys

UNITS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}
ROW = re.compile(r"^[\s│]*[├╰]─ (\S+)\s+([\d.]+) (\S+)\s+│\s+([\d.]+) (\S+)\s+│\s+([\d.]+) (\S+)")


def stages_of(binary, cwd, filters):
    """{(stage, input): median ms} from one run of a divan bench binary."""
    out = subprocess.run(
        [binary, "--bench", *filters], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    result, stage = {}, None
    for line in out.splitlines():
        head = re.match(r"^[├╰]─ (\S+)", line)
        if head:
            stage = head.group(1)
            continue
        m = ROW.match(line)
        if m and stage:
            result[(stage, m.group(1))] = float(m.group(6)) * UNITS[m.group(7)]
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("builds", nargs="+", help="NAME=BINARY[@DIR]")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--filter", action="append", default=[], help="divan name filter")
    args = ap.parse_args()
    builds = []
    for b in args.builds:
        name, _, rest = b.partition("=")
        binary, _, cwd = rest.partition("@")
        builds.append((name, binary, cwd or "."))
    samples = {name: {} for name, _, _ in builds}
    for r in range(args.runs):
        for name, binary, cwd in builds:
            print(f"run {r + 1}/{args.runs}: {name}", file=sys.stderr)
            for key, ms in stages_of(binary, cwd, args.filter).items():
                samples[name].setdefault(key, []).append(ms)
    first = builds[0][0]
    keys = sorted({k for s in samples.values() for k in s})
    head = "| stage | input | " + " | ".join(n for n, _, _ in builds)
    head += "".join(f" | {n} vs {first}" for n, _, _ in builds[1:]) + " |"
    print(head)
    print("|" + "---|" * (2 + 2 * len(builds) - 1))
    for key in keys:
        med = [statistics.median(samples[n].get(key, [float("nan")])) for n, _, _ in builds]
        cells = [f"{m:.2f} ms" if m >= 1 else f"{m * 1000:.0f} µs" for m in med]
        change = [f"{(m / med[0] - 1) * 100:+.0f} %" for m in med[1:]]
        print(f"| {key[0]} | {key[1]} | " + " | ".join(cells + change) + " |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Peak memory of one large document, and where in the build it is reached.

Generates a book of CHAPTERS chapters (examples/genbook.rs; 4,200 chapters
is 50.1 MB of Markdown, 60 is the 734 KB book of benches/compare.py),
builds it with `trang build --timings` and samples the process's resident
set (VmRSS, all threads) every --every seconds from /proc. Prints the peak
(ru_maxrss), the stage times, a coarse timeline of the RSS (to see which
stage holds what), `qpdf --check` of the PDF, and with --reference DIR
whether the outputs are byte-identical to the ones in DIR (the same input
built by another binary, e.g. before a change).

    cargo build --release --example genbook && cargo build --release --bin trang
    (two commands: built with an example, the binary gets the dev-dependencies'
    features, its symbols other hashes, and src/link-order.txt no longer
    applies; `python3 benches/link_order.py --check` tells)
    python3 benches/memory.py --chapters 4200 [--bin PATH] [--reference DIR]
"""
import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chapters", type=int, default=4200)
    ap.add_argument("--input", help="an existing Markdown file instead of a generated book")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "trang"))
    ap.add_argument("--target", default=os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target")))
    ap.add_argument("--every", type=float, default=0.1)
    ap.add_argument("--rows", type=int, default=20, help="timeline rows printed (0: none)")
    ap.add_argument("--out", help="output folder, kept (default: a temporary one, deleted)")
    ap.add_argument("--reference", help="folder with the same outputs from another binary")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="trang-memory-"))
    if args.input:
        source = Path(args.input)
    else:
        source = work / "book.md"
        gen = Path(args.target) / "release" / "examples" / "genbook"
        with open(source, "wb") as f:
            subprocess.run([str(gen), "--chapters", str(args.chapters), "--seed", "1"], stdout=f, check=True)
    out = Path(args.out) if args.out else work / "out"
    size = source.stat().st_size
    print(f"input: {source} ({size / 1e6:.1f} MB)")

    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    cmd = [args.bin, "build", "--timings", "--no-system-fonts", str(source), "-o", str(out)]
    log = work / "stderr.txt"
    samples = []
    done = threading.Event()
    with open(log, "w") as errf:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errf)

        def sample():
            while not done.is_set():
                r = rss_kib(p.pid)
                if r is not None:
                    samples.append((time.perf_counter() - start, r))
                done.wait(args.every)

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    code = os.waitstatus_to_exitcode(status)
    print(f"exit {code}, wall {wall:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MiB")
    print(log.read_text().strip())
    if samples and args.rows > 0:
        step = max(1, len(samples) // args.rows)
        print("timeline (s, MiB):")
        print("  " + "  ".join(f"{t:5.1f}:{r / 1024:5.0f}" for t, r in samples[::step]))
    pdf = out / (source.stem + ".pdf")
    if pdf.exists():
        q = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        last = (q.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"qpdf --check: exit {q.returncode}: {last}")
    if args.reference:
        for f in sorted(out.iterdir()):
            ref = Path(args.reference) / f.name
            same = ref.exists() and filecmp.cmp(f, ref, shallow=False)
            print(f"{f.name}: {'identical to' if same else 'DIFFERS from'} {ref}")
    # The generated book and the outputs not asked for (--out) are
    # temporary: a 4,200-chapter run leaves 100 MB otherwise.
    shutil.rmtree(work, ignore_errors=True)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Archive throughput: `trang build --each` over N generated articles.

Generates N articles (examples/genarchive.rs, a hundred to a folder, one of
them corrupt), builds them all in one command and prints the wall time,
articles per second, peak RSS (ru_maxrss of the trang process: its worker
threads included) and the exit code (1: the corrupt article failed, the
others were built). With --alone K it also builds the first K articles one
process each, the way a shell loop would, for comparison.

    cargo build --release --example genarchive && cargo build --release --bin trang
    (two commands: see benches/link_order.py --check)
    python3 benches/archive.py --articles 1000 10000 [--jobs N] [--alone 100] [--bin PATH]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd, env):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    err = p.stderr.read().decode(errors="replace")
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, nargs="+", default=[1000])
    ap.add_argument("--jobs", type=int)
    ap.add_argument("--alone", type=int, default=0)
    ap.add_argument("--target", default=os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target")))
    ap.add_argument("--bin", help="the trang binary (default: TARGET/release/trang)")
    args = ap.parse_args()
    trang = args.bin or str(Path(args.target) / "release" / "trang")
    gen = str(Path(args.target) / "release" / "examples" / "genarchive")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    for n in args.articles:
        work = Path(tempfile.mkdtemp(prefix="trang-archive-"))
        src, out = work / "src", work / "out"
        subprocess.run([gen, "--articles", str(n), "--out", str(src), "--corrupt", str(n // 2)], check=True)
        size = sum(f.stat().st_size for f in src.rglob("*.md"))
        cmd = [trang, "build", "--each", "-q", "--no-system-fonts", "-o", str(out), str(src)]
        if args.jobs:
            cmd[3:3] = ["--jobs", str(args.jobs)]
        wall, rss, code, err = timed(cmd, env)
        built = len(list(out.rglob("*.pdf")))
        summary = [line.strip() for line in err.splitlines() if "Failed" in line or "bai-" in line][-2:]
        print(f"{n} articles ({size / 1e6:.1f} MB of Markdown): {wall:.1f} s, {n / wall:.1f} articles/s, "
              f"peak RSS {rss:.0f} MiB, exit {code}, {built} PDFs; {' / '.join(summary)}")
        if args.alone:
            files = sorted(src.rglob("*.md"))[: args.alone]
            start = time.perf_counter()
            for f in files:
                subprocess.run([trang, "build", "-q", "--no-system-fonts", "-o", str(work / "alone"), str(f)],
                               env=env, stderr=subprocess.DEVNULL)
            alone = time.perf_counter() - start
            print(f"  one process each, {len(files)} articles: {len(files) / alone:.1f} articles/s")
        shutil.rmtree(work)
        sys.stdout.flush()


if __name__ == "__main__":
    main()

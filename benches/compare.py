#!/usr/bin/env python3
"""trang vs Typst vs pandoc on the article, the reference book and the book x4.

Runs, alternately and N times each (default 5), for every input:

* trang:   `trang build --paper a5` (EPUB + PDF), the release binary;
* typst:   `python -c 'typst.compile(...)'` on a .typ that pandoc wrote from
           the same Markdown (A5, Source Serif 4 from trang's fonts folder);
           the compile step alone, measured inside that process, is also
           reported;
* pandoc:  `pandoc book.md -o book.epub` (pandoc 3 from pypandoc-binary).

and prints the median wall time, the peak RSS and the output sizes of
each. The peak RSS comes from one more run of each under GNU time
(`/usr/bin/time -f %M`): `ru_maxrss` from `wait4` on a child of this
Python process counts this process's own peak too (Linux folds the
parent's high-water mark into the child's when it `exec`s after `vfork`),
which made the article look like 27 MiB. Nothing in the test suite
depends on this script.

Setup (once; GNU time from Debian's `time` package):
    python3 -m venv /tmp/cmpvenv
    /tmp/cmpvenv/bin/pip install typst==0.15.2 pypandoc-binary
    cargo build --release --example genbook && cargo build --release --bin trang
    (two commands: built with an example, the binary gets the dev-dependencies'
    features, its symbols other hashes, and src/link-order.txt no longer
    applies; `python3 benches/link_order.py --check` tells)
Run:
    /tmp/cmpvenv/bin/python benches/compare.py [--runs 5] [--target DIR]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


CPU = {}


def run(cmd, cwd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS in MiB, stdout). Its CPU
    seconds (user + system, all threads) are appended to CPU[cmd[0]]."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{err.decode(errors='replace')}")
    CPU.setdefault(cmd[0], []).append(usage.ru_utime + usage.ru_stime)
    return wall, usage.ru_maxrss / 1024.0, out.decode(errors="replace")


def peak(cmd, cwd, env=None):
    """The peak RSS in MiB of one run of cmd, from GNU time."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return int(p.stderr.decode().strip().splitlines()[-1]) / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--target", default=os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target")))
    ap.add_argument("--inputs", default="article,book,book_x4")
    args = ap.parse_args()

    import pypandoc  # noqa: F401  (pandoc binary location)

    pandoc = str(Path(pypandoc.__file__).parent / "files" / "pandoc")
    trang = str(Path(args.target) / "release" / "trang")
    genbook = str(Path(args.target) / "release" / "examples" / "genbook")
    fonts = str(ROOT / "fonts")
    py = sys.executable
    env = dict(os.environ, SOURCE_DATE_EPOCH="1657000000")

    work = Path(tempfile.mkdtemp(prefix="trang-compare-"))
    inputs = {}
    for name in args.inputs.split(","):
        md = work / f"{name}.md"
        if name == "article":
            md.write_text((ROOT / "source" / "article.md").read_text())
        else:
            chapters = "60" if name == "book" else "240"
            md.write_bytes(subprocess.run([genbook, "--chapters", chapters, "--seed", "1"],
                                          check=True, capture_output=True).stdout)
        typ = work / f"{name}.typ"
        subprocess.run([pandoc, str(md), "-s", "-t", "typst", "-o", str(typ),
                        "-V", "papersize=a5", "-V", "mainfont=Source Serif 4",
                        "-V", "fontsize=10.5pt"], check=True, cwd=work)
        inputs[name] = (md, typ)

    compile_snippet = (
        "import sys, time, typst\n"
        "t = time.perf_counter()\n"
        "typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]])\n"
        "print(time.perf_counter() - t)\n"
    )
    print(f"machine: {os.cpu_count()} CPUs, {os.uname().release}, load {os.getloadavg()[0]:.2f}; runs: {args.runs}; work dir {work}")
    print(f"{'input':8} {'md KB':>7} {'tool':14} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9} {'out KB':>8}")
    for name, (md, typ) in inputs.items():
        res = {k: ([], []) for k in ("trang", "typst process", "typst compile", "pandoc epub")}
        CPU.clear()
        for _ in range(args.runs):
            w, m, _ = run([trang, "build", "-q", "--paper", "a5", "-o", str(work / "out"), str(md)], work, env)
            res["trang"][0].append(w)
            res["trang"][1].append(m)
            w, m, out = run([py, "-c", compile_snippet, str(typ), str(work / f"{name}-typst.pdf"), fonts], work)
            res["typst process"][0].append(w)
            res["typst process"][1].append(m)
            res["typst compile"][0].append(float(out.strip().splitlines()[-1]))
            res["typst compile"][1].append(m)
            w, m, _ = run([pandoc, str(md), "-o", str(work / f"{name}-pandoc.epub")], work)
            res["pandoc epub"][0].append(w)
            res["pandoc epub"][1].append(m)
        trang_cmd = [trang, "build", "-q", "--paper", "a5", "-o", str(work / "out"), str(md)]
        typst_cmd = [py, "-c", compile_snippet, str(typ), str(work / f"{name}-typst.pdf"), fonts]
        pandoc_cmd = [pandoc, str(md), "-o", str(work / f"{name}-pandoc.epub")]
        peaks = {"trang": peak(trang_cmd, work, env), "typst process": peak(typst_cmd, work),
                 "pandoc epub": peak(pandoc_cmd, work)}
        peaks["typst compile"] = peaks["typst process"]
        sizes = {
            "trang": (work / "out" / f"{name}.pdf").stat().st_size,
            "typst process": (work / f"{name}-typst.pdf").stat().st_size,
            "typst compile": (work / f"{name}-typst.pdf").stat().st_size,
            "pandoc epub": (work / f"{name}-pandoc.epub").stat().st_size,
        }
        for tool, (walls, _) in res.items():
            print(f"{name:8} {md.stat().st_size / 1000:7.0f} {tool:14} {statistics.median(walls):9.3f} "
                  f"{min(walls):7.3f} {max(walls):7.3f} {peaks[tool]:9.1f} {sizes[tool] / 1000:8.0f}")
        cpu = {k: statistics.median(v) for k, v in CPU.items()}
        t_wall, y_wall = statistics.median(res["trang"][0]), statistics.median(res["typst compile"][0])
        print(f"{name:8} CPU s (median): trang {cpu[trang]:.3f}, typst process {cpu[py]:.3f}, "
              f"pandoc {cpu[pandoc]:.3f}; Typst compile / trang: wall {y_wall / t_wall:.1f}x, "
              f"CPU (Typst process) {cpu[py] / cpu[trang]:.1f}x; load {os.getloadavg()[0]:.2f}")
        pages = subprocess.run(["pdfinfo", str(work / "out" / f"{name}.pdf")], capture_output=True, text=True).stdout
        tpages = subprocess.run(["pdfinfo", str(work / f"{name}-typst.pdf")], capture_output=True, text=True).stdout
        pick = lambda s: next((l.split()[-1] for l in s.splitlines() if l.startswith("Pages:")), "?")
        print(f"{name:8} pages: trang {pick(pages)}, typst {pick(tpages)}; "
              f"trang epub {(work / 'out' / f'{name}.epub').stat().st_size / 1000:.0f} KB")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

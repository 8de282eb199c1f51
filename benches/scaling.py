#!/usr/bin/env python3
"""How each kind of document's cost grows: the same shape at N and at 4N.

For every shape below (many footnotes, many internal links, a contents of
many headings, one long table, one long code block, long and nested lists,
many images, many formulas, one long paragraph, nested quotes, raw HTML,
emoji and symbols, many chapters, and a book folder of many chapter files),
generates a document of N units and one of 4N, builds each (EPUB and PDF,
best of --runs) and prints both wall times, their ratio and the stage that
grew most (`--timings`). Linear cost gives a ratio near 4; a ratio above
--limit (default 5.5) is marked `SUPERLINEAR`: some stage does work in
the product of two counts that both grow with the document (session 19
found six such: the contents' folios, the chapter of each block, whether a
heading opens a chapter, each chapter's notes and headings in the EPUB, each
note's definition, and each note's structure element).

Timing, not a test: run it on an idle machine, by hand.

    cargo build --release --example genbook && cargo build --release --bin trang
    (two commands: built with an example, the binary gets the dev-dependencies'
    features, its symbols other hashes, and src/link-order.txt no longer
    applies; `python3 benches/link_order.py --check` tells)
    python3 benches/scaling.py [--n 2000] [--runs 2] [--bin PATH] [--only notes,links]
        [--args '--columns 2 --duplex --booklet a4']
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "Công tác thực hiện chính sách dân tộc, tôn giáo của các địa phương đã có chuyển biến tích cực."


def markdown(shape, n):
    """A document of `n` units of `shape`, as Markdown text."""
    w = SENTENCE
    out = ["---\ntitle: Thử quy mô\n" + ("toc: true\n" if shape == "toc" else "") + "---\n"]
    if shape == "notes":
        out += [f"{w} Câu {i}.[^n{i}]\n" for i in range(n)]
        out += [f"[^n{i}]: Chú thích số {i}. {w}\n" for i in range(n)]
    elif shape == "links":
        out += [f"## Mục {i}\n\n{w} Xem [mục {n - 1 - i}](#mục-{n - 1 - i}).\n" for i in range(n)]
    elif shape == "toc":
        out += [f"## Mục {i}\n\n{w}\n" for i in range(n)]
    elif shape == "table":
        out.append("| A | B | C |\n|---|---|---|")
        out += [f"| {i} | ô {i} | {w[:40]} |" for i in range(n)]
        out.append("")
    elif shape == "code":
        out.append("```rust\n" + "\n".join(f"let x{i} = {i}; // {w[:30]}" for i in range(n)) + "\n```")
    elif shape == "list":
        out += [f"- Mục {i}: {w}" for i in range(n)]
        out.append("")
    elif shape == "nested":
        out += ["  " * (i % 5) + f"- Mục {i}: {w[:50]}" for i in range(n)]
        out.append("")
    elif shape == "images":
        out += [f"![Hình {i}](ruong.png)\n\n{w}\n" for i in range(n)]
    elif shape == "math":
        out += [f"{w} $x_{{{i}}}^2 + y = \\frac{{a}}{{b}}$ và $\\sqrt{{{i}}}$.\n" for i in range(n)]
    elif shape == "paragraph":
        out.append(" ".join(w for _ in range(n)) + "\n")
    elif shape == "quotes":
        out += [f"> {w}\n>\n> > {w}\n" for _ in range(n)]
    elif shape == "html":
        out += [f'<div class="x">\n\n{w} <span>{i}</span> <br>\n\n</div>\n' for i in range(n)]
    elif shape == "emoji":
        out += [f"{w} 😀🎉 ✓ → ∑ {i}\n" for i in range(n)]
    elif shape == "chapters":
        out += [f"# Chương {i}\n\n{w}\n" for i in range(n)]
    else:
        raise SystemExit(f"unknown shape {shape}")
    return "\n".join(out) + "\n"


SHAPES = ["notes", "links", "toc", "table", "code", "list", "nested", "images", "math",
          "paragraph", "quotes", "html", "emoji", "chapters", "book"]


def source(work, shape, n, target):
    """The input for `shape` at size `n`: a Markdown file, or a book folder."""
    if shape == "book":
        folder = work / f"book-{n}"
        gen = Path(target) / "release" / "examples" / "genbook"
        # A chapter of the generated book is some 12 KB: n/4 chapters keep
        # the book near the size of the other shapes.
        chapters = max(n // 4, 2)
        subprocess.run([str(gen), "--chapters", str(chapters), "--seed", "1", "--split", str(folder)],
                       check=True, stdout=subprocess.DEVNULL)
        return folder
    path = work / f"{shape}-{n}.md"
    path.write_text(markdown(shape, n), encoding="utf-8")
    return path


def build(binary, src, out, runs, extra):
    """Best wall time of `runs` builds, and the stage times of the last."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    best, stages = None, {}
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run([binary, "build", "--timings", "--no-system-fonts", "-o", str(out), str(src)] + extra,
                           env=env, capture_output=True, text=True)
        took = time.perf_counter() - start
        if p.returncode != 0:
            raise SystemExit(f"{src}: exit {p.returncode}\n{p.stderr}")
        best = took if best is None else min(best, took)
        stages = {m[0]: float(m[1]) for m in re.findall(r"^\s+([a-z ]+?)\s+([0-9.]+) ms", p.stderr, re.M)}
    return best, stages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000, help="units of the smaller document (the larger has 4N)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--limit", type=float, default=5.5)
    ap.add_argument("--only", help="a comma list of shapes")
    ap.add_argument("--args", default="", help="more `trang build` options, e.g. '--columns 2 --duplex'")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "trang"))
    ap.add_argument("--target", default=os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target")))
    args = ap.parse_args()
    shapes = args.only.split(",") if args.only else SHAPES
    work = Path(tempfile.mkdtemp(prefix="trang-scaling-"))
    try:
        shutil.copy(ROOT / "tests" / "fixtures" / "images" / "ruong.png", work / "ruong.png")
        print(f"{'shape':10} {'N':>7} {'4N':>7}  ratio  stage grown most")
        for shape in shapes:
            small, large = (source(work, shape, n, args.target) for n in (args.n, 4 * args.n))
            (t1, s1), (t4, s4) = (build(args.bin, src, work / "out", args.runs, args.args.split())
                                  for src in (small, large))
            ratio = t4 / t1
            grown = max((k for k in s4 if k != "total" and s1.get(k)), key=lambda k: s4[k] / s1[k], default="")
            note = f"{grown} ×{s4[grown] / s1[grown]:.1f}" if grown else ""
            flag = "  SUPERLINEAR" if ratio > args.limit else ""
            print(f"{shape:10} {t1:6.2f}s {t4:6.2f}s  ×{ratio:4.1f}  {note}{flag}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The formulas of tests/fixtures/math/formulas.tsv set by XeLaTeX, Typst and trang, side by side.

Each formula is set alone, in the same fonts (Source Serif 4 for text, STIX
Two Math for mathematics, both from trang's fonts/ folder), at the same size
(11.5 pt, trang's `article` body size) and on the same measure (369 pt,
trang's A4 `article` text block), so that what differs is the layout:

* inline formulas in a line of Vietnamese text, `Ví dụ $…$ ở đây.`, so that
  the baseline, the height and the spacing against text show;
* display formulas as `$$…$$` alone (centred; equation numbers at the right
  end of the measure).

Engines:

* xelatex: one Markdown file of all the formulas, one per page, through
  `pandoc -s --pdf-engine=xelatex` (amsmath + unicode-math,
  `\\setmathfont{STIXTwoMath-Regular.otf}`), pages rendered by pdftoppm;
* typst:   each formula converted by `pandoc -f markdown -t typst` (pandoc's
  texmath; mended where Typst has another spelling, see TYPST_MENDS; what
  pandoc cannot convert is listed in `notes.txt`), a document of its own
  compiled by the `typst` Python package (0.15.2) to PNG, fonts only from
  trang's folder;
* trang:   one `trang build F.md --format pdf --no-system-fonts` per formula
  (a document of one paragraph; the title line is cut away), first page
  rendered by pdftoppm.

With --handout, tests/fixtures/math/handout.md is also set whole by each
engine (A4), OUT/handout-N.png showing page N of each side by side.

Every rendering is cut to its ink and written to OUT/png/ENGINE/NNN.png
(NNN = the formula's line in the TSV); OUT/CONSTRUCT.png is the montage of
one construct: one row per formula (its TeX above), one column per engine.
OUT/timings.txt has the wall time of each engine's step; OUT/notes.txt the
failures and the formulas pandoc could not convert to Typst.

Setup (once):
    apt-get install -y poppler-utils texlive-xetex texlive-latex-recommended
        (texlive-latex-recommended brings amsmath and unicode-math)
    python3 -m venv /tmp/cmpvenv
    /tmp/cmpvenv/bin/pip install typst==0.15.2 pypandoc-binary pillow
    cargo build --release --bin trang
Run:
    /tmp/cmpvenv/bin/python benches/math/compare.py \\
        [--out /work/bench/math-compare] [--trang target/release/trang] \\
        [--engines xelatex,typst,trang] [--only frac,cases] [--dpi 150] [--handout]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent.parent
FONTS = ROOT / "fonts"
SIZE_PT = 11.5  # trang's `article` body size
MEASURE_PT = 369.0  # trang's A4 `article` text block (595.28 pt − 2 × 113 pt)
LEADING_PT = 16.0  # trang's line pitch at that size
MARGIN_MM = 5
INLINE = ("Ví dụ ", " ở đây.")
ENGINES = ("xelatex", "typst", "trang")


def read_tsv(path):
    """Rows (line, construct, mode, tex) of the formula list."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        construct, mode, tex = line.split("\t", 2)
        if mode not in ("inline", "display"):
            sys.exit(f"{path}:{n}: mode `{mode}` is neither `inline` nor `display`")
        rows.append((n, construct, mode, tex))
    return rows


def markdown(mode, tex):
    """The Markdown paragraph a formula is set in."""
    if mode == "inline":
        return f"{INLINE[0]}${tex}${INLINE[1]}"
    return f"$${tex}$$"


def trim(img, pad=8):
    """The image cut to its ink, with `pad` white pixels around."""
    img = img.convert("RGB")
    bg = Image.new("RGB", img.size, (255, 255, 255))
    diff = ImageChops.difference(img, bg).convert("L").point(lambda v: 255 if v > 24 else 0)
    box = diff.getbbox()
    if box is None:
        return Image.new("RGB", (2 * pad, 2 * pad), "white")
    img = img.crop(box)
    out = Image.new("RGB", (img.width + 2 * pad, img.height + 2 * pad), "white")
    out.paste(img, (pad, pad))
    return out


def pdf_pages(pdf, dpi, prefix):
    """Renders every page of a PDF; returns the PNG paths in page order."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    pages = sorted(prefix.parent.glob(prefix.name + "-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pages


def run_xelatex(rows, work, pandoc, dpi, out, notes):
    """All formulas in one pandoc → XeLaTeX run, one page each."""
    md = work / "xelatex.md"
    parts = []
    for n, _, mode, tex in rows:
        # \typeout marks each formula in the log, to tell which one an error is in.
        parts.append(f"\\typeout{{TRANG-ROW {n}}}\n\n{markdown(mode, tex)}\n\n\\newpage\n")
    md.write_text("\n".join(parts), encoding="utf-8")
    header = work / "xelatex-header.tex"
    header.write_text(
        "\\setlength{\\parindent}{0pt}\n"
        f"\\AtBeginDocument{{\\fontsize{{{SIZE_PT}pt}}{{{LEADING_PT}pt}}\\selectfont}}\n",
        encoding="utf-8",
    )
    tex = work / "xelatex.tex"
    subprocess.run(
        [pandoc, str(md), "-s", "-o", str(tex), "-f", "markdown", "-V", "lang=vi",
         "-V", f"geometry:paperwidth={MEASURE_PT + 2 * MARGIN_MM * 72 / 25.4:.1f}pt",
         "-V", "geometry:paperheight=12cm", "-V", f"geometry:margin={MARGIN_MM}mm",
         "-V", "pagestyle=empty", "-H", str(header)] + xelatex_fonts(),
        check=True,
    )
    start = time.perf_counter()
    p = subprocess.run(["xelatex", "-interaction=nonstopmode", tex.name],
                       cwd=work, capture_output=True)
    wall = time.perf_counter() - start
    log = (work / "xelatex.log").read_text(encoding="utf-8", errors="replace")
    current, errors = None, {}
    for line in log.splitlines():
        m = re.match(r"TRANG-ROW (\d+)", line)
        if m:
            current = int(m.group(1))
        elif line.startswith("! ") and current is not None:
            errors.setdefault(current, line[2:])
    for n, message in errors.items():
        notes.append(f"xelatex {n}: {message}")
    pdf = work / "xelatex.pdf"
    if not pdf.exists():
        notes.append(f"xelatex: no PDF (exit {p.returncode}); see {work / 'xelatex.log'}")
        return wall
    pages = pdf_pages(pdf, dpi, work / "xelatex-page")
    if len(pages) != len(rows):
        notes.append(f"xelatex: {len(pages)} pages for {len(rows)} formulas (one overflowed its page?)")
    for (n, *_), page in zip(rows, pages):
        trim(Image.open(page)).save(out / f"{n:03}.png")
    return wall


# pandoc's Typst for TeX math, mended by hand where Typst 0.15 has a better
# (or the only working) spelling: (pattern, replacement) on pandoc's output.
TYPST_MENDS = [
    # `\cap`: pandoc writes `sect`, which Typst 0.14 renamed `inter`.
    (r"\bsect\b", "inter"),
    # `\xrightarrow{…}`: pandoc writes a fixed arrow with a script; Typst's
    # arrow that grows under its label is `stretch(…)`.
    (r"\barrow\.r\^\(", "stretch(arrow.r)^("),
    # `vmatrix`: pandoc writes `delim: "||"`; Typst takes one character.
    (r'delim: "\|\|"', 'delim: "|"'),
    # `\operatorname{x}`: pandoc writes the bare text "x" (no operator spacing).
    (r'(?<![\w(])"([A-Za-z]+)"', r'op("\1")'),
]


# Typst written by hand where pandoc's conversion loses what the comparison
# is about: `\dfrac`/`\tfrac` (pandoc drops the style), `cases` without `&`
# (pandoc writes a lone brace), `matrix` (pandoc writes `&` alignment, which
# has no column gaps), `\;` and `\!` (pandoc writes 0 em and −1 em), and
# `\left\{`/`\left[` around `aligned`/`gathered` (Typst's idiom is `cases`,
# with `delim`). Keyed by the TeX.
TYPST_BY_HAND = {
    r"\dfrac{a}{b} + \dfrac{c}{d} = \dfrac{ad + bc}{bd}":
        "display(a/b) + display(c/d) = display((a d + b c)/(b d))",
    r"P(A) = \dfrac{n(A)}{n(\Omega)}": "P(A) = display((n(A))/(n(Omega)))",
    r"S = \tfrac{1}{2} a h": "S = inline(1/2) a h",
    r"\sin^2 \frac{x}{2} = \tfrac{1}{2}(1 - \cos x)": "sin^2 x/2 = inline(1/2)(1 - cos x)",
    r"f(x) = \begin{cases} \dfrac{x^2 - 1}{x - 1} & \text{khi } x \ne 1 \\ 2 & \text{khi } x = 1 \end{cases}":
        'f(x) = cases(display((x^2 - 1)/(x - 1)) & "khi " x != 1, 2 & "khi " x = 1)',
    r"\begin{cases} 2x + y = 5 \\ x - y = 1 \end{cases} \Leftrightarrow \begin{cases} x = 2 \\ y = 1 \end{cases}":
        "cases(2x + y = 5, x - y = 1) <=> cases(x = 2, y = 1)",
    r"\begin{cases} x + y + z = 6 \\ x - y = 0 \\ 2z = 6 \end{cases}":
        "cases(x + y + z = 6, x - y = 0, 2z = 6)",
    r"\left\{ \begin{aligned} x &= 1 + 2t \\ y &= -3t \\ z &= 2 + t \end{aligned} \right.":
        "cases(x &= 1 + 2t, y &= -3t, z &= 2 + t)",
    r"\begin{matrix} 1 & 2 & 3 \\ 4 & 5 & 6 \end{matrix}": "mat(delim: #none, 1, 2, 3; 4, 5, 6)",
    r"\begin{matrix} x & -\infty & & 1 & & +\infty \\ f'(x) & & + & 0 & - & \end{matrix}":
        'mat(delim: #none, x, -oo, , 1, , +oo; f\'(x), , +, 0, -, "")',
    r"a\,b\;c\:d\!e": "a thin b thick c med d #h(-1em/6) e",
    r"\left[ \begin{gathered} x = \frac{\pi}{6} + k2\pi \\ x = \frac{5\pi}{6} + k2\pi \end{gathered} \right. \quad (k \in \mathbb{Z})":
        'cases(delim: "[", x = pi/6 + k 2 pi, x = (5 pi)/6 + k 2 pi) quad (k in ZZ)',
}


def mend(typst_markup):
    """pandoc's Typst with TYPST_MENDS applied inside its equations (`$…$`)."""
    def one(m):
        math = m.group(0)
        for pattern, replacement in TYPST_MENDS:
            math = re.sub(pattern, replacement, math)
        return math

    return re.sub(r"(?<!\\)\$[^$]*\$", one, typst_markup)


def typst_source(pandoc, mode, tex):
    """Typst markup of one formula's paragraph (pandoc's conversion, mended) and
    pandoc's warnings. A `\tag{X}` is taken out before pandoc (which drops it)
    and given back as Typst's equation numbering."""
    if tex in TYPST_BY_HAND:
        math = TYPST_BY_HAND[tex]
        if mode == "inline":
            return f"{INLINE[0]}${math}${INLINE[1]}", ""
        return f"$ {math} $", ""
    # `3{,}14`: pandoc writes `3 \, 14` (a comma and a space); Typst's decimal
    # comma is the quoted "3,14", which pandoc writes for `\text{3,14}`.
    tex = re.sub(r"(\d+)\{,\}(\d+)", r"\\text{\1,\2}", tex)
    tag = re.search(r"\\tag\{([^{}]*)\}", tex)
    if tag:
        tex = tex[: tag.start()] + tex[tag.end():]
    p = subprocess.run([pandoc, "-f", "markdown", "-t", "typst"], input=markdown(mode, tex),
                       capture_output=True, text=True, check=True)
    source = mend(p.stdout.strip())
    if tag:
        label = tag.group(1).replace("\\", "\\\\").replace('"', '\\"')
        source = f'#[#set math.equation(numbering: _ => "({label})")\n{source}\n]'
    return source, p.stderr.strip()


def run_typst(rows, work, pandoc, dpi, out, notes):
    """Each formula a Typst document of its own (pandoc converts the TeX), all
    compiled by one `typst.Compiler` (fonts read once); the time is the sum of
    the compile calls."""
    import typst

    preamble = "\n".join([
        f"#set page(width: {MEASURE_PT}pt + {2 * MARGIN_MM}mm, height: auto, margin: {MARGIN_MM}mm)",
        f'#set text(font: "Source Serif 4", size: {SIZE_PT}pt, lang: "vi")',
        f"#set par(leading: {LEADING_PT - SIZE_PT}pt)",
        '#show math.equation: set text(font: "STIX Two Math")',
        "",
    ])
    compiler = typst.Compiler(root=str(work), ignore_system_fonts=True,
                              font_paths=[str(FONTS / "source-serif-4"), str(FONTS / "stix-two-math")])
    wall = 0.0
    for n, _, mode, tex in rows:
        source, warning = typst_source(pandoc, mode, tex)
        if tex in TYPST_BY_HAND:
            notes.append(f"typst {n}: Typst written by hand (TYPST_BY_HAND), not by pandoc")
        if warning:
            notes.append(f"typst {n}: pandoc: {' '.join(warning.split())[:300]}")
        typ = work / f"typst-{n:03}.typ"
        typ.write_text(preamble + source + "\n", encoding="utf-8")
        start = time.perf_counter()
        try:
            png = compiler.compile(input=str(typ), format="png", ppi=dpi)
        except Exception as e:  # typst.TypstError: the document does not compile
            notes.append(f"typst {n}: {' '.join(str(e).split())[:300]} (in {source!r})")
            continue
        finally:
            wall += time.perf_counter() - start
        page = work / f"typst-{n:03}.png"
        page.write_bytes(png[0] if isinstance(png, list) else png)
        trim(Image.open(page)).save(out / f"{n:03}.png")
    return wall


def run_trang(rows, work, trang, dpi, out, notes):
    """One trang build per formula; the page below the title line, cut to its ink."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1657000000")
    wall = 0.0
    for n, _, mode, tex in rows:
        md = work / f"trang-{n:03}.md"
        md.write_text(f"---\ntitle: R\nlang: vi\n---\n\n{markdown(mode, tex)}\n", encoding="utf-8")
        start = time.perf_counter()
        p = subprocess.run([trang, "build", str(md), "-o", str(work / "trang-out"), "--format", "pdf",
                            "--no-system-fonts", "-q"], capture_output=True, text=True, env=env)
        wall += time.perf_counter() - start
        if p.returncode != 0:
            notes.append(f"trang {n}: exit {p.returncode}: {' '.join(p.stderr.split())[:500]}")
            continue
        pdf = work / "trang-out" / f"trang-{n:03}.pdf"
        # The title is the first word on the page; the formula is below it.
        bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', bbox)
        title_bottom = float(words[0][1]) if words and words[0][2] == "R" else 0.0
        prefix = work / f"trang-{n:03}"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", "1", "-l", "1",
                        str(pdf), str(prefix)], check=True)
        page = Image.open(f"{prefix}.png")
        scale = dpi / 72.0
        top = int((title_bottom + 2) * scale)
        # The foot margin (folio) is left out: the text block ends 72 pt above the foot.
        bottom = page.height - int(60 * scale)
        page = page.crop((0, top, page.width, bottom))
        trim(below_rule(page, int(40 * scale))).save(out / f"{n:03}.png")
    return wall


def below_rule(img, within):
    """The image below the title's rule (a row of ink across half the width or
    more in the first `within` pixels), or the image itself if it has none."""
    gray = img.convert("L")
    for y in range(min(within, gray.height)):
        row = gray.crop((0, y, gray.width, y + 1)).point(lambda v: 255 if v < 128 else 0)
        if sum(row.histogram()[255:]) * 2 > gray.width:
            # Past the rule's last row.
            while y < gray.height and sum(
                gray.crop((0, y, gray.width, y + 1)).point(lambda v: 255 if v < 128 else 0).histogram()[255:]
            ) * 2 > gray.width:
                y += 1
            return img.crop((0, y, img.width, img.height))
    return img


def font(size, mono=False):
    path = FONTS / ("source-code-pro/SourceCodePro-Regular.ttf" if mono else "source-serif-4/SourceSerif4-Regular.ttf")
    return ImageFont.truetype(str(path), size)


def montage(construct, rows, pngs, engines, path):
    """One construct: a header row, then per formula its TeX and one cell per engine."""
    head, label, code = font(26), font(20), font(18, mono=True)
    gap = 16
    cells = {}
    for n, *_ in rows:
        for e in engines:
            p = pngs / e / f"{n:03}.png"
            cells[n, e] = Image.open(p) if p.exists() else None
    widths = [max([cells[n, e].width for n, *_ in rows if cells[n, e]] + [260]) for e in engines]
    total = gap + sum(w + gap for w in widths)
    heights = []
    for n, *_ in rows:
        heights.append(max([cells[n, e].height for e in engines if cells[n, e]] + [40]))
    code_h = 30
    height = 50 + sum(h + code_h + gap for h in heights) + gap
    img = Image.new("RGB", (total, height), "white")
    d = ImageDraw.Draw(img)
    x = gap
    for e, w in zip(engines, widths):
        d.text((x, 10), e, fill="black", font=head)
        x += w + gap
    y = 50
    for (n, _, mode, tex), h in zip(rows, heights):
        d.line([(0, y), (total, y)], fill=(200, 200, 200), width=1)
        d.text((gap, y + 5), f"{n} {mode}: {tex}", fill=(90, 90, 160), font=code)
        y += code_h
        for i in range(1, len(engines)):
            xs = gap // 2 + sum(w + gap for w in widths[:i])
            d.line([(xs, y), (xs, y + h + gap)], fill=(200, 200, 200), width=1)
        x = gap
        for e, w in zip(engines, widths):
            c = cells[n, e]
            if c is None:
                d.text((x, y + 8), "(failed: see notes.txt)", fill=(200, 0, 0), font=label)
            else:
                img.paste(c, (x, y + (h - c.height) // 2))
            x += w + gap
        y += h + gap
    img.save(path)


def xelatex_fonts():
    """pandoc's variables for Source Serif 4 and STIX Two Math from fonts/."""
    serif, math = FONTS / "source-serif-4", FONTS / "stix-two-math"
    return ["-V", "mainfont=SourceSerif4-Regular.ttf",
            "-V", f"mainfontoptions=Path={serif}/",
            "-V", "mainfontoptions=ItalicFont=SourceSerif4-It.ttf",
            "-V", "mainfontoptions=BoldFont=SourceSerif4-Bold.ttf",
            "-V", "mainfontoptions=BoldItalicFont=SourceSerif4-BoldIt.ttf",
            "-V", "mathfont=STIXTwoMath-Regular.otf",
            "-V", f"mathfontoptions=Path={math}/"]


def handout(md, engines, work, pandoc, trang, out, notes, timings):
    """The whole handout, A4, by each engine; OUT/handout-N.png holds page N
    of each side by side (72 dpi). XeLaTeX and Typst get pandoc's defaults
    (12 pt, 2 cm margins for XeLaTeX) in the same fonts; trang its own theme
    (the front matter's). pandoc does not read ```` ```math ```` blocks as
    mathematics (GitHub's syntax): they come out as code there."""
    pdfs = {}
    for e in engines:
        pdf = work / f"handout-{e}.pdf"
        start = time.perf_counter()
        if e == "xelatex":
            p = subprocess.run([pandoc, str(md), "-o", str(pdf), "--pdf-engine=xelatex",
                                "-V", "geometry:a4paper", "-V", "geometry:margin=2cm",
                                "-V", "fontsize=12pt"] + xelatex_fonts(),
                               capture_output=True, text=True, cwd=work)
        elif e == "typst":
            import typst

            typ = work / "handout.typ"
            p = subprocess.run([pandoc, str(md), "-s", "-t", "typst", "-o", str(typ),
                                "-V", "papersize=a4", "-V", "mainfont=Source Serif 4",
                                "-V", "fontsize=12pt"], capture_output=True, text=True)
            if p.returncode == 0:
                src = mend(typ.read_text(encoding="utf-8"))
                typ.write_text('#show math.equation: set text(font: "STIX Two Math")\n' + src,
                               encoding="utf-8")
                try:
                    typst.compile(str(typ), output=str(pdf), ignore_system_fonts=True,
                                  font_paths=[str(FONTS / "source-serif-4"), str(FONTS / "stix-two-math")])
                except Exception as err:  # typst.TypstError
                    notes.append(f"handout typst: {' '.join(str(err).split())[:300]}")
                    continue
        else:
            p = subprocess.run([trang, "build", str(md), "-o", str(work), "--format", "pdf",
                                "--no-system-fonts", "-q"], capture_output=True, text=True,
                               env=dict(os.environ, SOURCE_DATE_EPOCH="1657000000"))
            if p.returncode == 0:
                shutil.move(str(work / f"{md.stem}.pdf"), pdf)
        wall = time.perf_counter() - start
        if p.returncode != 0 or not pdf.exists():
            notes.append(f"handout {e}: exit {p.returncode}: {' '.join(p.stderr.split())[:300]}")
            continue
        pdfs[e] = pdf
        pages = len(pdf_pages(pdf, 72, work / f"handout-{e}"))
        timings.append(f"handout {e}: {wall:.2f} s, {pages} page(s)")
        print(timings[-1], flush=True)
    shown = [e for e in engines if e in pdfs]
    pages = {e: sorted(work.glob(f"handout-{e}-*.png"), key=lambda q: int(q.stem.rsplit("-", 1)[1]))
             for e in shown}
    for old in out.glob("handout-*.png"):
        old.unlink()
    head = font(22)
    for i in range(max((len(v) for v in pages.values()), default=0)):
        cells = [Image.open(pages[e][i]) if i < len(pages[e]) else None for e in shown]
        w = max(c.width for c in cells if c)
        h = max(c.height for c in cells if c)
        img = Image.new("RGB", (len(shown) * (w + 10) + 10, h + 50), (220, 220, 220))
        d = ImageDraw.Draw(img)
        for k, (e, c) in enumerate(zip(shown, cells)):
            d.text((10 + k * (w + 10), 12), f"{e}, page {i + 1}", fill="black", font=head)
            if c:
                img.paste(c, (10 + k * (w + 10), 45))
        img.save(out / f"handout-{i + 1}.png")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tsv", default=str(ROOT / "tests" / "fixtures" / "math" / "formulas.tsv"))
    ap.add_argument("--out", default="/work/bench/math-compare")
    ap.add_argument("--trang", default=str(ROOT / "target" / "release" / "trang"))
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--only", default="", help="comma list of constructs (default: all)")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--handout", action="store_true",
                    help="also the whole handout (tests/fixtures/math/handout.md), page by page")
    args = ap.parse_args()

    import pypandoc

    pandoc = str(Path(pypandoc.__file__).parent / "files" / "pandoc")
    engines = [e for e in args.engines.split(",") if e]
    for e in engines:
        if e not in ENGINES:
            sys.exit(f"unknown engine `{e}`: choose from {', '.join(ENGINES)}")
    for tool in ["pdftoppm", "pdftotext"] + (["xelatex"] if "xelatex" in engines else []):
        if shutil.which(tool) is None:
            sys.exit(f"`{tool}` is missing: see the setup in {__file__}")
    if "trang" in engines and not Path(args.trang).exists():
        sys.exit(f"no trang binary at {args.trang}: `cargo build --release --bin trang` or pass --trang")

    rows = read_tsv(Path(args.tsv))
    if args.only:
        keep = set(args.only.split(","))
        rows = [r for r in rows if r[1] in keep]
        if not rows:
            sys.exit(f"no formula of the constructs {args.only}")
    out = Path(args.out)
    pngs = out / "png"
    for e in engines:
        shutil.rmtree(pngs / e, ignore_errors=True)
        (pngs / e).mkdir(parents=True)
    work = Path(tempfile.mkdtemp(prefix="trang-math-compare-"))
    notes, timings = [], []
    runners = {"xelatex": run_xelatex, "typst": run_typst, "trang": run_trang}
    for e in engines:
        tool = args.trang if e == "trang" else pandoc
        wall = runners[e](rows, work, tool, args.dpi, pngs / e, notes)
        timings.append(f"{e}: {wall:.2f} s for {len(rows)} formulas")
        print(timings[-1], flush=True)

    if args.handout:
        md = ROOT / "tests" / "fixtures" / "math" / "handout.md"
        handout(md, engines, work, pandoc, args.trang, out, notes, timings)

    constructs = []
    for _, c, _, _ in rows:
        if c not in constructs:
            constructs.append(c)
    for c in constructs:
        montage(c, [r for r in rows if r[1] == c], pngs, engines, out / f"{c}.png")
    (out / "timings.txt").write_text("\n".join(timings) + "\n", encoding="utf-8")
    (out / "notes.txt").write_text("\n".join(notes) + ("\n" if notes else ""), encoding="utf-8")
    print(f"{len(constructs)} montages in {out}; {len(notes)} note(s) in {out / 'notes.txt'}")
    for line in notes:
        print("  " + line)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

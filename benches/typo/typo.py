#!/usr/bin/env python3
"""typo.py: typographic measurements of a PDF from `pdftotext -bbox-layout`.

Usage:
    typo.py PDF [--columns 2] [--words LIST] [--json] [--verbose]

Python 3 standard library only, plus poppler's `pdftotext` (and `qpdf` for
the letter-spacing figures, which read the content streams; without qpdf
they are reported as not measured).  See README.md for what every number
means and the heuristics behind it.
"""

import argparse
import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

NS = "{http://www.w3.org/1999/xhtml}"

# ---- tolerances (all in PDF points unless said otherwise) -------------------
SIZE_TOL = 0.03  # a line is body text if its box height is within 3 % of the body height
DISPLAY_RATIO = 1.04  # a line is a display line if its box is >= 4 % taller than body
EDGE_TOL = 1.0  # a line is "full" (reaches the measure) if it ends within 1 pt of the right edge
HANG_TOL = 0.3  # a line-end punctuation mark "hangs" if it ends > 0.3 pt past the right edge
INDENT_EM = 0.3  # a first-line indent is at least 0.3 body heights
SHORT_LINES = 2.0  # a page is "short" if its last line ends > 2 lines above the block bottom
WS_LIMIT = 1.5  # word-space ratio counted as loose above 1.5x
ALIGN_TOL = 0.6  # baselines of the two columns align if within 0.6 pt

PUNCT_END = ",.”;:’)»–—"
DASHES = ("–", "—", "-")
BULLETS = ("•", "◦", "▪", "‣", "·", "–", "—", "-", "*")


def rnd(v, q=0.5):
    return round(v / q) * q


def mode(values, q=0.5):
    c = Counter(rnd(v, q) for v in values)
    if not c:
        return None
    return c.most_common(1)[0][0]


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class Line:
    __slots__ = (
        "page", "x0", "y0", "x1", "y1", "words", "h", "block", "kind", "col",
        "full", "start", "idx", "region", "breaks",
    )

    def __init__(self, page, x0, y0, x1, y1, words, block):
        self.page, self.x0, self.y0, self.x1, self.y1 = page, x0, y0, x1, y1
        self.words = words  # [(x0, x1, text)]
        self.h = y1 - y0
        self.block = block
        self.kind = "other"  # body / display / furniture / other
        self.col = 0
        self.full = False
        self.start = False
        self.idx = 0
        self.region = 0
        self.breaks = set()  # word indexes where pdftotext had begun a new line

    @property
    def text(self):
        return " ".join(w[2] for w in self.words)

    def __repr__(self):
        return f"p{self.page}:{self.text[:40]!r}"


def read_pdf(path):
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", path, "-"], check=True, capture_output=True
    ).stdout
    root = ET.fromstring(out)
    pages = []
    block_id = 0
    for pn, page in enumerate(root.iter(NS + "page"), start=1):
        w, h = float(page.get("width")), float(page.get("height"))
        lines = []
        for block in page.iter(NS + "block"):
            block_id += 1
            for ln in block.iter(NS + "line"):
                words = [
                    (float(wd.get("xMin")), float(wd.get("xMax")), wd.text or "")
                    for wd in ln.iter(NS + "word")
                ]
                if not words:
                    continue
                lines.append(
                    Line(pn, float(ln.get("xMin")), float(ln.get("yMin")),
                         float(ln.get("xMax")), float(ln.get("yMax")), words, block_id)
                )
        pages.append({"n": pn, "w": w, "h": h, "lines": lines})
    return pages


def image_pages(path):
    """Pages holding raster images (`pdfimages -list`), to tell holes from figures."""
    if not shutil.which("pdfimages"):
        return set()
    r = subprocess.run(["pdfimages", "-list", path], capture_output=True, text=True)
    pages = set()
    for row in r.stdout.splitlines()[2:]:
        f = row.split()
        if f and f[0].isdigit():
            pages.add(int(f[0]))
    return pages


# ---- letter-spacing from the content streams (qpdf --qdf) -------------------

TOKEN = re.compile(
    rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>]+|[-+]?\d*\.?\d+|[A-Za-z'\"*]+\d?\*?"
)


def letter_spacing(path, page_width):
    """Per text line: Tc / font size, in 1/1000 em.  Lines are told apart by the
    text line matrix's y (and x half of the page); returns a list per page of
    (col, y, max |ls|, signed ls) in reading order, or None without qpdf."""
    if not shutil.which("qpdf"):
        return None
    r = subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", "--decode-level=generalized",
         path, "-"], capture_output=True)
    if r.returncode not in (0, 3):
        return None
    data = r.stdout
    # contents of each page, in page order (qdf writes "%% Contents for page N")
    parts = re.split(rb"%% Contents for page (\d+)\n", data)
    per_page = defaultdict(list)
    for i in range(1, len(parts), 2):
        pn = int(parts[i])
        body = parts[i + 1]
        m = re.search(rb"stream\r?\n(.*?)endstream", body, re.S)
        if not m:
            continue
        per_page[pn].append(m.group(1))
    result = {}
    for pn, streams in per_page.items():
        lines = {}
        order = []
        tc = 0.0
        size = 1.0
        ctm_stack = []
        ctm = [1, 0, 0, 1, 0, 0]
        tm = [1, 0, 0, 1, 0, 0]
        tl = 0.0
        stack = []
        for s in streams:
            for tok in TOKEN.findall(s):
                t0 = tok[:1]
                if t0 in b"([<" or t0 == b"]" or t0 == b"/" or re.match(rb"[-+]?\d*\.?\d+$", tok):
                    stack.append(tok)
                    continue
                op = tok
                nums = []
                for a in stack:
                    try:
                        nums.append(float(a))
                    except ValueError:
                        nums.append(None)
                if op == b"q":
                    ctm_stack.append(list(ctm))
                elif op == b"Q":
                    ctm = ctm_stack.pop() if ctm_stack else [1, 0, 0, 1, 0, 0]
                elif op == b"cm" and len(nums) >= 6 and None not in nums[-6:]:
                    a, b, c, d, e, f = nums[-6:]
                    A, B, C, D, E, F = ctm
                    ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                           e * A + f * C + E, e * B + f * D + F]
                elif op == b"BT":
                    tm = [1, 0, 0, 1, 0, 0]
                elif op == b"Tc" and nums and nums[-1] is not None:
                    tc = nums[-1]
                elif op == b"Tf" and nums and nums[-1] is not None:
                    size = nums[-1] or 1.0
                elif op == b"TL" and nums and nums[-1] is not None:
                    tl = nums[-1]
                elif op in (b"Td", b"TD") and len(nums) >= 2 and None not in nums[-2:]:
                    tx, ty = nums[-2:]
                    if op == b"TD":
                        tl = -ty
                    a, b, c, d, e, f = tm
                    tm = [a, b, c, d, e + a * tx + c * ty, f + b * tx + d * ty]
                elif op == b"Tm" and len(nums) >= 6 and None not in nums[-6:]:
                    tm = nums[-6:]
                elif op == b"T*":
                    a, b, c, d, e, f = tm
                    tm = [a, b, c, d, e - c * tl, f - d * tl]
                elif op in (b"TJ", b"Tj", b"'", b'"'):
                    if op in (b"'", b'"'):
                        a, b, c, d, e, f = tm
                        tm = [a, b, c, d, e - c * tl, f - d * tl]
                    # device position of the line start
                    e, f = tm[4], tm[5]
                    A, B, C, D, E, F = ctm
                    x = e * A + f * C + E
                    y = e * B + f * D + F
                    scale = abs(tm[3] * D) or 1.0
                    eff = size * scale
                    ls = tc * abs(D) / eff * 1000.0 if eff else 0.0
                    col = 0 if x < page_width / 2 else 1
                    key = (col, round(y, 1))
                    if key not in lines:
                        lines[key] = []
                        order.append(key)
                    lines[key].append(ls)
                stack = []
        result[pn] = [(k[0], k[1], max(abs(v) for v in lines[k]),
                       max(lines[k], key=abs)) for k in order]
    return result


# ---- classification ---------------------------------------------------------


def classify(pages, columns):
    # two columns: pdftotext may join a left-column line and the right-column
    # line beside it (same baseline) into one; cut such a line at a gap that
    # holds the page's middle and is wider than 0.8 line heights (a spanning
    # heading's word spaces are far narrower)
    if columns == 2:
        for p in pages:
            mid = p["w"] / 2
            out = []
            for ln in p["lines"]:
                cut = None
                for k, (a, b) in enumerate(zip(ln.words, ln.words[1:]), start=1):
                    if a[1] < mid < b[0] and b[0] - a[1] > 0.8 * ln.h:
                        cut = k
                if cut is None:
                    out.append(ln)
                    continue
                for ws in (ln.words[:cut], ln.words[cut:]):
                    out.append(Line(ln.page, ws[0][0], ln.y0, ws[-1][1], ln.y1, ws, ln.block))
            p["lines"] = out
    all_lines = [ln for p in pages for ln in p["lines"]]
    if not all_lines:
        return None
    # body height: the most common line-box height, weighted by the square of
    # the line's width (paragraph lines are wide, table cells and captions short)
    c = Counter()
    for ln in all_lines:
        c[rnd(ln.h, 0.1)] += (ln.x1 - ln.x0) ** 2
    H = c.most_common(1)[0][0]
    for ln in all_lines:
        if abs(ln.h - H) <= SIZE_TOL * H:
            ln.kind = "body"
        elif ln.h >= DISPLAY_RATIO * H:
            ln.kind = "display"
    # columns
    for p in pages:
        mid = p["w"] / 2
        for ln in p["lines"]:
            if columns == 2:
                if ln.x0 < mid - 0.02 * p["w"] and ln.x1 > mid + 0.02 * p["w"]:
                    ln.col = -1  # spanning
                else:
                    ln.col = 0 if (ln.x0 + ln.x1) / 2 < mid else 1
            else:
                ln.col = 0
    # pdftotext cuts a very loose line into pieces at its widest gaps: put
    # pieces of one size on one baseline in one block back together (table
    # cells are blocks of their own)
    for p in pages:
        merged = []
        for ln in sorted(p["lines"], key=lambda ln: (ln.col, ln.y1, ln.x0)):
            m = merged[-1] if merged else None
            if (m is not None and m.col == ln.col and m.block == ln.block
                    and abs(m.y1 - ln.y1) <= 0.5
                    and abs(m.h - ln.h) <= 0.05 * m.h and ln.x0 >= m.x1):
                m.breaks.add(len(m.words))
                m.words = m.words + ln.words
                m.x1 = ln.x1
                m.y0, m.y1 = min(m.y0, ln.y0), max(m.y1, ln.y1)
                m.h = m.y1 - m.y0
            else:
                merged.append(ln)
        p["lines"] = sorted(merged, key=lambda ln: (ln.y0, ln.x0))
    all_lines = [ln for p in pages for ln in p["lines"]]
    # leading: most common step between consecutive body lines of one column
    steps = []
    for p in pages:
        for col in set(ln.col for ln in p["lines"]):
            ys = sorted(ln.y0 for ln in p["lines"] if ln.kind == "body" and ln.col == col)
            steps += [b - a for a, b in zip(ys, ys[1:]) if 0.5 * H < b - a < 2.0 * H]
    lead = mode(steps, 0.1) or H * 1.2
    # furniture: a band at the top (running head) or foot (folio) that recurs and
    # is separated from the text by more than 1.3 leading; folios: digits-only lines
    for where in ("head", "foot"):
        ys = []
        for p in pages:
            ls = sorted(p["lines"], key=lambda ln: ln.y0)
            if len(ls) >= 2:
                ys.append(ls[0].y0 if where == "head" else ls[-1].y1)
        band = mode(ys, 1.0)
        if band is None:
            continue
        hits = 0
        for p in pages:
            ls = sorted(p["lines"], key=lambda ln: ln.y0)
            if len(ls) < 2:
                continue
            if where == "head":
                edge, nxt = ls[0], ls[1]
                ok = abs(edge.y0 - band) <= 1.0 and nxt.y0 - edge.y0 > 1.3 * lead
                cand = [ln for ln in ls if abs(ln.y0 - edge.y0) <= 1.0]
            else:
                edge, nxt = ls[-1], ls[-2]
                ok = abs(edge.y1 - band) <= 1.0 and edge.y1 - nxt.y1 > 1.3 * lead
                cand = [ln for ln in ls if abs(ln.y1 - edge.y1) <= 1.0]
            if ok:
                hits += 1
                for ln in cand:
                    ln.kind = "furniture" if len(cand) <= 2 else ln.kind
        if hits < max(2, 0.3 * len(pages)):  # not a recurring band after all: undo
            for p in pages:
                for ln in p["lines"]:
                    if ln.kind == "furniture" and (
                        (where == "head" and abs(ln.y0 - band) <= 1.0)
                        or (where == "foot" and abs(ln.y1 - band) <= 1.0)
                    ):
                        ln.kind = "body" if abs(ln.h - H) <= SIZE_TOL * H else "other"
    for p in pages:
        ls = sorted(p["lines"], key=lambda ln: ln.y0)
        for ln in ls[:1] + ls[-1:]:
            # a folio: the page's first or last line, alone at its height,
            # only digits or roman numerals, in the top or bottom 12 %
            t = ln.text.strip()
            alone = sum(1 for o in ls if abs(o.y0 - ln.y0) <= 1.0) == 1
            if alone and re.fullmatch(r"[0-9ivxlcdmIVXLCDM]{1,5}", t) and (
                ln.y0 < 0.12 * p["h"] or ln.y1 > 0.88 * p["h"]
            ):
                ln.kind = "furniture"
    # tables: their cells are not body text (nor used for the text block)
    tabs = find_tables(pages, columns)
    for _, _, run in tabs:
        for b in run:
            for ln in b["lines"]:
                ln.kind = "table"
    # text block: left/right edges of body lines per (page parity, column)
    edges = {}
    for parity in (0, 1):
        for col in ((0,) if columns == 1 else (0, 1, -1)):
            ls = [ln for p in pages for ln in p["lines"]
                  if ln.kind == "body" and ln.col == col and p["n"] % 2 == parity]
            if len(ls) < 20:
                ls = [ln for p in pages for ln in p["lines"] if ln.kind == "body" and ln.col == col]
            if not ls:
                continue
            # left: the most common start; right: the most common end (justified
            # lines ending in a letter; protruding punctuation ends further right)
            L = mode([ln.x0 for ln in ls], 0.5)
            R = mode([ln.x1 for ln in ls], 0.5)
            edges[(parity, col)] = (L, R)
    content = [ln for p in pages for ln in p["lines"] if ln.kind != "furniture"]
    tops, bottoms = [], []
    for p in pages:
        ls = [ln for ln in p["lines"] if ln.kind != "furniture"]
        if ls:
            tops.append(min(ln.y0 for ln in ls))
            bottoms.append(max(ln.y1 for ln in ls))
    top = mode(tops, 1.0)
    # the block's foot: the most common lowest body line (most pages are full);
    # ties and near-ties are resolved towards the lower position
    cb = Counter(rnd(b, 1.0) for b in bottoms)
    best = cb.most_common(1)[0][1]
    bottom = max(b for b, n in cb.items() if n >= 0.5 * best)
    return {"H": H, "lead": lead, "edges": edges, "top": top, "bottom": bottom,
            "content": content, "tables": tabs}


def edge_of(geo, page, col):
    e = geo["edges"].get((page % 2, col)) or geo["edges"].get((1 - page % 2, col))
    if e is None:
        e = geo["edges"].get((page % 2, 0)) or next(iter(geo["edges"].values()))
    return e


def reading_order(pages, columns):
    """Columns of content in reading order: list of (page, region, col, [lines]).
    Regions split a page at spanning lines (two columns only)."""
    cols = []
    for p in pages:
        ls = sorted((ln for ln in p["lines"] if ln.kind != "furniture"), key=lambda ln: (ln.y0, ln.x0))
        if columns == 1:
            cols.append((p["n"], 0, 0, ls))
            continue
        region = 0
        cur = {0: [], 1: []}
        for ln in ls:
            if ln.col == -1:
                for c in (0, 1):
                    if cur[c]:
                        cols.append((p["n"], region, c, cur[c]))
                cur = {0: [], 1: []}
                region += 1
                cols.append((p["n"], region, -1, [ln]))
                region += 1
            else:
                ln.region = region
                cur[ln.col].append(ln)
        for c in (0, 1):
            if cur[c]:
                cols.append((p["n"], region, c, cur[c]))
    return cols


def offset(ln, geo):
    """The line's indent from its column's left edge (pt)."""
    return ln.x0 - edge_of(geo, ln.page, max(ln.col, 0))[0]


def text_offset(ln, geo):
    """Indent of the line's text: after a list marker (bullet, `1.`), the
    second word's start, otherwise the line's own start."""
    first = ln.words[0][2]
    if len(ln.words) > 1 and (first in BULLETS or re.fullmatch(r"\d+[.)]", first)):
        return ln.words[1][0] - edge_of(geo, ln.page, max(ln.col, 0))[0]
    return offset(ln, geo)


def mark_paragraphs(cols, geo):
    """Sets ln.full (reaches the right edge) and ln.start (first line of a
    paragraph or list item) on body lines, following the reading order."""
    H, lead = geo["H"], geo["lead"]
    seq = [ln for (_, _, _, ls) in cols for ln in ls]
    for i, ln in enumerate(seq):
        ln.idx = i
    prev = None
    for i, ln in enumerate(seq):
        if ln.kind != "body":
            prev = ln
            continue
        L, R = edge_of(geo, ln.page, max(ln.col, 0))
        ln.full = ln.x1 >= R - EDGE_TOL
        first = ln.words[0][2]
        start = False
        if prev is None or prev.kind != "body" or not prev.full:
            start = True
        elif prev.page == ln.page and prev.col == ln.col and ln.y0 - prev.y0 > 1.3 * lead:
            start = True
        elif (first in BULLETS or re.fullmatch(r"\d+[.)]", first)) and (
            abs(offset(ln, geo) - text_offset(prev, geo)) > 0.5
        ):
            # a list marker; a dash at the previous line's text indent is a
            # spaced dash inside running text instead
            start = True
        elif offset(ln, geo) > text_offset(prev, geo) + INDENT_EM * H:
            # a first-line indent: further in than the previous line's text
            # (a list item's continuation lines align with the text after its
            # marker, so they are not starts)
            start = True
        ln.start = start
        prev = ln
    return seq


# ---- the measures -----------------------------------------------------------


def measure(pdf, columns=1, words=None, verbose=False):
    pages = read_pdf(pdf)
    res = {"pdf": pdf, "columns": columns, "pages": len(pages)}
    geo = classify(pages, columns)
    if geo is None:
        res["error"] = "no text"
        return res
    H, lead = geo["H"], geo["lead"]
    res["body_line_height_pt"] = H
    res["leading_pt"] = lead
    res["block"] = {"top": geo["top"], "bottom": geo["bottom"],
                    "edges": {f"{'odd' if k[0] else 'even'}-col{k[1]}": v for k, v in geo["edges"].items()}}
    cols = reading_order(pages, columns)
    seq = mark_paragraphs(cols, geo)
    imgs = image_pages(pdf)
    bypage = defaultdict(list)
    for c in cols:
        bypage[c[0]].append(c)

    # -- pages ending short ---------------------------------------------------
    def first_content(pn):
        for c in bypage.get(pn, []):
            if c[3]:
                return c[3][0]
        return None

    # the chapter heading level: the tallest display size that opens >= 2 pages
    # (a title page's one-off size does not count)
    openers = Counter()
    for p in pages:
        f = first_content(p["n"])
        if f is not None and f.kind == "display":
            openers[rnd(f.h, 0.5)] += 1
    big = [h for h, n in openers.items() if n >= 2]
    max_display = max(big) if big else None
    short = []
    hist = Counter()
    for p in pages:
        pn = p["n"]
        ls = [ln for c in bypage.get(pn, []) for ln in c[3]]
        if not ls:
            continue
        last = max(ln.y1 for ln in ls)
        gap = (geo["bottom"] - last) / lead
        if gap > SHORT_LINES + 0.05:
            nxt = None
            for q in range(pn + 1, len(pages) + 1):
                nxt = first_content(q)
                if nxt is not None:
                    break
            why = []
            if pn == len(pages) or nxt is None:
                why.append("document end")
            elif nxt.kind == "display":
                why.append("chapter end" if max_display and rnd(nxt.h, 0.5) >= max_display
                           else "before heading")
            if pn in imgs or (pn + 1) in imgs:
                why.append("image here or next")
            short.append({"page": pn, "lines_short": round(gap, 1), "note": ", ".join(why)})
            hist[int(gap)] += 1
    last_lines = [ln for c in bypage.get(len(pages), []) for ln in c[3]]
    res["last_page_lines"] = len(last_lines)
    res["short_pages"] = {
        "count": len(short),
        "count_not_chapter_or_doc_end": sum(
            1 for s in short if "chapter end" not in s["note"] and "document end" not in s["note"]),
        "count_3_5_lines_or_more": sum(1 for s in short if s["lines_short"] >= 3.5),
        "list": short,
    }

    # -- widows and orphans ---------------------------------------------------
    widows, orphans = [], []
    for k, (pn, rg, col, ls) in enumerate(cols):
        if col == -1 or not ls:
            continue
        body = [ln for ln in ls]
        f = body[0]
        if f.kind == "body" and not f.start and not f.full:
            nxt = seq[f.idx + 1] if f.idx + 1 < len(seq) else None
            if nxt is None or nxt.start or nxt.kind != "body" or nxt.page != f.page or nxt.col != f.col:
                widows.append({"page": pn, "col": col, "text": f.text[:50]})
        la = body[-1]
        if la.kind == "body" and la.start and la.full:
            nxt = seq[la.idx + 1] if la.idx + 1 < len(seq) else None
            if nxt is not None and nxt.kind == "body" and not nxt.start:
                orphans.append({"page": pn, "col": col, "text": la.text[:50]})
    res["widows"] = {"count": len(widows), "list": widows}
    res["orphans"] = {"count": len(orphans), "list": orphans}

    # -- word spaces ----------------------------------------------------------
    def gaps(ln):
        return [b[0] - a[1] for a, b in zip(ln.words, ln.words[1:])]

    natural_src = []
    for ln in seq:
        if ln.kind == "body" and not ln.full and len(ln.words) >= 3:
            nxt = seq[ln.idx + 1] if ln.idx + 1 < len(seq) else None
            if nxt is None or nxt.kind != "body" or nxt.start:
                natural_src += [g for g in gaps(ln) if g > 0]
    natural = statistics.median(natural_src) if natural_src else 0.25 * H / 1.37
    ratios = []
    loose = []
    for ln in seq:
        if ln.kind != "body" or not ln.full or len(ln.words) < 3:
            continue
        nxt = seq[ln.idx + 1] if ln.idx + 1 < len(seq) else None
        if nxt is None or nxt.kind != "body" or nxt.start:
            continue  # a paragraph's last line that happens to be full
        g = [x for x in gaps(ln) if x > 0]
        if not g:
            continue
        r = statistics.median(g) / natural
        ratios.append(r)
        if r > WS_LIMIT:
            loose.append({"page": ln.page, "ratio": round(r, 2), "text": ln.text[:50]})
    res["word_space"] = {
        "natural_pt": round(natural, 3),
        "natural_source": "median gap on paragraphs' last lines" if natural_src else "0.25 em guess",
        "justified_lines": len(ratios),
        "p50": round(pct(ratios, 50), 3) if ratios else None,
        "p95": round(pct(ratios, 95), 3) if ratios else None,
        "max": round(max(ratios), 3) if ratios else None,
        "share_over_1_5": round(len(loose) / len(ratios), 4) if ratios else None,
        "over_1_5": len(loose),
        "list": loose if verbose else loose[:10],
    }

    # -- letter-spacing -------------------------------------------------------
    lsp = letter_spacing(pdf, pages[0]["w"] if pages else 595)
    if lsp is None:
        res["letter_spacing"] = None
    else:
        vals, deltas, over = [], [], []
        for pn in sorted(lsp):
            rows = lsp[pn]
            for c in (0, 1):
                col_rows = sorted((r for r in rows if r[0] == c), key=lambda r: -r[1])
                for r in col_rows:
                    vals.append(r[2])
                    if r[2] > 10.0 + 1e-6:
                        over.append({"page": pn, "per_mille_em": round(r[3], 1)})
                for a, b in zip(col_rows, col_rows[1:]):
                    if 0 < a[1] - b[1] < 2.5 * lead:  # neighbouring lines only
                        deltas.append(abs(a[3] - b[3]))
        # the same between two lines of one paragraph (full body lines and the
        # paragraph's next line): content-stream lines matched to pdftotext
        # lines by the baseline (page height - y) falling inside the line box
        def tc_of(ln):
            ph = pages[ln.page - 1]["h"]
            for r in lsp.get(ln.page, []):
                if (columns == 1 or r[0] == max(ln.col, 0)) and ln.y0 <= ph - r[1] <= ln.y1 + 0.5:
                    return r[3]
            return None

        par_deltas = []
        for ln in seq:
            nxt = seq[ln.idx + 1] if ln.idx + 1 < len(seq) else None
            if (ln.kind == "body" and ln.full and nxt is not None and nxt.kind == "body"
                    and not nxt.start and nxt.full and nxt.page == ln.page and nxt.col == ln.col):
                a, b = tc_of(ln), tc_of(nxt)
                if a is not None and b is not None:
                    par_deltas.append(abs(a - b))
        res["letter_spacing"] = {
            "unit": "1/1000 em (Tc / font size)",
            "lines": len(vals),
            "max": round(max(vals), 1) if vals else 0,
            "lines_over_10": len(over),
            "max_neighbour_delta": round(max(deltas), 1) if deltas else 0,
            "neighbour_delta_over_3": sum(1 for d in deltas if d > 3.0 + 1e-6),
            "justified_pairs": len(par_deltas),
            "justified_pairs_max_delta": round(max(par_deltas), 1) if par_deltas else 0,
            "justified_pairs_delta_over_3": sum(1 for d in par_deltas if d > 3.0 + 1e-6),
            "list": over if verbose else over[:10],
        }

    # -- line ends and starts -------------------------------------------------
    punct, dash, numsplit = [], [], []
    for ln in seq:
        if ln.kind != "body":
            continue
        L, R = edge_of(geo, ln.page, max(ln.col, 0))
        nxt = seq[ln.idx + 1] if ln.idx + 1 < len(seq) else None
        cont = nxt is not None and nxt.kind == "body" and not nxt.start
        last = ln.words[-1][2]
        if ln.full and cont and last and last[-1] in PUNCT_END and ln.x1 <= R + HANG_TOL:
            punct.append(last[-1])
        if not ln.start and ln.words[0][2] in ("–", "—"):
            dash.append({"page": ln.page, "text": ln.text[:50]})
        if cont and re.fullmatch(r"[(\[]?\d+([.,/]\d+)*", last):
            nw = nxt.words[0][2]
            if nw[:1].isalpha() and nw[:1].islower():
                numsplit.append({"page": ln.page, "pair": f"{last} / {nw}"})
    res["line_ends"] = {
        "punct_inside_measure": len(punct),
        "by_mark": dict(Counter(punct).most_common()),
        "spaced_dash_starts": len(dash),
        "dash_list": dash if verbose else dash[:10],
        "number_splits": len(numsplit),
        "number_list": numsplit if verbose else numsplit[:10],
    }

    # -- words set letter by letter, syllables split -----------------------------
    res["broken_words"] = broken_words(pages, words, verbose)

    # -- display lines broken inside words --------------------------------------
    res["display_breaks"] = display_breaks(pages, geo, words, verbose)

    # -- two-column figures -----------------------------------------------------
    if columns == 2:
        res["two_columns"] = t2 = two_columns(pages, cols, geo, seq, True)
        n = 0
        for x in t2["left_columns_short_list"]:
            f = None
            for q in range(x["page"] + 1, len(pages) + 1):  # blank pages skipped
                f = first_content(q)
                if f is not None:
                    break
            if x["page"] == len(pages):
                x["note"] = "document end"
            elif f is not None and f.kind == "display" and max_display and rnd(f.h, 0.5) >= max_display:
                x["note"] = "chapter end"
            else:
                x["note"] = ""
                n += 1
        t2["left_columns_short_not_chapter_end"] = n
        if not verbose:
            for k in list(t2):
                if k.endswith("_list"):
                    t2[k] = t2[k][:10]

    # -- tables ---------------------------------------------------------------
    res["tables"] = tables(pages, geo, verbose, columns)
    return res


def strip_punct(w):
    return w.strip(".,:;!?“”‘’\"'()[]«»…–—")


class WordList(set):
    """Adjacent syllable pairs of the list's words; `.syllables` holds every
    syllable seen."""

    syllables = frozenset()


def load_words(path):
    if not path:
        return None
    pairs = WordList()
    syl = set()
    with open(path, encoding="utf-8") as f:
        for row in f:
            row = unicodedata.normalize("NFC", row.strip().lower())
            if not row or row.startswith("#"):
                continue
            sy = row.replace("_", " ").split()
            syl.update(sy)
            for a, b in zip(sy, sy[1:]):
                pairs.add((a, b))
    pairs.syllables = frozenset(syl)
    return pairs


def broken_words(pages, wordlist, verbose):
    """Words set letter by letter (>= 3 one-letter tokens in a row: copying
    gives "t h ấ y") and syllables broken across lines of one block ("T /
    ỉnh": neither piece is a syllable of the word list, both joined are)."""
    spaced, split = [], []
    for p in pages:
        for ln in p["lines"]:
            run = 0
            for w in ln.words:
                t = w[2]
                run = run + 1 if (len(t) == 1 and t.isalpha()) else 0
                if run == 3:
                    spaced.append({"page": p["n"], "text": ln.text[:50]})
                    break
        if wordlist is None:
            continue
        ls = sorted(p["lines"], key=lambda ln: (ln.block, ln.y0))
        for a, b in zip(ls, ls[1:]):
            if a.block != b.block or b.y0 <= a.y0:
                continue
            x = unicodedata.normalize("NFC", a.words[-1][2].lower())
            y = unicodedata.normalize("NFC", b.words[0][2].lower())
            y = y.rstrip(".,:;!?)”’")
            if not (x.isalpha() and y.isalpha()):
                continue
            syl = wordlist.syllables
            if (x not in syl or y not in syl) and (x + y) in syl:
                split.append({"page": p["n"], "pair": f"{a.words[-1][2]} / {b.words[0][2]}"})
    return {
        "letter_spaced_lines": len(spaced),
        "letter_spaced_list": spaced if verbose else spaced[:10],
        "syllables_split": len(split) if wordlist is not None else None,
        "split_list": split if verbose else split[:10],
    }


def display_breaks(pages, geo, wordpairs, verbose):
    """Consecutive lines of one display element (same block, same height, not
    body text; running heads and contents entries count): the syllables either
    side of each break."""
    found_word, found_name, breaks = [], [], 0
    for p in pages:
        ls = sorted(p["lines"], key=lambda ln: (ln.block, ln.y0))
        for a, b in zip(ls, ls[1:]):
            if a.block != b.block or abs(a.h - b.h) > 0.05 * a.h:
                continue
            if a.kind not in ("display", "furniture") and not is_contents(a):
                continue
            if b.y0 - a.y0 > 2.5 * a.h or b.y0 <= a.y0:
                continue
            breaks += 1
            la, fb = a.words[-1][2], b.words[0][2]
            if la[-1:] in ".,:;!?)”’»–—" or fb in ("–", "—", "-"):
                continue
            x, y = strip_punct(la), strip_punct(fb)
            if not x or not y:
                continue
            pair = (unicodedata.normalize("NFC", x.lower()), unicodedata.normalize("NFC", y.lower()))
            item = {"page": p["n"], "pair": f"{x} / {y}", "kind": a.kind}
            if wordpairs is not None and pair in wordpairs:
                found_word.append(item)
            elif x[0].isupper() and y[0].isupper() and not x[0].isdigit():
                found_name.append(item)
    return {
        "display_line_breaks": breaks,
        "word_list": "given" if wordpairs is not None else "none (capitalised pairs only)",
        "inside_word": len(found_word),
        "capitalised_pair": len(found_name),
        "list": (found_word + found_name) if verbose else (found_word[:15] + found_name[:15]),
    }


def is_contents(ln):
    # a contents entry: ends with a page number after a wide gap or dot leaders
    if len(ln.words) < 2 or not re.fullmatch(r"\d{1,4}|[ivxlc]{1,6}", ln.words[-1][2]):
        return False
    g = ln.words[-1][0] - ln.words[-2][1]
    return g > 1.5 * ln.h or set(ln.words[-2][2]) <= set(".…·")


def two_columns(pages, cols, geo, seq, verbose):
    lead = geo["lead"]
    split, stranded, one_line, pages_2c, aligned = [], [], [], 0, 0
    misaligned = []
    # headings ending a column or page
    for k, (pn, rg, col, ls) in enumerate(cols):
        if not ls:
            continue
        last = ls[-1]
        if last.kind != "display":
            continue
        # the column must end near the block foot or another column follows
        nxt = cols[k + 1] if k + 1 < len(cols) else None
        if nxt is None:
            continue
        if col == -1:
            # a spanning heading at the foot of a page with nothing under it
            if nxt[0] != pn:
                stranded.append({"page": pn, "text": last.text[:50]})
            continue
        same_region_next = nxt[0] == pn and nxt[1] == rg
        if col == 0 and not same_region_next and nxt[0] == pn:
            continue
        n0 = nxt[3][0]
        if n0.kind == "display" and abs(n0.h - last.h) < 0.05 * last.h:
            split.append({"page": pn, "col": col, "text": last.text[:40] + " / " + n0.text[:40]})
        else:
            stranded.append({"page": pn, "col": col, "text": last.text[:50]})
    # one-line columns and baseline alignment, per region with two columns
    regions = defaultdict(dict)
    for (pn, rg, col, ls) in cols:
        if col in (0, 1):
            regions[(pn, rg)][col] = ls
    pages_with = defaultdict(lambda: True)
    compared = [0, 0]  # right-column body lines facing left-column text, of them off the grid
    for (pn, rg), d in regions.items():
        a, b = d.get(0, []), d.get(1, [])
        if a and b:
            if (len(a) == 1) != (len(b) == 1) and max(len(a), len(b)) >= 3:
                one_line.append({"page": pn, "col": 0 if len(a) == 1 else 1})
            ya = [ln.y1 for ln in a if ln.kind == "body"]
            yb = [ln.y1 for ln in b if ln.kind == "body"]
            lo, hi = max(min(ya, default=0), min(yb, default=0)), min(max(ya, default=0), max(yb, default=0))
            bad = 0
            for y in yb:
                if lo - 0.5 <= y <= hi + 0.5:
                    compared[0] += 1
                    # on the grid of the nearest left-column line: a whole
                    # number of leadings away (a blank line's step is fine)
                    z = min(ya, key=lambda z: abs(y - z))
                    k = round((y - z) / lead)
                    if abs(y - z - k * lead) > ALIGN_TOL:
                        bad += 1
                        compared[1] += 1
            if bad:
                pages_with[pn] = False
                misaligned.append({"page": pn, "region": rg, "lines_off_grid": bad})
            else:
                pages_with[pn] = pages_with[pn]
        elif a or b:
            ls = a or b
            if len(ls) == 1:
                pass
    # left columns ending short while the right column goes on (the page's
    # last region only: a region above a spanning heading is balanced instead)
    col_short = []
    last_region = {}
    for (pn, rg) in regions:
        last_region[pn] = max(rg, last_region.get(pn, -1))
    for (pn, rg), d in regions.items():
        a, b = d.get(0, []), d.get(1, [])
        if rg != last_region[pn] or not a or not b:
            continue
        gap = (geo["bottom"] - a[-1].y1) / lead
        # balanced columns (a chapter's last page) end level: not a hole
        deeper = (b[-1].y1 - a[-1].y1) / lead
        if gap > SHORT_LINES + 0.05 and deeper > SHORT_LINES + 0.05:
            col_short.append({"page": pn, "lines_short": round(gap, 1)})
    # columns above a spanning line on the same page: balanced (the left
    # one at most a line longer, as the paginator sets them)
    unbalanced = []
    for (pn, rg), d in regions.items():
        a, b = d.get(0, []), d.get(1, [])
        if rg == last_region[pn] or not a or not b:
            continue
        diff = (a[-1].y1 - b[-1].y1) / lead
        if diff > 1.05 or diff < -0.05:
            unbalanced.append({"page": pn, "left_longer_by_lines": round(diff, 1)})
    # the space above a spanning heading that does not start its page: from
    # the lowest line above it to its top
    above = []
    for (pn, rg, col, ls) in cols:
        if col != -1:
            continue
        for ln in ls:
            if ln.kind != "display":
                continue
            over = [o.y1 for (qn, _, _, qs) in cols if qn == pn for o in qs if o.y1 < ln.y0 - 0.01]
            if over:
                above.append({"page": pn, "space_pt": round(ln.y0 - max(over), 1), "text": ln.text[:40]})
            break
    tight = [a for a in above if a["space_pt"] < 0.5 * lead]
    pages_2c = len(pages_with)
    aligned = sum(1 for v in pages_with.values() if v)
    # widows/orphans per column are in the main figures already
    return {
        "headings_split": len(split),
        "headings_stranded": len(stranded),
        "one_line_columns": len(one_line),
        "pages_with_two_columns": pages_2c,
        "pages_baselines_aligned": aligned,
        "share_aligned": round(aligned / pages_2c, 4) if pages_2c else None,
        "columns_unbalanced_above_span": len(unbalanced),
        "columns_unbalanced_list": unbalanced if verbose else unbalanced[:10],
        "spanning_headings_below_text": len(above),
        "spanning_headings_tight": len(tight),
        "space_above_spanning_min_pt": min((a["space_pt"] for a in above), default=None),
        "tight_list": tight if verbose else tight[:10],
        "left_columns_short": len(col_short),
        "left_columns_short_list": col_short if verbose else col_short[:10],
        "right_lines_compared": compared[0],
        "right_lines_off_grid": compared[1],
        "split_list": split if verbose else split[:10],
        "stranded_list": stranded if verbose else stranded[:10],
        "one_line_list": one_line if verbose else one_line[:10],
        "misaligned_list": misaligned if verbose else misaligned[:10],
    }


def find_tables(pages, columns):
    """Table pieces from the geometry: on each page and column, lines are
    grouped into bands (one y, +-1 pt); a band is tabular if its text is split
    into >= 2 cells by gaps wider than 1.5 line heights.  A piece is a run of
    bands with >= 2 tabular bands whose cells line up (some cell other than
    the first starts or ends at the same x, +-2 pt, in two tabular bands: a
    very loose justified line is not a table); a one-cell band inside the
    table's x range continues it (a wrapped cell) unless it ends the run and
    is wider than 60 % of the table (a paragraph after it).  Returns
    [(page, column, bands)]."""
    out = []
    for p, col in [(p, c) for p in pages for c in ((0,) if columns == 1 else (0, 1, -1))]:
        bands = []
        for ln in sorted(p["lines"], key=lambda ln: ln.y0):
            if ln.kind == "furniture" or ln.col != col:
                continue
            if bands and abs(bands[-1]["y"] - ln.y0) <= 1.0:
                bands[-1]["lines"].append(ln)
            else:
                bands.append({"y": ln.y0, "lines": [ln]})
        for b in bands:
            cells = []
            for ln in sorted(b["lines"], key=lambda ln: ln.x0):
                cur = [ln.words[0]]
                for k, w in enumerate(ln.words[1:], start=1):
                    if w[0] - cur[-1][1] > 1.5 * ln.h or k in ln.breaks:
                        cells.append(cur)
                        cur = [w]
                    else:
                        cur.append(w)
                cells.append(cur)
            b["cells"] = [(c[0][0], c[-1][1], " ".join(w[2] for w in c)) for c in cells]
            gaps = [c2[0] - c1[1] for c1, c2 in zip(b["cells"], b["cells"][1:])]
            # equal gaps between >= 3 "cells" are the word spaces of a very
            # loose justified line, not table columns
            even = len(gaps) >= 2 and max(gaps) - min(gaps) < 0.3
            b["tab"] = len(cells) >= 2 and not even
            b["h"] = max(ln.h for ln in b["lines"])
        i = 0
        while i < len(bands):
            if not bands[i]["tab"]:
                i += 1
                continue
            j = i
            while j + 1 < len(bands):
                nb = bands[j + 1]
                pitch = nb["y"] - bands[j]["y"]
                if pitch > 3.0 * bands[j]["h"]:
                    break
                if not nb["tab"]:
                    # a one-cell band after a wider gap than the table's rows
                    # have is text after the table
                    inner = [bands[k + 1]["y"] - bands[k]["y"] for k in range(i, j)]
                    if inner and pitch > 1.5 * min(inner):
                        break
                    x0 = min(c[0] for b in bands[i:j + 1] for c in b["cells"])
                    x1 = max(c[1] for b in bands[i:j + 1] for c in b["cells"])
                    if not (nb["cells"][0][0] >= x0 - 1 and nb["cells"][-1][1] <= x1 + 1):
                        break
                j += 1
            run = bands[i:j + 1]
            x0 = min(c[0] for b in run for c in b["cells"])
            x1 = max(c[1] for b in run for c in b["cells"])
            while run and not run[-1]["tab"] and (
                run[-1]["cells"][-1][1] - run[-1]["cells"][0][0] > 0.6 * (x1 - x0)
            ):
                run = run[:-1]
            edges = Counter()
            for b in run:
                if b["tab"]:
                    for c in b["cells"][1:]:
                        edges[("x0", rnd(c[0], 2.0))] += 1
                        edges[("x1", rnd(c[1], 2.0))] += 1
            lined_up = any(n >= 2 for n in edges.values())
            if len(run) >= 2 and sum(1 for b in run if b["tab"]) >= 2 and lined_up:
                out.append((p["n"], col, run))
            i = j + 1
    return out


def tables(pages, geo, verbose, columns=1):
    """Rows of the table pieces found by find_tables(): rows are separated by a
    pitch larger than 1.15x the smallest pitch (cell padding: when such
    pitches are >= 40 % of all) or, without padding, start at a band with text
    in the first column.  A wrapped row holds more than one band."""
    out = geo["tables"]
    tabs = []
    for pn, pcol, run in out:
        pitches = [b["y"] - a["y"] for a, b in zip(run, run[1:])]
        # the in-cell pitch: the smallest pitch, ignoring odd ones smaller
        # than 0.9 line boxes (a footnote line squeezed under the table)
        hmin = min(b["h"] for b in run)
        mn = min((x for x in pitches if x >= 0.9 * hmin), default=min(pitches))
        rows = [[run[0]]]
        # cell padding shows as a larger pitch between rows than between the
        # lines of one cell; a few larger pitches (rules under a header) do not
        # make a padded table
        big = sum(1 for x in pitches if x > 1.15 * mn)
        padded = big >= 0.4 * len(pitches)
        x0 = min(c[0] for b in run for c in b["cells"])
        for a, b, pch in zip(run, run[1:], pitches):
            if padded:
                new = pch > 1.15 * mn
            else:
                new = b["cells"][0][0] <= x0 + 2
            if new:
                rows.append([b])
            else:
                rows[-1].append(b)
        wrapped = [r for r in rows if len(r) > 1]
        tabs.append({
            "page": pn, "col": pcol, "cells": len(run[0]["cells"]), "y": round(run[0]["y"], 1),
            "rows": len(rows), "wrapped_rows": len(wrapped),
            "header": rows[0][0]["cells"] and " | ".join(c[2] for c in rows[0][0]["cells"])[:80],
            "header_wrapped": len(rows[0]) > 1,
        })
    # a piece continues the previous one when it is in the next column or on
    # the next page and has as many cells in its first row; it repeats the
    # header when its first row reads the same
    cont = rep = 0
    for a, b in zip(tabs, tabs[1:]):
        nextpos = (b["page"] == a["page"] and b["col"] == a["col"] + 1) or b["page"] == a["page"] + 1
        at_top = geo["top"] is not None and b["y"] - geo["top"] < 1.5 * geo["lead"]
        if nextpos and at_top and a["cells"] == b["cells"]:
            cont += 1
            b["continues"] = True
            if a["header"] == b["header"]:
                rep += 1
                b["repeats_header"] = True
    # whole tables: a piece and the pieces continuing it; their rows without
    # the first row (taken as the header) and without repeated headers
    whole = []
    for t in tabs:
        if t.get("continues") and whole:
            w = whole[-1]
        else:
            w = {"page": t["page"], "header": t["header"], "pieces": 0, "body_rows": 0,
                 "body_rows_wrapped": 0}
            whole.append(w)
        head = 1 if (w["pieces"] == 0 or t.get("repeats_header")) else 0
        w["pieces"] += 1
        w["body_rows"] += t["rows"] - head
        w["body_rows_wrapped"] += t["wrapped_rows"] - (1 if head and t["header_wrapped"] else 0)
    return {"pieces": len(tabs), "rows": sum(t["rows"] for t in tabs),
            "wrapped_rows": sum(t["wrapped_rows"] for t in tabs),
            "continued_pieces": cont, "continued_with_header": rep,
            "tables": whole if verbose else whole[:20],
            "largest": max(whole, key=lambda w: w["body_rows"]) if whole else None,
            "list": tabs if verbose else tabs[:20]}


def report(res):
    out = []
    w = out.append
    w(f"{res['pdf']}: {res['pages']} pages, columns={res['columns']}")
    if "error" in res:
        w("  " + res["error"])
        return "\n".join(out)
    w(f"  text lines on the last page (running heads and folios left out): {res['last_page_lines']}")
    w(f"  body line box {res['body_line_height_pt']:.1f} pt, leading {res['leading_pt']:.2f} pt, "
      f"block y {res['block']['top']}..{res['block']['bottom']}")
    s = res["short_pages"]
    w(f"  pages ending > {SHORT_LINES:g} lines short: {s['count']} "
      f"(not chapter/document end: {s['count_not_chapter_or_doc_end']}; >= 3.5 lines: {s['count_3_5_lines_or_more']})")
    for x in s["list"][:40]:
        w(f"    p.{x['page']}: {x['lines_short']} lines {('(' + x['note'] + ')') if x['note'] else ''}")
    w(f"  widows: {res['widows']['count']}  orphans: {res['orphans']['count']}")
    for x in res["widows"]["list"][:10]:
        w(f"    widow p.{x['page']} col {x['col']}: {x['text']}")
    for x in res["orphans"]["list"][:10]:
        w(f"    orphan p.{x['page']} col {x['col']}: {x['text']}")
    ws = res["word_space"]
    w(f"  word space (natural {ws['natural_pt']} pt, {ws['natural_source']}): {ws['justified_lines']} justified lines, "
      f"p50 {ws['p50']}x p95 {ws['p95']}x max {ws['max']}x, > {WS_LIMIT}x: {ws['over_1_5']} "
      f"({(ws['share_over_1_5'] or 0) * 100:.1f} %)")
    ls = res["letter_spacing"]
    if ls is None:
        w("  letter-spacing: not measured (qpdf missing)")
    else:
        w(f"  letter-spacing ({ls['unit']}): {ls['lines']} lines, max {ls['max']}, lines > 10: {ls['lines_over_10']}, "
          f"max neighbour delta {ls['max_neighbour_delta']} (deltas > 3: {ls['neighbour_delta_over_3']}); "
          f"between two justified lines of one paragraph: max delta {ls['justified_pairs_max_delta']}, "
          f"> 3: {ls['justified_pairs_delta_over_3']} of {ls['justified_pairs']} pairs")
    le = res["line_ends"]
    w(f"  line ends with punctuation inside the measure: {le['punct_inside_measure']} {le['by_mark']}")
    w(f"  lines starting with a spaced dash: {le['spaced_dash_starts']}; number split from its noun: {le['number_splits']}")
    for x in le["number_list"][:5]:
        w(f"    p.{x['page']}: {x['pair']}")
    bw = res["broken_words"]
    w(f"  lines with a word set letter by letter: {bw['letter_spaced_lines']}; "
      f"syllables split across lines: {bw['syllables_split']}")
    for x in bw["letter_spaced_list"][:5]:
        w(f"    p.{x['page']}: {x['text']}")
    for x in bw["split_list"][:5]:
        w(f"    p.{x['page']}: {x['pair']}")
    d = res["display_breaks"]
    w(f"  display-line breaks: {d['display_line_breaks']}; inside a word-list word: {d['inside_word']}; "
      f"capitalised pair: {d['capitalised_pair']} (word list: {d['word_list']})")
    for x in d["list"][:12]:
        w(f"    p.{x['page']}: {x['pair']} ({x['kind']})")
    if "two_columns" in res:
        t = res["two_columns"]
        w(f"  two columns: headings split {t['headings_split']}, stranded {t['headings_stranded']}, "
          f"one-line columns {t['one_line_columns']}, baselines aligned on {t['pages_baselines_aligned']} "
          f"of {t['pages_with_two_columns']} pages ({(t['share_aligned'] or 0) * 100:.0f} %); right-column lines "
          f"off the left grid {t['right_lines_off_grid']} of {t['right_lines_compared']}")
        w(f"    left columns ending > {SHORT_LINES:g} lines short beside a right column: {t['left_columns_short']}"
          + f" (not a chapter's or the document's end: {t['left_columns_short_not_chapter_end']})"
          + "".join(f" p.{x['page']} ({x['lines_short']}{', ' + x['note'] if x['note'] else ''})"
                    for x in t["left_columns_short_list"][:8]))
        w(f"    columns above a spanning line unbalanced (left not 0-1 line longer): "
          f"{t['columns_unbalanced_above_span']}"
          + "".join(f" p.{x['page']} ({x['left_longer_by_lines']:+})" for x in t["columns_unbalanced_list"][:8]))
        w(f"    spanning headings under text: {t['spanning_headings_below_text']}, space above them min "
          f"{t['space_above_spanning_min_pt']} pt, under half a line: {t['spanning_headings_tight']}"
          + "".join(f" p.{x['page']} ({x['space_pt']} pt)" for x in t["tight_list"][:8]))
        for x in t["split_list"][:5]:
            w(f"    split p.{x['page']}: {x['text']}")
        for x in t["stranded_list"][:5]:
            w(f"    stranded p.{x['page']}: {x['text']}")
    tb = res["tables"]
    w(f"  tables: {tb['pieces']} pieces, {tb['rows']} rows, {tb['wrapped_rows']} wrapped; "
      f"pieces continuing a table: {tb['continued_pieces']}, repeating its first row: {tb['continued_with_header']}")
    if tb["largest"]:
        x = tb["largest"]
        w(f"    largest table (p.{x['page']}, {x['pieces']} pieces): {x['body_rows']} rows under its "
          f"header, {x['body_rows_wrapped']} of them wrapped")
    for x in tb["list"][:6]:
        w(f"    p.{x['page']}: {x['rows']} rows, {x['wrapped_rows']} wrapped; first row: {x['header']}")
    return "\n".join(out)


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `typo.py X | head` ends quietly
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf")
    ap.add_argument("--columns", type=int, default=1, choices=(1, 2))
    ap.add_argument("--words", help="Vietnamese word list, one word a line (syllables by spaces or _)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="list every flagged place")
    a = ap.parse_args()
    res = measure(a.pdf, a.columns, load_words(a.words), a.verbose)
    if a.json:
        json.dump(res, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(report(res))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""summarize.py LABEL=DIR[:PREFIX] ... — the side-by-side Markdown table of
typo.py's JSON results: one column per LABEL, reading DIR/PREFIXCASE.json for
each case (book-a5, book-a4-2c, article-a4, article-a5, mixed-a5).

    python3 summarize.py trang=out/trang-0f5d1e3 Typst=out/compare:typst- XeLaTeX=out/compare:xelatex-
"""
import json
import os
import sys

CASES = [
    ("book-a5", "Generated book, A5, one column"),
    ("book-a4-2c", "Generated book, A4, two columns"),
    ("article-a4", "Article, A4"),
    ("article-a5", "Article, A5"),
    ("mixed-a5", "tests/fixtures/mixed.md, A5"),
]


def fmt(v, pct=False, nd=2):
    if v is None:
        return "–"
    if pct:
        return f"{v * 100:.1f} %"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def rows(d, case):
    s = d["short_pages"]
    ws = d["word_space"]
    ls = d["letter_spacing"] or {}
    le = d["line_ends"]
    db = d["display_breaks"]
    tb = d["tables"]
    out = [
        ("pages", d["pages"]),
        ("text lines on the last page", d.get("last_page_lines", "–")),
        ("body line box / leading (pt)", f"{d['body_line_height_pt']:.1f} / {d['leading_pt']:.2f}"),
        ("pages ending > 2 lines short", s["count"]),
        ("  of them not a chapter's or the document's end", s["count_not_chapter_or_doc_end"]),
        ("  of them ≥ 3.5 lines short", s["count_3_5_lines_or_more"]),
        ("widows / orphans", f"{d['widows']['count']} / {d['orphans']['count']}"),
        ("word space p50 / p95 (× natural)", f"{fmt(ws['p50'])} / {fmt(ws['p95'])}"),
        ("justified lines with word space > 1.5×", f"{ws['over_1_5']} ({fmt(ws['share_over_1_5'], True)})"),
        ("letter-spacing max (1/1000 em)", fmt(ls.get("max"), nd=1)),
        ("lines letter-spaced > 10/1000 em", ls.get("lines_over_10")),
        ("letter-spacing max change between neighbour lines", fmt(ls.get("max_neighbour_delta"), nd=1)),
        ("  between two justified lines of one paragraph: max / pairs > 3/1000 em",
         f"{fmt(ls.get('justified_pairs_max_delta'), nd=1)} / {ls.get('justified_pairs_delta_over_3')} of {ls.get('justified_pairs')}"
         if ls else "–"),
        ("line ends , . ” ; : inside the measure (no hanging)", le["punct_inside_measure"]),
        ("lines starting with a spaced dash", le["spaced_dash_starts"]),
        ("number split from its noun (\"5 / năm\")", le["number_splits"]),
        ("lines with a word set letter by letter (\"t h ấ y\")", d["broken_words"]["letter_spaced_lines"]),
        ("syllables split across lines (\"T / ỉnh\")", d["broken_words"]["syllables_split"]),
        ("display lines broken inside a word-list word", db["inside_word"]),
        ("display lines broken between capitalised syllables", db["capitalised_pair"]),
    ]
    if "two_columns" in d:
        t = d["two_columns"]
        out += [
            ("headings split across columns/pages", t["headings_split"]),
            ("headings stranded at a column/page foot", t["headings_stranded"]),
            ("one-line columns", t["one_line_columns"]),
            ("left columns ending > 2 lines short beside a right column (not a chapter's end)",
             f"{t.get('left_columns_short', '–')} ({t.get('left_columns_short_not_chapter_end', '–')})"),
            ("pages with both columns on one baseline grid",
             f"{t['pages_baselines_aligned']} of {t['pages_with_two_columns']} ({fmt(t['share_aligned'], True)})"),
            ("right-column body lines off the left column's baselines",
             f"{t['right_lines_off_grid']} of {t['right_lines_compared']}"),
        ]
    if tb["pieces"]:
        out += [
            ("table rows (pieces)", f"{tb['rows']} ({tb['pieces']})"),
            ("table rows that wrap", tb["wrapped_rows"]),
            ("largest table: rows under the header / of them wrapped",
             f"{tb['largest']['body_rows']} / {tb['largest']['body_rows_wrapped']}" if tb.get("largest") else "–"),
            ("table pieces continuing a table / repeating its first row",
             f"{tb['continued_pieces']} / {tb['continued_with_header']}"),
        ]
    return out


def main():
    systems = []
    for a in sys.argv[1:]:
        label, _, loc = a.partition("=")
        d, _, prefix = loc.partition(":")
        systems.append((label, d, prefix))
    for case, title in CASES:
        results = []
        for label, d, prefix in systems:
            p = os.path.join(d, prefix + case + ".json")
            results.append(json.load(open(p)) if os.path.exists(p) else None)
        if not any(results):
            continue
        print(f"### {title}\n")
        print("| figure | " + " | ".join(s[0] for s in systems) + " |")
        print("|---|" + "---|" * len(systems))
        table = {}
        order = []
        for i, r in enumerate(results):
            if r is None:
                continue
            for k, v in rows(r, case):
                if k not in table:
                    table[k] = ["n/a"] * len(systems)
                    order.append(k)
                table[k][i] = fmt(v) if not isinstance(v, str) else v
        for k in order:
            print(f"| {k} | " + " | ".join(table[k]) + " |")
        print()
    cases_table(systems)


def cases_table(systems):
    """One row per typography case (case-*.json): what the case is about."""
    names = set()
    for _, d, prefix in systems:
        if os.path.isdir(d):
            for f in os.listdir(d):
                if f.startswith(prefix + "case-") and f.endswith(".json"):
                    names.add(f[len(prefix):-5])
    if not names:
        return
    print("### Typography cases (`shared/cases/typography/`, A5)\n")
    print("| case | " + " | ".join(s[0] for s in systems) + " |")
    print("|---|" + "---|" * len(systems))
    for n in sorted(names):
        cells = []
        for _, d, prefix in systems:
            p = os.path.join(d, prefix + n + ".json")
            if not os.path.exists(p):
                cells.append("n/a")
                continue
            r = json.load(open(p))
            ls = r["letter_spacing"] or {}
            bw = r["broken_words"]
            cells.append(f"letter-spaced lines {bw['letter_spaced_lines']}, syllables split "
                         f"{bw['syllables_split']}, letter-spacing max {fmt(ls.get('max'), nd=1)}")
        print(f"| {n[5:]} | " + " | ".join(cells) + " |")
    print()


if __name__ == "__main__":
    main()

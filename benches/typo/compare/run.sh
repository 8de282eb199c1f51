#!/bin/sh
# compare/run.sh OUTDIR — the same five cases as run-all.sh, typeset by Typst
# (pandoc MD -> .typ, typst-py 0.15.2) and XeLaTeX (pandoc --pdf-engine=xelatex),
# with trang's page geometry, body size and leading, Source Serif 4 from the
# repo's fonts/; then typo.py on each PDF.  Needs a venv at $VENV (default
# /tmp/cmpvenv) holding `typst==0.15.2` and `pypandoc-binary`, and xelatex
# (Debian: texlive-xetex texlive-lang-other texlive-latex-recommended
# texlive-latex-extra texlive-fonts-recommended texlive-plain-generic lmodern).
# ENGINES="typst xelatex" picks the engines, ONLY="book-a5 mixed-a5" the cases.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
VENV=${VENV:-/tmp/cmpvenv}
# the repository: the one this folder sits in (benches/typo/), else /work/main
REPO=${REPO:-$(if [ -f "$here/../../../Cargo.toml" ]; then cd "$here/../../.." && pwd; else echo /work/main; fi)}
BOOK=${BOOK:-/work/bench/book.md}
[ -f "$BOOK" ] || { echo "no $BOOK: make it with 'cargo run --release --example genbook > book.md' and set BOOK=book.md" >&2; exit 2; }
WORDS=${WORDS:-$here/../words/pyvi-words.txt}
ENGINES=${ENGINES:-typst xelatex}
FONTS=$REPO/fonts
PANDOC=$("$VENV/bin/python" -c 'import pypandoc; print(pypandoc.get_pandoc_path())')
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# geometry measured on trang's output (typo.py's text block): left, right, top, bottom in pt
geom() {
  case $1 in
    a5) echo "60 60.5 51 66";;      # A5 one column, body 10.5 pt on 14.5 pt
    a4) echo "113 113 73 119";;     # A4 one column (article), body 11.5 pt on 15.77 pt
    a4-2c) echo "54 54 72 113";;    # A4 two columns, gutter 17 pt, body 11.5 pt on 15.77 pt
  esac
}

typst_case() { # NAME INPUT GEOM
  name=$1; input=$2; g=$3
  set -- $(geom "$g")
  paper=a5; size=10.5pt; lead=14.5; cols=1
  case $g in a4*) paper=a4; size=11.5pt; lead=15.77;; esac
  case $g in *-2c) cols=2;; esac
  dir="$out/.typst-$name"; rm -rf "$dir"; mkdir -p "$dir"
  # the input's images, relative to the .typ (typst reads files inside its root only)
  [ -d "$(dirname "$input")/images" ] && cp -r "$(dirname "$input")/images" "$dir/"
  # baseline-to-baseline = leading + cap height (Typst's default top edge;
  # 0.673 em for Source Serif 4, measured); pandoc's template sets the leading
  # to linestretch × 0.65 em, so the leading is given as a linestretch
  capem=0.673
  leading=$(python3 -c "print(round($lead - $capem * float('$size'[:-2]), 3))")
  stretch=$(python3 -c "print(round(($lead - $capem * float('$size'[:-2])) / (0.65 * float('$size'[:-2])), 4))")
  cat >"$dir/head.typ" <<TYP
#set page(columns: $cols)
#set columns(gutter: 17pt)
#set par(spacing: ${leading}pt, first-line-indent: 1em, justify: true)
#show figure.where(kind: table): set block(breakable: true)
TYP
  printf 'margin:\n  left: %spt\n  right: %spt\n  top: %spt\n  bottom: %spt\n' "$1" "$2" "$3" "$4" >"$dir/meta.yaml"
  "$PANDOC" "$input" -s -t typst -o "$dir/doc.typ" --resource-path="$(dirname "$input")" \
    -V papersize=$paper -V mainfont="Source Serif 4" -V codefont="Source Code Pro" -V fontsize=$size \
    -V columns=$cols -V page-numbering=1 -V linestretch=$stretch -H "$dir/head.typ" --metadata-file="$dir/meta.yaml"
  "$VENV/bin/python" "$here/typst_compile.py" "$dir/doc.typ" "$out/$name.pdf" "$FONTS"
}

xelatex_case() { # NAME INPUT GEOM
  name=$1; input=$2; g=$3
  set -- $(geom "$g")
  size=10.5pt; paper=a5; lead=14.5; cls=""
  case $g in a4*) size=11.5pt; paper=a4; lead=15.77;; esac
  # two columns: --columns=30 makes pandoc give pipe tables relative widths
  # (p{} columns of \linewidth) so they fit a column instead of running into
  # the next one
  case $g in *-2c) cls="-V classoption=twocolumn --columns=30";; esac
  dir="$out/.xelatex-$name"; rm -rf "$dir"; mkdir -p "$dir"
  cat >"$dir/head.tex" <<TEX
\\setmainfont{SourceSerif4}[Path=$FONTS/source-serif-4/, Extension=.ttf, UprightFont=*-Regular, ItalicFont=*-It, BoldFont=*-Bold, BoldItalicFont=*-BoldIt]
\\setmonofont{SourceCodePro}[Path=$FONTS/source-code-pro/, Extension=.ttf, UprightFont=*-Regular, ItalicFont=*-It, BoldFont=*-Bold, BoldItalicFont=*-BoldIt, Scale=0.9]
\\setlength{\\columnsep}{17pt}
\\AtBeginDocument{\\fontsize{${size%pt}}{$lead}\\selectfont}
TEX
  # longtable refuses two-column mode: there, tables become unbreakable tabulars
  [ -n "$cls" ] && cat >>"$dir/head.tex" <<'TEX'
\makeatletter
\renewenvironment{longtable}[1][]{\par\noindent\begin{tabular}}{\end{tabular}\par}
\def\endhead{}\def\endfirsthead{}\def\endfoot{}\def\endlastfoot{}
\makeatother
TEX
  # -V fontsize is the class option (KOMA accepts any size); the body leading
  # is set to trang's in head.tex
  # run inside the scratch folder (TeX writes missfont.log and the like there)
  (cd "$dir" && "$PANDOC" "$input" -s -o "$dir/doc.pdf" --pdf-engine=xelatex --resource-path="$(dirname "$input")" \
    -V documentclass=scrartcl -V classoption=fontsize=$size -V classoption=paper=$paper $cls \
    -V geometry=left=${1}pt -V geometry=right=${2}pt -V geometry=top=${3}pt -V geometry=bottom=${4}pt \
    -H "$dir/head.tex" >"$out/$name.log" 2>&1) || { tail -30 "$out/$name.log"; return 1; }
  mv "$dir/doc.pdf" "$out/$name.pdf"
}

CASES=${CASES:-$REPO/../shared/cases/typography}
extra=""
for f in "$CASES"/*.md; do
  [ -e "$f" ] && extra="$extra case-$(basename "$f" .md):$f"
done
for engine in $ENGINES; do
  for c in "book-a5 $BOOK a5" "book-a4-2c $BOOK a4-2c" "article-a4 $REPO/source/article.md a4" \
           "article-a5 $REPO/source/article.md a5" "mixed-a5 $REPO/tests/fixtures/mixed.md a5" \
           $(for e in $extra; do printf '%s ' "${e%%:*}@${e#*:}@a5"; done); do
    case $c in *@*) c=$(echo "$c" | tr '@' ' ');; esac
    if [ -n "${ONLY:-}" ]; then case " $ONLY " in *" ${c%% *} "*) ;; *) continue;; esac; fi
    set -- $c
    n=$engine-$1
    ${engine}_case "$n" "$2" "$3" || { echo "$n: FAILED"; continue; }
    cols=1; case $1 in *-2c) cols=2;; esac
    python3 "$here/../typo.py" "$out/$n.pdf" --columns $cols --words "$WORDS" >"$out/$n.txt"
    python3 "$here/../typo.py" "$out/$n.pdf" --columns $cols --words "$WORDS" --json >"$out/$n.json"
    echo "== $n"; cat "$out/$n.txt"
  done
done

#!/bin/sh
# run-all.sh TRANG OUTDIR — build the five measured cases with the trang binary
# TRANG into OUTDIR and measure each with typo.py (OUTDIR/NAME.txt and .json).
# Inputs: $BOOK (default /work/bench/book.md: genbook --chapters 60 --seed 1),
# $REPO (default: the repository holding this folder, else /work/main;
# source/article.md, tests/fixtures/mixed.md),
# $WORDS (default words/pyvi-words.txt beside this script), $CASES (default
# $REPO/../shared/cases/typography: every *.md there is built A5 as case-NAME).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
trang=$1
out=$2
# the repository: the one this folder sits in (benches/typo/), else /work/main
REPO=${REPO:-$(if [ -f "$here/../../Cargo.toml" ]; then cd "$here/../.." && pwd; else echo /work/main; fi)}
BOOK=${BOOK:-/work/bench/book.md}
[ -f "$BOOK" ] || { echo "no $BOOK: make it with 'cargo run --release --example genbook > book.md' and set BOOK=book.md" >&2; exit 2; }
WORDS=${WORDS:-$here/words/pyvi-words.txt}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
mkdir -p "$out"
build() { # NAME INPUT ARGS...
  name=$1; input=$2; shift 2
  tmp="$out/.$name"; rm -rf "$tmp"; mkdir -p "$tmp"
  "$trang" build -q --format pdf -o "$tmp" "$@" "$input" >"$out/$name.log" 2>&1 || { cat "$out/$name.log"; exit 1; }
  mv "$tmp"/*.pdf "$out/$name.pdf"; rm -rf "$tmp"
}
build book-a5 "$BOOK" --paper a5
build book-a4-2c "$BOOK" --paper a4 --columns 2
build article-a4 "$REPO/source/article.md" --paper a4
build article-a5 "$REPO/source/article.md" --paper a5
build mixed-a5 "$REPO/tests/fixtures/mixed.md" --paper a5
# the typography cases (one short Markdown file each), A5
CASES=${CASES:-$REPO/../shared/cases/typography}
names="book-a5 book-a4-2c article-a4 article-a5 mixed-a5"
for f in "$CASES"/*.md; do
  [ -e "$f" ] || continue
  c=case-$(basename "$f" .md)
  build "$c" "$f" --paper a5
  names="$names $c"
done
for n in $names; do
  cols=1; case $n in *-2c) cols=2;; esac
  python3 "$here/typo.py" "$out/$n.pdf" --columns $cols --words "$WORDS" >"$out/$n.txt"
  python3 "$here/typo.py" "$out/$n.pdf" --columns $cols --words "$WORDS" --json >"$out/$n.json"
  echo "== $n"; cat "$out/$n.txt"
done

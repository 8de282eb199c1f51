#!/usr/bin/env bash
# Builds the hostile Markdown inputs of issue 6 and measures each build:
#   bash tests/hostile.sh [WORK_DIR] [NAME...]
# WORK_DIR (default: a fresh temporary folder) receives the generated inputs
# (up to 50 MB; nothing is committed) and the outputs. Needs a release build
# (`cargo build --release`; CARGO_TARGET_DIR is honoured), /usr/bin/time,
# qpdf and unzip. Prints one table row per input: exit code, wall time, peak
# memory, and what the output is (qpdf --check and unzip -t verdicts, pages)
# or the first line of the refusal.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
trang=${CARGO_TARGET_DIR:-$root/target}/release/trang
[ -x "$trang" ] || { echo "error: $trang not found; run cargo build --release first" >&2; exit 1; }
work=${1:-$(mktemp -d)}
shift || true
mkdir -p "$work"
cd "$work"

# One paragraph of the article per line pair, front matter and headings dropped.
body() { awk '/^---$/ { fm++; next } fm >= 2 && !/^#/ && NF' "$root/source/article.md"; }

gen() {
  case $1 in
    quotes-10000) awk 'BEGIN { for (i = 0; i < 10000; i++) printf ">"; print " deep" }' ;;
    lists-10000) awk 'BEGIN { for (i = 0; i < 10000; i++) printf "- "; print "deep" }' ;;
    refs-100000)
      awk 'BEGIN {
        printf "Links:"; for (i = 1; i <= 100000; i += 100) printf " [link %d][r%d]", i, i; print "\n"
        for (i = 1; i <= 100000; i++) printf "[r%d]: https://example.com/%d \"Title %d\"\n", i, i, i }' ;;
    doc-50mb)
      body > para.txt
      local n=$(( 50 * 1024 * 1024 / $(wc -c < para.txt) + 1 ))
      awk -v n="$n" 'NR == FNR { p = p $0 "\n\n"; next } END {
        for (i = 1; i <= n; i++) { if (i % 200 == 1) printf "## Phần %d\n\n", i / 200 + 1; printf "%s", p } }' para.txt /dev/null
      rm para.txt ;;
    word-1mb) awk 'BEGIN { printf "Start "; for (i = 0; i < 1048576 / 8; i++) printf "abcdefgh"; print " end." }' ;;
    para-100000)
      body | tr -s ' \n' '\n\n' | awk 'NF { w[n++] = $0 } END {
        for (i = 0; i < 100000; i++) printf "%s%s", w[i % n], (i % 12 == 11 ? "\n" : " "); print "" }' ;;
    footnotes-10000)
      awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "Câu %d có chú thích.[^n%d]\n\n", i, i
                   for (i = 1; i <= 10000; i++) printf "[^n%d]: Chú thích số %d.\n\n", i, i }' ;;
    table-1000)
      awk 'BEGIN {
        for (r = 0; r < 5; r++) {
          printf "|"; for (c = 1; c <= 1000; c++) printf " %s |", (r == 0 ? "C" c : (r == 1 ? "---" : "v" r "." c)); print "" } }' ;;
  esac
}

names=(quotes-10000 lists-10000 refs-100000 doc-50mb word-1mb para-100000 footnotes-10000 table-1000)
[ $# -gt 0 ] && names=("$@")
printf '| input | size | exit | wall | peak RSS | result |\n|---|---|---|---|---|---|\n'
for name in "${names[@]}"; do
  gen "$name" > "$name.md"
  size=$(du -h "$name.md" | cut -f1)
  rm -f "out/$name.pdf" "out/$name.epub"
  set +e
  /usr/bin/time -v -o "$name.time" "$trang" build "$name.md" -o out --paper a5 -q 2> "$name.err" > /dev/null
  code=$?
  set -e
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f MB", $2 / 1024 }' "$name.time")
  if [ "$code" = 0 ]; then
    pdf=$(qpdf --check "out/$name.pdf" > /dev/null 2>&1 && echo "qpdf ok" || echo "QPDF FAILED")
    pages=$(qpdf --show-npages "out/$name.pdf" 2>/dev/null || echo "?")
    epub=$(unzip -tq "out/$name.epub" > /dev/null 2>&1 && echo "epub zip ok" || echo "EPUB ZIP FAILED")
    result="$pdf, $pages pages, $epub"
  else
    result=$(grep -m1 -E '^(error|thread)' "$name.err" || head -n1 "$name.err")
    loc=$(grep -m1 -E '^ *--> ' "$name.err" | sed 's/^ *--> //' || true)
    [ -n "$loc" ] && result="$result (at $loc)"
  fi
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$size" "$code" "$wall" "$rss" "$result"
done

#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into fuzz/corpus/ (not committed):
#   corpus/pipeline/  every CommonMark spec example (../shared/corpus/commonmark-spec.txt),
#                     source/*.md, tests/fixtures/*.md, tests/fixtures/math/*.md and
#                     each formula of tests/fixtures/math/formulas.tsv
#   corpus/linebreak/ a few byte strings; libFuzzer grows it from coverage
set -euo pipefail
cd "$(dirname "$0")"
spec=${1:-../../shared/corpus/commonmark-spec.txt}
[ -f "$spec" ] || { echo "error: CommonMark spec not found at $spec (pass its path)" >&2; exit 1; }
mkdir -p corpus/pipeline corpus/linebreak
# An example is the text between a line of 32 backticks + " example" and a
# line holding "."; the spec writes tabs as →.
awk -v dir=corpus/pipeline '
  BEGIN { fence = sprintf("%32s", ""); gsub(/ /, "`", fence); open = fence " example" }
  $0 == open { n++; inside = 1; file = sprintf("%s/spec-%03d.md", dir, n); printf "" > file; next }
  inside && $0 == "." { inside = 0; close(file); next }
  inside { line = $0; gsub(/→/, "\t", line); print line > file }
  END { print n " CommonMark examples" > "/dev/stderr" }
' "$spec"
for f in ../source/*.md ../tests/fixtures/*.md ../tests/fixtures/math/*.md; do
  cp "$f" "corpus/pipeline/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# Mathematics: each formula of the list alone, inline and displayed, so that
# libFuzzer mutates TeX (and the layout) from every construct.
n=0
while IFS=$'\t' read -r construct mode tex; do
  case "$construct" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  printf 'Ví dụ $%s$ ở đây.\n\n$$\n%s\n$$\n' "$tex" "$tex" > "corpus/pipeline/math-$(printf %03d $n).md"
done < ../tests/fixtures/math/formulas.tsv
# Line-breaker seeds: arbitrary's encoding of a few item lists.
printf 'words and spaces\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05' > corpus/linebreak/words
head -c 4096 /dev/zero | tr '\0' '\004' > corpus/linebreak/spaces
printf '\x01\x00\x00\x80\x7f\x02\x00\x00\xc0\x7f\x00\x00\x80\xff' > corpus/linebreak/nan-inf
echo "seed corpus: $(ls corpus/pipeline | wc -l) pipeline, $(ls corpus/linebreak | wc -l) linebreak inputs" >&2

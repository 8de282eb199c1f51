#!/bin/sh
# measure-dir.sh DIR — re-run typo.py on every PDF in DIR (NAME.pdf → NAME.txt,
# NAME.json); a name containing "-2c" is measured as two columns.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
WORDS=${WORDS:-$here/words/pyvi-words.txt}
for pdf in "$1"/*.pdf; do
  n=${pdf%.pdf}
  cols=1; case $n in *-2c*) cols=2;; esac
  python3 "$here/typo.py" "$pdf" --columns $cols --words "$WORDS" >"$n.txt"
  python3 "$here/typo.py" "$pdf" --columns $cols --words "$WORDS" --json >"$n.json"
done

#!/usr/bin/env bash
# Render docs/sheet-*.png: the demo report's first page of Segments, Tier summary, Concentration
# and Matrix as LibreOffice shows them. Needs soffice and poppler-utils (pdfinfo, pdftotext, pdftoppm).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
python segmenter.py demo -o "$work/demo.xlsx" >/dev/null
(cd "$work" && soffice --headless --convert-to pdf demo.xlsx >/dev/null 2>&1)
for title in "segmenter · Segments" "segmenter · Tier summary" "segmenter · Concentration" "segmenter · Matrix"; do
    page=$(python - "$work/demo.pdf" "$title" <<'PY'
import subprocess, sys
pdf, title = sys.argv[1], sys.argv[2]
n = int(next(l.split()[-1] for l in subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout.splitlines() if l.startswith("Pages")))
for i in range(1, n + 1):
    text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), pdf, "-"], capture_output=True, text=True).stdout
    if text.lstrip().startswith(title):
        print(i)
        break
PY
)
    name=$(echo "${title#segmenter · }" | tr 'A-Z ' 'a-z-')
    pdftoppm -png -r 80 -f "$page" -l "$page" -singlefile "$work/demo.pdf" "docs/sheet-$name"
    echo "wrote docs/sheet-$name.png"
done

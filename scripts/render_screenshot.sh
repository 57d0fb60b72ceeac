#!/usr/bin/env bash
# Render docs/sheet-*.png: the demo report's Overview (one page) and the first page of Segments,
# Tier summary, Concentration and Matrix as LibreOffice shows them. Needs soffice and poppler-utils
# (pdfinfo, pdftotext, pdftoppm). Run with the project's Python on PATH (or PYTHON=.venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python}
work=$(mktemp -d)
"$python" segmenter.py demo -o "$work/demo.xlsx" >/dev/null 2>&1
(cd "$work" && soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf demo.xlsx >/dev/null 2>&1)
for title in "segmenter · Overview" "segmenter · Segments" "segmenter · Tier summary" "segmenter · Concentration" "segmenter · Matrix"; do
    page=$("$python" - "$work/demo.pdf" "$title" <<'PY'
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
    resolution=80
    [ "$name" = overview ] && resolution=110
    pdftoppm -png -r "$resolution" -f "$page" -l "$page" -singlefile "$work/demo.pdf" "docs/sheet-$name"
    echo "wrote docs/sheet-$name.png"
done
rm -rf "$work"

#!/usr/bin/env bash
# zipassets.sh — pre-compress the static files for nginx's gzip_static.
#
#   ./zipassets.sh [DIR]     DIR defaults to public/ beside this script
#
# For every text-like file under DIR (css, js, svg, json, txt, html, ico,
# map, xml) it writes FILE.gz beside it with the best gzip compression, so
# nginx (`gzip_static on;`, see sample-nginx.conf) sends the ready-made copy
# instead of compressing on every request. A .gz is rewritten only when
# its file is newer, dropped when it would not be smaller, and removed when
# its file is gone. Run it after every update of the files (the setup in
# README.md does, after copying public/ to the web server).
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")" && pwd)/public}
[ -d "$dir" ] || { echo "zipassets: no folder $dir" >&2; exit 1; }
command -v gzip >/dev/null || { echo "zipassets: gzip is not installed" >&2; exit 1; }

made=0 kept=0 skipped=0 removed=0
# Stale copies first: a .gz whose file was deleted would still be served.
while IFS= read -r -d '' gz; do
	if [ ! -f "${gz%.gz}" ]; then rm -f -- "$gz"; removed=$((removed + 1)); fi
done < <(find "$dir" -type f -name '*.gz' -print0)

while IFS= read -r -d '' f; do
	gz=$f.gz
	if [ -f "$gz" ] && [ ! "$f" -nt "$gz" ]; then kept=$((kept + 1)); continue; fi
	tmp=$(mktemp "$gz.XXXXXX")
	# -n: no name or time stamp inside, so the same file gives the same bytes.
	gzip -9 -n -c -- "$f" >"$tmp"
	if [ "$(stat -c %s "$tmp")" -lt "$(stat -c %s "$f")" ]; then
		chmod --reference="$f" "$tmp"
		touch -r "$f" "$tmp" # same time as the file: nginx's ETag and Last-Modified agree
		mv -f -- "$tmp" "$gz"
		made=$((made + 1))
	else
		rm -f -- "$tmp" "$gz"
		skipped=$((skipped + 1))
	fi
done < <(find "$dir" -type f \( -name '*.css' -o -name '*.js' -o -name '*.svg' -o -name '*.json' -o -name '*.txt' \
	-o -name '*.html' -o -name '*.ico' -o -name '*.map' -o -name '*.xml' \) -print0)

echo "zipassets: $dir: $made compressed, $kept up to date, $skipped not worth it, $removed stale removed"

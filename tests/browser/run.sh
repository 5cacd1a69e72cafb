#!/usr/bin/env bash
# policyweb's browser checks: builds the example site, runs the Nu Html Checker
# over every page, then axe-core (WCAG 2.2 AA), keyboard, dark-mode, layout and
# print checks in Debian's headless Chromium. Exits non-zero on any failure.
#
# Needs: cargo, node (20+), java (17+) and /usr/bin/chromium (or CHROMIUM=path).
# Installs nothing except `npm ci` here, when node_modules is missing or stale.
# Writes: target/browser-site (the site), target/screenshots (PNG, PDF).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"

missing=()
command -v node >/dev/null || missing+=("node (apt-get install nodejs)")
command -v java >/dev/null || missing+=("java (apt-get install default-jre-headless)")
[ -x "$chromium" ] || missing+=("chromium at $chromium (apt-get install chromium)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'tests/browser/run.sh: missing %s\n' "${missing[@]}" >&2
  exit 2
fi

cd "$here"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci (tests/browser)"
  # --ignore-scripts: vnu-jar's install script would try to download a Java runtime.
  npm ci --ignore-scripts --no-audit --no-fund
fi

cd "$repo"
echo "== build the example site"
site="target/browser-site"
cargo run --quiet --release -- build content --out "$site" --today 2026-11-21

echo "== Nu Html Checker: every page"
pages=$(find "$site" -name '*.html' | wc -l)
java -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --skip-non-html "$site"
java -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --css "$site/theme/style.css"
echo "Nu Html Checker: $pages pages and the stylesheet, no errors"

echo "== headless Chromium: axe-core, keyboard, dark mode, layout, print"
CHROMIUM="$chromium" node "$here/check.mjs" "$site" content/site.toml target/screenshots

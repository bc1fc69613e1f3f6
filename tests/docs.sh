#!/usr/bin/env bash
# The repository is self-contained: no file cites a path outside it (such as a research folder beside
# the checkout or an absolute path on a development machine), and every relative link in a Markdown
# file names a file that exists.
# Usage: bash tests/docs.sh (from anywhere inside a git checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
failed=0

outside=$(git grep -nE 'shared/reference|zoho-sdk-contract\.md|/work/' -- ':!tests/docs.sh' || true)
if [ -n "$outside" ]; then
    echo "not ok - files cite paths outside the repository:"; echo "$outside"; failed=1
else
    echo "ok - no file cites a path outside the repository"
fi

broken=0
while IFS= read -r md; do
    dir=$(dirname "$md")
    # [text](target) links that are not URLs or anchors; the #fragment is dropped.
    while IFS= read -r target; do
        target=${target%%#*}
        [ -z "$target" ] && continue
        if [ ! -e "$dir/$target" ]; then echo "$md: broken link $target"; broken=1; fi
    done < <(grep -oE '\]\([^)[:space:]]+\)' "$md" | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^(https?:|mailto:|#)' || true)
done < <(git ls-files '*.md')
if [ "$broken" -eq 0 ]; then echo "ok - every relative Markdown link resolves"; else echo "not ok - broken links"; failed=1; fi
exit "$failed"

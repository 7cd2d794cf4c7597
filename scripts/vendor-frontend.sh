#!/bin/sh
# Reproduce api/http/static/vendor/ (and the axe-core copy the accessibility tests use) from npm.
#
# Why vendored: govkg's pages work offline and make no request off the server, so the front-end
# libraries are copied into the repository at a pinned version, with their licence files, instead
# of being loaded from a CDN. Run this script (it needs `npm` and the npm registry) to refresh
# them; bump the versions below first, then check the pages (tests/api/test_pages_browser.py).
set -eu

CODEMIRROR_VERSION=5.65.21
AXE_VERSION=4.14.1

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "codemirror@$CODEMIRROR_VERSION" >/dev/null
npm pack --silent "axe-core@$AXE_VERSION" >/dev/null
mkdir cm axe
tar xzf "codemirror-$CODEMIRROR_VERSION.tgz" -C cm
tar xzf "axe-core-$AXE_VERSION.tgz" -C axe

dest="$root/api/http/static/vendor/codemirror"
rm -rf "$dest"
mkdir -p "$dest"
cp cm/package/LICENSE "$dest/LICENSE"
cp cm/package/lib/codemirror.js cm/package/lib/codemirror.css "$dest/"
cp cm/package/mode/sparql/sparql.js "$dest/sparql.js"
cp cm/package/addon/hint/show-hint.js cm/package/addon/hint/show-hint.css "$dest/"
cat >"$dest/README.md" <<README
# CodeMirror $CODEMIRROR_VERSION (vendored)

The editor of the query page (/sparql): \`lib/codemirror.{js,css}\`, \`mode/sparql/sparql.js\`
(SPARQL syntax highlighting) and \`addon/hint/show-hint.{js,css}\` (completion) from the npm
package \`codemirror@$CODEMIRROR_VERSION\`, unmodified. MIT licence: see LICENSE.

Refresh: edit the version in scripts/vendor-frontend.sh and run it (needs npm).
README

dest="$root/tests/clients/vendor/axe-core"
rm -rf "$dest"
mkdir -p "$dest"
cp axe/package/axe.min.js axe/package/LICENSE "$dest/"
cat >"$dest/README.md" <<README
# axe-core $AXE_VERSION (vendored for tests)

\`axe.min.js\` from the npm package \`axe-core@$AXE_VERSION\`, unmodified: the accessibility
tests (tests/api/test_pages_browser.py) inject it into pages. MPL-2.0: see LICENSE.

Refresh: edit the version in scripts/vendor-frontend.sh and run it (needs npm).
README
echo "vendored codemirror $CODEMIRROR_VERSION and axe-core $AXE_VERSION"

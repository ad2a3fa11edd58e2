#!/usr/bin/env bash
# Vendor YASGUI's built files from the npm registry into site/static/yasgui/ so that the query UI
# loads nothing from a CDN at run time. Idempotent: does nothing when that version is already there.
set -euo pipefail

VERSION="${YASGUI_VERSION:-4.6.2}"
PACKAGE="@zazuko/yasgui"
DEST="$(cd "$(dirname "$0")/.." && pwd)/site/static/yasgui"

if [ -f "$DEST/VERSION" ] && [ "$(cat "$DEST/VERSION")" = "$PACKAGE@$VERSION" ] \
   && [ -s "$DEST/yasgui.min.js" ] && [ -s "$DEST/yasgui.min.css" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "vendor-yasgui: npm is needed" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent --loglevel=error "$PACKAGE@$VERSION" >/dev/null && tar xzf ./*.tgz)
mkdir -p "$DEST"
# The source map is 3.5 MB and only for debugging; drop the line that points browsers to it.
sed '/^\/\/# sourceMappingURL=/d' "$tmp/package/build/yasgui.min.js" > "$DEST/yasgui.min.js"
sed '/sourceMappingURL=/d' "$tmp/package/build/yasgui.min.css" > "$DEST/yasgui.min.css"
cat > "$DEST/LICENSE" <<LICENSE
$PACKAGE $VERSION — MIT licence, (c) Triply and Zazuko GmbH; https://github.com/rdfjs/Yasgui
Vendored unmodified (source-map comment removed) by scripts/vendor-yasgui.sh.
LICENSE
echo "$PACKAGE@$VERSION" > "$DEST/VERSION"

#!/usr/bin/env bash
# Vendors Apache ECharts into the embedded assets (web/static/vendor/), so
# neither CI nor `go run` needs npm and no page loads a CDN.
#
# Reproducible: the version and the tarball's sha512 are pinned below; the
# script refuses a tarball whose integrity differs from the pin or from what
# the registry publishes (`npm view echarts@VERSION dist.integrity`).
# To upgrade: change VERSION, run it once with INTEGRITY="" to see the
# registry's value, check it, pin it, run again and commit the result.
set -euo pipefail
cd "$(dirname "$0")"

VERSION=6.1.0
INTEGRITY='sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA=='

published=$(npm view "echarts@${VERSION}" dist.integrity 2>/dev/null)
if [ -z "$INTEGRITY" ]; then
  echo "registry integrity of echarts@${VERSION}: ${published}" >&2
  exit 1
fi
if [ "$published" != "$INTEGRITY" ]; then
  echo "vendor.sh: registry says ${published} for echarts@${VERSION}, pinned ${INTEGRITY}" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@${VERSION}" >/dev/null 2>&1)
tarball="$tmp/echarts-${VERSION}.tgz"
actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "vendor.sh: downloaded tarball has ${actual}, want ${INTEGRITY}" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$tmp" package/dist/echarts.min.js package/LICENSE package/NOTICE package/licenses/LICENSE-d3
mkdir -p static/vendor
cp "$tmp/package/dist/echarts.min.js" static/vendor/echarts.min.js
# Apache-2.0: the licence and NOTICE travel with the file (it bundles parts of d3).
cp "$tmp/package/LICENSE" static/vendor/echarts.LICENSE.txt
cp "$tmp/package/NOTICE" static/vendor/echarts.NOTICE.txt
cp "$tmp/package/licenses/LICENSE-d3" static/vendor/echarts.LICENSE-d3.txt
echo "vendored echarts@${VERSION} (${INTEGRITY}) into web/static/vendor/" >&2

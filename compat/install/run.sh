#!/usr/bin/env bash
# Install check: the README's install lines, verbatim, in fresh projects outside the repository,
# with npm and with pnpm (strict peers), on Node 20 + the OTel JS SDK 2.x and Node 24 + SDK 3.x;
# our own packages come from `pnpm pack` tarballs, everything else from the npm registry (or its
# local cache). Then the README's NodeSDK snippet runs in each project against a loopback server,
# with no OTLP collector listening, and must deliver its task and exit 0. Last, the exporter
# package README's install line and example in a fresh npm project: the exact tokens of its model
# call must arrive folded into its task.
#   compat/install/run.sh
# Env: MOSAIC_NODE24_DIR (default /tmp/node24) where Node 24 is (installed if missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
started=$SECONDS

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != 10.* ]]; then
  npm i -g pnpm@10
fi

# Node 24 from the npm registry.
source "$repo/compat/lib/node24.sh"

if [[ ! -f "$repo/packages/exporter/dist/index.mjs" || ! -f "$repo/packages/semconv/dist/index.mjs" ]]; then
  (cd "$repo" && pnpm build)
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/mosaic-install-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/packs"
for pkg in semconv exporter; do
  (cd "$repo/packages/$pkg" && pnpm pack --pack-destination "$work/packs" >/dev/null)
done

node "$here/check.mjs" "$repo/README.md" "$work" "$(dirname "$node24")" "$repo/packages/exporter/README.md"
echo "compat/install: passed in $((SECONDS - started)) s"

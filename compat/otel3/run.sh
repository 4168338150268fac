#!/usr/bin/env bash
# Compatibility lane: the built @mosaicstack packages on Node 24 with the OpenTelemetry JS SDK 3.x
# (@opentelemetry/sdk-trace, api 1.10) and AI SDK 7. Installs Node 24 from the npm registry (the
# `node` package ships the binary; nothing else is downloaded), stages this project outside the
# repository so that nothing resolves from the main workspace's node_modules (where the 2.x SDK
# lives), installs it from its own lockfile and runs its tests.
#   compat/otel3/run.sh                   run the lane (expects packages/*/dist, builds if missing)
#   compat/otel3/run.sh --update-lockfile re-resolve the dependencies and write pnpm-lock.yaml back
# Env: MOSAIC_NODE24_DIR (default /tmp/node24) where Node 24 is installed; MOSAIC_COMPAT_DIR
# (default: a fresh temporary directory) where the project is staged.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
started=$SECONDS

update_lockfile=false
[[ "${1:-}" == "--update-lockfile" ]] && update_lockfile=true

# pnpm 10, as in the main lane (corepack's download fails on the CI machines).
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != 10.* ]]; then
  npm i -g pnpm@10
fi

# Node 24 from the npm registry.
source "$repo/compat/lib/node24.sh"
echo "compat/otel3: $("$node24" --version) at $node24"

# The lane tests the built packages.
if [[ ! -f "$repo/packages/exporter/dist/index.mjs" || ! -f "$repo/packages/semconv/dist/index.mjs" ]]; then
  (cd "$repo" && pnpm build)
fi

if [[ -n "${MOSAIC_COMPAT_DIR:-}" ]]; then
  work="$MOSAIC_COMPAT_DIR"
  mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/mosaic-compat-otel3.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
node "$here/stage.mjs" "$work"
echo "compat/otel3: staged in $work"

export PATH="$(dirname "$node24"):$PATH"
cd "$work"
if $update_lockfile; then
  pnpm install --no-frozen-lockfile
  cp pnpm-lock.yaml "$here/pnpm-lock.yaml"
  echo "compat/otel3: wrote $here/pnpm-lock.yaml"
else
  pnpm install --frozen-lockfile
fi
node --version
pnpm test
echo "compat/otel3: passed in $((SECONDS - started)) s"

#!/usr/bin/env bash
# Next.js lane: examples/nextjs with the built @mosaicstack packages, installed from this lane's
# own lockfile in a directory outside the repository (nothing resolves from the main workspace),
# built offline with `next build`, then served with `next start` on 127.0.0.1 once per OTel setup
# (NodeSDK, @vercel/otel, registerMosaicTelemetry() in instrumentation.ts; then, built again
# without instrumentation.ts, the zero-code entry through NODE_OPTIONS) by harness.mjs: one task
# per run, SIGTERM 100 ms after the response, the task event must be at the devserver.
# Node 20 + OTel SDK 2.x.
#   compat/nextjs/run.sh                   run the lane (expects packages/*/dist, builds if missing)
#   compat/nextjs/run.sh --update-lockfile re-resolve the dependencies and write pnpm-lock.yaml back
# Env: MOSAIC_NEXTJS_DIR (default: a fresh temporary directory) where the app is staged.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
started=$SECONDS
export NEXT_TELEMETRY_DISABLED=1

update_lockfile=false
[[ "${1:-}" == "--update-lockfile" ]] && update_lockfile=true

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != 10.* ]]; then
  npm i -g pnpm@10
fi
if [[ ! -f "$repo/packages/exporter/dist/index.mjs" || ! -f "$repo/packages/devserver/dist/index.mjs" ]]; then
  (cd "$repo" && pnpm build)
fi

if [[ -n "${MOSAIC_NEXTJS_DIR:-}" ]]; then
  work="$MOSAIC_NEXTJS_DIR"
  mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/mosaic-compat-nextjs.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
node "$here/stage.mjs" "$work"
echo "compat/nextjs: staged in $work"

(
  cd "$work"
  if $update_lockfile; then
    pnpm install --no-frozen-lockfile
    cp pnpm-lock.yaml "$here/pnpm-lock.yaml"
    echo "compat/nextjs: wrote $here/pnpm-lock.yaml"
  else
    pnpm install --frozen-lockfile --prefer-offline
  fi
  pnpm exec next build
)
# The harness runs from the repository: the devserver comes from the main workspace.
status=0
node "$here/harness.mjs" "$work" node-sdk vercel-otel register || status=1
# Zero code: the same app with no instrumentation.ts at all, built again.
rm "$work/instrumentation.ts"
(cd "$work" && pnpm exec next build)
node "$here/harness.mjs" "$work" zero-code || status=1
if [[ $status -ne 0 ]]; then
  echo "compat/nextjs: FAILED in $((SECONDS - started)) s"
  exit 1
fi
echo "compat/nextjs: passed in $((SECONDS - started)) s"

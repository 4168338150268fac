#!/usr/bin/env bash
# CLI lane: the AI coding CLIs (Claude Code, Codex CLI, Gemini CLI, OpenCode here; Kilo Code, Qwen
# Code, Copilot CLI and Continue CLI as modules in agents/), installed from
# the npm registry at the versions pinned in compat/clis/<cli>/package-lock.json, each run fully
# offline inside a private network namespace (`unshare -n`: only loopback exists) against a fake
# model API (compat/clis/fakes: a tool call with cache tokens, then the answer; or a failing last
# turn), exporting OTLP to mosaic-telemetry-bridge in front of a devserver. lane.mjs asserts the
# stored events equal the fake API's ground truth (one event per prompt) and hold no prompt or
# file text. Each CLI plays the scenarios lane.mjs lists for it (`node lane.mjs --scenarios
# <cli>`): ok and error, and where the CLI has them tools (tests, lint and file edits: gates,
# language and cost) and grpc (OTLP/gRPC to 127.0.0.1:4317). Run by .ci/run after `pnpm test` (not by `pnpm test`: it downloads ~500 MB of CLIs
# once and takes minutes).
#   compat/clis/run.sh                 every CLI and scenario (agents/*.mjs: one more agent each)
#   compat/clis/run.sh claude codex    some CLIs
# Env: MOSAIC_CLIS_DIR (default /tmp/mosaic-compat-clis) where the CLIs are installed (kept between
# runs: a stamp named after each lockfile's hash skips a finished install).
# Needs: Node 20+, npm, and root or unprivileged user namespaces for `unshare -n` plus `ip`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
stage="${MOSAIC_CLIS_DIR:-/tmp/mosaic-compat-clis}"
clis=("$@")
[[ ${#clis[@]} -gt 0 ]] || clis=(claude codex gemini opencode kilo qwen copilot continue)
started=$SECONDS

install_cli() {
  local cli="$1" dir="$stage/$1"
  local stamp
  stamp="$dir/node_modules/.lane-installed-$(sha256sum "$here/$cli/package-lock.json" | cut -c1-16)"
  [[ -f "$stamp" ]] && return 0
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$here/$cli/package.json" "$here/$cli/package-lock.json" "$dir/"
  # OpenCode's lockfile lists only the linux builds of its optional platform packages; where npm ci
  # refuses it as out of sync, the same lockfile installs with `npm install --no-save` (every
  # pinned version kept, the files untouched).
  if ! (cd "$dir" && timeout 900 npm ci --no-audit --no-fund >"$dir/install.log" 2>&1); then
    if grep -q EUSAGE "$dir/install.log" &&
      (cd "$dir" && timeout 900 npm install --no-save --no-audit --no-fund >"$dir/install.log" 2>&1); then
      :
    else
      tail -n 15 "$dir/install.log"
      echo "compat/clis: npm could not install $cli (see above)"
      return 1
    fi
  fi
  touch "$stamp"
}

if ! unshare -n true 2>/dev/null; then
  echo "compat/clis: 'unshare -n' is not permitted here (needs root or unprivileged user namespaces): the lane runs each CLI in a loopback-only network namespace and cannot run without one"
  exit 1
fi

# The lane runs the built bridge and devserver.
if [[ ! -f "$repo/packages/bridge/dist/index.mjs" || ! -f "$repo/packages/devserver/dist/index.mjs" ]]; then
  (cd "$repo" && pnpm build)
fi

for cli in "${clis[@]}"; do
  echo "compat/clis: installing $cli"
  install_cli "$cli"
done

run_scenario() {
  unshare -n env LANE_STAGE="$stage" bash -c 'ip link set lo up && exec node "$0" "$@"' \
    "$here/lane.mjs" "$1" "$2" "$results/$1-$2.json"
}

results="$stage/results"
rm -rf "$results" && mkdir -p "$results"
failed=0
for cli in "${clis[@]}"; do
  mapfile -t scenarios < <(node "$here/lane.mjs" --scenarios "$cli")
  if [[ ${#scenarios[@]} -eq 0 ]]; then
    echo "compat/clis: lane.mjs names no scenario for $cli"
    failed=1
  fi
  for scenario in "${scenarios[@]}"; do
    echo "compat/clis: $cli ($scenario)"
    if ! run_scenario "$cli" "$scenario"; then
      # OpenCode does not flush its span processor at exit: now and then its last export is lost
      # on the sender's side (seen in the field study and in this lane), and the bridge never sees
      # the prompt's spans. One more run tells that apart from a bridge fault; two misses fail.
      # Only a run that stored no event is played again: any other failure is the bridge's.
      if [[ "$cli" == opencode || "$cli" == kilo ]] && grep -q 'expected 1 event, stored 0' "$results/$cli-$scenario.json"; then
        echo "compat/clis: $cli ($scenario) once more: OpenCode may lose its last spans at exit"
        run_scenario "$cli" "$scenario" || failed=1
      else
        failed=1
      fi
    fi
  done
done
node "$here/summary.mjs" "$results"
echo "compat/clis: $(( SECONDS - started )) s"
exit $failed

#!/usr/bin/env bash
# Checks every workspace package as it would publish: publint (strict) on its packed tarball, and
# arethetypeswrong on the same tarball for every entry point under node10, node16 (CJS and ESM)
# and bundler resolution. Needs the packages built first (pnpm build).
set -euo pipefail
cd "$(dirname "$0")/.."
PUBLINT=publint@0.3.25
ATTW=@arethetypeswrong/cli@0.18.5
for dir in packages/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  echo "check-packages: ${name}"
  for file in README.md LICENSE; do
    [[ -f "${dir}${file}" ]] || { echo "check-packages: ${dir}${file} is missing (it must be in the tarball)"; exit 1; }
  done
  npx --yes "$PUBLINT" --strict "$dir"
  (cd "$dir" && npx --yes "$ATTW" --pack .)
done

# Sourced by the compat lanes that run on Node 24: sets `node24` to a Node 24 binary taken from
# the npm registry (the `node` package) into MOSAIC_NODE24_DIR (default /tmp/node24), reused when
# already there.
node24_dir="${MOSAIC_NODE24_DIR:-/tmp/node24}"
node24="$node24_dir/node_modules/node/bin/node"
if [[ ! -x "$node24" ]] || [[ "$("$node24" --version)" != v24.* ]]; then
  npm i --prefix "$node24_dir" --no-save --no-audit --no-fund node@24
fi
if [[ ! -x "$node24" ]]; then
  # The `node` package fetches its platform package in a preinstall script; without scripts, take
  # the platform package directly.
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  npm i --prefix "$node24_dir" --no-save --no-audit --no-fund "node-linux-$arch@24"
  node24="$node24_dir/node_modules/node-linux-$arch/bin/node"
fi

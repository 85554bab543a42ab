#!/usr/bin/env bash
# Builds the VS Code extension: installs the pinned npm packages (the only step that needs
# the registry), compiles the TypeScript, runs the unit tests, packages `dflint-<version>.vsix`
# with `vsce package` (offline) and checks what the package holds.
# Extra arguments go to `vsce package`, e.g. `--target linux-x64`. Exits with 3 when the
# npm packages cannot be installed.
set -euo pipefail
cd "$(dirname "$0")"

# npm ci installs exactly package-lock.json; vsce-sign's postinstall (publishing only) is
# not needed to package.
if ! npm ci --prefer-offline --fetch-retries=1 --no-audit --no-fund --loglevel=error; then
  echo "error: could not install the npm packages (is the npm registry reachable?)" >&2
  exit 3
fi
npx tsc -p .
node --test out/test/

version=$(node -p 'require("./package.json").version')
vsix="dflint-$version.vsix"
rm -f "$vsix"
npx vsce package --allow-missing-repository --skip-license --out "$vsix" "$@"

# The package must hold the manifest, the compiled client and its runtime dependency.
listing=$(python3 -m zipfile -l "$vsix")
for entry in extension/package.json extension/out/extension.js extension/out/settings.js \
  extension/node_modules/vscode-languageclient/node.js extension.vsixmanifest; do
  if ! grep -qF "$entry" <<<"$listing"; then
    echo "error: $vsix lacks $entry" >&2
    exit 1
  fi
done
if grep -qF "extension/out/test/" <<<"$listing"; then
  echo "error: $vsix holds the tests" >&2
  exit 1
fi
echo "packaged $(pwd)/$vsix ($(wc -c <"$vsix") bytes, $(grep -c '^extension/' <<<"$listing") files)"

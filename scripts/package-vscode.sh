#!/usr/bin/env bash
# Build the VS Code extension (.vsix) with the jixiao language server bundled in it.
#
#   scripts/package-vscode.sh [--server PATH] [--no-cargo] [--universal | --target T] [-o OUT.vsix]
#
#   (default)       cargo build --release, bundle target/release/jixiao
#   --server PATH   bundle this binary instead (no cargo build)
#   --no-cargo      bundle the existing target/release/jixiao (or target/debug/jixiao) without building
#   --universal     do not mark the .vsix as platform-specific (default: --target for this machine)
#   --target T      VS Code platform of the bundled server (win32-x64, linux-x64, linux-arm64, ...);
#                   for win32-* the server is bundled as server/jixiao.exe (scripts/release.sh uses this)
#   -o OUT          where to write the .vsix (default: editors/vscode/jixiao-<version>-<target>.vsix)
#
# Needs: node >= 20 with npm, and cargo unless --server/--no-cargo. Works from a fresh clone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/editors/vscode"
server=""
cargo_build=1
universal=0
vsce_target=""
out=""

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="${2:?--server needs a path}"; cargo_build=0; shift 2 ;;
    --no-cargo) cargo_build=0; shift ;;
    --universal) universal=1; shift ;;
    --target) vsce_target="${2:?--target needs a VS Code platform, e.g. win32-x64}"; shift 2 ;;
    -o|--out) out="${2:?-o needs a path}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package-vscode: unknown argument: $1" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

command -v node >/dev/null || { echo "package-vscode: node is required (node 20 or newer)" >&2; exit 1; }
command -v npm >/dev/null || { echo "package-vscode: npm is required" >&2; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "package-vscode: node $(node -v) is too old; @vscode/vsce 3 needs node 20 or newer" >&2
  exit 1
fi

# 1. the server binary
if [ -z "$server" ]; then
  if [ "$cargo_build" = 1 ]; then
    command -v cargo >/dev/null || { echo "package-vscode: cargo is required (or pass --server PATH)" >&2; exit 1; }
    step "cargo build --release"
    (cd "$ROOT" && cargo build --release)
    server="$ROOT/target/release/jixiao"
  else
    for candidate in "$ROOT/target/release/jixiao" "$ROOT/target/debug/jixiao"; do
      if [ -x "$candidate" ]; then server="$candidate"; break; fi
    done
    [ -n "$server" ] || { echo "package-vscode: no target/release/jixiao or target/debug/jixiao; build first or pass --server PATH" >&2; exit 1; }
  fi
fi
[ -f "$server" ] || { echo "package-vscode: server binary not found: $server" >&2; exit 1; }

# The extension looks for server/jixiao.exe on Windows, server/jixiao elsewhere (src/extension.ts).
exe=jixiao
case "$vsce_target" in win32-*) exe=jixiao.exe ;; esac
step "bundle $server -> editors/vscode/server/$exe"
rm -rf "$EXT/server"
mkdir -p "$EXT/server"
cp "$server" "$EXT/server/$exe"
chmod 755 "$EXT/server/$exe"

# 2. grammar, dependencies, compile (npm run compile copies syntax/jixiao.tmLanguage.json to syntaxes/)
cd "$EXT"
step "npm ci"
npm ci --no-audit --no-fund
step "npm run compile"
npm run compile
step "npm test (manifest, language configuration, snippets)"
npm test

# 3. package
version="$(node -p 'require("./package.json").version')"
target_args=()
suffix=""
if [ -n "$vsce_target" ]; then
  target_args=(--target "$vsce_target")
  suffix="-$vsce_target"
elif [ "$universal" = 0 ]; then
  os="$(uname -s)"; arch="$(uname -m)"
  case "$os" in
    Linux) plat=linux ;;
    Darwin) plat=darwin ;;
    *) plat="" ;;
  esac
  case "$arch" in
    x86_64|amd64) cpu=x64 ;;
    aarch64|arm64) cpu=arm64 ;;
    armv7l) cpu=armhf ;;
    *) cpu="" ;;
  esac
  if [ -n "$plat" ] && [ -n "$cpu" ]; then
    target_args=(--target "$plat-$cpu")
    suffix="-$plat-$cpu"
  fi
fi
[ -n "$out" ] || out="$EXT/jixiao-$version$suffix.vsix"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

step "vsce package ${target_args[*]} -o $out"
# --yes: this machine's npm config may say yes=false, which makes npx refuse to fetch vsce
npx --yes @vscode/vsce@3 package \
  --allow-missing-repository \
  "${target_args[@]}" \
  -o "$out"

step "done"
ls -l "$out"

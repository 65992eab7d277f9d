#!/usr/bin/env bash
# Build what the staff install: for Windows x64, Linux x64 and Linux arm64 (信创 desktops: UOS, Kylin),
# one platform-specific VS Code extension (.vsix, with the jixiao server inside) and one archive of the
# command-line tool each, plus SHA256SUMS, all in dist/.
#
#   scripts/release.sh [--target TRIPLE]... [--no-build]
#
#   --target TRIPLE  build only this target (repeatable); default: all three below
#   --no-build       package the binaries already in target/<triple>/release/ (scripts/test-cross.sh builds them)
#
# Targets and what they need (Debian package names; `rustup target add TRIPLE` for the Rust std):
#   x86_64-pc-windows-gnu      gcc-mingw-w64-x86-64   -> dist/jixiao-<v>-win32-x64.vsix,   jixiao-<v>-x86_64-pc-windows-gnu.zip
#   x86_64-unknown-linux-gnu   gcc                    -> dist/jixiao-<v>-linux-x64.vsix,   jixiao-<v>-x86_64-unknown-linux-gnu.tar.gz
#   aarch64-unknown-linux-gnu  gcc-aarch64-linux-gnu  -> dist/jixiao-<v>-linux-arm64.vsix, jixiao-<v>-aarch64-unknown-linux-gnu.tar.gz
# Also node >= 20 with npm (scripts/package-vscode.sh), and zip or python3 for the Windows archive.
# The builds run one after another under `nice`; each takes 1.5-3 min on 2 cores from a cold target/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="$ROOT/dist"
ALL_TARGETS=(x86_64-pc-windows-gnu x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
targets=()
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --target) targets+=("${2:?--target needs a target triple}"); shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

step() { printf '\n==> %s\n' "$*"; }
die() { echo "release: $*" >&2; exit 1; }

# shellcheck source=scripts/cross-env.sh
. "$ROOT/scripts/cross-env.sh"

version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
[ -n "$version" ] || die "no version in Cargo.toml"

# Check every tool first, so a missing one fails in seconds rather than after a build.
for t in "${targets[@]}"; do
  cross_known "$t" || die "unknown target $t (known: ${ALL_TARGETS[*]})"
  [ "$build" = 0 ] || cross_ready "$t" || die "cannot build $t: $CROSS_MISSING"
done
command -v node >/dev/null && command -v npm >/dev/null || die "node (>= 20) and npm are required for the .vsix"
command -v sha256sum >/dev/null || die "sha256sum is required"

mkdir -p "$DIST"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/jixiao-release.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

for t in "${targets[@]}"; do
  bin="$(cross_binary "$t")"
  if [ "$build" = 1 ]; then
    step "cargo build --release --target $t"
    cross_build "$t"
  fi
  [ -f "$bin" ] || die "no $bin (build it, or run without --no-build)"

  vt="$(cross_vscode_target "$t")"
  step "VS Code extension for $vt"
  # package-vscode.sh works inside editors/vscode/: one at a time when several runs share the checkout
  pkg=(bash "$ROOT/scripts/package-vscode.sh" --server "$bin" --target "$vt" -o "$DIST/jixiao-$version-$vt.vsix")
  command -v flock >/dev/null && mkdir -p "$ROOT/target" && pkg=(flock "$ROOT/target/package-vscode.lock" "${pkg[@]}")
  "${pkg[@]}" >"$STAGE/package-$vt.log" 2>&1 || { tail -n 40 "$STAGE/package-$vt.log" >&2; die "package-vscode.sh --target $vt failed"; }

  name="jixiao-$version-$t"
  step "archive $name"
  rm -rf "${STAGE:?}/$name"
  mkdir -p "$STAGE/$name"
  cp "$bin" "$STAGE/$name/"
  cp "$ROOT/README.md" "$STAGE/$name/"
  mkdir -p "$STAGE/$name/docs/images" "$STAGE/$name/examples"
  cp "$ROOT/docs/INSTALL.md" "$ROOT/docs/RULES.md" "$ROOT/docs/FORMAT.md" "$ROOT/docs/CONFIG.md" "$STAGE/$name/docs/"
  cp "$ROOT/docs/images/"install-*.png "$STAGE/$name/docs/images/"
  cp "$ROOT/examples/"*.jixiao "$STAGE/$name/examples/"
  # the same bytes from the same inputs: fixed times, sorted names, no owners
  find "$STAGE/$name" -exec touch -h -d '2000-01-01 00:00:00Z' {} +
  case "$t" in
    *windows*)
      out="$DIST/$name.zip"
      rm -f "$out"
      if command -v zip >/dev/null; then
        (cd "$STAGE" && find "$name" | LC_ALL=C sort | zip -q -X "$out" -@)
      else
        (cd "$STAGE" && python3 -c '
import os, sys, zipfile
name, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for dirpath, dirs, files in sorted(os.walk(name)):
        dirs.sort()
        for f in sorted(files):
            z.write(os.path.join(dirpath, f))
' "$name" "$out")
      fi ;;
    *)
      out="$DIST/$name.tar.gz"
      tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00:00Z' \
        -C "$STAGE" -cf - "$name" | gzip -n -9 >"$out" ;;
  esac
done

step "SHA256SUMS"
# every package in dist/, also those of earlier runs for other targets
(cd "$DIST" && shopt -s nullglob && rm -f SHA256SUMS && files=(*.vsix *.zip *.tar.gz) \
  && [ ${#files[@]} -gt 0 ] && sha256sum -- "${files[@]}" >SHA256SUMS) || die "nothing to sum in dist/"
cat "$DIST/SHA256SUMS"
step "done: dist/"
ls -l "$DIST"

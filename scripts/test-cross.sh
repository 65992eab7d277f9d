#!/usr/bin/env bash
# Test the release builds where they will run: the Windows build (x86_64-pc-windows-gnu) under wine and the
# arm64 build (aarch64-unknown-linux-gnu) under qemu-user, against the native build.
#
#   scripts/test-cross.sh [windows] [arm64]
#
# Builds (or reuses) target/<triple>/release/jixiao[.exe] (the binaries scripts/release.sh --no-build packs),
# then, per platform:
#   - `jixiao check --format json` on every examples/*.jixiao gives the native build's findings and exit code
#     (path separators normalised);
#   - the same for a CRLF copy of an example whose file name is Chinese;
#   - `jixiao lsp` over stdio (scripts/cross/lsp_stdio.py): initialize, didOpen, publishDiagnostics, shutdown,
#     exit -> exit code 0, with the diagnostics the native server publishes for the LF text. On Windows the
#     document is CRLF, in a folder and file named in Chinese on C:, sent as file:///c%3A/... URIs.
# The native build is $JIXIAO_BIN, else target/debug/jixiao (built when missing).
# Where a toolchain, wine or qemu is missing, prints "skipped: ..." and counts nothing (.ci/run installs them).
# Ends with "cross: N passed, M failed"; exits non-zero if any failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/cross-env.sh
. "$ROOT/scripts/cross-env.sh"

case "${1:-}" in -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(windows arm64)
passed=0
failed=0
T0=$(date +%s)
RUN="$(mktemp -d "${TMPDIR:-/tmp}/jixiao-cross.XXXXXX")"
trap 'rm -rf "$RUN"' EXIT

ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
skip() { echo "skipped: $*"; }
finish() {
  echo "cross: total $(( $(date +%s) - T0 ))s"
  echo "cross: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

uri_quote() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
# The Chinese names of the CRLF document and its folder
DOC_NAME="绩效目标申报表.jixiao"
DIR_NAME="jixiao-测试"
SAMPLE=examples/shanghai-2026-targets.jixiao

native="${JIXIAO_BIN:-$ROOT/target/debug/jixiao}"
if [ ! -x "$native" ]; then
  echo "==> cargo build (the native binary to compare with)"
  nice cargo build --locked --quiet || { bad "cargo build of the native binary"; finish; }
fi
command -v python3 >/dev/null || { bad "python3 is required"; finish; }

# The native findings on each example, and on the Chinese-named copy, from a folder layout the other
# platforms repeat.
mkdir -p "$RUN/native/cn"
for ex in examples/*.jixiao; do
  n="$(basename "$ex" .jixiao)"
  "$native" check --format json "$ex" >"$RUN/native/$n.raw" 2>/dev/null
  echo $? >"$RUN/native/$n.rc"
  python3 scripts/cross/norm_check.py <"$RUN/native/$n.raw" >"$RUN/native/$n.json"
done
cp "$SAMPLE" "$RUN/native/cn/$DOC_NAME"
(cd "$RUN/native/cn" && "$native" check --format json "$DOC_NAME" >../cn.raw 2>/dev/null; echo $? >../cn.rc)
python3 scripts/cross/norm_check.py <"$RUN/native/cn.raw" >"$RUN/native/cn.json"
mkdir -p "$RUN/native-lsp/$DIR_NAME"
cp "$SAMPLE" "$RUN/native-lsp/$DIR_NAME/$DOC_NAME"
native_root="file://$(uri_quote "$RUN/native-lsp/$DIR_NAME")"
python3 scripts/cross/lsp_stdio.py --root-uri "$native_root" --doc-uri "$native_root/$(uri_quote "$DOC_NAME")" \
  --text "$RUN/native-lsp/$DIR_NAME/$DOC_NAME" -- "$native" lsp >"$RUN/native/lsp.json" 2>"$RUN/native/lsp.log" \
  || { tail -n 20 "$RUN/native/lsp.log"; bad "the native server over stdio (the reference)"; finish; }
[ -s "$RUN/native/lsp.json" ] || { bad "the native server published no diagnostics for $SAMPLE"; finish; }

# same LABEL EXPECTED ACTUAL: compare two outputs, show the difference
same() {
  if diff -u "$2" "$3" >"$RUN/diff" 2>&1; then
    ok "$1"
  else
    bad "$1"
    head -n 30 "$RUN/diff" | sed 's/^/     /'
  fi
}

# check_all PLATFORM SEP RUNNER...: `check` on every example and on the Chinese-named CRLF copy
check_all() {
  local plat="$1" sep="$2"; shift 2
  local ex n rc
  mkdir -p "$RUN/$plat/cn"
  for ex in examples/*.jixiao; do
    n="$(basename "$ex" .jixiao)"
    "$@" check --format json "examples$sep$n.jixiao" >"$RUN/$plat/$n.raw" 2>"$RUN/$plat/$n.err"
    rc=$?
    if [ "$rc" != "$(cat "$RUN/native/$n.rc")" ]; then
      bad "$plat: check $ex exits $rc, the native build $(cat "$RUN/native/$n.rc")"
      head -n 5 "$RUN/$plat/$n.err" | sed 's/^/     /'
      continue
    fi
    python3 scripts/cross/norm_check.py <"$RUN/$plat/$n.raw" >"$RUN/$plat/$n.json" 2>"$RUN/$plat/$n.err" \
      || { bad "$plat: check $ex printed no JSON"; continue; }
    same "$plat: check $ex: $(grep -c . "$RUN/$plat/$n.json") findings as on linux-x64" "$RUN/native/$n.json" "$RUN/$plat/$n.json"
  done
  sed 's/$/\r/' "$SAMPLE" >"$RUN/$plat/cn/$DOC_NAME"
  (cd "$RUN/$plat/cn" && "$@" check --format json "$DOC_NAME" >../cn.raw 2>../cn.err; echo $? >../cn.rc)
  if [ "$(cat "$RUN/$plat/cn.rc")" != "$(cat "$RUN/native/cn.rc")" ]; then
    bad "$plat: check $DOC_NAME (CRLF) exits $(cat "$RUN/$plat/cn.rc"), the native build $(cat "$RUN/native/cn.rc")"
    head -n 5 "$RUN/$plat/cn.err" | sed 's/^/     /'
  else
    python3 scripts/cross/norm_check.py <"$RUN/$plat/cn.raw" >"$RUN/$plat/cn.json" 2>/dev/null
    same "$plat: check $DOC_NAME (CRLF, Chinese file name)" "$RUN/native/cn.json" "$RUN/$plat/cn.json"
  fi
}

# lsp_case PLATFORM LABEL ROOT_URI DOC_URI TEXT RUNNER...
lsp_case() {
  local plat="$1" label="$2" root="$3" doc="$4" text="$5"; shift 5
  if python3 scripts/cross/lsp_stdio.py --root-uri "$root" --doc-uri "$doc" --text "$text" -- "$@" lsp \
      >"$RUN/$plat/lsp.json" 2>"$RUN/$plat/lsp.log"; then
    same "$plat: lsp over stdio, $label: initialize, $(grep -c . "$RUN/$plat/lsp.json") diagnostics as on linux-x64, shutdown, exit 0" \
      "$RUN/native/lsp.json" "$RUN/$plat/lsp.json"
  else
    bad "$plat: lsp over stdio, $label"
    grep -v '^\s*$' "$RUN/$plat/lsp.log" | tail -n 15 | sed 's/^/     /'
  fi
}

# ---------------------------------------------------------------------------------------------------------
part_windows() {
  local t=x86_64-pc-windows-gnu wine
  echo; echo "==> windows: $t under wine"
  cross_ready "$t" || { skip "windows: cannot build $t: $CROSS_MISSING"; return; }
  # Debian's `wine` package has the wrapper; `wine64` alone only the loader in /usr/lib/wine
  wine="$(command -v wine || command -v wine64 || true)"
  [ -n "$wine" ] || { [ ! -x /usr/lib/wine/wine64 ] || wine=/usr/lib/wine/wine64; }
  [ -n "$wine" ] || { skip "windows: wine is not installed (apt-get install wine wine64)"; return; }
  cross_build "$t" >"$RUN/build-$t.log" 2>&1 || { tail -n 30 "$RUN/build-$t.log"; bad "windows: cargo build --release --target $t"; return; }
  # The stub DLL sits beside a copy of the exe in the temporary folder: target/ and dist/ never get it.
  mkdir -p "$RUN/win-bin" "$RUN/windows"
  cp "$(cross_binary "$t")" "$RUN/win-bin/jixiao.exe"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$RUN/win-bin/bcryptprimitives.dll" scripts/cross/bcryptprimitives.c -ladvapi32 \
    || { bad "windows: build the bcryptprimitives stub for wine"; return; }
  # a prefix of our own, kept in target/ between runs (creating one takes a few seconds)
  export WINEPREFIX="${JIXIAO_WINEPREFIX:-$ROOT/target/wine-prefix}" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  mkdir -p "$WINEPREFIX"
  "$wine" "$RUN/win-bin/jixiao.exe" --version >"$RUN/windows/version" 2>"$RUN/windows/version.err" \
    || { cat "$RUN/windows/version.err"; bad "windows: jixiao.exe --version under wine"; return; }
  echo "     $(head -n 1 "$RUN/windows/version") ($(file -b "$(cross_binary "$t")" 2>/dev/null | cut -d, -f1))"
  check_all windows '\' "$wine" "$RUN/win-bin/jixiao.exe"
  # C:\jixiao-测试\绩效目标申报表.jixiao with CRLF line ends, as VS Code on Windows names it
  local dir="$WINEPREFIX/drive_c/$DIR_NAME"
  rm -rf "$dir" && mkdir -p "$dir"
  sed 's/$/\r/' "$SAMPLE" >"$dir/$DOC_NAME"
  local root="file:///c%3A/$(uri_quote "$DIR_NAME")"
  lsp_case windows "CRLF document $root/$(uri_quote "$DOC_NAME")" "$root" "$root/$(uri_quote "$DOC_NAME")" "$dir/$DOC_NAME" \
    "$wine" "$RUN/win-bin/jixiao.exe"
}

part_arm64() {
  local t=aarch64-unknown-linux-gnu qemu sysroot=/usr/aarch64-linux-gnu
  echo; echo "==> arm64: $t under qemu-user"
  cross_ready "$t" || { skip "arm64: cannot build $t: $CROSS_MISSING"; return; }
  qemu="$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)"
  [ -n "$qemu" ] || { skip "arm64: qemu-aarch64 is not installed (apt-get install qemu-user)"; return; }
  [ -d "$sysroot/lib" ] || { skip "arm64: no arm64 C library in $sysroot (apt-get install libc6-arm64-cross)"; return; }
  cross_build "$t" >"$RUN/build-$t.log" 2>&1 || { tail -n 30 "$RUN/build-$t.log"; bad "arm64: cargo build --release --target $t"; return; }
  local bin
  bin="$(cross_binary "$t")"
  mkdir -p "$RUN/arm64"
  "$qemu" -L "$sysroot" "$bin" --version >"$RUN/arm64/version" 2>&1 \
    || { cat "$RUN/arm64/version"; bad "arm64: jixiao --version under qemu"; return; }
  echo "     $(head -n 1 "$RUN/arm64/version") ($(file -b "$bin" 2>/dev/null | cut -d, -f1-2))"
  # 信创 desktops (UOS V20, Kylin V10) have glibc 2.28-2.31, older than the build machine's: no dynamic loader
  if command -v readelf >/dev/null; then
    if readelf -lW "$bin" | grep -q 'INTERP'; then
      bad "arm64: the binary is dynamically linked (needs the build machine's glibc; see scripts/cross-env.sh)"
    else
      ok "arm64: statically linked (runs whatever the glibc version)"
    fi
  fi
  check_all arm64 / "$qemu" -L "$sysroot" "$bin"
  local dir="$RUN/arm64-lsp/$DIR_NAME"
  mkdir -p "$dir" && cp "$SAMPLE" "$dir/$DOC_NAME"
  local root="file://$(uri_quote "$dir")"
  lsp_case arm64 "Chinese file name" "$root" "$root/$(uri_quote "$DOC_NAME")" "$dir/$DOC_NAME" "$qemu" -L "$sysroot" "$bin"
}

for part in "${parts[@]}"; do
  case "$part" in
    windows) part_windows ;;
    arm64) part_arm64 ;;
    *) bad "unknown part $part (windows, arm64)" ;;
  esac
done
echo
finish

#!/usr/bin/env bash
# The test command (README, .ci/run): style gates, every Rust test, the editor tests, the cross-platform
# tests (scripts/test-cross.sh), then (when
# JIXIAO_FUZZ=SECONDS is set) a bounded run of each cargo-fuzz target.
# Ends with one summary line: "tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step() { echo; echo "==> $*"; }

step "cargo fmt --check"
if ! cargo fmt --check; then failed=$((failed + 1)); echo "cargo fmt --check: 1 failed"; else passed=$((passed + 1)); fi

step "cargo clippy --all-targets -- -D warnings"
if ! cargo clippy --all-targets --quiet -- -D warnings; then failed=$((failed + 1)); else passed=$((passed + 1)); fi

step "cargo test"
cargo test --all-targets 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
p=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^passed;/) s += $i } END { print s + 0 }' "$log")
f=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^failed;/) s += $i } END { print s + 0 }' "$log")
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi

if [ -x scripts/test-editors.sh ] || [ -f scripts/test-editors.sh ]; then
  step "editor tests"
  bash scripts/test-editors.sh 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  # Count from the editors summary: lines like "neovim: ok (7 passed, 0 failed)".
  counts=$(awk '/^== editors summary/ { on = 1; next }
    on && match($0, /[0-9]+ passed, [0-9]+ failed/) {
      split(substr($0, RSTART, RLENGTH), a, /[ ,]+/); p += a[1]; f += a[3]
    }
    END { print p + 0, f + 0 }' "$log")
  p=${counts% *}
  f=${counts#* }
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
fi

# The release builds where they will run: Windows under wine, arm64 under qemu (skipped, counting nothing,
# where the cross toolchains, wine or qemu are missing; .ci/run installs them).
if [ -f scripts/test-cross.sh ]; then
  step "cross: the Windows build under wine, the arm64 build under qemu (scripts/test-cross.sh)"
  JIXIAO_BIN="${JIXIAO_BIN:-$PWD/target/debug/jixiao}" bash scripts/test-cross.sh 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  counts=$(awk '/^cross: [0-9]+ passed, [0-9]+ failed$/ { p = $2; f = $4 } END { print p + 0, f + 0 }' "$log")
  p=${counts% *}
  f=${counts#* }
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
fi

# Opt-in, as it installs cargo-fuzz and builds with AddressSanitizer (minutes from a cold start);
# CI sets it (.ci/run). One test per fuzz target.
if [ -n "${JIXIAO_FUZZ:-}" ]; then
  step "fuzz: each cargo-fuzz target for $JIXIAO_FUZZ s (scripts/fuzz.sh)"
  bash scripts/fuzz.sh "$JIXIAO_FUZZ" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  counts=$(awk '/^fuzz: [0-9]+ passed, [0-9]+ failed$/ { p = $2; f = $4 } END { print p + 0, f + 0 }' "$log")
  p=${counts% *}
  f=${counts#* }
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
else
  echo; echo "==> fuzz: skipped (set JIXIAO_FUZZ=SECONDS to run each cargo-fuzz target that long)"
fi

echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

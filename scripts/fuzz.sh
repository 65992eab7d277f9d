#!/usr/bin/env bash
# Run the cargo-fuzz targets (fuzz/fuzz_targets/) for a bounded time each, one after the other,
# seeded with the repository's own inputs. scripts/test.sh calls it when JIXIAO_FUZZ is set;
# long runs use it directly (docs/TESTING.md).
#
#   scripts/fuzz.sh SECONDS [TARGET...]      TARGET: parse edits (default: both)
#
# Installs cargo-fuzz when cargo cannot find it (cargo install --locked). Needs only a stable
# toolchain: RUSTC_BOOTSTRAP=1 lets it accept the nightly flags cargo-fuzz passes (AddressSanitizer,
# coverage instrumentation). Builds with -O -a into fuzz/target, never the main target directory, so
# the regular build is not invalidated. New corpus entries are kept in fuzz/corpus/TARGET, findings
# in fuzz/artifacts/TARGET. Extra libFuzzer flags: JIXIAO_FUZZ_ARGS (e.g. "-seed=1").
# Prints one line per target and "fuzz: N passed, M failed"; exits non-zero if any target failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

seconds="${1:-}"
case "$seconds" in
  '' | *[!0-9]* | 0) echo "usage: scripts/fuzz.sh SECONDS [TARGET...]  (SECONDS: a positive whole number)" >&2; exit 2 ;;
esac
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse edits)

# -a: debug assertions and overflow checks catch arithmetic on offsets going wrong before it turns
# into a wrong slice somewhere else.
build_flags=(-O -a --target-dir "$ROOT/fuzz/target")
export RUSTC_BOOTSTRAP=1
# A finding in CI is often all there is to go on.
export RUST_BACKTRACE="${RUST_BACKTRACE:-1}"

passed=0
failed=0
summary=()
finish() {
  echo
  echo "== fuzz summary"
  for line in "${summary[@]}"; do echo "$line"; done
  echo "fuzz: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz not found: cargo install cargo-fuzz --locked"
  start=$SECONDS
  if ! cargo install cargo-fuzz --locked; then
    failed=$((failed + ${#targets[@]}))
    summary+=("cargo-fuzz: install failed")
    finish
  fi
  echo "cargo-fuzz installed in $((SECONDS - start)) s"
fi

# The seeds are rebuilt on every run from files in git, so they follow the fixtures; fuzz/target is
# ignored by git and not a corpus directory libFuzzer writes to.
seeds="$ROOT/fuzz/target/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/parse" "$seeds/edits"
seed() { # seed TARGET FILE [MAXBYTES]: copy under a flat name (fixtures in different folders share names)
  local name="${2//\//_}"
  if [ -n "${3:-}" ]; then head -c "$3" "$2" >"$seeds/$1/$name"; else cp "$2" "$seeds/$1/$name"; fi
}
# edits_from_bytes (src/invariants.rs) reads at most 32 edits of 5 + 47 bytes; longer inputs
# only waste mutations.
edits_max_len=1664
while IFS= read -r -d '' f; do
  seed parse "$f"
  # As an edit script, a form's bytes insert fragments of a real form at scattered places.
  seed edits "$f" "$edits_max_len"
done < <(find examples tests/fixtures tests/rules -name '*.jixiao' -type f -print0 | sort -z)
for f in tests/fuzz-regressions/text/*; do [ ! -f "$f" ] || seed parse "$f"; done
for f in tests/fuzz-regressions/edits/*; do [ ! -f "$f" ] || seed edits "$f"; done

echo "== building fuzz targets (cargo fuzz build ${build_flags[*]})"
start=$SECONDS
if ! cargo fuzz build "${build_flags[@]}"; then
  failed=$((failed + ${#targets[@]}))
  summary+=("build: failed")
  finish
fi
echo "built in $((SECONDS - start)) s"

for t in "${targets[@]}"; do
  corpus="$ROOT/fuzz/corpus/$t"
  artifacts="$ROOT/fuzz/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  log="$ROOT/fuzz/target/fuzz-$t.log"
  marker="$ROOT/fuzz/target/fuzz-$t.start"
  touch "$marker"
  extra=()
  [ "$t" != edits ] || extra+=("-max_len=$edits_max_len")
  echo
  echo "== fuzz $t for $seconds s ($(ls "$seeds/$t" | wc -l) seeds; log: fuzz/target/fuzz-$t.log)"
  # The first corpus directory is where libFuzzer saves new inputs; the seeds stay as built.
  # -timeout: an input that takes the parser 20 s is a hang, and must not eat the whole budget.
  # shellcheck disable=SC2086
  cargo fuzz run "${build_flags[@]}" "$t" "$corpus" "$seeds/$t" -- \
    -max_total_time="$seconds" -timeout=20 -print_final_stats=1 "${extra[@]}" ${JIXIAO_FUZZ_ARGS:-} \
    >"$log" 2>&1
  status=$?
  # Every new coverage point and function is a line, and the dictionary a block; the full log stays
  # in the file.
  awk '/^###### Recommended dictionary/ { skip = 1 }
    !skip && !/^#[0-9]+[[:space:]]+(NEW|REDUCE)/ && !/^[[:space:]]+NEW_FUNC/
    /^###### End of recommended dictionary/ { skip = 0 }' "$log"
  cov=$(sed -nE 's/^#[0-9]+[[:space:]]+DONE +(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/p' "$log" | tail -n 1)
  runs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log")
  rate=$(awk '/^stat::average_exec_per_sec:/ { print $2 }' "$log")
  found=$(find "$artifacts" -type f -newer "$marker" ! -name 'slow-unit-*' | sort)
  rm -f "$marker"
  if [ "$status" -eq 0 ] && [ -z "$found" ]; then
    passed=$((passed + 1))
    summary+=("$t: ok (${runs:-?} runs, ${rate:-?} exec/s, ${cov:-no coverage line})")
  else
    failed=$((failed + 1))
    summary+=("$t: FAILED (exit $status)")
    if [ -z "$found" ]; then
      summary+=("  no artifact was written; see fuzz/target/fuzz-$t.log")
    fi
    regress=text
    [ "$t" != edits ] || regress=edits
    while IFS= read -r a; do
      [ -n "$a" ] || continue
      rel="${a#"$ROOT"/}"
      summary+=("  finding: $rel")
      # CI may not keep the file; small inputs travel in the log.
      if [ "$(wc -c <"$a")" -le 4096 ]; then
        summary+=("  elsewhere: mkdir -p ${rel%/*} && echo $(base64 -w0 "$a") | base64 -d > $rel")
      fi
      summary+=("  reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run ${build_flags[*]:0:2} $t $rel")
      summary+=("  minimise:  RUSTC_BOOTSTRAP=1 cargo fuzz tmin ${build_flags[*]:0:2} $t $rel")
      summary+=("  once fixed, keep it: cp $rel tests/fuzz-regressions/$regress/NAME (replayed by cargo test --test fuzz_regressions)")
    done <<<"$found"
  fi
done

finish

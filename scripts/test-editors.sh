#!/usr/bin/env bash
# Test the editor side of jixiao: the TextMate grammar, the VS Code extension (compile + static checks),
# the Neovim plugin (headless Neovim, a real LSP client), the Emacs mode (batch Emacs, when installed),
# the Helix configuration (parsed) and, opt-in, the extension end to end in a real VS Code.
#
#   scripts/test-editors.sh [--no-install] [PART...]      PART: syntax vscode neovim emacs helix e2e
#
# Installs what it needs: npm ci in syntax/ and editors/vscode/; Debian's neovim when nvim is missing and
# we are root (skipped with --no-install). The language-server checks of the Neovim and Emacs tests use
# $JIXIAO_BIN, else target/debug/jixiao; without a binary that has an `lsp` subcommand they are skipped.
# e2e (scripts/e2e-vscode/run.sh: code-server + headless Chromium; ~30 s warm, ~4 min the first time: installs chromium and
# code-server on first use) runs when named or when JIXIAO_E2E=1; otherwise it is listed as skipped.
# Prints one summary line per part and exits non-zero if any part failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
install=1
parts=()
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    syntax|vscode|neovim|emacs|helix|e2e) parts+=("$arg") ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test-editors: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
[ ${#parts[@]} -gt 0 ] || parts=(syntax vscode neovim emacs helix e2e)
explicit_e2e=0
for part in "$@"; do [ "$part" != e2e ] || explicit_e2e=1; done

LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/jixiao-test-editors.XXXXXX")"
trap 'rm -rf "$LOGDIR"' EXIT
summary=()
failed=0

if [ -z "${JIXIAO_BIN:-}" ] && [ -x "$ROOT/target/debug/jixiao" ]; then
  export JIXIAO_BIN="$ROOT/target/debug/jixiao"
fi

# run NAME CMD... : run a command, keep its output in $LOGDIR/NAME.log, show the log on failure
run() {
  local name="$1"; shift
  local rc=0
  "$@" >"$LOGDIR/$name.log" 2>&1 || rc=$?
  [ "$rc" != 0 ] || return 0
  echo "---- $name failed (exit $rc): $*" >&2
  tail -n 60 "$LOGDIR/$name.log" >&2
  echo "----" >&2
  return $rc
}

record() { # record PART ok|FAILED|skipped DETAIL
  summary+=("$(printf '%-7s %s' "$1:" "$2${3:+ ($3)}")")
  [ "$2" != FAILED ] || failed=1
}

npm_ci() { # npm_ci DIR
  (cd "$1" && npm ci --no-audit --no-fund)
}

have_node() {
  command -v node >/dev/null && command -v npm >/dev/null
}

part_syntax() {
  have_node || { record syntax FAILED "node and npm are required"; return; }
  echo "==> syntax: npm ci, grammar tests"
  run syntax-npm-ci npm_ci "$ROOT/syntax" || { record syntax FAILED "npm ci"; return; }
  if run syntax-test bash -c "cd '$ROOT/syntax' && npm test"; then
    local n
    n="$(grep -c 'run successfuly' "$LOGDIR/syntax-test.log")"
    record syntax ok "$n grammar test files passed"
  else
    record syntax FAILED "grammar tests, see above"
  fi
}

part_vscode() {
  have_node || { record vscode FAILED "node and npm are required"; return; }
  echo "==> vscode: npm ci, compile (tsc), extension checks"
  run vscode-npm-ci npm_ci "$ROOT/editors/vscode" || { record vscode FAILED "npm ci"; return; }
  run vscode-compile bash -c "cd '$ROOT/editors/vscode' && npm run compile" || { record vscode FAILED "tsc"; return; }
  if run vscode-test bash -c "cd '$ROOT/editors/vscode' && npm test"; then
    record vscode ok "compiled; $(grep -o '[0-9]* passed, [0-9]* failed' "$LOGDIR/vscode-test.log" | tail -1)"
  else
    record vscode FAILED "extension checks, see above"
  fi
}

part_neovim() {
  if ! command -v nvim >/dev/null; then
    if [ "$install" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "==> neovim: apt-get install neovim"
      run neovim-apt bash -c 'export DEBIAN_FRONTEND=noninteractive; (apt-get install -y --no-install-recommends neovim || (apt-get update && apt-get install -y --no-install-recommends neovim))' \
        || { record neovim FAILED "could not install neovim"; return; }
    else
      record neovim skipped "nvim not installed (apt-get install neovim)"
      return
    fi
  fi
  echo "==> neovim: headless test ($(nvim --version | head -n 1))"
  mkdir -p "$LOGDIR/xdg"
  local line
  if (cd "$ROOT" && XDG_CACHE_HOME="$LOGDIR/xdg" XDG_STATE_HOME="$LOGDIR/xdg" XDG_DATA_HOME="$LOGDIR/xdg" \
      timeout 180 nvim --headless --clean -u NONE -c 'luafile editors/neovim/test/lsp_test.lua') \
      >"$LOGDIR/neovim.log" 2>&1; then
    line="$(grep '^neovim:' "$LOGDIR/neovim.log" | tail -n 1)"
    record neovim ok "${line#neovim: }"
  else
    cat "$LOGDIR/neovim.log" >&2
    line="$(grep '^neovim:' "$LOGDIR/neovim.log" | tail -n 1)"
    line="${line#neovim: }"; record neovim FAILED "${line:-no result line (timeout or Lua error)}"
  fi
}

part_emacs() {
  if ! command -v emacs >/dev/null; then
    record emacs skipped "emacs not installed (apt-get install emacs-nox elpa-eglot)"
    return
  fi
  echo "==> emacs: byte-compile, batch test"
  local tmp="$LOGDIR/elc"
  mkdir -p "$tmp" && cp "$ROOT/editors/emacs/jixiao.el" "$tmp/"
  run emacs-compile emacs --batch -Q --eval '(setq byte-compile-error-on-warn t)' -f batch-byte-compile "$tmp/jixiao.el" \
    || { record emacs FAILED "byte-compile warnings"; return; }
  local line
  if (cd "$ROOT" && timeout 180 emacs --batch -Q -l editors/emacs/test/jixiao-test.el) >"$LOGDIR/emacs.log" 2>&1; then
    line="$(grep '^emacs:' "$LOGDIR/emacs.log" | tail -n 1)"
    record emacs ok "${line#emacs: }"
  else
    cat "$LOGDIR/emacs.log" >&2
    line="$(grep '^emacs:' "$LOGDIR/emacs.log" | tail -n 1)"
    line="${line#emacs: }"; record emacs FAILED "${line:-no result line}"
  fi
}

part_helix() {
  local file="$ROOT/editors/helix/languages.toml"
  if command -v hx >/dev/null; then
    echo "==> helix: hx --health jixiao"
    if run helix bash -c "mkdir -p '$LOGDIR/hx/.helix' && cd '$LOGDIR/hx' && mkdir -p .helix && cp '$file' .helix/languages.toml && hx --health jixiao"; then
      record helix ok "hx --health jixiao"
    else
      record helix FAILED "hx --health jixiao"
    fi
  elif command -v python3 >/dev/null && python3 -c 'import tomllib' 2>/dev/null; then
    echo "==> helix: parse languages.toml"
    if run helix python3 - "$file" <<'EOF'
import sys, tomllib
cfg = tomllib.load(open(sys.argv[1], "rb"))
lang = next(l for l in cfg["language"] if l["name"] == "jixiao")
assert lang["file-types"] == ["jixiao"], lang
assert lang["language-servers"] == ["jixiao"], lang
server = cfg["language-server"]["jixiao"]
assert server["command"] == "jixiao" and server["args"] == ["lsp"], server
EOF
    then
      record helix ok "languages.toml parsed (hx not installed)"
    else
      record helix FAILED "languages.toml"
    fi
  else
    record helix skipped "neither hx nor python3 >= 3.11"
  fi
}

part_e2e() {
  if [ "$explicit_e2e" = 0 ] && [ "${JIXIAO_E2E:-0}" != 1 ]; then
    record e2e skipped "real VS Code test; set JIXIAO_E2E=1 or name the part"
    return
  fi
  have_node || { record e2e FAILED "node and npm are required"; return; }
  echo "==> e2e: scripts/e2e-vscode/run.sh (code-server + headless Chromium)"
  local args=() line
  [ "$install" = 1 ] || args+=(--no-install)
  # shown as it goes: it takes minutes
  if bash "$ROOT/scripts/e2e-vscode/run.sh" "${args[@]}" 2>&1 | tee "$LOGDIR/e2e.log"; then
    line="$(grep '^vscode-e2e: [0-9]' "$LOGDIR/e2e.log" | tail -n 1)"
    record e2e ok "${line#vscode-e2e: }, $(grep -o 'total [0-9]*s' "$LOGDIR/e2e.log" | tail -n 1)"
  else
    line="$(grep '^vscode-e2e: [0-9]' "$LOGDIR/e2e.log" | tail -n 1)"
    line="${line#vscode-e2e: }"; record e2e FAILED "${line:-no result line}"
  fi
}

for part in "${parts[@]}"; do
  "part_$part"
done

echo
echo "== editors summary"
for line in "${summary[@]}"; do
  echo "$line"
done
exit $failed

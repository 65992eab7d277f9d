#!/usr/bin/env bash
# End-to-end test of the jixiao VS Code extension in a real VS Code: code-server (VS Code 1.100 from the npm
# registry) served on 127.0.0.1 and driven by Debian's Chromium through playwright-core.
#
#   scripts/e2e-vscode/run.sh [--no-install] [--no-build] [--keep]
#
#   --no-install   do not apt-get/npm install anything; fail if something is missing
#   --no-build     bundle the existing target/release/jixiao (package-vscode.sh --no-cargo)
#   --keep         keep the temporary folder (workspace, logs, user data) and print its path
#
# Installs what is missing: apt (as root): chromium, ripgrep, libkrb5-dev, fonts-wqy-microhei;
# npm: code-server@4.100.3 into $JIXIAO_E2E_CACHE (default target/e2e-vscode/) and playwright-core into
# scripts/e2e-vscode/node_modules. Builds the .vsix with scripts/package-vscode.sh (release server bundled),
# installs it into throwaway user-data/extensions folders, opens copies of examples/shanghai-2026-targets.jixiao
# and fixtures/careless.txt (as careless.jixiao) and checks language mode, squiggles + Problems count, hover,
# completion and Format Document (see e2e.js). Screenshots go to scripts/e2e-vscode/screenshots/ and
# docs/images/vscode-e2e.png. Prints `vscode-e2e: N passed, M failed`; exits non-zero on failure.
set -uo pipefail

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep as pinned by code-server 4.100.3, and the ripgrep build its postinstall wants
VSCODE_RIPGREP_VERSION=1.15.11
RIPGREP_BUILD=v13.0.0-10

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="${JIXIAO_E2E_CACHE:-$ROOT/target/e2e-vscode}"
CHROMIUM="${CHROMIUM:-}"
install=1
build=1
keep=0
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "vscode-e2e: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

T0=$(date +%s)
phase() { # phase NAME: print the time since the start and the next phase's name
  printf '\n==> [%3ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"
}
summary=""
die() {
  echo "vscode-e2e: $*" >&2
  summary="vscode-e2e: 0 passed, 1 failed ($*)"
  exit 1
}

RUN="$(mktemp -d "${TMPDIR:-/tmp}/jixiao-e2e.XXXXXX")"
# code-server writes ~/.config/code-server/config.yaml (and more) on any start, even `--version`: keep all of
# that in the throwaway folder
export XDG_CONFIG_HOME="$RUN/xdg/config" XDG_DATA_HOME="$RUN/xdg/data" XDG_CACHE_HOME="$RUN/xdg/cache" XDG_STATE_HOME="$RUN/xdg/state"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
cs_pid=""
node_pid=""
stop_group() { # stop_group PID: TERM, then KILL, the process group led by PID (started with setsid)
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill -0 -- "-$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_group "$node_pid"
  stop_group "$cs_pid"
  # anything still running from this run's folder (Chromium runs in a process group of its own, the
  # language server under code-server's extension host): match our unique temp path, never a name
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" != "$$" ] || continue
    if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$RUN/"; then
      kill -KILL "${p#/proc/}" 2>/dev/null || true
    fi
  done
  if [ "$keep" = 1 ]; then
    echo "vscode-e2e: kept $RUN"
  else
    rm -rf "$RUN"
  fi
  echo "vscode-e2e: total $(( $(date +%s) - T0 ))s"
  [ -n "$summary" ] || summary="vscode-e2e: 0 passed, 1 failed (interrupted)"
  echo "$summary"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------------------------------------------------
phase "system packages"
[ -n "$CHROMIUM" ] || CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
apt_missing=()
[ -n "$CHROMIUM" ] || apt_missing+=(chromium)
command -v rg >/dev/null || apt_missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || apt_missing+=(libkrb5-dev)
# a CJK font, or Chromium draws the Chinese text as boxes
{ command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; } || apt_missing+=(fonts-wqy-microhei)
for tool in g++ make python3; do command -v "$tool" >/dev/null || { apt_missing+=(build-essential python3); break; }; done
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$install" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "apt-get install ${apt_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >"$RUN/apt.log" 2>&1 && apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >>"$RUN/apt.log" 2>&1 \
      || { tail -n 30 "$RUN/apt.log" >&2; die "apt-get install ${apt_missing[*]} failed"; }
    [ -n "$CHROMIUM" ] || CHROMIUM="$(command -v chromium || true)"
  else
    die "missing system packages: ${apt_missing[*]} (as root: apt-get install ${apt_missing[*]})"
  fi
fi
[ -x "$CHROMIUM" ] || die "no chromium executable"
echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"

# ---------------------------------------------------------------------------------------------------------
phase "code-server $CODE_SERVER_VERSION"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
if [ ! -f "$CS_DIR/.installed" ]; then
  [ "$install" = 1 ] || die "code-server is not installed in $CS_DIR (run without --no-install)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  # @vscode/ripgrep's postinstall downloads ripgrep from GitHub; it first looks for the tarball in
  # $TMPDIR/vscode-ripgrep-cache-<version>/. Put Debian's rg there and point TMPDIR at it.
  case "$(uname -m)" in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) die "no ripgrep target for $(uname -m)" ;;
  esac
  rg_tmp="$CACHE/tmp"
  rg_cache="$rg_tmp/vscode-ripgrep-cache-$VSCODE_RIPGREP_VERSION"
  mkdir -p "$rg_cache"
  tar -czf "$rg_cache/ripgrep-$RIPGREP_BUILD-$rg_target.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  echo '{"name":"jixiao-e2e-code-server","private":true}' >"$CS_DIR/package.json"
  # npm_config_yes: node-pty's build runs `npx node-gyp`, which a `yes=false` npm config would refuse
  # npm_config_unsafe_perm: as root, code-server's postinstall refuses to run without it
  if ! (cd "$CS_DIR" && TMPDIR="$rg_tmp" npm_config_yes=true npm_config_unsafe_perm=true \
        npm install --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION") >"$RUN/code-server-install.log" 2>&1; then
    tail -n 40 "$RUN/code-server-install.log" >&2
    die "npm install code-server@$CODE_SERVER_VERSION failed"
  fi
  [ -x "$CODE_SERVER" ] || die "code-server installed but $CODE_SERVER is missing"
  touch "$CS_DIR/.installed"
fi
echo "code-server: $("$CODE_SERVER" --version 2>/dev/null | head -n 1)"

phase "playwright-core (npm ci in scripts/e2e-vscode)"
if [ ! -f "$HERE/node_modules/playwright-core/package.json" ] || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  [ "$install" = 1 ] || die "playwright-core is not installed (run without --no-install)"
  (cd "$HERE" && npm ci --no-audit --no-fund) >"$RUN/npm-ci.log" 2>&1 || { tail -n 30 "$RUN/npm-ci.log" >&2; die "npm ci failed"; }
fi

# ---------------------------------------------------------------------------------------------------------
phase "package the extension (scripts/package-vscode.sh)"
pkg_args=(-o "$RUN/jixiao.vsix")
[ "$build" = 1 ] || pkg_args+=(--no-cargo)
# package-vscode.sh works inside editors/vscode/: one at a time when several runs share the checkout
mkdir -p "$CACHE"
pkg=(bash "$ROOT/scripts/package-vscode.sh" "${pkg_args[@]}")
command -v flock >/dev/null && pkg=(flock "$CACHE/package.lock" "${pkg[@]}")
"${pkg[@]}" >"$RUN/package.log" 2>&1 \
  || { tail -n 40 "$RUN/package.log" >&2; die "scripts/package-vscode.sh failed"; }
JIXIAO="$ROOT/target/release/jixiao"
[ -x "$JIXIAO" ] || die "no $JIXIAO"
ls -l "$RUN/jixiao.vsix" | awk '{print $5, $NF}'

phase "install the extension into code-server"
mkdir -p "$RUN/data/User" "$RUN/ext"
cs_common=(--user-data-dir "$RUN/data" --extensions-dir "$RUN/ext")
"$CODE_SERVER" "${cs_common[@]}" --install-extension "$RUN/jixiao.vsix" >"$RUN/install-extension.log" 2>&1 \
  || { cat "$RUN/install-extension.log" >&2; die "code-server --install-extension failed"; }
"$CODE_SERVER" "${cs_common[@]}" --list-extensions --show-versions 2>/dev/null | grep -i jixiao \
  || die "the extension is not listed after installing"

# user settings: no startup editor, no tips; completion keeps VS Code's defaults (snippets and words on), so the
# test sees what a new user sees
cat >"$RUN/data/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.editor.enablePreview": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.ignoreRecommendations": true,
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "files.autoSave": "off",
  "editor.minimap.enabled": false,
  "editor.stickyScroll.enabled": false,
  "editor.hover.delay": 300,
  "chat.commandCenter.enabled": false
}
EOF

# the workspace: a copy of the example and the carelessly written file
WS="$RUN/workspace"
mkdir -p "$WS"
cp "$ROOT/examples/shanghai-2026-targets.jixiao" "$WS/"
cp "$HERE/fixtures/careless.txt" "$WS/careless.jixiao"
# never opened in the editor: its project-total error must still reach the Problems panel
printf '表: 绩效目标申报表\n年度: 2025\n\n项目: 从未打开的项目\n  资金:\n    项目资金总额: 100\n    年度资金申请总额: 300\n    当年财政拨款: 300\n' >"$WS/never-opened.jixiao"
"$JIXIAO" fmt - <"$HERE/fixtures/careless.txt" >"$RUN/careless.expected" || die "jixiao fmt - failed on fixtures/careless.txt"

# ---------------------------------------------------------------------------------------------------------
phase "serve code-server on 127.0.0.1"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
setsid "$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none "${cs_common[@]}" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$WS" >"$RUN/code-server.log" 2>&1 &
cs_pid=$!
if ! node -e '
  const url = process.argv[1], deadline = Date.now() + 90000;
  (async () => {
    while (Date.now() < deadline) {
      try { const r = await fetch(url); if (r.ok) { console.log("healthz:", await r.text()); return; } } catch {}
      await new Promise(r => setTimeout(r, 250));
    }
    process.exit(1);
  })();' "http://127.0.0.1:$PORT/healthz"; then
  tail -n 40 "$RUN/code-server.log" >&2
  die "code-server did not answer /healthz within 90 s"
fi

phase "drive VS Code with Chromium (e2e.js)"
mkdir -p "$HERE/screenshots" "$ROOT/docs/images"
rc=0
setsid node "$HERE/e2e.js" \
  --url "http://127.0.0.1:$PORT/?folder=$WS" \
  --chromium "$CHROMIUM" \
  --profile "$RUN/chromium-profile" \
  --workspace "$WS" \
  --example shanghai-2026-targets.jixiao \
  --careless careless.jixiao \
  --expected "$RUN/careless.expected" \
  --screenshots "$HERE/screenshots" \
  --docs-image "$ROOT/docs/images/vscode-e2e.png" \
  --result "$RUN/result" &
node_pid=$!
wait "$node_pid" || rc=$?
node_pid=""
summary="$(tail -n 1 "$RUN/result" 2>/dev/null)"
[ -n "$summary" ] || { summary="vscode-e2e: 0 passed, 1 failed (e2e.js gave no result)"; rc=1; }
if [ "$rc" != 0 ]; then
  echo "---- code-server log (tail)" >&2
  tail -n 20 "$RUN/code-server.log" >&2
  for log in "$RUN"/data/logs/*/exthost*/output_logging_*/*jixiao*.log "$RUN"/data/logs/*/exthost*/exthost.log; do
    [ -f "$log" ] || continue
    echo "---- $log (tail)" >&2
    tail -n 20 "$log" >&2
  done
fi
phase "done"
exit $rc

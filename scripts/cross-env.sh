# Shared by scripts/release.sh and scripts/test-cross.sh (sourced): the release targets, their linkers,
# where their binaries land, and what is missing to build them.

# shellcheck disable=SC2034
CROSS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CROSS_MISSING=""

# Debian's cross linkers; cargo reads these only for the matching --target.
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER="${CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER:-x86_64-w64-mingw32-gcc}"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER="${CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER:-aarch64-linux-gnu-gcc}"

# The Linux builds link glibc statically: linked against Debian 12's glibc, the binary would need glibc 2.34, and
# the 信创 desktops (UOS V20, Kylin V10) ship 2.28-2.31. jixiao needs no NSS or dlopen, so static glibc is safe.
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="${CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS:--C target-feature=+crt-static}"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="${CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS:--C target-feature=+crt-static}"

cross_known() { # cross_known TRIPLE
  case "$1" in
    x86_64-pc-windows-gnu|x86_64-unknown-linux-gnu|aarch64-unknown-linux-gnu) return 0 ;;
    *) return 1 ;;
  esac
}

cross_vscode_target() { # cross_vscode_target TRIPLE -> the `vsce package --target` platform
  case "$1" in
    x86_64-pc-windows-gnu) echo win32-x64 ;;
    x86_64-unknown-linux-gnu) echo linux-x64 ;;
    aarch64-unknown-linux-gnu) echo linux-arm64 ;;
  esac
}

cross_binary() { # cross_binary TRIPLE -> path of the release binary
  case "$1" in
    *windows*) echo "$CROSS_ROOT/target/$1/release/jixiao.exe" ;;
    *) echo "$CROSS_ROOT/target/$1/release/jixiao" ;;
  esac
}

# cross_ready TRIPLE: 0 when cargo, the Rust std for TRIPLE and its linker are installed; otherwise 1, with
# what to install in CROSS_MISSING.
cross_ready() {
  CROSS_MISSING=""
  command -v cargo >/dev/null || { CROSS_MISSING="cargo"; return 1; }
  local linker=""
  case "$1" in
    x86_64-pc-windows-gnu) linker="$CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER (apt-get install gcc-mingw-w64-x86-64)" ;;
    aarch64-unknown-linux-gnu) linker="$CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER (apt-get install gcc-aarch64-linux-gnu)" ;;
    x86_64-unknown-linux-gnu) linker="cc (apt-get install gcc)" ;;
  esac
  command -v "${linker%% *}" >/dev/null || CROSS_MISSING="${linker}"
  if command -v rustup >/dev/null; then
    rustup target list --installed 2>/dev/null | grep -qx "$1" \
      || CROSS_MISSING="${CROSS_MISSING:+$CROSS_MISSING, }the Rust std for $1 (rustup target add $1)"
  fi
  [ -z "$CROSS_MISSING" ]
}

cross_build() { # cross_build TRIPLE: the release binary, under nice (the other builds on the machine go first)
  (cd "$CROSS_ROOT" && nice cargo build --release --locked --target "$1")
}

//! Everything the command line writes goes through here. `println!` panics when stdout is a
//! closed pipe (`jixiao check DIR | head`) or a full disk, ending with exit 101 and an English
//! message. A closed pipe ends the process quietly with [`EXIT_PIPE`]; any other write error
//! is a Chinese message and exit 2. Errors writing the messages on stderr are ignored (there is
//! nowhere left to say them).

use std::io::{self, Write};

/// 128 + SIGPIPE, what a shell reports for a command ended by a closed pipe: the output was
/// cut short, so the exit must not claim a clean run (0) under `set -o pipefail`.
pub const EXIT_PIPE: i32 = 141;

pub fn write_fmt(args: std::fmt::Arguments) {
    if let Err(e) = io::stdout().lock().write_fmt(args) {
        fail(e)
    }
}

pub fn write_bytes(bytes: &[u8]) {
    if let Err(e) = io::stdout().lock().write_all(bytes) {
        fail(e)
    }
}

/// Hands `write` a buffered stdout, for output too large to build in memory first.
pub fn write_with(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
    let mut w = io::BufWriter::new(io::stdout().lock());
    if let Err(e) = write(&mut w).and_then(|_| w.flush()) {
        fail(e)
    }
}

/// Flushes stdout before the process ends, so a late write error is not lost.
pub fn flush() {
    if let Err(e) = io::stdout().lock().flush() {
        fail(e)
    }
}

pub fn error_fmt(args: std::fmt::Arguments) {
    let _ = io::stderr().lock().write_fmt(args);
}

fn fail(e: io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(EXIT_PIPE);
    }
    error_fmt(format_args!("jixiao: 无法写入标准输出：{e}\n"));
    std::process::exit(2)
}

/// `print!` that never panics.
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::output::write_fmt(format_args!($($t)*)) };
}

/// `println!` that never panics.
macro_rules! outln {
    () => { $crate::cli::output::write_bytes(b"\n") };
    ($($t:tt)*) => {{
        $crate::cli::output::write_fmt(format_args!($($t)*));
        $crate::cli::output::write_bytes(b"\n");
    }};
}

/// `eprintln!` that never panics.
macro_rules! errln {
    ($($t:tt)*) => {{
        $crate::cli::output::error_fmt(format_args!($($t)*));
        $crate::cli::output::error_fmt(format_args!("\n"));
    }};
}

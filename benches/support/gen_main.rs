//! `jixiao-gen --projects N [--seed S] [--out FILE] [--toml]`: the benchmark workload
//! (docs/PERFORMANCE.md), built with `cargo build --release --example jixiao-gen`. A development
//! tool: it is not part of the `jixiao` binary or library.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[path = "gen.rs"]
mod gen;

/// Benchmark workload: a generated 绩效目标申报表 of N projects
#[derive(Parser)]
#[command(name = "jixiao-gen")]
struct Args {
    #[arg(long)]
    projects: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long)]
    out: Option<PathBuf>,
    /// The same projects as TOML (for the peer-server benchmark)
    #[arg(long)]
    toml: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let text = if args.toml {
        gen::generate_toml(args.projects, args.seed)
    } else {
        gen::generate(args.projects, args.seed)
    };
    match &args.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("jixiao-gen: {}: 无法写入：{e}", path.display());
                return ExitCode::from(2);
            }
            eprintln!(
                "{}: {} 个项目，{} 行，{} 字节",
                path.display(),
                args.projects,
                text.lines().count(),
                text.len()
            );
        }
        None => {
            // A closed pipe (`| head`) is not an error for a generator.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    ExitCode::SUCCESS
}

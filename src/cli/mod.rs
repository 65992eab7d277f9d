//! The `jixiao` command line. Messages in Chinese; exit codes: 0 clean, 1 findings (errors, or
//! files that need formatting), 2 bad usage, unreadable input or a failed write, 141 stdout
//! closed early (`output.rs`).

// First, so that its printing macros are in scope in the modules below.
#[macro_use]
pub(crate) mod output;
mod check;
mod context;
mod diff;
mod export;
mod files;
mod fmt;
mod help;
mod import;
mod summary;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    about = "绩效目标申报表 / 绩效自评表 的文本格式：检查、格式化、导出与语言服务器"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum ExportTarget {
    Json,
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum SummaryFormat {
    Table,
    Json,
    Csv,
}

#[derive(Subcommand)]
enum Command {
    /// 检查文件，列出错误、警告和提示；有错误时退出码为 1
    Check {
        /// 文件或目录（目录中查找 *.jixiao）
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 输出格式：human 为给人读的列表，json 为机器读的数组
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        /// 指定指标体系（覆盖文件头和 jixiao.toml），如 finance-2021
        #[arg(long)]
        profile: Option<String>,
    },
    /// 按规范格式重写文件；--check 只检查不写入
    Fmt {
        /// 文件或目录；`-` 表示从标准输入读、向标准输出写
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 只检查格式，不写入；有需要格式化的文件时退出码为 1
        #[arg(long)]
        check: bool,
    },
    /// 从 PDF 提取的文本导入报表（docs/IMPORT.md）；无法归位的行列在标准错误并作为注释保留，此时退出码为 1
    Import {
        /// 提取出的文本文件（UTF-8）
        file: PathBuf,
        /// 输出文件（默认标准输出）
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 比较两个文件的实际内容（项目、字段、资金、指标），不计格式；也可作 git 的 diff 驱动（docs/DIFF.md）
    Diff {
        /// 旧文件 新文件；作为 git 外部 diff 时为 git 传入的 7 个参数
        #[arg(required = true, num_args = 2..=9, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// 汇总表：每个单位（文件头的单位，否则按文件）和合计的项目数、年度资金申请总额（按资金来源、按项目类别）
    Summary {
        /// 文件或目录（目录中查找 *.jixiao）
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 输出格式：table 为对齐的表格
        #[arg(long, value_enum, default_value = "table")]
        format: SummaryFormat,
    },
    /// 语言服务器（LSP，标准输入输出）；日志写到标准错误，JIXIAO_LOG=debug 可看更多
    Lsp,
    /// 导出为 JSON、CSV（每个指标一行）或 XLSX（每个项目一张表，另有汇总表）
    Export {
        /// 导出格式
        #[arg(long, value_enum, default_value = "json")]
        to: ExportTarget,
        /// 要导出的 .jixiao 文件
        file: PathBuf,
        /// 输出文件（默认标准输出；XLSX 必须指定）
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Parses the command line with the Chinese help of `help.rs`.
fn parse() -> Result<Cli, ExitCode> {
    let cmd = help::localize(Cli::command());
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let failed = match cmd.clone().try_get_matches_from(&args) {
        Ok(m) => match Cli::from_arg_matches(&m) {
            Ok(cli) => return Ok(cli),
            Err(e) => e,
        },
        Err(e) => e,
    };
    // The subcommand named on the command line, for its usage line.
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find_map(|a| cmd.find_subcommand(a))
        .unwrap_or(&cmd);
    match help::error_message(&failed, sub) {
        Some(m) => {
            eprintln!("{m}");
            Err(ExitCode::from(2))
        }
        None => failed.exit(),
    }
}

pub fn run() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let code = match cli.command {
        Command::Check {
            paths,
            format,
            profile,
        } => check::run(&paths, format, profile.as_deref()),
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Export { to, file, output } => export::run(to, &file, output.as_deref()),
        Command::Import { file, output } => import::run(&file, output.as_deref()),
        Command::Diff { args } => diff::run(&args),
        Command::Summary { paths, format } => summary::run(&paths, format),
        Command::Lsp => crate::lsp::run(),
    };
    output::flush();
    ExitCode::from(code)
}

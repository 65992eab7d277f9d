//! Chinese help: clap writes its own words (Usage, Options, Commands, Print help, default,
//! possible values, error messages) in English, so every command built from the derive is
//! rewritten here, recursively, before parsing.

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";
const OPTIONS: &str = "选项";
const ARGUMENTS: &str = "参数";

/// `cmd` with Chinese headings, usage, help and version flags, for it and every subcommand.
pub fn localize(cmd: Command) -> Command {
    localize_in(cmd, None)
}

fn localize_in(cmd: Command, parent: Option<&str>) -> Command {
    let name = cmd.get_name().to_string();
    let path = match parent {
        Some(p) => format!("{p} {name}"),
        None => name,
    };
    let top = parent.is_none();
    let mut cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .mut_args(localize_arg)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading(OPTIONS),
        );
    if top {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading(OPTIONS),
        );
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for s in subs {
        let p = path.clone();
        cmd = cmd.mut_subcommand(s, |sub| localize_in(sub, Some(&p)));
    }
    let usage = chinese_usage(&mut cmd.clone().bin_name(&path));
    cmd.bin_name(path).override_usage(usage)
}

/// The value list and default go into the help text in Chinese, instead of clap's
/// "[default: …] [possible values: …]".
fn localize_arg(a: Arg) -> Arg {
    let heading = if a.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    if !a.get_action().takes_values() {
        return a.help_heading(heading);
    }
    let mut extra = Vec::new();
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() {
        extra.push(format!("可选 {}", values.join("、")));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() {
        extra.push(format!("默认 {}", defaults.join("、")));
    }
    let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    if !extra.is_empty() {
        help = if help.is_empty() {
            extra.join("，")
        } else {
            format!("{help}（{}）", extra.join("，"))
        };
    }
    let value_name = match a.get_id().as_str() {
        "paths" => Some("路径"),
        "file" => Some("文件"),
        "output" => Some("输出文件"),
        "args" => Some("文件"),
        "format" | "to" => Some("格式"),
        "profile" => Some("指标体系"),
        _ => None,
    };
    let a = a.help_heading(heading).help(help);
    let a = match value_name {
        Some(v) => a.value_name(v),
        None => a,
    };
    a.hide_possible_values(true).hide_default_value(true)
}

fn chinese_usage(cmd: &mut Command) -> String {
    let usage = cmd.render_usage().to_string();
    usage
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", "[选项]")
        .replace("<COMMAND>", "<命令>")
        .replace("[COMMAND]", "[命令]")
}

/// A parse error in Chinese, with the same exit codes as clap's (0 for help and version).
pub fn error_message(e: &clap::Error, cmd: &Command) -> Option<String> {
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let what = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return Some(format!("{}", cmd.clone().render_help()));
        }
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::InvalidSubcommand => {
            let mut m = format!("没有命令「{}」", ctx(ContextKind::InvalidSubcommand));
            let s = ctx(ContextKind::SuggestedSubcommand);
            if !s.is_empty() {
                m.push_str(&format!("，是否应为「{s}」"));
            }
            m
        }
        ErrorKind::UnknownArgument => {
            format!("无法识别的选项或参数「{}」", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue => {
            let mut m = format!(
                "{} 的值「{}」无效",
                ctx(ContextKind::InvalidArg),
                ctx(ContextKind::InvalidValue)
            );
            let valid = ctx(ContextKind::ValidValue);
            if !valid.is_empty() {
                m.push_str(&format!("，可选 {valid}"));
            }
            m
        }
        ErrorKind::WrongNumberOfValues | ErrorKind::TooManyValues | ErrorKind::TooFewValues => {
            format!("{} 的值的个数不对", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::ArgumentConflict => {
            format!("{} 不能与其他选项同时使用", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::NoEquals => format!("{} 的值须用 = 给出", ctx(ContextKind::InvalidArg)),
        ErrorKind::ValueValidation => format!(
            "{} 的值「{}」无效",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::InvalidValue)
        ),
        _ => "命令行参数有误".to_string(),
    };
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let usage: StyledStr = cmd.clone().render_usage();
    Some(format!(
        "错误：{what}\n\n{}\n\n运行「{name} --help」查看帮助。",
        usage.to_string().replacen("Usage: ", "用法：", 1)
    ))
}

//! The command line speaks Chinese: the help of every command (listed by `jixiao --help`
//! itself) and clap's own words, and its usage errors.

use std::process::Command;

const ENGLISH: &[&str] = &[
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print help",
    "Print version",
    "[default",
    "possible values",
    "OPTIONS",
    "COMMAND",
    "error:",
    "For more information",
];

fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn assert_chinese(what: &str, text: &str) {
    for w in ENGLISH {
        assert!(!text.contains(w), "{what}:「{w}」 in\n{text}");
    }
}

/// The command names listed under 命令 in the top-level help.
fn subcommands() -> Vec<String> {
    let (_, out, _) = run(&["--help"]);
    out.lines()
        .skip_while(|l| !l.starts_with("命令"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn every_command_has_chinese_help() {
    let subs = subcommands();
    assert!(subs.len() >= 7, "{subs:?}");
    let mut cases: Vec<Vec<String>> = vec![vec!["--help".into()], vec!["-h".into()]];
    for s in &subs {
        cases.push(vec![s.clone(), "--help".into()]);
        cases.push(vec![s.clone(), "-h".into()]);
    }
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = run(&args);
        let what = args.join(" ");
        assert_eq!(code, 0, "{what}: {err}");
        assert!(out.contains("用法："), "{what}:\n{out}");
        assert_chinese(&what, &out);
        // Every option and argument line says what it is for.
        for l in out.lines().filter(|l| {
            let t = l.trim_start();
            l.starts_with("  ") && (t.starts_with('-') || t.starts_with('<'))
        }) {
            assert!(
                l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{what}: no help for `{l}`"
            );
        }
    }
}

#[test]
fn version_flag_is_described_in_chinese() {
    let (code, out, _) = run(&["-V"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("jixiao "), "{out}");
    let (_, help, _) = run(&["--help"]);
    assert!(help.contains("-V, --version  显示版本"), "{help}");
    assert!(help.contains("-h, --help     显示帮助"), "{help}");
}

#[test]
fn usage_errors_are_chinese_with_exit_code_2() {
    for args in [
        &["chek"][..],
        &["check"],
        &["export", "--to", "pdf", "x.jixiao"],
        &["check", "--nope", "x.jixiao"],
        &["diff", "a"],
    ] {
        let (code, out, err) = run(args);
        let what = args.join(" ");
        assert_eq!(code, 2, "{what}: {err}");
        assert!(out.is_empty(), "{what}: {out}");
        assert!(err.starts_with("错误："), "{what}: {err}");
        assert!(err.contains("用法：jixiao"), "{what}: {err}");
        assert_chinese(&what, &err);
    }
    let (_, _, err) = run(&["chek"]);
    assert!(err.contains("是否应为「check」"), "{err}");
}

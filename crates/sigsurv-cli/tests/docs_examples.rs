//! Every example in the docs and in `--help` runs: the `sigsurv ...` lines of the ```sh blocks of README.md and
//! docs/*.md, and the lines under "Example:" / "Examples:" of each command's `--help`, each in a scratch folder
//! that has the repository's `fixtures/` and `examples/` (outputs land there), in order (a later line may read what
//! an earlier one wrote), through `sh` with the binary first on PATH. Exit 0 expected, except where the example
//! shows a failure on purpose (`|| exit 1` and such are shell, and run as written).

mod common;
use common::*;

use std::path::Path;
use std::process::Command;

/// The `sigsurv` lines of the ```sh blocks of a Markdown file, continuation lines joined.
fn sh_examples(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        let t = line.trim_end();
        if t.starts_with("```") {
            in_sh = t == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let joined = format!("{pending}{}", t.trim_start());
        if let Some(head) = joined.strip_suffix('\\') {
            pending = format!("{} ", head.trim_end());
            continue;
        }
        pending.clear();
        if joined.starts_with("sigsurv ") {
            out.push(joined);
        }
    }
    out
}

/// The `sigsurv` lines under "Example:" or "Examples:" of a `--help` text, continuation lines joined.
fn help_examples(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    let mut in_examples = false;
    for line in help.lines() {
        let t = line.trim();
        if t == "Example:" || t == "Examples:" {
            in_examples = true;
            continue;
        }
        if !in_examples {
            continue;
        }
        let joined = format!("{pending}{t}");
        if let Some(head) = joined.strip_suffix('\\') {
            pending = format!("{} ", head.trim_end());
            continue;
        }
        pending.clear();
        if joined.starts_with("sigsurv ") {
            out.push(joined);
        }
    }
    out
}

fn subcommands() -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let list = |args: &[&str]| -> Vec<String> {
        let help = stdout(&sigsurv(args));
        help.lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .filter(|c| c != "help")
            .collect()
    };
    for c in list(&["--help"]) {
        let nested = list(&[&c, "--help"]);
        if nested.is_empty() {
            out.push(vec![c]);
        } else {
            out.extend(nested.into_iter().map(|n| vec![c.clone(), n]));
        }
    }
    out
}

/// A folder with the repository's fixtures (linked: only read) and examples (copied: an analysis file writes its
/// results next to itself).
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root().join("fixtures"), dir.path().join("fixtures")).unwrap();
    copy_dir(&root().join("examples"), &dir.path().join("examples"));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            if e.file_name() != "results" {
                copy_dir(&e.path(), &target);
            }
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Runs `line` through `sh` in `dir` with the binary first on PATH; the failure message when it fails.
fn run(dir: &Path, line: &str) -> Option<String> {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_sigsurv")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .output()
        .expect("sh runs");
    (!o.status.success()).then(|| format!("{line}\n  exit {:?}: {}", o.status.code(), stderr(&o)))
}

#[test]
fn every_documented_example_runs() {
    let mut files: Vec<_> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.insert(0, root().join("README.md"));
    let mut failures = Vec::new();
    let mut n = 0;
    for f in &files {
        let dir = scratch();
        for line in sh_examples(&std::fs::read_to_string(f).unwrap()) {
            n += 1;
            if let Some(msg) = run(dir.path(), &line) {
                failures.push(format!("{}: {msg}", f.display()));
            }
        }
    }
    assert!(n >= 5, "only {n} examples found");
    assert!(
        failures.is_empty(),
        "{} of {n} examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_help_example_runs() {
    let mut failures = Vec::new();
    let mut n = 0;
    for cmd in subcommands() {
        let mut args: Vec<&str> = cmd.iter().map(String::as_str).collect();
        args.push("--help");
        let dir = scratch();
        // Wide enough that clap does not wrap the examples.
        let help = Command::new(env!("CARGO_BIN_EXE_sigsurv"))
            .args(&args)
            .env("COLUMNS", "1000")
            .output()
            .expect("binary runs");
        for line in help_examples(&stdout(&help)) {
            n += 1;
            if let Some(msg) = run(dir.path(), &line) {
                failures.push(format!("sigsurv {} --help: {msg}", cmd.join(" ")));
            }
        }
    }
    assert!(n >= 10, "only {n} examples found");
    assert!(
        failures.is_empty(),
        "{} of {n} examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

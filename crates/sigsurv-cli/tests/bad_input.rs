//! Bad inputs through the binary, one table row each: the exit code, the key words of the message, nothing on
//! standard output, the input files unchanged (bytes, and links still links), and no result or temporary file
//! left. Add a row to `CASES` for a new case; the tests after the table check the outputs that must work
//! (devices, FIFOs, symbolic links, standard output, closed pipes).

mod common;
use common::*;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A file placed in the run's folder before it starts. Names are relative to that folder; in `Text`, `{fixtures}`
/// is replaced by the fixtures folder.
enum Setup {
    /// A copy of `fixtures/<from>`.
    Copy(&'static str, &'static str),
    Text(&'static str, &'static str),
    Dir(&'static str),
    /// `Symlink(link, target)`.
    Symlink(&'static str, &'static str),
    /// `HardLink(link, target)`.
    HardLink(&'static str, &'static str),
}

/// Where the run's standard output goes.
enum Stdout {
    /// Captured: must be empty.
    Pipe,
    /// `/dev/full`: every write fails with ENOSPC.
    DevFull,
    /// A file of the run's folder.
    File(&'static str),
}

struct Case {
    name: &'static str,
    setup: &'static [Setup],
    /// `{dir}` is the run's folder.
    args: &'static [&'static str],
    stdout: Stdout,
    /// Run under a file-size limit of 1 KiB (SIGXFSZ ignored, so a write past it fails with EFBIG).
    size_limit: bool,
    code: i32,
    message: Vec<&'static str>,
    unchanged: &'static [&'static str],
    absent: &'static [&'static str],
}

const VICTIM: Setup = Setup::Copy("GBSG2/GBSG2.csv", "victim.csv");
const CLINICAL: Setup = Setup::Copy("gse1992/clinical.csv", "clinical.csv");
const EXPRESSION: Setup = Setup::Copy("gse1992/expression.csv", "expression.csv");
const ANALYSIS_INTO_HERE: Setup = Setup::Text(
    "analysis.toml",
    "# my own notes, which a rewrite would lose\nversion = 1\n\n[data]\nclinical = \"clinical.csv\"\n\
     expression = \"expression.csv\"\nsamples_in_rows = true\n\n[survival]\ntime = \"os_months\"\n\
     event = \"os_event\"\n\n[output]\ndir = \".\"\n",
);
const ANALYSIS_INTO_RESULTS: Setup = Setup::Text(
    "analysis.toml",
    "version = 1\n\n[data]\nclinical = \"clinical.csv\"\nexpression = \"expression.csv\"\n\
     samples_in_rows = true\n\n[survival]\ntime = \"os_months\"\nevent = \"os_event\"\n\n\
     [output]\ndir = \"results\"\n",
);
const EXPECTED: Setup = Setup::Text(
    "expected.toml",
    "[[expect]]\nname = \"patients\"\npath = \"n\"\nvalue = 124\nabs_tol = 0\n",
);
const REFUSED: [&str; 3] = ["refusing to write", "it is the input", "would replace it"];
const ANALYSIS_OUTPUTS: [&str; 6] = [
    "summary.json",
    "scores.csv",
    "report.html",
    "km.svg",
    "forest.svg",
    "results",
];

/// The words of a refusal to replace `input` by writing `output`.
fn refused(output: &'static str, input: &'static str) -> Vec<&'static str> {
    let mut words = REFUSED.to_vec();
    words.extend([output, input]);
    words
}

fn cases() -> Vec<Case> {
    let pipe = || Stdout::Pipe;
    vec![
        Case {
            name: "km -o onto its own data",
            setup: &[VICTIM],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/victim.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("victim.csv", "victim.csv"),
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "km -o onto its data through ..",
            setup: &[VICTIM, Setup::Dir("sub")],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/sub/../victim.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("sub/../victim.csv", "victim.csv"),
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "km -o onto a hard link of its data",
            setup: &[VICTIM, Setup::HardLink("hard.csv", "victim.csv")],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/hard.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("hard.csv", "victim.csv"),
            unchanged: &["victim.csv", "hard.csv"],
            absent: &[],
        },
        Case {
            name: "km -o onto a symbolic link to its data",
            setup: &[VICTIM, Setup::Symlink("link.json", "victim.csv")],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/link.json",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("link.json", "victim.csv"),
            unchanged: &["victim.csv", "link.json"],
            absent: &[],
        },
        Case {
            name: "km -o onto a folder",
            setup: &[VICTIM, Setup::Dir("out.json")],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/out.json",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: vec!["cannot write", "out.json", "a folder"],
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "km -o into a missing folder",
            setup: &[VICTIM],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/nowhere/out.json",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: vec!["cannot write", "nowhere", "does not exist"],
            unchanged: &["victim.csv"],
            absent: &["nowhere"],
        },
        Case {
            name: "km to a full standard output",
            setup: &[VICTIM],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "--format",
                "json",
            ],
            stdout: Stdout::DevFull,
            size_limit: false,
            code: 1,
            message: vec![
                "could not write to standard output",
                "No space left on device",
            ],
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "km -o onto a full device",
            setup: &[VICTIM],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "/dev/full",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 1,
            message: vec!["could not write /dev/full", "No space left on device"],
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "km JSON on standard output cut by a file-size limit",
            setup: &[VICTIM],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "--format",
                "json",
            ],
            stdout: Stdout::File("cut.json"),
            size_limit: true,
            code: 1,
            message: vec!["could not write to standard output", "File too large"],
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "km -o cut by a file-size limit",
            setup: &[VICTIM],
            args: &[
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/out.json",
            ],
            stdout: pipe(),
            size_limit: true,
            code: 1,
            message: vec!["could not write", "out.json", "File too large"],
            unchanged: &["victim.csv"],
            absent: &["out.json"],
        },
        Case {
            name: "logrank -o onto its data",
            setup: &[VICTIM],
            args: &[
                "logrank",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "--by",
                "horTh",
                "-o",
                "{dir}/victim.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("victim.csv", "victim.csv"),
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "cox -o onto its data",
            setup: &[VICTIM],
            args: &[
                "cox",
                "{dir}/victim.csv",
                "--formula",
                "Surv(time, cens) ~ age",
                "-o",
                "{dir}/victim.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("victim.csv", "victim.csv"),
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "cox -o onto its --predict profiles",
            setup: &[VICTIM, Setup::Text("profiles.csv", "age\n50\n")],
            args: &[
                "cox",
                "{dir}/victim.csv",
                "--formula",
                "Surv(time, cens) ~ age",
                "--predict",
                "{dir}/profiles.csv",
                "-o",
                "{dir}/profiles.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("profiles.csv", "profiles.csv"),
            unchanged: &["victim.csv", "profiles.csv"],
            absent: &[],
        },
        Case {
            name: "aft -o onto its data",
            setup: &[VICTIM],
            args: &[
                "aft",
                "{dir}/victim.csv",
                "--formula",
                "Surv(time, cens) ~ age",
                "-o",
                "{dir}/victim.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("victim.csv", "victim.csv"),
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "cutpoint -o onto its data",
            setup: &[VICTIM],
            args: &[
                "cutpoint",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "--score",
                "pnodes",
                "-o",
                "{dir}/victim.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("victim.csv", "victim.csv"),
            unchanged: &["victim.csv"],
            absent: &[],
        },
        Case {
            name: "score -o onto its expression matrix",
            setup: &[EXPRESSION],
            args: &[
                "score",
                "{dir}/expression.csv",
                "--samples-in-rows",
                "--set",
                "IL1",
                "-o",
                "{dir}/expression.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("expression.csv", "expression.csv"),
            unchanged: &["expression.csv"],
            absent: &[],
        },
        Case {
            name: "score -o onto its gene sets",
            setup: &[
                EXPRESSION,
                Setup::Text("sets.gmt", "S\tdesc\tIL1B\tIL6\tCXCL8\n"),
            ],
            args: &[
                "score",
                "{dir}/expression.csv",
                "--samples-in-rows",
                "--gene-sets",
                "{dir}/sets.gmt",
                "-o",
                "{dir}/sets.gmt",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("sets.gmt", "sets.gmt"),
            unchanged: &["expression.csv", "sets.gmt"],
            absent: &[],
        },
        Case {
            name: "plot km -o onto a link to its data",
            setup: &[VICTIM, Setup::Symlink("km.svg", "victim.csv")],
            args: &[
                "plot",
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/km.svg",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("km.svg", "victim.csv"),
            unchanged: &["victim.csv", "km.svg"],
            absent: &[],
        },
        Case {
            name: "plot km -o onto a full device",
            setup: &[VICTIM, Setup::Symlink("full.svg", "/dev/full")],
            args: &[
                "plot",
                "km",
                "{dir}/victim.csv",
                "--time",
                "time",
                "--event",
                "cens",
                "-o",
                "{dir}/full.svg",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 1,
            message: vec!["could not write", "full.svg", "No space left on device"],
            unchanged: &["victim.csv", "full.svg"],
            absent: &[],
        },
        Case {
            name: "plot forest -o onto a hard link of its JSON",
            setup: &[
                Setup::Text("cox.json", "{\"terms\": []}\n"),
                Setup::HardLink("forest.svg", "cox.json"),
            ],
            args: &["plot", "forest", "{dir}/cox.json", "-o", "{dir}/forest.svg"],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("forest.svg", "cox.json"),
            unchanged: &["cox.json", "forest.svg"],
            absent: &[],
        },
        Case {
            name: "analyze --out a folder whose scores.csv is the clinical table",
            setup: &[
                Setup::Copy("gse1992/clinical.csv", "scores.csv"),
                EXPRESSION,
            ],
            args: &[
                "analyze",
                "--clinical",
                "{dir}/scores.csv",
                "--expression",
                "{dir}/expression.csv",
                "--samples-in-rows",
                "--set",
                "IL1",
                "--time",
                "os_months",
                "--event",
                "os_event",
                "--out",
                "{dir}",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("scores.csv", "scores.csv"),
            unchanged: &["scores.csv", "expression.csv"],
            absent: &[
                "summary.json",
                "report.html",
                "km.svg",
                "forest.svg",
                "analysis.toml",
            ],
        },
        Case {
            name: "run with [output] dir = \".\" beside the analysis file",
            setup: &[CLINICAL, EXPRESSION, ANALYSIS_INTO_HERE],
            args: &["run", "{dir}/analysis.toml"],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("analysis.toml", "analysis.toml"),
            unchanged: &["analysis.toml", "clinical.csv", "expression.csv"],
            absent: &ANALYSIS_OUTPUTS,
        },
        Case {
            name: "check --report onto the expected file",
            setup: &[CLINICAL, EXPRESSION, ANALYSIS_INTO_RESULTS, EXPECTED],
            args: &[
                "check",
                "{dir}/analysis.toml",
                "--expected",
                "{dir}/expected.toml",
                "--report",
                "{dir}/expected.toml",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("expected.toml", "expected.toml"),
            unchanged: &[
                "analysis.toml",
                "expected.toml",
                "clinical.csv",
                "expression.csv",
            ],
            absent: &ANALYSIS_OUTPUTS,
        },
        Case {
            name: "check --report onto the analysis file",
            setup: &[CLINICAL, EXPRESSION, ANALYSIS_INTO_RESULTS, EXPECTED],
            args: &[
                "check",
                "{dir}/analysis.toml",
                "--expected",
                "{dir}/expected.toml",
                "--report",
                "{dir}/analysis.toml",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: refused("analysis.toml", "analysis.toml"),
            unchanged: &["analysis.toml", "expected.toml"],
            absent: &ANALYSIS_OUTPUTS,
        },
        Case {
            // The analysis's own inputs are known once its file is read: refused when the report is written.
            name: "check --report onto the analysis's clinical table",
            setup: &[CLINICAL, EXPRESSION, ANALYSIS_INTO_RESULTS, EXPECTED],
            args: &[
                "check",
                "{dir}/analysis.toml",
                "--expected",
                "{dir}/expected.toml",
                "--report",
                "{dir}/clinical.csv",
                "-q",
            ],
            stdout: Stdout::File("summary.txt"),
            size_limit: false,
            code: 2,
            message: refused("clinical.csv", "clinical.csv"),
            unchanged: &[
                "analysis.toml",
                "expected.toml",
                "clinical.csv",
                "expression.csv",
            ],
            absent: &[],
        },
        Case {
            name: "simulate more rows than memory holds",
            setup: &[],
            args: &[
                "simulate",
                "--n",
                "1000000000000000",
                "-o",
                "{dir}/cohort.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: vec!["needs about", "GB of memory", "available"],
            unchanged: &[],
            absent: &["cohort.csv"],
        },
        Case {
            name: "simulate more covariates than memory holds",
            setup: &[],
            args: &[
                "simulate",
                "--n",
                "1000",
                "--covariates",
                "100000000",
                "-o",
                "{dir}/cohort.csv",
            ],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: vec!["needs about", "--covariates 100000000"],
            unchanged: &[],
            absent: &["cohort.csv"],
        },
        Case {
            name: "simulate -o onto a folder",
            setup: &[Setup::Dir("cohort.csv")],
            args: &["simulate", "--n", "10", "-o", "{dir}/cohort.csv"],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: vec!["cannot write", "cohort.csv", "a folder"],
            unchanged: &[],
            absent: &[],
        },
        Case {
            name: "simulate -o onto a link to nothing",
            setup: &[Setup::Symlink("cohort.parquet", "missing.parquet")],
            args: &["simulate", "--n", "10", "-o", "{dir}/cohort.parquet"],
            stdout: pipe(),
            size_limit: false,
            code: 2,
            message: vec![
                "cannot write",
                "cohort.parquet",
                "symbolic link",
                "does not exist",
            ],
            unchanged: &["cohort.parquet"],
            absent: &["missing.parquet"],
        },
        Case {
            name: "simulate -o onto a full device",
            setup: &[Setup::Symlink("cohort.csv", "/dev/full")],
            args: &["simulate", "--n", "1000", "-o", "{dir}/cohort.csv"],
            stdout: pipe(),
            size_limit: false,
            code: 1,
            message: vec!["could not write", "cohort.csv", "No space left on device"],
            unchanged: &["cohort.csv"],
            absent: &[],
        },
        Case {
            name: "simulate -o cut by a file-size limit",
            setup: &[],
            args: &["simulate", "--n", "1000", "-o", "{dir}/cohort.csv"],
            stdout: pipe(),
            size_limit: true,
            code: 1,
            message: vec!["could not write", "cohort.csv", "File too large"],
            unchanged: &[],
            absent: &["cohort.csv"],
        },
        Case {
            name: "completions to a full standard output",
            setup: &[],
            args: &["completions", "bash"],
            stdout: Stdout::DevFull,
            size_limit: false,
            code: 1,
            message: vec![
                "could not write to standard output",
                "No space left on device",
            ],
            unchanged: &[],
            absent: &[],
        },
    ]
}

/// What a file is: its bytes (following links) and whether the name is a symbolic link.
fn snapshot(p: &Path) -> (Vec<u8>, bool) {
    let link = fs::symlink_metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .file_type()
        .is_symlink();
    // A link to a device is compared as a link only.
    let bytes = match fs::metadata(p) {
        Ok(m) if m.is_file() => fs::read(p).unwrap(),
        _ => Vec::new(),
    };
    (bytes, link)
}

fn build(dir: &Path, setup: &[Setup]) {
    let fixtures = root().join("fixtures");
    for s in setup {
        match s {
            Setup::Copy(from, to) => {
                fs::copy(fixtures.join(from), dir.join(to)).unwrap();
            }
            Setup::Text(name, text) => {
                let text = text.replace("{fixtures}", &fixtures.display().to_string());
                fs::write(dir.join(name), text).unwrap();
            }
            Setup::Dir(name) => fs::create_dir(dir.join(name)).unwrap(),
            Setup::Symlink(link, target) => {
                std::os::unix::fs::symlink(target, dir.join(link)).unwrap()
            }
            Setup::HardLink(link, target) => {
                fs::hard_link(dir.join(target), dir.join(link)).unwrap()
            }
        }
    }
}

fn run(case: &Case, dir: &Path) -> Output {
    let dir_text = dir.display().to_string();
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("{dir}", &dir_text))
        .collect();
    let mut cmd = if case.size_limit {
        // dash and bash count in 512- and 1024-byte blocks: 1 or 2 KiB. An ignored SIGXFSZ makes the write
        // past the limit fail with EFBIG instead of killing the process.
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("ulimit -f 2; trap '' XFSZ; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_sigsurv"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_sigsurv"))
    };
    cmd.args(&args).stdin(Stdio::null());
    match case.stdout {
        Stdout::Pipe => cmd.stdout(Stdio::piped()),
        Stdout::DevFull => cmd.stdout(
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        ),
        Stdout::File(name) => cmd.stdout(fs::File::create(dir.join(name)).unwrap()),
    };
    cmd.stderr(Stdio::piped()).output().expect("binary runs")
}

/// Every temporary file under `dir`.
fn temporary_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let kind = e.file_type().unwrap();
            if kind.is_dir() {
                stack.push(e.path());
            } else if name.contains(".sigsurv-tmp.") || name.ends_with(".tmp") {
                found.push(e.path());
            }
        }
    }
    found
}

#[test]
fn bad_inputs_fail_cleanly() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        build(dir.path(), case.setup);
        let before: Vec<_> = case
            .unchanged
            .iter()
            .map(|f| snapshot(&dir.path().join(f)))
            .collect();
        let o = run(&case, dir.path());
        let err = stderr(&o);
        let mut problems = Vec::new();
        if o.status.code() != Some(case.code) {
            problems.push(format!(
                "exit code {:?}, expected {}",
                o.status.code(),
                case.code
            ));
        }
        for word in &case.message {
            if !err.contains(word) {
                problems.push(format!("message lacks {word:?}"));
            }
        }
        if !o.stdout.is_empty() {
            problems.push(format!("standard output not empty: {}", stdout(&o)));
        }
        for (f, old) in case.unchanged.iter().zip(&before) {
            if snapshot(&dir.path().join(f)) != *old {
                problems.push(format!("{f} changed"));
            }
        }
        for f in case.absent {
            if fs::symlink_metadata(dir.path().join(f)).is_ok() {
                problems.push(format!("{f} exists"));
            }
        }
        let temps = temporary_files(dir.path());
        if !temps.is_empty() {
            problems.push(format!("temporary files left: {temps:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}:\n    {}\n    stderr: {}",
                case.name,
                problems.join("\n    "),
                err.trim_end().replace('\n', "\n            ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn gbsg2_copy(dir: &Path) -> String {
    let p = dir.join("data.csv");
    fs::copy(root().join("fixtures/GBSG2/GBSG2.csv"), &p).unwrap();
    p.display().to_string()
}

fn km_json_to(data: &str, out: &str) -> Output {
    sigsurv(&[
        "km", data, "--time", "time", "--event", "cens", "--format", "json", "-o", out,
    ])
}

#[test]
fn a_symbolic_link_output_is_followed_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let data = gbsg2_copy(dir.path());
    let target = dir.path().join("real.json");
    let link = dir.path().join("link.json");
    fs::write(&target, "old").unwrap();
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let o = km_json_to(&data, link.to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(read_json(&target)["analysis"], "km");
    assert!(temporary_files(dir.path()).is_empty());
}

#[test]
fn character_devices_are_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let data = gbsg2_copy(dir.path());
    let o = km_json_to(&data, "/dev/null");
    assert!(o.status.success(), "{}", stderr(&o));
    let null = fs::symlink_metadata("/dev/null").unwrap();
    assert!(null.file_type().is_char_device());
}

#[test]
fn a_fifo_is_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let data = gbsg2_copy(dir.path());
    let fifo = dir.path().join("results.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(&fifo).unwrap())
    };
    let o = km_json_to(&data, fifo.to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = reader.join().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(v["analysis"], "km");
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(temporary_files(dir.path()).is_empty());
}

#[test]
fn dash_and_dev_stdout_mean_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = gbsg2_copy(dir.path());
    for out in ["-", "/dev/stdout"] {
        let o = km_json_to(&data, out);
        assert!(o.status.success(), "{out}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["analysis"], "km", "{out}");
    }
    assert!(!dir.path().join("-").exists());
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let data = gbsg2_copy(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigsurv"))
        .args([
            "km", &data, "--time", "time", "--event", "cens", "--format", "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the result is written, as `| head -c0` would.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn a_killed_run_s_temporary_file_is_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let data = gbsg2_copy(dir.path());
    // The leftover of a process that no longer runs (no process id is this large).
    let stale = dir.path().join(".out.json.sigsurv-tmp.4294967295");
    fs::write(&stale, "{\"half\": ").unwrap();
    let out = dir.path().join("out.json");
    let o = km_json_to(&data, out.to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["analysis"], "km");
    assert!(!stale.exists());
    assert!(temporary_files(dir.path()).is_empty());
}

#[test]
fn a_resolved_analysis_file_reruns_in_place() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &[CLINICAL, EXPRESSION, ANALYSIS_INTO_RESULTS]);
    let o = sigsurv(&[
        "run",
        dir.path().join("analysis.toml").to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let resolved = dir.path().join("results/analysis.toml");
    let first = fs::read_to_string(&resolved).unwrap();
    let o = sigsurv(&["run", resolved.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&resolved).unwrap(), first);
}

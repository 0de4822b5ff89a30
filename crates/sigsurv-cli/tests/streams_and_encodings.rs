//! Inputs that are not plain UTF-8 files: FIFOs and process substitution (read through a temporary copy that is
//! removed at the end), text in latin-1 (an error naming line and column only when the column is used), and the
//! analysis file named in the errors of its `covariates`.

mod common;
use common::*;

use std::fs;
use std::path::Path;
use std::process::Command;

const CLEAN: &[u8] = b"time,cens,name\n5,1,cafe\n6,0,x\n7,1,y\n9,1,z\n";
/// The same table with a latin-1 e-acute (0xE9) in the `name` column on file line 2.
const LATIN1: &[u8] = b"time,cens,name\n5,1,caf\xe9\n6,0,x\n7,1,y\n9,1,z\n";

fn run_in(tmp: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sigsurv"))
        .args(args)
        .env("TMPDIR", tmp)
        .output()
        .expect("binary runs")
}

fn km_csv(tmp: &Path, data: &str) -> std::process::Output {
    run_in(
        tmp,
        &[
            "km", data, "--time", "time", "--event", "cens", "--format", "csv",
        ],
    )
}

/// The files a run left in its temporary folder.
fn leftovers(tmp: &Path) -> Vec<String> {
    fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_fifo_input_is_read_and_its_copy_removed() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let file = dir.path().join("clean.csv");
    fs::write(&file, CLEAN).unwrap();
    let expected = km_csv(tmp.path(), file.to_str().unwrap());
    assert!(expected.status.success(), "{}", stderr(&expected));

    let fifo = dir.path().join("stream");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::write(&fifo, CLEAN).unwrap())
    };
    let o = km_csv(tmp.path(), fifo.to_str().unwrap());
    writer.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&expected));
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
}

#[test]
fn process_substitution_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let data = fixture("GBSG2/GBSG2.csv");
    let direct = km_csv(tmp.path(), &data);
    let script = format!("\"$0\" km <(cat '{data}') --time time --event cens --format csv",);
    let o = Command::new("bash")
        .args(["-c", &script, env!("CARGO_BIN_EXE_sigsurv")])
        .env("TMPDIR", tmp.path())
        .output()
        .expect("bash runs");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&direct));
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn errors_about_a_stream_name_the_path_given() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("stream");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::write(&fifo, CLEAN).unwrap())
    };
    let o = run_in(
        tmp.path(),
        &[
            "km",
            fifo.to_str().unwrap(),
            "--time",
            "tiem",
            "--event",
            "cens",
        ],
    );
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("column \"tiem\" not found"), "{err}");
    assert!(err.contains(fifo.to_str().unwrap()), "{err}");
    assert!(!err.contains("sigsurv-stream"), "{err}");
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn latin1_text_is_an_error_only_in_a_column_used() {
    let dir = tempfile::tempdir().unwrap();
    let (clean, latin1) = (dir.path().join("clean.csv"), dir.path().join("latin1.csv"));
    fs::write(&clean, CLEAN).unwrap();
    fs::write(&latin1, LATIN1).unwrap();

    // Unused: the file reads as if the byte were not there.
    let want = km_csv(dir.path(), clean.to_str().unwrap());
    let got = km_csv(dir.path(), latin1.to_str().unwrap());
    assert!(got.status.success(), "{}", stderr(&got));
    assert_eq!(stdout(&got), stdout(&want));

    // Used (as the grouping column): the line, the column, the byte and the fix.
    let o = sigsurv(&[
        "km",
        latin1.to_str().unwrap(),
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "name",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    for key in [
        "latin1.csv",
        "line 2",
        "column \"name\"",
        "0xE9",
        "not UTF-8",
        "iconv",
    ] {
        assert!(err.contains(key), "{key} in {err}");
    }

    // Used by --where: also an error.
    let o = sigsurv(&[
        "km",
        latin1.to_str().unwrap(),
        "--time",
        "time",
        "--event",
        "cens",
        "--where",
        "name = 'x'",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("column \"name\""));
}

#[test]
fn covariates_errors_name_the_analysis_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("study.toml");
    let text = format!(
        "version = 1\n\n[data]\nclinical = \"{}\"\nexpression = \"{}\"\nsamples_in_rows = true\n\n\
         [survival]\ntime = \"os_months\"\nevent = \"os_event\"\n\n[model]\ncovariates = \"age +* grade\"\n\n\
         [output]\ndir = \"{}\"\n",
        fixture("gse1992/clinical.csv"),
        fixture("gse1992/expression.csv"),
        dir.path().join("out").display()
    );
    fs::write(&file, text).unwrap();
    let o = sigsurv(&["run", file.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("invalid covariates in the [model] table of") && err.contains("study.toml"),
        "{err}"
    );
    assert!(!err.contains("--formula"), "{err}");
    assert!(
        err.contains("covariates = \"age + factor(grade) + er\""),
        "{err}"
    );

    // The same covariates as a flag of analyze name the flag.
    let o = sigsurv(&[
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical.csv"),
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--covariates",
        "age +* grade",
        "--out",
        dir.path().join("out2").to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("invalid --covariates"), "{err}");
    assert!(!err.contains("--formula"), "{err}");
}

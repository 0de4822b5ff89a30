//! Analysis files on random input through the binary: a fixed seed, a bounded number of files, and never a
//! panic (exit 101) or a crash; every bad file is an error with exit code 2. Each file points at the real
//! GSE1992 fixture, so mutations that leave the file valid run the whole analysis.

mod common;

use common::{fixture, sigsurv, stderr};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const LINES: &[&str] = &[
    "version = 1",
    "version = 99",
    "[data]",
    "[signature]",
    "[survival]",
    "[groups]",
    "[model]",
    "[output]",
    "[[expect]]",
    "id = \"sample_id\"",
    "samples_in_rows = true",
    "samples_in_rows = 3",
    "set = \"IL1\"",
    "set = \"NOPE\"",
    "method = \"mean-z\"",
    "method = \"ssgsea\"",
    "method = 7",
    "time = \"os_months\"",
    "time = \"age\"",
    "event = \"os_event\"",
    "event = \"\"",
    "split = \"median\"",
    "split = \"tertiles\"",
    "split = \"optimal\"",
    "split = [1, 2]",
    "covariates = \"age\"",
    "covariates = \"age * er +\"",
    "covariates = \"\"",
    "path = \"cox.terms[0].coef\"",
    "value = 1.5",
    "abs_tol = -1",
    "min = 2",
    "max = 1",
    "= broken",
    "[data",
    "\"unterminated",
    "dir = \"results\"",
    "é = 1",
    "",
];

#[test]
fn random_analysis_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let clinical = fixture("gse1992/clinical.csv");
    let expression = fixture("gse1992/expression.csv");
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 150,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let lines = prop::collection::vec(prop::sample::select(LINES), 0..24);
    let k = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&lines, |body| {
            let k = k.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let out = dir.path().join(format!("out{k}"));
            let text = format!(
                "[data]\nclinical = {clinical:?}\nexpression = {expression:?}\n{}\n[output]\ndir = {:?}\n",
                body.join("\n"),
                out.display().to_string()
            );
            let path = dir.path().join(format!("a{k}.toml"));
            std::fs::write(&path, &text).unwrap();
            let o = sigsurv(&["run", path.to_str().unwrap(), "--quiet"]);
            let code = o.status.code();
            prop_assert!(
                matches!(code, Some(0) | Some(2) | Some(3)),
                "exit {code:?} for\n{text}\n{}",
                stderr(&o)
            );
            prop_assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
            Ok(())
        })
        .unwrap();
}

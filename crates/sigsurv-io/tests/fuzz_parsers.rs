//! The `--where` and GMT parsers on random input: a fixed seed, a bounded number of cases, no panic (every
//! failure is an error value).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sigsurv_io::filter::Condition;
use sigsurv_io::gmt::parse_gmt;
use std::path::Path;

const WHERE_PIECES: &[&str] = &[
    "age",
    "er",
    "grade",
    "`odd name`",
    ">=",
    "<=",
    "==",
    "=",
    "!=",
    "<",
    ">",
    "AND",
    "OR",
    "NOT",
    "and",
    "or",
    "(",
    ")",
    "50",
    "-1",
    "1e400",
    "0x1F",
    "\"a\"",
    "'b'",
    "\"",
    "'",
    "IN",
    "in",
    "[",
    "]",
    ",",
    "NA",
    "is",
    "null",
    " ",
    "\t",
    "é",
    "",
    "&&",
    "||",
    "!",
];

const GMT_PIECES: &[&str] = &[
    "SET", "IL1B", "IL1R1", "MYD88", "\t", "\n", "\r\n", "#", " ", "http://x", "", "\u{feff}", "é",
    "NA", "\t\t",
];

fn soup(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|v| v.concat())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

#[test]
fn where_conditions_never_panic() {
    runner(4000)
        .run(&soup(WHERE_PIECES, 30), |s| {
            let _ = Condition::parse(&s);
            Ok(())
        })
        .unwrap();
    runner(1000)
        .run(&any::<String>(), |s| {
            let _ = Condition::parse(&s);
            Ok(())
        })
        .unwrap();
}

#[test]
fn gmt_files_never_panic() {
    runner(3000)
        .run(&soup(GMT_PIECES, 60), |s| {
            let _ = parse_gmt(Path::new("fuzz.gmt"), &s);
            Ok(())
        })
        .unwrap();
}

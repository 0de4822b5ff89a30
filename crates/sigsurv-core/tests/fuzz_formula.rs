//! The formula parser on random input: a fixed seed, a bounded number of cases, and no panic whatever the
//! text (every failure is an `Err` with a message). Token soup near the grammar finds more than random bytes.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sigsurv_core::formula::parse_formula;

const PIECES: &[&str] = &[
    "Surv(", "time", "status", "start", ",", ")", "(", "~", "+", "-", "*", ":", "^", "/", "%in%",
    ".", "1", "0", "factor(", "relevel(", "strata(", "cluster(", "log(", "ns(", "I(", "ref", "=",
    "\"", "'", "`", "2", "age", " ", "\n", "\t", "é", "∞", "\\", "1e308", "-1", "NA", "",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
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
fn token_soup_never_panics() {
    runner(4000)
        .run(&soup(), |s| {
            let _ = parse_formula(&s);
            Ok(())
        })
        .unwrap();
}

#[test]
fn arbitrary_text_never_panics() {
    runner(2000)
        .run(&any::<String>(), |s| {
            let _ = parse_formula(&s);
            let _ = parse_formula(&format!("Surv(t, e) ~ {s}"));
            Ok(())
        })
        .unwrap();
}

#[test]
fn errors_name_the_problem() {
    runner(1000)
        .run(&soup(), |s| {
            if let Err(e) = parse_formula(&s) {
                prop_assert!(!e.to_string().trim().is_empty());
            }
            Ok(())
        })
        .unwrap();
}

const EXPR_PIECES: &[&str] = &[
    "age", "x", "`a b`", "1", "2.5", "1e5", "1e", ".", "(", ")", ",", "+", "-", "*", "/", "^",
    "%/%", "%%", "%", "log(", "pmin(", "pmax(", "I(", "sqrt(", "ns(", " ", "é", "",
];

/// The expression parser of I(), log(), pmin() terms: no panic on any token soup, and what parses prints back
/// to text that parses to the same expression.
#[test]
fn expressions_never_panic_and_deparse_round_trips() {
    use sigsurv_core::expr::Expr;
    let soup =
        prop::collection::vec(prop::sample::select(EXPR_PIECES), 0..30).prop_map(|v| v.concat());
    runner(4000)
        .run(&soup, |s| {
            if let Ok(e) = Expr::parse(&s) {
                let text = e.deparse();
                let again = Expr::parse(&text)
                    .map_err(|err| TestCaseError::fail(format!("{s:?} -> {text:?}: {err}")))?;
                prop_assert_eq!(again.deparse(), text);
            }
            Ok(())
        })
        .unwrap();
}

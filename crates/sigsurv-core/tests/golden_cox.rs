//! Cox regression against R's coxph (fixtures/cox/make_reference.R -> cox_reference.json): every case
//! goes formula -> design -> fit as the CLI does, and every reported number is compared.

mod common;
mod cox_support;

use common::{assert_all_close, assert_close, nums, opt};
use cox_support::{for_each_path, load, reference};
use serde_json::Value;
use sigsurv_core::cox::{cox_ph, CoxData, CoxFit, CoxOptions, Ties};

const REL: f64 = 1e-7;

fn check(name: &str, case: &Value) {
    let c = load(case);
    let fit = c.fit();
    let r = &case["r"];
    let what = |s: &str| format!("{name}: {s}");
    assert_eq!(fit.n as f64, r["n"].as_f64().unwrap(), "{name}: n");
    assert_eq!(
        fit.n_events as f64,
        r["nevent"].as_f64().unwrap(),
        "{name}: nevent"
    );
    assert_eq!(
        fit.iterations as f64,
        r["iter"].as_f64().unwrap(),
        "{name}: iterations"
    );
    let col = |f: fn(&sigsurv_core::cox::CoxTerm) -> Option<f64>| {
        fit.terms.iter().map(|t| opt(f(t))).collect::<Vec<_>>()
    };
    assert_all_close(&what("coef"), &col(|t| t.coef), &nums(&r["coef"]), REL);
    assert_all_close(
        &what("exp_coef"),
        &col(|t| t.exp_coef),
        &nums(&r["exp_coef"]),
        REL,
    );
    assert_all_close(&what("se"), &col(|t| t.se), &nums(&r["se"]), REL);
    if r["robust_se"].is_null() {
        assert!(
            fit.terms.iter().all(|t| t.robust_se.is_none()),
            "{name}: unexpected robust se"
        );
    } else {
        assert_all_close(
            &what("robust_se"),
            &col(|t| t.robust_se),
            &nums(&r["robust_se"]),
            REL,
        );
    }
    assert_all_close(&what("z"), &col(|t| t.z), &nums(&r["z"]), REL);
    assert_all_close(&what("p"), &col(|t| t.p_value), &nums(&r["p"]), 1e-6);
    // jsonlite writes R's Inf as null: an infinite limit of ours stands for it.
    let inf_as_na = |v: Vec<f64>| {
        v.into_iter()
            .map(|x| if x.is_infinite() { f64::NAN } else { x })
            .collect::<Vec<_>>()
    };
    assert_all_close(
        &what("lower"),
        &inf_as_na(col(|t| t.lower)),
        &nums(&r["lower"]),
        REL,
    );
    assert_all_close(
        &what("upper"),
        &inf_as_na(col(|t| t.upper)),
        &nums(&r["upper"]),
        REL,
    );
    let ll = nums(&r["loglik"]);
    assert_close(&what("loglik0"), fit.loglik_null, ll[0], 1e-10);
    assert_close(&what("loglik"), fit.loglik, ll[1], 1e-10);
    for (label, test, rv) in [
        ("lrt", fit.lrt, &r["lrt"]),
        ("wald", fit.wald, &r["wald"]),
        ("score", fit.score, &r["score"]),
    ] {
        let rv = nums(rv);
        assert_close(&what(label), test.statistic, rv[0], REL);
        assert_eq!(test.df as f64, rv[1], "{name}: {label} df");
        assert_close(&what(&format!("{label} p")), test.p_value, rv[2], 1e-6);
    }
    match (&fit.robust_score, r["rscore"].is_null()) {
        (None, true) => {}
        (Some(t), false) => {
            let rv = nums(&r["rscore"]);
            assert_close(&what("robust score"), t.statistic, rv[0], REL);
            assert_close(&what("robust score p"), t.p_value, rv[2], 1e-6);
        }
        (ours, _) => panic!("{name}: robust score ours {ours:?}, R {}", r["rscore"]),
    }
    assert_all_close(&what("means"), &fit.means, &nums(&r["means"]), 1e-12);
    let var: Vec<f64> = {
        // R's var is column-major with NA-free zeros for dropped terms; ours is row-major (symmetric).
        fit.var.clone()
    };
    assert_all_close(&what("var"), &var, &nums(&r["var"]), REL);
    let rc = nums(&r["concordance"]);
    let cc = fit.concordance;
    assert_all_close(
        &what("concordance"),
        &[
            cc.concordant,
            cc.discordant,
            cc.tied_x,
            cc.tied_y,
            cc.tied_xy,
            cc.c,
            cc.se,
        ],
        &rc,
        REL,
    );
    let r_warn = match &r["warnings"] {
        Value::Array(a) => a.len(),
        Value::String(_) => 1,
        _ => 0,
    };
    // sigsurv also names aliased terms (R computes the same NA silently unless singular.ok = FALSE).
    let ours_warn = fit
        .warnings
        .iter()
        .filter(|w| !w.starts_with("X matrix deemed to be singular"))
        .count();
    let aliased = fit.terms.iter().any(|t| t.coef.is_none());
    assert_eq!(
        aliased,
        fit.warnings
            .iter()
            .any(|w| w.starts_with("X matrix deemed to be singular")),
        "{name}: a singular-matrix warning exactly when a term is NA"
    );
    assert_eq!(
        ours_warn, r_warn,
        "{name}: warnings ours {:?}, R {}",
        fit.warnings, r["warnings"]
    );
}

fn cases() -> Value {
    reference("cox/cox_reference.json")["cases"].clone()
}

macro_rules! golden {
    ($($fn:ident => $case:literal),* $(,)?) => {$(
        #[test]
        fn $fn() {
            let all = cases();
            for_each_path(|path| check(&format!("{} [{path}]", $case), &all[$case]));
        }
    )*};
}

golden! {
    lung_efron => "lung_efron",
    lung_breslow => "lung_breslow",
    lung_strata => "lung_strata",
    lung_cluster => "lung_cluster",
    lung_robust_breslow => "lung_robust_breslow",
    lung_weights_robust => "lung_weights_robust",
    veteran_factor_efron => "veteran_factor_efron",
    veteran_factor_breslow => "veteran_factor_breslow",
    ovarian_efron => "ovarian_efron",
    ovarian_weights => "ovarian_weights",
    ovarian_collinear => "ovarian_collinear",
    gbsg_efron => "gbsg_efron",
    rotterdam_strata2 => "rotterdam_strata2",
    rotterdam_breslow_cluster => "rotterdam_breslow_cluster",
    gbsg2_efron => "GBSG2_efron",
    gbsg2_breslow => "GBSG2_breslow",
    heart_efron => "heart_efron",
    heart_breslow => "heart_breslow",
    heart_cluster => "heart_cluster",
    heart_strata_weights => "heart_strata_weights",
    synthetic_collinear => "synthetic_collinear",
    synthetic_monotone => "synthetic_monotone",
    book1_breslow => "book1_breslow",
    book1_efron => "book1_efron",
    gbsg2_offset_efron => "GBSG2_offset_efron",
    lung_offset_strata_weights => "lung_offset_strata_weights",
    rotterdam_offset_cluster => "rotterdam_offset_cluster",
    heart_offset => "heart_offset",
}

/// Therneau & Grambsch (2000) appendix E, test data 1: with Breslow ties the MLE solves a quadratic,
/// exp(β̂) = (3 + √33) / 2, and ℓ(0) = −2 log 2 − log 3 − log 6 ... checked via the closed form of β̂.
#[test]
fn book1_breslow_closed_form() {
    let time = [9.0, 1.0, 1.0, 6.0, 6.0, 8.0];
    let event = [true, true, false, true, true, false];
    let x = [0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
    let names = vec!["x".to_string()];
    let d = CoxData {
        start: None,
        stop: &time,
        event: &event,
        x: &x,
        p: 1,
        names: &names,
        strata: None,
        weights: None,
        cluster: None,
        offset: None,
    };
    let fit = cox_ph(
        &d,
        &CoxOptions {
            ties: Ties::Breslow,
            ..Default::default()
        },
    )
    .unwrap();
    let want = ((3.0 + 33f64.sqrt()) / 2.0).ln();
    assert!(
        (fit.coef[0] - want).abs() < 1e-9 * want,
        "{} vs {want}",
        fit.coef[0]
    );
}

#[test]
fn no_events_gives_na_coefficients_and_a_warning() {
    let time = [1.0, 2.0, 3.0, 4.0, 5.0];
    let event = [false; 5];
    let x = [1.0, 3.0, 2.0, 5.0, 4.0];
    let names = vec!["x".to_string()];
    let d = CoxData {
        start: None,
        stop: &time,
        event: &event,
        x: &x,
        p: 1,
        names: &names,
        strata: None,
        weights: None,
        cluster: None,
        offset: None,
    };
    let fit: CoxFit = cox_ph(&d, &CoxOptions::default()).unwrap();
    assert_eq!(fit.n_events, 0);
    assert!(fit.terms[0].coef.is_none());
    assert_eq!((fit.loglik_null, fit.loglik), (0.0, 0.0));
    assert!(fit.warnings[0].contains("no events"));
    let r = reference("cox/cox_reference.json");
    assert!(r["cases"]["no_events"]["coef"].is_null());
}

#[test]
fn monotone_likelihood_warning_names_the_term() {
    let all = cases();
    for_each_path(|path| {
        let fit = load(&all["synthetic_monotone"]).fit();
        assert_eq!(fit.warnings.len(), 1, "{path}");
        assert!(
            fit.warnings[0].contains("variable 2 (bad)"),
            "{path}: {:?}",
            fit.warnings
        );
    });
}

/// Without the concordance the fit is the same fit; its concordance is undefined.
#[test]
fn a_fit_without_the_concordance_is_the_same_fit() {
    let c = load(&cases()["GBSG2_efron"]);
    let with = c.fit();
    let without = cox_ph(
        &c.data(),
        &CoxOptions {
            concordance: false,
            ..c.opts.clone()
        },
    )
    .unwrap();
    assert_eq!(with.coef, without.coef);
    assert_eq!(with.var, without.var);
    assert_eq!(with.loglik, without.loglik);
    assert!(with.concordance.c.is_finite() && without.concordance.c.is_nan());
}

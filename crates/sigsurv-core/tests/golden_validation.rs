//! Validation metrics against R (fixtures/validation/make_reference.R): concordance (survival::concordance),
//! time-dependent AUC, Brier score, null Brier, IPA and integrated Brier (riskRegression::Score) and RMST
//! (survRM2::rmst2's formulas) of a GBSG2 Cox model applied to the Rotterdam cohort, and of lung and veteran
//! markers with many ties, case weights and strata.

mod common;

use common::{assert_close, json, nums};
use serde_json::Value;
use sigsurv_core::{
    brier_score, concordance, concordance_by, concordance_pairwise, integrated_brier,
    rmst_by_group, rmst_default_tau, time_dependent_auc, time_dependent_auc_reference, Concordance,
    ConcordanceData, ConcordanceOptions, PairCounting, RmstContrast, TimeWeight,
};

const REL: f64 = 1e-9;

fn reference() -> Value {
    json("validation/reference.json")
}

fn bools(v: &Value) -> Vec<bool> {
    nums(v).iter().map(|&x| x == 1.0).collect()
}

fn codes(v: &Value) -> Vec<u32> {
    nums(v).iter().map(|&x| x as u32).collect()
}

/// One concordance case counted by `counting` and by the pairwise reference; returns (fast, reference).
fn both(case: &Value, counting: PairCounting) -> (Concordance, Concordance) {
    let time = nums(&case["time_values"]);
    let event = bools(&case["event_values"]);
    let marker = nums(&case["marker_values"]);
    let weight = nums(&case["weight_values"]);
    let strata = if case["strata"].is_null() {
        None
    } else {
        Some(codes(&case["strata_values"]))
    };
    let data = ConcordanceData {
        weight: case["weighted"].as_bool().unwrap().then_some(&weight[..]),
        strata: strata.as_deref(),
        ..ConcordanceData::new(&time, &event, &marker)
    };
    let opts = ConcordanceOptions {
        time_weight: match case["timewt"].as_str().unwrap() {
            "n" => TimeWeight::Harrell,
            "n/G2" => TimeWeight::Uno,
            other => panic!("timewt {other}"),
        },
        tau: case["ymax"].as_f64(),
        ..ConcordanceOptions::default()
    };
    (
        concordance_by(&data, &opts, counting).unwrap(),
        concordance_pairwise(&data, &opts).unwrap(),
    )
}

#[test]
fn concordance_matches_r() {
    let r = reference();
    for case in r["concordance"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (fast, _) = both(case, PairCounting::Auto);
        assert_eq!(fast.n, case["n"].as_u64().unwrap() as usize, "{name}: n");
        for (what, ours, key) in [
            ("c", fast.c, "concordance"),
            ("var", fast.var, "var"),
            ("concordant", fast.concordant, "concordant"),
            ("discordant", fast.discordant, "discordant"),
            ("tied_x", fast.tied_x, "tied_x"),
            ("tied_y", fast.tied_y, "tied_y"),
            ("tied_xy", fast.tied_xy, "tied_xy"),
        ] {
            assert_close(
                &format!("{name}: {what}"),
                ours,
                case[key].as_f64().unwrap(),
                REL,
            );
        }
    }
}

/// Each fast pass (trees over marker ranks, trees over times, and the automatic choice) gives the numbers of
/// the pair-by-pair definition on every golden case.
#[test]
fn concordance_tree_same_as_pairwise() {
    let r = reference();
    for (case, counting) in r["concordance"].as_array().unwrap().iter().flat_map(|c| {
        [
            PairCounting::Auto,
            PairCounting::MarkerTree,
            PairCounting::TimeTree,
        ]
        .map(|k| (c, k))
    }) {
        let name = format!("{} ({counting:?})", case["name"].as_str().unwrap());
        let (fast, slow) = both(case, counting);
        for (what, a, b) in [
            ("c", fast.c, slow.c),
            ("var", fast.var, slow.var),
            ("concordant", fast.concordant, slow.concordant),
            ("discordant", fast.discordant, slow.discordant),
            ("tied_x", fast.tied_x, slow.tied_x),
            ("tied_y", fast.tied_y, slow.tied_y),
            ("tied_xy", fast.tied_xy, slow.tied_xy),
        ] {
            assert_close(&format!("{name}: {what}"), a, b, 1e-10); // summation order only
        }
    }
}

fn contrast_values(c: &RmstContrast) -> Vec<f64> {
    vec![c.estimate, c.lower, c.upper, c.p_value]
}

#[test]
fn rmst_matches_rmst2() {
    let r = reference();
    for case in r["rmst"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let time = nums(&case["time_values"]);
        let event = bools(&case["event_values"]);
        let arm = codes(&case["arm_values"]);
        let level = 1.0 - case["alpha"].as_f64().unwrap();
        let default_tau = case["default_tau"].as_f64().unwrap();
        assert_eq!(
            rmst_default_tau(&time, &event, &arm, 2).unwrap(),
            default_tau,
            "{name}: default tau"
        );
        let tau = case["tau"].as_f64().unwrap();
        let given = (tau != default_tau).then_some(tau);
        let fit = rmst_by_group(&time, &event, &arm, 2, given, level).unwrap();
        assert_eq!(fit.tau, tau, "{name}: tau");
        for (g, key) in [(1, "arm1"), (0, "arm0")] {
            let ours = &fit.groups[g];
            let want = &case[key];
            for (what, a, k) in [
                ("rmst", ours.rmst, "rmst"),
                ("se", ours.se, "se"),
                ("lower", ours.lower, "lower"),
                ("upper", ours.upper, "upper"),
                ("rmtl", ours.rmtl, "rmtl"),
                ("rmtl_lower", ours.rmtl_lower, "rmtl_lower"),
                ("rmtl_upper", ours.rmtl_upper, "rmtl_upper"),
            ] {
                assert_close(
                    &format!("{name}: {key} {what}"),
                    a,
                    want[k].as_f64().unwrap(),
                    REL,
                );
            }
        }
        let c = fit.contrast(1, 0).unwrap();
        for (what, ours) in [
            ("difference", contrast_values(&c.difference)),
            ("ratio", contrast_values(&c.ratio)),
            ("rmtl_ratio", contrast_values(&c.rmtl_ratio)),
        ] {
            let want = nums(&case[what]);
            common::assert_all_close(&format!("{name}: {what}"), &ours, &want, REL);
            // p-values far below the absolute floor of `close`: relative error alone.
            let rel = (ours[3] / want[3] - 1.0).abs();
            assert!(
                rel < 1e-9,
                "{name}: {what} p {} vs {}: {rel:e}",
                ours[3],
                want[3]
            );
        }
    }
}

/// A Score case's name, outcome, marker and prediction times.
fn score_case(case: &Value) -> (&str, Vec<f64>, Vec<bool>, Vec<f64>, Vec<f64>) {
    (
        case["name"].as_str().unwrap(),
        nums(&case["time_values"]),
        bools(&case["event_values"]),
        nums(&case["marker_values"]),
        nums(&case["times"]),
    )
}

#[test]
fn time_dependent_auc_matches_score() {
    let r = reference();
    for case in r["score"].as_array().unwrap() {
        let (name, time, event, marker, times) = score_case(case);
        let fit = time_dependent_auc(&time, &event, &marker, &times, 0.95).unwrap();
        for (what, ours, key) in [
            ("auc", fit.iter().map(|a| a.auc).collect::<Vec<_>>(), "auc"),
            ("se", fit.iter().map(|a| a.se).collect(), "auc_se"),
            ("lower", fit.iter().map(|a| a.lower).collect(), "auc_lower"),
            ("upper", fit.iter().map(|a| a.upper).collect(), "auc_upper"),
        ] {
            common::assert_all_close(&format!("{name}: {what}"), &ours, &nums(&case[key]), REL);
        }
    }
}

/// The sweeps give the numbers of the per-time computation by binary search on every golden case.
#[test]
fn time_dependent_auc_sweep_same_as_reference() {
    let r = reference();
    for case in r["score"].as_array().unwrap() {
        let (name, time, event, marker, times) = score_case(case);
        let fast = time_dependent_auc(&time, &event, &marker, &times, 0.95).unwrap();
        let slow = time_dependent_auc_reference(&time, &event, &marker, &times, 0.95).unwrap();
        for (a, b) in fast.iter().zip(&slow) {
            assert_close(&format!("{name} at {}: auc", a.time), a.auc, b.auc, 1e-12);
            assert_close(&format!("{name} at {}: se", a.time), a.se, b.se, 1e-10);
            assert_eq!(
                (a.n_cases, a.n_controls),
                (b.n_cases, b.n_controls),
                "{name}"
            );
        }
    }
}

/// The AUC is the weighted pair count of its definition (every case against every control).
#[test]
fn time_dependent_auc_is_the_pair_count() {
    let r = reference();
    for case in r["score"].as_array().unwrap() {
        let (_, time, event, marker, times) = score_case(case);
        let fit = time_dependent_auc(&time, &event, &marker, &times, 0.95).unwrap();
        for (a, &t) in fit.iter().zip(&times) {
            // G(s-) and G(t) of the censoring, by its product-limit definition (censorings after events).
            let mut u: Vec<f64> = time.clone();
            u.sort_by(f64::total_cmp);
            u.dedup();
            let factors: Vec<(f64, f64)> = u
                .iter()
                .map(|&v| {
                    let later = time
                        .iter()
                        .zip(&event)
                        .filter(|(&x, &e)| x > v || (x == v && !e))
                        .count();
                    let censored = time
                        .iter()
                        .zip(&event)
                        .filter(|(&x, &e)| x == v && !e)
                        .count();
                    let f = if censored == 0 {
                        1.0
                    } else {
                        1.0 - censored as f64 / later as f64
                    };
                    (v, f)
                })
                .collect();
            let g = |s: f64, inclusive: bool| -> f64 {
                factors
                    .iter()
                    .filter(|(v, _)| if inclusive { *v <= s } else { *v < s })
                    .map(|(_, f)| f)
                    .product()
            };
            let g_t = g(t, true);
            let case_w: Vec<(usize, f64)> = (0..time.len())
                .filter(|&i| time[i] <= t && event[i])
                .map(|i| (i, 1.0 / g(time[i], false)))
                .collect();
            let (mut num, mut den) = (0.0, 0.0);
            for &(i, wi) in &case_w {
                for j in (0..time.len()).filter(|&j| time[j] > t) {
                    let wj = 1.0 / g_t;
                    let k = if marker[i] > marker[j] {
                        1.0
                    } else if marker[i] == marker[j] {
                        0.5
                    } else {
                        0.0
                    };
                    num += wi * wj * k;
                    den += wi * wj;
                }
            }
            assert_close("auc by pairs", a.auc, num / den, 1e-10); // summation order only
        }
    }
}

#[test]
fn brier_matches_score() {
    let r = reference();
    for case in r["score"].as_array().unwrap() {
        if case["surv_values"].is_null() {
            continue;
        }
        let name = case["name"].as_str().unwrap();
        let time = nums(&case["time_values"]);
        let event = bools(&case["event_values"]);
        let times = nums(&case["times"]);
        // jsonlite writes a matrix row by row: surv_values[i][k] is row i at times[k].
        let rows: Vec<Vec<f64>> = case["surv_values"]
            .as_array()
            .unwrap()
            .iter()
            .map(nums)
            .collect();
        let columns: Vec<Vec<f64>> = (0..times.len())
            .map(|k| rows.iter().map(|r| r[k]).collect())
            .collect();
        let surv: Vec<&[f64]> = columns.iter().map(|c| &c[..]).collect();
        let fit = brier_score(&time, &event, &surv, &times, 0.95).unwrap();
        let get = |f: fn(&sigsurv_core::TimeBrier) -> f64| fit.iter().map(f).collect::<Vec<_>>();
        for (what, ours, key) in [
            ("brier", get(|b| b.brier), "brier"),
            ("se", get(|b| b.se), "brier_se"),
            ("lower", get(|b| b.lower), "brier_lower"),
            ("upper", get(|b| b.upper), "brier_upper"),
            ("null brier", get(|b| b.null_brier), "null_brier"),
            ("null se", get(|b| b.null_se), "null_se"),
            ("null lower", get(|b| b.null_lower), "null_lower"),
            ("null upper", get(|b| b.null_upper), "null_upper"),
            ("ipa", get(|b| b.ipa), "ipa"),
        ] {
            common::assert_all_close(&format!("{name}: {what}"), &ours, &nums(&case[key]), REL);
        }
        let brier = get(|b| b.brier);
        let ibs: Vec<f64> = times
            .iter()
            .map(|&tau| integrated_brier(&times, &brier, tau).unwrap())
            .collect();
        common::assert_all_close(&format!("{name}: ibs"), &ibs, &nums(&case["ibs"]), REL);
    }
}

/// Harrell's C that `cox_ph` stores is `concordance` of its linear predictor (veteran, karno + age).
#[test]
fn concordance_of_a_cox_fit_is_the_fits_own() {
    let vet = common::Csv::read("veteran/veteran.csv");
    let time = vet.f64("time");
    let event: Vec<bool> = vet.f64("status").iter().map(|&s| s == 1.0).collect();
    let (karno, age) = (vet.f64("karno"), vet.f64("age"));
    let x: Vec<f64> = karno.iter().chain(&age).copied().collect(); // column-major
    let names = ["karno".to_string(), "age".to_string()];
    let data = sigsurv_core::CoxData::new(&time, &event, &x, &names);
    let fit = sigsurv_core::cox_ph(&data, &sigsurv_core::CoxOptions::default()).unwrap();
    let lp: Vec<f64> = (0..time.len())
        .map(|i| fit.coef[0] * karno[i] + fit.coef[1] * age[i])
        .collect();
    let ours = concordance(
        &ConcordanceData::new(&time, &event, &lp),
        &ConcordanceOptions::default(),
    )
    .unwrap();
    assert_close("c", ours.c, fit.concordance.c, 1e-12);
    assert_close("se", ours.se(), fit.concordance.se, 1e-10);
    assert_close(
        "concordant",
        ours.concordant,
        fit.concordance.concordant,
        1e-12,
    );
    assert_close("tied_x", ours.tied_x, fit.concordance.tied_x, 1e-12);
}

//! Validation metrics against R (fixtures/validation/make_reference.R): concordance (survival::concordance)
//! and RMST (survRM2::rmst2's formulas) of a GBSG2 Cox model applied to the Rotterdam cohort, and of lung and
//! veteran markers with many ties, case weights and strata.

mod common;

use common::{assert_close, json, nums};
use serde_json::Value;
use sigsurv_core::{
    concordance, concordance_pairwise, Concordance, ConcordanceData, ConcordanceOptions, TimeWeight,
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

/// Both implementations on one concordance case; returns (fast, reference).
fn both(case: &Value) -> (Concordance, Concordance) {
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
        concordance(&data, &opts).unwrap(),
        concordance_pairwise(&data, &opts).unwrap(),
    )
}

#[test]
fn concordance_matches_r() {
    let r = reference();
    for case in r["concordance"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (fast, _) = both(case);
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

/// The tree pass gives the numbers of the pair-by-pair definition on every golden case.
#[test]
fn concordance_tree_same_as_pairwise() {
    let r = reference();
    for case in r["concordance"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (fast, slow) = both(case);
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

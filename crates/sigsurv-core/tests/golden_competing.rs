//! Competing risks against R: the Aalen-Johansen curves of survival's multi-state survfit (estimates,
//! infinitesimal-jackknife standard errors, every conf type, `summary(fit, times =)`), cmprsk's cuminc
//! (estimates and variances), Gray's test (plain, stratified, rho = 1).
//! Reference: fixtures/competing/reference.json, written by fixtures/competing/make_reference.R from the CSVs
//! next to it. Every case also checks the one-pass standard errors against the row-by-row reference
//! implementation.

mod common;

use common::{json, nums, Csv};
use serde_json::Value;
use sigsurv_core::competing::aalen_johansen_direct;
use sigsurv_core::competing::fine_gray_reference;
use sigsurv_core::confint::ConfType;
use sigsurv_core::{
    aalen_johansen, aalen_johansen_by, CifCurve, CifOptions, CompetingData, StateProbability,
};
use sigsurv_core::{cuminc, fine_gray, gray_test, FineGrayFit, FineGrayOptions};
use sigsurv_core::{kaplan_meier_by, kaplan_meier_general, KmData, KmOptions};

const REL: f64 = 1e-9;

/// One case's data as the R script derives it from the CSV.
struct Case {
    time: Vec<f64>,
    cause: Vec<u32>,
    group: Vec<u32>,
    stratum: Vec<u32>,
    weight: Option<Vec<f64>>,
}

/// Codes of a text column by R's sorted factor levels.
fn codes(values: &[String], levels: &[String]) -> Vec<u32> {
    values
        .iter()
        .map(|v| levels.iter().position(|l| l == v).unwrap() as u32)
        .collect()
}

fn sorted_levels(values: &[String]) -> Vec<String> {
    let mut l: Vec<String> = values.to_vec();
    let numeric = l.iter().all(|v| v.parse::<f64>().is_ok());
    if numeric {
        l.sort_by(|a, b| {
            a.parse::<f64>()
                .unwrap()
                .total_cmp(&b.parse::<f64>().unwrap())
        });
    } else {
        l.sort();
    }
    l.dedup();
    l
}

fn load(name: &str) -> Case {
    let csv = Csv::read(&format!("competing/{name}.csv"));
    let (time, cause, group, stratum, weight): (Vec<f64>, Vec<u32>, _, _, _) = match name {
        "mgus2" => {
            let (pstat, futime, ptime, death) = (
                csv.f64("pstat"),
                csv.f64("futime"),
                csv.f64("ptime"),
                csv.f64("death"),
            );
            let time = (0..csv.n_rows)
                .map(|i| if pstat[i] == 0.0 { futime[i] } else { ptime[i] })
                .collect();
            let cause = (0..csv.n_rows)
                .map(|i| {
                    if pstat[i] == 0.0 {
                        2 * death[i] as u32
                    } else {
                        1
                    }
                })
                .collect();
            let age = csv.f64("age");
            let agegrp: Vec<String> = age
                .iter()
                .map(|a| {
                    if *a > 70.0 {
                        "old".into()
                    } else {
                        "young".into()
                    }
                })
                .collect();
            (time, cause, csv.str("sex").to_vec(), agegrp, None)
        }
        "bmt" => {
            let (d1, d2) = (csv.f64("d1"), csv.f64("d2"));
            let cause = (0..csv.n_rows)
                .map(|i| {
                    if d2[i] == 1.0 {
                        1
                    } else if d1[i] == 1.0 {
                        2
                    } else {
                        0
                    }
                })
                .collect();
            (
                csv.f64("t2"),
                cause,
                csv.str("group").to_vec(),
                csv.str("z10").to_vec(),
                None,
            )
        }
        "hand" => (
            csv.f64("time"),
            csv.f64("cause").iter().map(|c| *c as u32).collect(),
            csv.str("group").to_vec(),
            csv.str("stratum").to_vec(),
            Some(csv.f64("weight")),
        ),
        other => panic!("unknown case {other}"),
    };
    let (gl, sl) = (sorted_levels(&group), sorted_levels(&stratum));
    Case {
        time,
        cause,
        group: codes(&group, &gl),
        stratum: codes(&stratum, &sl),
        weight,
    }
}

impl Case {
    fn data(&self, n_causes: usize) -> CompetingData<'_> {
        let d = CompetingData::new(&self.time, &self.cause, n_causes);
        match &self.weight {
            Some(w) => d.with_weights(w),
            None => d,
        }
    }
}

/// R's values (null = NA) against ours: NA matches NaN or None.
fn check(what: &str, ours: &[f64], r: &Value, rel: f64) {
    let r = nums(r);
    assert_eq!(
        ours.len(),
        r.len(),
        "{what}: length ours {} vs R {}",
        ours.len(),
        r.len()
    );
    for (i, (&a, &b)) in ours.iter().zip(&r).enumerate() {
        let ok = if b.is_nan() {
            a.is_nan()
        } else {
            common::close(a, b, rel)
        };
        assert!(ok, "{what}[{i}]: ours {a:e}, R {b:e}");
    }
}

fn opts(v: &[Option<f64>]) -> Vec<f64> {
    v.iter().map(|x| x.unwrap_or(f64::NAN)).collect()
}

fn counts(v: &[usize]) -> Vec<f64> {
    v.iter().map(|&x| x as f64).collect()
}

/// The state probabilities of a curve in R's order: "(s0)", then the causes.
fn states(c: &CifCurve) -> Vec<&StateProbability> {
    std::iter::once(&c.event_free)
        .chain(c.causes.iter().map(|k| &k.incidence))
        .collect()
}

fn check_curve(what: &str, ours: &[CifCurve; 3], r: &Value, at_times: &[f64]) {
    let c = &ours[0];
    check(&format!("{what} time"), &c.time, &r["time"], 0.0);
    check(
        &format!("{what} n.risk"),
        &counts(&c.n_risk),
        &r["n_risk"],
        0.0,
    );
    check(
        &format!("{what} n.censor"),
        &counts(&c.n_censor),
        &r["n_censor"],
        0.0,
    );
    for (j, cause) in c.causes.iter().enumerate() {
        check(
            &format!("{what} n.event[{j}]"),
            &counts(&cause.n_event),
            &r["n_event"][j],
            0.0,
        );
    }
    for (s, st) in states(c).iter().enumerate() {
        check(
            &format!("{what} pstate[{s}]"),
            &st.estimate,
            &r["estimate"][s],
            REL,
        );
        check(
            &format!("{what} std.err[{s}]"),
            &st.std_err,
            &r["std_err"][s],
            REL,
        );
    }
    for (ct, curve) in ["log", "log-log", "plain"].iter().zip(ours) {
        for (s, st) in states(curve).iter().enumerate() {
            let lim = &r["limits"][ct];
            check(
                &format!("{what} {ct} lower[{s}]"),
                &opts(&st.lower),
                &lim["lower"][s],
                REL,
            );
            check(
                &format!("{what} {ct} upper[{s}]"),
                &opts(&st.upper),
                &lim["upper"][s],
                REL,
            );
        }
    }
    let at = c.at(at_times);
    let ra = &r["at"];
    check(&format!("{what} at time"), &at.time, &ra["time"], 0.0);
    check(
        &format!("{what} at n.risk"),
        &counts(&at.n_risk),
        &ra["n_risk"],
        0.0,
    );
    let at_states: Vec<&StateProbability> = std::iter::once(&at.event_free)
        .chain(at.causes.iter())
        .collect();
    for (s, st) in at_states.iter().enumerate() {
        check(
            &format!("{what} at pstate[{s}]"),
            &st.estimate,
            &ra["estimate"][s],
            REL,
        );
        check(
            &format!("{what} at std.err[{s}]"),
            &st.std_err,
            &ra["std_err"][s],
            REL,
        );
        check(
            &format!("{what} at lower[{s}]"),
            &opts(&st.lower),
            &ra["lower"][s],
            REL,
        );
        check(
            &format!("{what} at upper[{s}]"),
            &opts(&st.upper),
            &ra["upper"][s],
            REL,
        );
    }
}

fn case_names() -> Vec<(String, Value)> {
    let r = json("competing/reference.json");
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_string(), c.clone()))
        .collect()
}

fn n_causes(r: &Value) -> usize {
    r["causes"].as_array().unwrap().len()
}

fn with_type(conf_type: ConfType) -> CifOptions {
    CifOptions {
        conf_type,
        ..CifOptions::default()
    }
}

const TYPES: [ConfType; 3] = [ConfType::Log, ConfType::LogLog, ConfType::Plain];

#[test]
fn aalen_johansen_matches_survfit() {
    for (name, r) in case_names() {
        let case = load(&name);
        let data = case.data(n_causes(&r));
        let at_times = at_times_of(&name);
        let pooled = TYPES.map(|t| aalen_johansen(&data, &with_type(t)).unwrap());
        check_curve(
            &format!("{name} pooled"),
            &pooled,
            &r["aalen_johansen"]["pooled"][0],
            &at_times,
        );
        let n_groups = r["levels"].as_array().map_or(1, |l| l.len());
        let by =
            TYPES.map(|t| aalen_johansen_by(&data, &case.group, n_groups, &with_type(t)).unwrap());
        for g in 0..n_groups {
            let curves = [by[0][g].clone(), by[1][g].clone(), by[2][g].clone()];
            check_curve(
                &format!("{name} group {g}"),
                &curves,
                &r["aalen_johansen"]["group"][g],
                &at_times,
            );
        }
    }
}

/// The times the R script asks `summary(fit, times =)` for.
fn at_times_of(name: &str) -> Vec<f64> {
    match name {
        "mgus2" => vec![0.0, 12.0, 60.0, 120.0, 240.0, 400.0, 424.0],
        "bmt" => vec![10.0, 100.0, 365.0, 1000.0, 2640.0],
        "hand" => vec![0.0, 0.5, 2.0, 2.5, 5.0, 9.0, 10.0, 11.0],
        other => panic!("unknown case {other}"),
    }
}

/// The one-pass standard errors equal those of the row-by-row influence recursion.
#[test]
fn one_pass_equals_row_by_row() {
    for (name, r) in case_names() {
        let case = load(&name);
        let data = case.data(n_causes(&r));
        let n_groups = r["levels"].as_array().map_or(1, |l| l.len());
        let o = CifOptions::default();
        let fast = aalen_johansen_by(&data, &case.group, n_groups, &o).unwrap();
        let direct = aalen_johansen_direct(&data, &case.group, n_groups, &o).unwrap();
        for (a, b) in fast.iter().zip(&direct) {
            assert_eq!(a.time, b.time);
            for (x, y) in states(a).iter().zip(states(b)) {
                assert_eq!(x.estimate, y.estimate, "{name}");
                common::assert_all_close(&format!("{name} se"), &x.std_err, &y.std_err, 1e-11);
            }
        }
    }
}

/// With a single cause the incidence is 1 − Kaplan-Meier, and its standard error is the robust (infinitesimal
/// jackknife) one of the Kaplan-Meier curve; unweighted, that equals Greenwood's.
#[test]
fn one_cause_is_one_minus_kaplan_meier() {
    let csv = Csv::read("lung/lung.csv");
    let time = csv.f64("time");
    let event: Vec<bool> = csv.f64("status").iter().map(|s| *s == 2.0).collect();
    let cause: Vec<u32> = event.iter().map(|&e| u32::from(e)).collect();
    let sex: Vec<u32> = csv.f64("sex").iter().map(|s| *s as u32 - 1).collect();
    let weight: Vec<f64> = csv.f64("age").iter().map(|a| a / 60.0).collect();
    let km_opts = KmOptions::default();
    let cif = aalen_johansen_by(
        &CompetingData::new(&time, &cause, 1),
        &sex,
        2,
        &CifOptions::default(),
    )
    .unwrap();
    let km = kaplan_meier_by(&time, &event, &sex, 2, &km_opts).unwrap();
    for (c, k) in cif.iter().zip(&km) {
        assert_eq!(c.time, k.time);
        let one_minus: Vec<f64> = k.surv.iter().map(|s| 1.0 - s).collect();
        common::assert_all_close("1 - KM", &c.causes[0].incidence.estimate, &one_minus, 1e-12);
        common::assert_all_close("S", &c.event_free.estimate, &k.surv, 1e-12);
        let greenwood: Vec<f64> = k
            .std_err
            .iter()
            .map(|s| if s.is_nan() { 0.0 } else { *s })
            .collect();
        common::assert_all_close(
            "Greenwood",
            &c.causes[0].incidence.std_err,
            &greenwood,
            1e-9,
        );
    }
    let weighted = CompetingData::new(&time, &cause, 1).with_weights(&weight);
    let cif = aalen_johansen_by(&weighted, &sex, 2, &CifOptions::default()).unwrap();
    let data = KmData {
        weight: Some(&weight),
        robust: true,
        ..KmData::new(&time, &event)
    };
    let km = kaplan_meier_general(&data, &sex, 2, &km_opts).unwrap();
    for (c, k) in cif.iter().zip(&km) {
        common::assert_all_close("S weighted", &c.event_free.estimate, &k.surv, 1e-12);
        common::assert_all_close(
            "robust se",
            &c.causes[0].incidence.std_err,
            &k.std_err,
            1e-9,
        );
        common::assert_all_close("robust se of S", &c.event_free.std_err, &k.std_err, 1e-9);
    }
}

#[test]
fn cuminc_matches_cmprsk() {
    for (name, r) in case_names() {
        let case = load(&name);
        let k = n_causes(&r);
        let data = CompetingData::new(&case.time, &case.cause, k);
        let n_groups = r["levels"].as_array().map_or(1, |l| l.len());
        let by = cuminc(&data, &case.group, n_groups).unwrap();
        let pooled = cuminc(&data, &vec![0; case.time.len()], 1).unwrap();
        let r_by = r["cuminc"].as_array().unwrap();
        let r_pooled = r["cuminc_pooled"].as_array().unwrap();
        for j in 0..k {
            for g in 0..n_groups {
                let (ours, theirs) = (&by[g][j], &r_by[j * n_groups + g]);
                let what = format!("{name} cuminc {}", theirs["name"]);
                check(&format!("{what} time"), &ours.time, &theirs["time"], 0.0);
                check(&format!("{what} est"), &ours.estimate, &theirs["est"], REL);
                check(&format!("{what} var"), &ours.variance, &theirs["var"], REL);
            }
            check(
                &format!("{name} pooled est"),
                &pooled[0][j].estimate,
                &r_pooled[j]["est"],
                REL,
            );
            check(
                &format!("{name} pooled var"),
                &pooled[0][j].variance,
                &r_pooled[j]["var"],
                REL,
            );
        }
    }
}

fn check_gray(what: &str, ours: &[sigsurv_core::GrayTest], r: &Value) {
    let stat: Vec<f64> = ours.iter().map(|t| t.statistic).collect();
    let df: Vec<f64> = ours.iter().map(|t| t.df as f64).collect();
    let p: Vec<f64> = ours.iter().map(|t| t.p_value).collect();
    check(&format!("{what} stat"), &stat, &r["stat"], REL);
    check(&format!("{what} df"), &df, &r["df"], 0.0);
    check(&format!("{what} p"), &p, &r["pv"], REL);
}

#[test]
fn gray_test_matches_cmprsk() {
    for (name, r) in case_names() {
        let case = load(&name);
        let data = CompetingData::new(&case.time, &case.cause, n_causes(&r));
        let n_groups = r["levels"].as_array().map_or(1, |l| l.len());
        let n_strata = *case.stratum.iter().max().unwrap() as usize + 1;
        let plain = gray_test(&data, &case.group, n_groups, None, 0.0).unwrap();
        check_gray(&format!("{name} gray"), &plain, &r["gray"]);
        let strat = gray_test(
            &data,
            &case.group,
            n_groups,
            Some((&case.stratum, n_strata)),
            0.0,
        )
        .unwrap();
        check_gray(
            &format!("{name} gray stratified"),
            &strat,
            &r["gray_stratified"],
        );
        let rho1 = gray_test(&data, &case.group, n_groups, None, 1.0).unwrap();
        check_gray(&format!("{name} gray rho 1"), &rho1, &r["gray_rho1"]);
    }
}

/// The covariate columns the R script builds for crr, by name, with NaN for R's NA.
fn covariate(name: &str, case: &str, csv: &Csv) -> Vec<f64> {
    match (case, name) {
        ("mgus2", "male") => csv
            .str("sex")
            .iter()
            .map(|s| f64::from(u8::from(s == "M")))
            .collect(),
        ("bmt", "g2") => csv
            .f64("group")
            .iter()
            .map(|g| f64::from(u8::from(*g == 2.0)))
            .collect(),
        ("bmt", "g3") => csv
            .f64("group")
            .iter()
            .map(|g| f64::from(u8::from(*g == 3.0)))
            .collect(),
        ("hand", "x") => {
            let (t, g) = (csv.f64("time"), csv.str("group"));
            (0..csv.n_rows)
                .map(|i| f64::from(u8::from(g[i] == "b")) + (t[i] % 3.0) / 4.0)
                .collect()
        }
        _ => csv.f64(name),
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        Value::String(s) => vec![s.clone()],
        other => panic!("not strings: {other}"),
    }
}

fn check_crr(what: &str, fit: &FineGrayFit, r: &Value) {
    check(&format!("{what} coef"), &fit.coef, &r["coef"], REL);
    check(&format!("{what} var"), &fit.var, &r["var"], REL);
    check(&format!("{what} invinf"), &fit.naive_var, &r["invinf"], REL);
    let se: Vec<f64> = fit.terms.iter().map(|t| t.se).collect();
    let se_naive: Vec<f64> = fit.terms.iter().map(|t| t.se_naive).collect();
    check(&format!("{what} se"), &se, &r["se"], REL);
    check(&format!("{what} se naive"), &se_naive, &r["se_naive"], REL);
    check(
        &format!("{what} loglik"),
        &[fit.loglik],
        &r["loglik"],
        1e-12,
    );
    check(
        &format!("{what} loglik null"),
        &[fit.loglik_null],
        &r["loglik_null"],
        1e-12,
    );
    assert_eq!(fit.n as u64, r["n"].as_u64().unwrap(), "{what} n");
    assert_eq!(
        fit.n_events as u64,
        r["n_events"].as_u64().unwrap(),
        "{what} events"
    );
    assert_eq!(
        fit.n_competing as u64,
        r["n_competing"].as_u64().unwrap(),
        "{what} competing"
    );
    assert_eq!(
        fit.converged,
        r["converged"].as_bool().unwrap(),
        "{what} converged"
    );
}

#[test]
fn fine_gray_matches_crr() {
    for (name, r) in case_names() {
        let case = load(&name);
        let csv = Csv::read(&format!("competing/{name}.csv"));
        for m in r["crr"].as_array().unwrap() {
            let names = strings(&m["cov"]);
            let failcode = m["failcode"].as_u64().unwrap() as u32;
            let cols: Vec<Vec<f64>> = names.iter().map(|c| covariate(c, &name, &csv)).collect();
            let keep: Vec<usize> = (0..case.time.len())
                .filter(|&i| cols.iter().all(|c| !c[i].is_nan()))
                .collect();
            let time: Vec<f64> = keep.iter().map(|&i| case.time[i]).collect();
            let cause: Vec<u32> = keep.iter().map(|&i| case.cause[i]).collect();
            let x: Vec<f64> = cols
                .iter()
                .flat_map(|c| keep.iter().map(|&i| c[i]))
                .collect();
            let data = CompetingData::new(&time, &cause, n_causes(&r));
            let o = FineGrayOptions::default();
            let what = format!("{name} crr failcode {failcode}");
            let fast = fine_gray(&data, failcode, &x, &names, &o).unwrap();
            check_crr(&what, &fast, m);
            let reference = fine_gray_reference(&data, failcode, &x, &names, &o).unwrap();
            check_crr(&format!("{what} (reference)"), &reference, m);
            common::assert_all_close(
                &format!("{what} coef vs reference"),
                &fast.coef,
                &reference.coef,
                1e-11,
            );
            common::assert_all_close(
                &format!("{what} var vs reference"),
                &fast.var,
                &reference.var,
                1e-10,
            );
            common::assert_all_close(
                &format!("{what} invinf vs reference"),
                &fast.naive_var,
                &reference.naive_var,
                1e-10,
            );
        }
    }
}

//! Shared by the Cox golden tests: turns a case of `fixtures/cox/*.json` (data file or inline data,
//! formula, options) into a fitted model, the way the CLI does (formula -> columns -> NA rows dropped ->
//! design -> fit).
#![allow(dead_code)]

use crate::common::{fixture, Csv};
use serde_json::Value;
use sigsurv_core::cox::{
    cox_ph, with_forced_path, CoxData, CoxFit, CoxOptions, CoxPath, ForcedPath, Ties,
};
use sigsurv_core::design::{build_design, ColumnData, Design};
use sigsurv_core::formula::{parse_formula, Formula, Response};

/// Every path of the Cox evaluation: the reference pass, the two regrouped paths, and these two on their portable
/// kernels (which an AVX2 machine otherwise never runs). A regrouped path forced on (start, stop] data runs the
/// reference pass.
pub const PATHS: [(&str, ForcedPath); 5] = [
    ("sequential", forced(CoxPath::Sequential, false)),
    ("blocked", forced(CoxPath::Blocked, false)),
    ("grouped", forced(CoxPath::Grouped, false)),
    ("blocked, portable kernels", forced(CoxPath::Blocked, true)),
    ("grouped, portable kernels", forced(CoxPath::Grouped, true)),
];

const fn forced(path: CoxPath, portable: bool) -> ForcedPath {
    ForcedPath { path, portable }
}

/// Runs `check` once per evaluation path (every fit inside it takes that path), with the path's name for the
/// messages.
pub fn for_each_path(mut check: impl FnMut(&str)) {
    for (label, path) in PATHS {
        with_forced_path(path, || check(label));
    }
}

/// The data of one case after NA rows are dropped.
pub struct Case {
    pub formula: Formula,
    pub design: Design,
    pub start: Option<Vec<f64>>,
    pub stop: Vec<f64>,
    pub event: Vec<bool>,
    pub weights: Option<Vec<f64>>,
    pub opts: CoxOptions,
}

impl Case {
    pub fn data(&self) -> CoxData<'_> {
        CoxData::from_design(
            &self.design,
            self.start.as_deref(),
            &self.stop,
            &self.event,
            self.weights.as_deref(),
        )
    }

    pub fn fit(&self) -> CoxFit {
        cox_ph(&self.data(), &self.opts).unwrap()
    }
}

fn raw_columns(case: &Value) -> (Vec<String>, Vec<Vec<String>>) {
    match &case["data"] {
        Value::String(name) => {
            let csv = Csv::read(&format!("{name}/{name}.csv"));
            let mut names: Vec<String> = csv.columns.keys().cloned().collect();
            names.sort();
            let mut cols: Vec<Vec<String>> = names.iter().map(|n| csv.str(n).to_vec()).collect();
            if name == "rotterdam" {
                // R script: d$nodes1 <- d$nodes + 1
                let nodes = csv.f64("nodes");
                names.push("nodes1".into());
                cols.push(nodes.iter().map(|v| format!("{}", v + 1.0)).collect());
            }
            (names, cols)
        }
        Value::Object(map) => {
            let names: Vec<String> = map.keys().cloned().collect();
            let cols = map
                .values()
                .map(|v| {
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|x| match x {
                            Value::Null => "NA".to_string(),
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            (names, cols)
        }
        other => panic!("bad data {other}"),
    }
}

pub fn load(case: &Value) -> Case {
    let formula = parse_formula(case["formula"].as_str().unwrap()).unwrap();
    let (names, cols) = raw_columns(case);
    let get = |n: &str| {
        &cols[names
            .iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("no column {n}"))]
    };
    let used = formula.columns();
    let nrow = cols[0].len();
    let is_na = |s: &str| s == "NA" || s.is_empty();
    let keep: Vec<usize> = (0..nrow)
        .filter(|&i| used.iter().all(|c| !is_na(&get(c)[i])))
        .collect();
    let num = |c: &str| -> Option<Vec<f64>> {
        keep.iter()
            .map(|&i| get(c)[i].parse::<f64>().ok())
            .collect()
    };
    let columns: Vec<(String, ColumnData)> = used
        .iter()
        .map(|c| {
            let data = match num(c) {
                Some(v) => ColumnData::Numeric(v),
                None => ColumnData::Text(keep.iter().map(|&i| get(c)[i].clone()).collect()),
            };
            (c.clone(), data)
        })
        .collect();
    let design = build_design(&formula, &columns).unwrap();
    let event_of = |c: &str| {
        let v = num(c).unwrap();
        let one_two = v.iter().all(|&x| x == 1.0 || x == 2.0);
        v.iter()
            .map(|&x| if one_two { x == 2.0 } else { x != 0.0 })
            .collect::<Vec<bool>>()
    };
    let (start, stop, event) = match &formula.response {
        Response::Right { time, event } => (None, num(time).unwrap(), event_of(event)),
        Response::Counting { start, stop, event } => (
            Some(num(start).unwrap()),
            num(stop).unwrap(),
            event_of(event),
        ),
    };
    let weights = case["weights"].as_str().map(|w| {
        keep.iter()
            .map(|&i| {
                if w == "cyclic" {
                    1.0 + (i % 3) as f64 / 2.0
                } else {
                    1.0 + (i % 3) as f64
                }
            })
            .collect()
    });
    let ties = match case["ties"].as_str() {
        Some("breslow") => Ties::Breslow,
        _ => Ties::Efron,
    };
    let opts = CoxOptions {
        ties,
        robust: case["robust"].as_bool().unwrap_or(false),
        ..Default::default()
    };
    Case {
        formula,
        design,
        start,
        stop,
        event,
        weights,
        opts,
    }
}

/// The reference file of the Cox golden tests.
pub fn reference(rel: &str) -> Value {
    let path = fixture(rel);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

//! Expected results for `sigsurv check`: numbers from a publication, each with a tolerance, compared with an
//! analysis' `summary.json`.
//!
//! ```toml
//! [defaults]
//! rel_tol = 0.05                       # used where an expectation gives no tolerance
//!
//! [[expect]]
//! name = "HR high vs low"
//! path = "cox_groups.terms[term=group=high].exp_coef"
//! value = 1.8
//! abs_tol = 0.1
//!
//! [[expect]]
//! path = "logrank.p_value"
//! max = 0.05                           # a bound instead of a value
//!
//! [[expect]]
//! path = "genes_used"
//! length = 27                          # a list's length
//! contains = ["IL1B", "MYD88"]         # members of a list, compared as text
//!
//! [[expect]]
//! path = "split"
//! equals = "median"                    # a value compared as text
//!
//! [[curve]]                            # a point of a published Kaplan-Meier curve
//! group = "high"
//! # cohort = "brca_a"                  # with several cohorts: whose curve
//! time = 60
//! surv = 0.72
//! abs_tol = 0.03
//!
//! [[curve]]                            # a disease-specific endpoint: a point of a cumulative incidence curve
//! group = "high"
//! cause = "Died of Disease"
//! time = 60
//! incidence = 0.21
//! ```
//! A path walks the JSON: `key`, `key[3]` (an array index) or `key[field=value]` (the array element whose `field`
//! equals `value`, compared as text), separated by dots.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFile {
    #[serde(default)]
    pub defaults: Tolerance,
    #[serde(default)]
    pub expect: Vec<Expectation>,
    #[serde(default)]
    pub curve: Vec<CurvePoint>,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    pub rel_tol: Option<f64>,
    pub abs_tol: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub name: Option<String>,
    pub path: String,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub rel_tol: Option<f64>,
    pub abs_tol: Option<f64>,
    /// The number of elements of the list (or keys of the object) at `path`.
    pub length: Option<usize>,
    /// Values the list at `path` must hold, compared as text.
    pub contains: Option<Vec<String>>,
    /// The value at `path`, compared as text (`"median"`, `true`, `3`).
    pub equals: Option<String>,
}

impl Expectation {
    /// Whether the entry checks something that is not a number.
    fn checks_shape(&self) -> bool {
        self.length.is_some() || self.contains.is_some() || self.equals.is_some()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurvePoint {
    pub name: Option<String>,
    /// The group as named in the analysis (`low`, `high`, ...); omit for a single curve.
    pub group: Option<String>,
    /// The cohort, in an analysis of several cohorts.
    pub cohort: Option<String>,
    pub time: f64,
    /// S(t) of a Kaplan-Meier curve.
    pub surv: Option<f64>,
    /// With `cause`: the cumulative incidence F(t) of that cause (the analysis' `cif` curves).
    pub cause: Option<String>,
    pub incidence: Option<f64>,
    pub rel_tol: Option<f64>,
    pub abs_tol: Option<f64>,
}

impl CurvePoint {
    /// The expected value: S(t), or a cause's F(t).
    fn expected(&self) -> f64 {
        self.surv.or(self.incidence).unwrap_or(f64::NAN)
    }
}

/// One line of the check report.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub expected: String,
    pub observed: Option<f64>,
    pub ok: bool,
    pub note: String,
    /// The entry names nothing in the summary (a path or curve that does not exist): the expected file is wrong,
    /// not the analysis.
    pub unresolved: bool,
}

impl ExpectedFile {
    /// Problems that make the file check nothing or nonsense, one line each naming the entry: an `[[expect]]`
    /// without a value or bound, a tolerance without a value, a negative or non-finite tolerance, a non-finite
    /// number, `min > max`, a curve point outside 0..1 or at a negative time. Empty when the file is sound.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        tolerance_problems("[defaults]", self.defaults, &mut out);
        for (i, e) in self.expect.iter().enumerate() {
            let at = match &e.name {
                Some(n) => format!("[[expect]] {} (\"{n}\")", i + 1),
                None => format!("[[expect]] {} (path \"{}\")", i + 1, e.path),
            };
            if e.path.trim().is_empty() {
                out.push(format!("{at}: empty path"));
            }
            if e.value.is_none() && e.min.is_none() && e.max.is_none() && !e.checks_shape() {
                out.push(format!(
                    "{at}: checks nothing: give a value (with a tolerance), a min, a max, a length, \
                     contains or equals"
                ));
            }
            if e.checks_shape() && (e.value.is_some() || e.min.is_some() || e.max.is_some()) {
                out.push(format!(
                    "{at}: a number (value, min, max) and length/contains/equals in one entry: give \
                     each its own [[expect]]"
                ));
            }
            if e.value.is_none() && (e.rel_tol.is_some() || e.abs_tol.is_some()) {
                out.push(format!("{at}: a tolerance without a value"));
            }
            for (key, v) in [("value", e.value), ("min", e.min), ("max", e.max)] {
                if let Some(v) = v.filter(|v| !v.is_finite()) {
                    out.push(format!("{at}: {key} = {v} is not a finite number"));
                }
            }
            if let (Some(lo), Some(hi)) = (e.min, e.max) {
                if lo > hi {
                    out.push(format!("{at}: min = {lo} is above max = {hi}"));
                }
            }
            let tol = Tolerance {
                rel_tol: e.rel_tol,
                abs_tol: e.abs_tol,
            };
            tolerance_problems(&at, tol, &mut out);
        }
        for (i, c) in self.curve.iter().enumerate() {
            let at = match &c.name {
                Some(n) => format!("[[curve]] {} (\"{n}\")", i + 1),
                None => format!("[[curve]] {}", i + 1),
            };
            if !(c.time.is_finite() && c.time >= 0.0) {
                out.push(format!(
                    "{at}: time = {} must be a finite number >= 0",
                    c.time
                ));
            }
            match (c.surv, c.incidence, &c.cause) {
                (Some(_), None, None) | (None, Some(_), Some(_)) => {}
                (_, _, None) => out.push(format!(
                    "{at}: give surv = S(t) (a Kaplan-Meier curve), or cause and incidence (a cumulative incidence curve)"
                )),
                (_, _, Some(cause)) => out.push(format!(
                    "{at}: with cause = \"{cause}\" give incidence = F(t) (not surv)"
                )),
            }
            for (key, v) in [("surv", c.surv), ("incidence", c.incidence)] {
                if let Some(v) = v.filter(|v| !(0.0..=1.0).contains(v)) {
                    out.push(format!("{at}: {key} = {v} must be between 0 and 1"));
                }
            }
            let tol = Tolerance {
                rel_tol: c.rel_tol,
                abs_tol: c.abs_tol,
            };
            tolerance_problems(&at, tol, &mut out);
        }
        out
    }
}

fn tolerance_problems(at: &str, t: Tolerance, out: &mut Vec<String>) {
    for (key, v) in [("rel_tol", t.rel_tol), ("abs_tol", t.abs_tol)] {
        if let Some(v) = v.filter(|v| !(v.is_finite() && *v >= 0.0)) {
            out.push(format!("{at}: {key} = {v} must be a finite number >= 0"));
        }
    }
}

/// Evaluates every expectation against `summary`.
pub fn evaluate(file: &ExpectedFile, summary: &Value) -> Vec<Outcome> {
    let mut out = Vec::new();
    for e in &file.expect {
        let name = e.name.clone().unwrap_or_else(|| e.path.clone());
        if e.checks_shape() {
            out.push(judge_shape(name, e, summary));
            continue;
        }
        let observed = lookup(summary, &e.path);
        let tol = Tolerance {
            rel_tol: e.rel_tol.or(file.defaults.rel_tol),
            abs_tol: e.abs_tol.or(file.defaults.abs_tol),
        };
        out.push(match observed {
            Err(why) => Outcome {
                name,
                expected: describe(e, tol),
                observed: None,
                ok: false,
                note: why,
                unresolved: true,
            },
            Ok(x) => {
                let (ok, note) = judge(x, e.value, e.min, e.max, tol);
                Outcome {
                    name,
                    expected: describe(e, tol),
                    observed: Some(x),
                    ok,
                    note,
                    unresolved: false,
                }
            }
        });
    }
    for c in &file.curve {
        let name = c.name.clone().unwrap_or_else(|| {
            format!(
                "{}({}){}",
                c.cause
                    .as_ref()
                    .map_or("S".to_string(), |k| format!("F[{k}]")),
                c.time,
                c.group
                    .as_ref()
                    .map(|g| format!(" in {g}"))
                    .unwrap_or_default()
                    + &c.cohort
                        .as_ref()
                        .map(|g| format!(" of cohort {g}"))
                        .unwrap_or_default()
            )
        });
        let tol = Tolerance {
            rel_tol: c.rel_tol.or(file.defaults.rel_tol),
            abs_tol: c.abs_tol.or(file.defaults.abs_tol),
        };
        let expected = format!("{} {}", c.expected(), tol_text(tol));
        out.push(
            match curve_at(
                summary,
                c.cohort.as_deref(),
                c.group.as_deref(),
                c.cause.as_deref(),
                c.time,
            ) {
                Err(why) => Outcome {
                    name,
                    expected,
                    observed: None,
                    ok: false,
                    note: why,
                    unresolved: true,
                },
                Ok(s) => {
                    let (ok, note) = judge(s, Some(c.expected()), None, None, tol);
                    Outcome {
                        name,
                        expected,
                        observed: Some(s),
                        ok,
                        note,
                        unresolved: false,
                    }
                }
            },
        );
    }
    out
}

fn tol_text(t: Tolerance) -> String {
    match (t.abs_tol, t.rel_tol) {
        (Some(a), _) => format!("± {a}"),
        (None, Some(r)) => format!("± {}%", r * 100.0),
        (None, None) => "exactly".into(),
    }
}

fn describe(e: &Expectation, tol: Tolerance) -> String {
    let mut parts = Vec::new();
    if let Some(v) = e.value {
        parts.push(format!("{v} {}", tol_text(tol)));
    }
    if let Some(m) = e.min {
        parts.push(format!(">= {m}"));
    }
    if let Some(m) = e.max {
        parts.push(format!("<= {m}"));
    }
    parts.join(", ")
}

/// Whether `x` agrees with the expectation; a note says by how much it misses.
fn judge(
    x: f64,
    value: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    tol: Tolerance,
) -> (bool, String) {
    if x.is_nan() {
        return (false, "not a number (undefined in the analysis)".into());
    }
    if let Some(v) = value {
        let diff = (x - v).abs();
        let ok = match (tol.abs_tol, tol.rel_tol) {
            (Some(a), _) => diff <= a,
            (None, Some(r)) => diff <= r * v.abs(),
            (None, None) => diff == 0.0,
        };
        if !ok {
            return (
                false,
                format!("off by {}", crate::render::text::sig(x - v, 3)),
            );
        }
    }
    if let Some(m) = min {
        if x < m {
            return (false, format!("below the minimum {m}"));
        }
    }
    if let Some(m) = max {
        if x > m {
            return (false, format!("above the maximum {m}"));
        }
    }
    (true, String::new())
}

/// A length, membership or text expectation.
fn judge_shape(name: String, e: &Expectation, summary: &Value) -> Outcome {
    let mut expected = Vec::new();
    if let Some(n) = e.length {
        expected.push(format!("length {n}"));
    }
    if let Some(want) = &e.contains {
        expected.push(format!("contains {}", want.join(", ")));
    }
    if let Some(want) = &e.equals {
        expected.push(format!("= {want}"));
    }
    let expected = expected.join(", ");
    let found = match lookup_value(summary, &e.path) {
        Err(why) => {
            return Outcome {
                name,
                expected,
                observed: None,
                ok: false,
                note: why,
                unresolved: true,
            }
        }
        Ok(v) => v,
    };
    let len = match found {
        Value::Array(a) => Some(a.len()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    };
    let mut problems = Vec::new();
    if let Some(n) = e.length {
        match len {
            Some(have) if have == n => {}
            Some(have) => problems.push(format!("has {have} elements")),
            None => problems.push(format!("not a list: {found}")),
        }
    }
    if let Some(want) = &e.contains {
        match found.as_array() {
            Some(items) => {
                let have: Vec<String> = items.iter().map(text).collect();
                let missing: Vec<&str> = want
                    .iter()
                    .filter(|w| !have.contains(w))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    problems.push(format!("lacks {}", missing.join(", ")));
                }
            }
            None => problems.push(format!("not a list: {found}")),
        }
    }
    if let Some(want) = &e.equals {
        if &text(found) != want {
            problems.push(format!("is {}", text(found)));
        }
    }
    Outcome {
        name,
        expected,
        observed: len.map(|n| n as f64),
        ok: problems.is_empty(),
        note: problems.join("; "),
        unresolved: false,
    }
}

/// The number at `path` in `v`.
pub fn lookup(v: &Value, path: &str) -> Result<f64, String> {
    match lookup_value(v, path)? {
        Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
        Value::Null => Ok(f64::NAN),
        other => Err(format!("not a number: {other}")),
    }
}

/// The value at `path` in `v`.
fn lookup_value<'a>(v: &'a Value, path: &str) -> Result<&'a Value, String> {
    let mut cur = v;
    for seg in split_path(path) {
        let (key, selector) = match seg.find('[') {
            Some(i) if seg.ends_with(']') => (&seg[..i], Some(&seg[i + 1..seg.len() - 1])),
            _ => (seg.as_str(), None),
        };
        if !key.is_empty() {
            cur = cur.get(key).ok_or_else(|| {
                let keys: Vec<String> = cur
                    .as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                format!("no key \"{key}\" (keys here: {})", keys.join(", "))
            })?;
        }
        if let Some(sel) = selector {
            let arr = cur
                .as_array()
                .ok_or_else(|| format!("\"{key}\" is not a list"))?;
            cur = match sel.split_once('=') {
                None => {
                    let i: usize = sel.parse().map_err(|_| format!("bad index [{sel}]"))?;
                    arr.get(i).ok_or_else(|| {
                        format!("index {i} beyond the {} elements of \"{key}\"", arr.len())
                    })?
                }
                Some((field, want)) => arr
                    .iter()
                    .find(|el| el.get(field).map(text).as_deref() == Some(want))
                    .ok_or_else(|| {
                        let have: Vec<String> = arr
                            .iter()
                            .filter_map(|el| el.get(field).map(text))
                            .collect();
                        format!(
                            "no element of \"{key}\" with {field} = {want} (have: {})",
                            have.join(", ")
                        )
                    })?,
            };
        }
    }
    Ok(cur)
}

/// Splits on dots outside brackets (a selector value may contain dots, e.g. `[term=log(x.1)]`).
fn split_path(path: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0;
    for ch in path.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        out.last_mut().expect("never empty").push(ch);
    }
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// S(t) of a group's Kaplan-Meier curve in `summary.km`, or with `cause` that cause's F(t) in `summary.cif`;
/// in `summary.cohorts[cohort=..]` with several cohorts. The step function: S = 1 and F = 0 before the first time.
fn curve_at(
    summary: &Value,
    cohort: Option<&str>,
    group: Option<&str>,
    cause: Option<&str>,
    t: f64,
) -> Result<f64, String> {
    let cohorts = summary["cohorts"].as_array();
    let summary = match (cohort, cohorts) {
        (None, None) => summary,
        (None, Some(_)) => return Err("several cohorts: name the cohort".into()),
        (Some(_), None) => return Err("the analysis has no cohorts".into()),
        (Some(name), Some(all)) => all
            .iter()
            .find(|c| c["cohort"].as_str() == Some(name))
            .ok_or_else(|| {
                let have: Vec<&str> = all.iter().filter_map(|c| c["cohort"].as_str()).collect();
                format!("no cohort \"{name}\" (have: {})", have.join(", "))
            })?,
    };
    let key = if cause.is_some() { "cif" } else { "km" };
    let groups = summary[key]["groups"].as_array().ok_or_else(|| match cause {
        Some(_) => "the summary has no cif.groups (the analysis has no cause =)".to_string(),
        None => "the summary has no km.groups (a disease-specific analysis: give cause and incidence)".to_string(),
    })?;
    let g = match group {
        Some(name) => groups
            .iter()
            .find(|g| g["group"].as_str() == Some(name))
            .ok_or_else(|| {
                let have: Vec<String> = groups
                    .iter()
                    .filter_map(|g| g["group"].as_str().map(str::to_string))
                    .collect();
                format!("no group \"{name}\" (have: {})", have.join(", "))
            })?,
        None if groups.len() == 1 => &groups[0],
        None => return Err("several curves: name the group".into()),
    };
    let (curve, values, before) = match cause {
        None => (&g["table"], "surv", 1.0),
        Some(cause) => {
            let causes = g["causes"].as_array().ok_or("curve without causes")?;
            let c = causes
                .iter()
                .find(|c| c["cause"].as_str() == Some(cause))
                .ok_or_else(|| {
                    let have: Vec<&str> =
                        causes.iter().filter_map(|c| c["cause"].as_str()).collect();
                    format!("no cause \"{cause}\" (have: {})", have.join(", "))
                })?;
            (c, "estimate", 0.0)
        }
    };
    let times = curve["time"].as_array().ok_or("curve without times")?;
    let ys = curve[values]
        .as_array()
        .ok_or_else(|| format!("curve without {values}"))?;
    let mut y = before;
    for (ti, yi) in times.iter().zip(ys) {
        if ti.as_f64().unwrap_or(f64::NAN) <= t {
            y = yi.as_f64().unwrap_or(f64::NAN);
        } else {
            break;
        }
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary() -> Value {
        json!({
            "logrank": {"p_value": 0.01},
            "cox_groups": {"terms": [{"term": "group=high", "exp_coef": 1.82, "lower": 1.3}]},
            "km": {"groups": [{"group": "high", "table": {"time": [1.0, 5.0], "surv": [0.9, 0.7]}}]},
        })
    }

    #[test]
    fn paths_and_selectors() {
        let s = summary();
        assert_eq!(lookup(&s, "logrank.p_value"), Ok(0.01));
        assert_eq!(
            lookup(&s, "cox_groups.terms[term=group=high].exp_coef"),
            Ok(1.82)
        );
        assert_eq!(lookup(&s, "cox_groups.terms[0].lower"), Ok(1.3));
        assert!(lookup(&s, "cox_groups.terms[term=group=mid].exp_coef")
            .unwrap_err()
            .contains("have: group=high"));
        assert!(lookup(&s, "logrank.chisq")
            .unwrap_err()
            .contains("keys here: p_value"));
    }

    #[test]
    fn tolerances_bounds_and_curves() {
        let file: ExpectedFile = toml::from_str(
            r#"
            [defaults]
            rel_tol = 0.05
            [[expect]]
            path = "cox_groups.terms[term=group=high].exp_coef"
            value = 1.8
            [[expect]]
            path = "logrank.p_value"
            max = 0.005
            [[curve]]
            group = "high"
            time = 4
            surv = 0.88
            abs_tol = 0.03
            "#,
        )
        .unwrap();
        let r = evaluate(&file, &summary());
        assert!(r[0].ok, "{r:?}");
        assert!(!r[1].ok && r[1].note.contains("above the maximum"));
        assert!(r[2].ok && r[2].observed == Some(0.9));
    }

    #[test]
    fn entries_that_check_nothing_or_nonsense_are_problems() {
        let file: ExpectedFile = toml::from_str(
            r#"
            [[expect]]
            path = "logrank.p_value"
            [[expect]]
            name = "HR"
            path = "x"
            value = 1.8
            abs_tol = -1
            [[expect]]
            path = "y"
            min = 2
            max = 1
            [[expect]]
            path = "z"
            value = nan
            [[curve]]
            time = 5
            surv = 1.5
            "#,
        )
        .unwrap();
        let p = file.problems();
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(p[0].contains("[[expect]] 1 (path \"logrank.p_value\"): checks nothing"));
        assert!(p[1].contains("[[expect]] 2 (\"HR\"): abs_tol = -1"));
        assert!(p[2].contains("min = 2 is above max = 1"));
        assert!(p[3].contains("value = NaN is not a finite number"));
        assert!(p[4].contains("[[curve]] 1: surv = 1.5"));
        let good: ExpectedFile = toml::from_str("[[expect]]\npath = \"a\"\nmax = 0.05\n").unwrap();
        assert!(good.problems().is_empty());
    }

    #[test]
    fn lengths_members_and_text() {
        let s = json!({"signature": {"genes_used": ["IL1B", "MYD88", "SYK"], "method": "mean-z"}});
        let file: ExpectedFile = toml::from_str(
            r#"
            [[expect]]
            path = "signature.genes_used"
            length = 3
            contains = ["IL1B", "SYK"]
            [[expect]]
            path = "signature.genes_used"
            length = 4
            contains = ["TLR4", "IL1B", "IL1R2"]
            [[expect]]
            path = "signature.method"
            equals = "mean-z"
            [[expect]]
            path = "signature.method"
            equals = "ssgsea"
            [[expect]]
            path = "signature.nothing"
            length = 1
            "#,
        )
        .unwrap();
        assert!(file.problems().is_empty(), "{:?}", file.problems());
        let out = evaluate(&file, &s);
        let ok: Vec<bool> = out.iter().map(|o| o.ok).collect();
        assert_eq!(ok, [true, false, true, false, false]);
        assert_eq!(out[0].observed, Some(3.0));
        assert_eq!(out[1].note, "has 3 elements; lacks TLR4, IL1R2");
        assert_eq!(out[3].note, "is mean-z");
        assert!(out[4].unresolved);
        let mixed: ExpectedFile =
            toml::from_str("[[expect]]\npath = \"a\"\nvalue = 1\nlength = 2\n").unwrap();
        assert_eq!(mixed.problems().len(), 1, "{:?}", mixed.problems());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml::from_str::<ExpectedFile>(
            "[[expect]]\npath = \"x\"\nvalue = 1\ntolerance = 0.1\n",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("unknown field `tolerance`"),
            "{err}"
        );
    }
}

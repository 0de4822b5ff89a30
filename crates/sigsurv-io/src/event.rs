//! Decoding an event (status) column into event = true / censored = false.
//!
//! Accepted codings, checked in this order:
//! - `--event-value VALUE`: the rows whose value, as written, equals VALUE are events; everything else is censored;
//! - booleans (`true`/`false`, any case): true is an event;
//! - numbers with values in {0, 1}: 1 is an event;
//! - numbers with values in {1, 2} including 2: R's coding, 1 = censored, 2 = event (R's `Surv` does the same);
//! - cBioPortal strings `0:...` / `1:...` (`0:LIVING`/`1:DECEASED`, `0:DiseaseFree`/`1:Recurred/Progressed`):
//!   the leading digit decides.
//!
//! Anything else is ambiguous and an error that lists the values seen.

use crate::error::{IoError, Result};
use crate::table::{format_number, ColumnValues};
use std::collections::BTreeSet;
use std::path::Path;

/// How an event column was read; reported in outputs so a user can check it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventCoding {
    ZeroOne,
    OneTwo,
    Boolean,
    CbioPortal,
    Value(String),
}

impl EventCoding {
    pub fn describe(&self) -> String {
        match self {
            EventCoding::ZeroOne => "0/1 (1 = event)".into(),
            EventCoding::OneTwo => "1/2 (2 = event, as R)".into(),
            EventCoding::Boolean => "true/false (true = event)".into(),
            EventCoding::CbioPortal => "cBioPortal \"0:...\"/\"1:...\" (1 = event)".into(),
            EventCoding::Value(v) => format!("\"{v}\" = event"),
        }
    }
}

/// Decodes `values` (column `column` of `path`, for messages).
pub fn decode_event(
    values: &ColumnValues,
    event_value: Option<&str>,
    path: &Path,
    column: &str,
) -> Result<(Vec<bool>, EventCoding)> {
    let distinct = distinct_labels(values);
    if let Some(ev) = event_value {
        if !distinct.iter().any(|d| d == ev) {
            return Err(IoError::EventValueAbsent {
                path: path.to_path_buf(),
                column: column.to_string(),
                value: ev.to_string(),
                values: distinct,
            });
        }
        let events = (0..values.len()).map(|i| values.label(i) == ev).collect();
        return Ok((events, EventCoding::Value(ev.to_string())));
    }
    let ambiguous = || IoError::AmbiguousEvent {
        path: path.to_path_buf(),
        column: column.to_string(),
        values: distinct.clone(),
    };
    match values {
        ColumnValues::Bool(v) => Ok((v.clone(), EventCoding::Boolean)),
        ColumnValues::Numeric(v) => numeric_coding(v).ok_or_else(ambiguous),
        ColumnValues::Text(v) => {
            if let Some(nums) = v
                .iter()
                .map(|s| s.parse::<f64>().ok())
                .collect::<Option<Vec<f64>>>()
            {
                return numeric_coding(&nums).ok_or_else(ambiguous);
            }
            let lower: Vec<String> = v.iter().map(|s| s.to_ascii_lowercase()).collect();
            if lower.iter().all(|s| s == "true" || s == "false") {
                return Ok((
                    lower.iter().map(|s| s == "true").collect(),
                    EventCoding::Boolean,
                ));
            }
            if v.iter().all(|s| s.starts_with("0:") || s.starts_with("1:")) {
                return Ok((
                    v.iter().map(|s| s.starts_with("1:")).collect(),
                    EventCoding::CbioPortal,
                ));
            }
            Err(ambiguous())
        }
    }
}

fn numeric_coding(v: &[f64]) -> Option<(Vec<bool>, EventCoding)> {
    let (mut has0, mut has2) = (false, false);
    for &x in v {
        match x {
            0.0 => has0 = true,
            1.0 => {}
            2.0 => has2 = true,
            _ => return None,
        }
    }
    match (has0, has2) {
        (_, false) => Some((v.iter().map(|&x| x == 1.0).collect(), EventCoding::ZeroOne)),
        (false, true) => Some((v.iter().map(|&x| x == 2.0).collect(), EventCoding::OneTwo)),
        (true, true) => None,
    }
}

/// The distinct values as written, numbers in numeric order, at most 20 listed.
fn distinct_labels(values: &ColumnValues) -> Vec<String> {
    let mut out: Vec<String> = match values {
        ColumnValues::Numeric(v) => {
            let mut u: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            u.sort_by(f64::total_cmp);
            u.dedup();
            u.into_iter().map(format_number).collect()
        }
        ColumnValues::Text(v) => v
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        ColumnValues::Bool(v) => v
            .iter()
            .map(|b| b.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    if out.len() > 20 {
        let more = out.len() - 20;
        out.truncate(20);
        out.push(format!("... ({more} more)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(v: ColumnValues) -> Result<(Vec<bool>, EventCoding)> {
        decode_event(&v, None, Path::new("t.csv"), "status")
    }

    #[test]
    fn codings() {
        assert_eq!(
            dec(ColumnValues::Numeric(vec![0.0, 1.0])).unwrap().0,
            vec![false, true]
        );
        let (e, c) = dec(ColumnValues::Numeric(vec![1.0, 2.0, 2.0])).unwrap();
        assert_eq!((e, c), (vec![false, true, true], EventCoding::OneTwo));
        let (e, c) = dec(ColumnValues::Text(vec![
            "0:LIVING".into(),
            "1:DECEASED".into(),
        ]))
        .unwrap();
        assert_eq!((e, c), (vec![false, true], EventCoding::CbioPortal));
        assert_eq!(
            dec(ColumnValues::Text(vec!["TRUE".into(), "false".into()]))
                .unwrap()
                .0,
            vec![true, false]
        );
    }

    #[test]
    fn three_values_are_ambiguous() {
        let err = dec(ColumnValues::Numeric(vec![0.0, 1.0, 2.0])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "event column \"status\" in t.csv has 3 distinct values: 0, 1, 2"
        );
    }

    #[test]
    fn event_value() {
        let v = ColumnValues::Text(vec!["dead".into(), "alive".into()]);
        let (e, _) = decode_event(&v, Some("dead"), Path::new("t.csv"), "vital").unwrap();
        assert_eq!(e, vec![true, false]);
        assert!(decode_event(&v, Some("Dead"), Path::new("t.csv"), "vital").is_err());
    }
}

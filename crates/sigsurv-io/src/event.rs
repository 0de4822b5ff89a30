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
use crate::table::{format_number, ColumnValues, Table, TextColumn};
use rayon::prelude::*;
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

/// Decodes column `column` of `table` as [`decode_event`] does; a NaN in a numeric column is an error naming its
/// line first (it is neither an event nor a censoring, and not a missing value: polars reads `NaN` as a number).
pub fn decode_event_column(
    table: &Table,
    column: &str,
    event_value: Option<&str>,
) -> Result<(Vec<bool>, EventCoding)> {
    let values = table.get(column);
    if let ColumnValues::Numeric(v) = values {
        if let Some(i) = v.iter().position(|x| x.is_nan()) {
            return Err(IoError::InvalidValue {
                path: table.path.clone(),
                column: column.to_string(),
                location: table.location(i),
                value: "NaN".into(),
                what: "event value".into(),
            });
        }
    }
    decode_event(values, event_value, &table.path, column)
}

/// Decodes `values` (column `column` of `path`, for messages).
pub fn decode_event(
    values: &ColumnValues,
    event_value: Option<&str>,
    path: &Path,
    column: &str,
) -> Result<(Vec<bool>, EventCoding)> {
    // The distinct values are listed only in error messages: finding them sorts the column.
    if let Some(ev) = event_value {
        let events: Vec<bool> = match values {
            ColumnValues::Text(v) => by_level(v, |_, l| l == ev),
            ColumnValues::Numeric(v) => {
                // Format each distinct number once (consecutive repeats are the common case).
                let mut last: Option<(u64, bool)> = None;
                v.iter()
                    .map(|x| match last {
                        Some((bits, hit)) if bits == x.to_bits() => hit,
                        _ => {
                            let hit = format_number(*x) == ev;
                            last = Some((x.to_bits(), hit));
                            hit
                        }
                    })
                    .collect()
            }
            ColumnValues::Bool(v) => {
                let (t, f) = (ev == "true", ev == "false");
                v.iter().map(|&b| if b { t } else { f }).collect()
            }
        };
        if !events.iter().any(|&e| e) {
            return Err(IoError::EventValueAbsent {
                path: path.to_path_buf(),
                column: column.to_string(),
                value: ev.to_string(),
                values: distinct_labels(values),
            });
        }
        return Ok((events, EventCoding::Value(ev.to_string())));
    }
    let ambiguous = || IoError::AmbiguousEvent {
        path: path.to_path_buf(),
        column: column.to_string(),
        values: distinct_labels(values),
    };
    match values {
        ColumnValues::Bool(v) => Ok((v.clone(), EventCoding::Boolean)),
        ColumnValues::Numeric(v) => numeric_coding(v).ok_or_else(ambiguous),
        // Text: the coding is decided on the distinct values, then applied through the codes.
        ColumnValues::Text(v) => {
            let levels = v.levels();
            if let Some(nums) = levels
                .iter()
                .map(|s| s.parse::<f64>().ok())
                .collect::<Option<Vec<f64>>>()
            {
                let (flags, coding) = numeric_coding(&nums).ok_or_else(ambiguous)?;
                return Ok((by_level(v, |k, _| flags[k]), coding));
            }
            let lower: Vec<String> = levels.iter().map(|s| s.to_ascii_lowercase()).collect();
            if lower.iter().all(|s| s == "true" || s == "false") {
                let flags: Vec<bool> = lower.iter().map(|s| s == "true").collect();
                return Ok((by_level(v, |k, _| flags[k]), EventCoding::Boolean));
            }
            if levels
                .iter()
                .all(|s| s.starts_with("0:") || s.starts_with("1:"))
            {
                return Ok((
                    by_level(v, |_, l| l.starts_with("1:")),
                    EventCoding::CbioPortal,
                ));
            }
            Err(ambiguous())
        }
    }
}

/// Applies a decision on (level index, level) to every row of a text column, deciding once per distinct value.
fn by_level(v: &TextColumn, event: impl Fn(usize, &str) -> bool) -> Vec<bool> {
    let flags: Vec<bool> = v
        .levels()
        .iter()
        .enumerate()
        .map(|(k, l)| event(k, l))
        .collect();
    flags_of(v.codes(), |&c| flags[c as usize])
}

/// `is_event` of every value, in parallel chunks with a plain loop each (rayon's per-item iterators cost
/// several times more per row).
fn flags_of<T: Sync>(values: &[T], is_event: impl Fn(&T) -> bool + Sync) -> Vec<bool> {
    const CHUNK: usize = 1 << 16;
    let mut out = vec![false; values.len()];
    out.par_chunks_mut(CHUNK)
        .zip(values.par_chunks(CHUNK))
        .for_each(|(o, v)| o.iter_mut().zip(v).for_each(|(o, x)| *o = is_event(x)));
    out
}

fn numeric_coding(v: &[f64]) -> Option<(Vec<bool>, EventCoding)> {
    // Without branches: events in random order would mispredict a `match` on every other row.
    let seen = |chunk: &[f64]| {
        let (mut has0, mut has2, mut other) = (false, false, false);
        for &x in chunk {
            has0 |= x == 0.0;
            has2 |= x == 2.0;
            other |= (x != 0.0) & (x != 1.0) & (x != 2.0);
        }
        (has0, has2, other)
    };
    let (has0, has2, other) = v.par_chunks(1 << 16).map(seen).reduce(
        || (false, false, false),
        |a, b| (a.0 | b.0, a.1 | b.1, a.2 | b.2),
    );
    if other {
        return None;
    }
    let flags = |event: f64| flags_of(v, |&x| x == event);
    match (has0, has2) {
        (_, false) => Some((flags(1.0), EventCoding::ZeroOne)),
        (false, true) => Some((flags(2.0), EventCoding::OneTwo)),
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
            .levels()
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
        let (e, c) = dec(ColumnValues::Text(
            vec!["0:LIVING".to_string(), "1:DECEASED".into()].into(),
        ))
        .unwrap();
        assert_eq!((e, c), (vec![false, true], EventCoding::CbioPortal));
        assert_eq!(
            dec(ColumnValues::Text(["TRUE", "false"].into_iter().collect()))
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
        let v = ColumnValues::Text(["dead", "alive"].into_iter().collect());
        let (e, _) = decode_event(&v, Some("dead"), Path::new("t.csv"), "vital").unwrap();
        assert_eq!(e, vec![true, false]);
        assert!(decode_event(&v, Some("Dead"), Path::new("t.csv"), "vital").is_err());
    }
}

//! A count in JSON: whole rows (an integer), or summed case weights (a number with decimals).

use serde::Serialize;

/// One count: rows, or summed case weights.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum Count {
    Rows(usize),
    Weighted(f64),
}

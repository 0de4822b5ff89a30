//! An event column with several causes (competing risks): which value means censored, and the causes in R's
//! factor order, as `Surv(time, factor(status))` reads them with the censoring as the first level.
//!
//! The censoring value is `--censor-value V` when given; else `0` in a numeric column, or in a text column the
//! one value spelled `censored`, `censor`, `alive` or `living` (in any case). Anything else is an error that
//! lists the column's values and asks for `--censor-value`.

use crate::failure::{CliResult, Failure};
use crate::input::factor_of;
use sigsurv_io::{ColumnValues, Table};

/// The text values taken as censored when no `--censor-value` is given.
const CENSOR_WORDS: [&str; 4] = ["censored", "censor", "alive", "living"];

/// The rows' causes: 0 = censored, k = `causes[k - 1]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CauseCoding {
    pub codes: Vec<u32>,
    /// The causes, in R's factor order of the column's values.
    pub causes: Vec<String>,
    /// The value taken as censored, as written in the column.
    pub censor_value: String,
}

impl CauseCoding {
    /// The code of a cause named by the user (`--cause`), or an error listing the causes.
    pub fn cause_code(&self, column: &str, cause: &str) -> CliResult<u32> {
        match self.causes.iter().position(|c| c == cause) {
            Some(k) => Ok(k as u32 + 1),
            None => Err(Failure::input(format!(
                "--cause {cause} is not a cause in column \"{column}\""
            ))
            .hint(format!(
                "its causes: {} (censored: {})",
                self.causes.join(", "),
                self.censor_value
            ))),
        }
    }
}

/// Decodes `column` of `table` (missing rows already dropped).
pub fn decode_causes(
    table: &Table,
    column: &str,
    censor_value: Option<&str>,
) -> CliResult<CauseCoding> {
    let values = table.get(column);
    if let ColumnValues::Numeric(v) = values {
        if let Some(i) = v.iter().position(|x| x.is_nan()) {
            return Err(Failure::input(format!(
                "NaN in the event column \"{column}\" at {} of {}",
                table.location(i),
                table.path.display()
            ))
            .hint(
                "a row is censored or has one of the causes; leave the cell empty (NA) to drop it",
            ));
        }
    }
    let f = factor_of(column, values);
    let listed = || {
        format!(
            "its values: {}",
            f.levels
                .iter()
                .take(12)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let censor = match censor_value {
        Some(v) => f.levels.iter().position(|l| l == v).ok_or_else(|| {
            Failure::input(format!(
                "--censor-value {v} is not a value of the event column \"{column}\" of {}",
                table.path.display()
            ))
            .hint(listed())
        })?,
        None => {
            let found: Vec<usize> = match values {
                ColumnValues::Numeric(_) => {
                    f.levels.iter().position(|l| l == "0").into_iter().collect()
                }
                _ => (0..f.levels.len())
                    .filter(|&k| CENSOR_WORDS.contains(&f.levels[k].to_lowercase().as_str()))
                    .collect(),
            };
            match found.as_slice() {
                [k] => *k,
                _ => {
                    return Err(Failure::input(format!(
                        "which value of the event column \"{column}\" of {} means censored? {}",
                        table.path.display(),
                        if found.is_empty() {
                            "none is 0 (numbers) or censored/censor/alive/living (text)"
                        } else {
                            "several are spelled as censored"
                        }
                    ))
                    .hint(listed())
                    .hint("name it with --censor-value VALUE"))
                }
            }
        }
    };
    if f.levels.len() < 2 {
        return Err(Failure::input(format!(
            "the event column \"{column}\" of {} holds only the censoring value {}: no event of any cause",
            table.path.display(),
            f.levels[censor]
        )));
    }
    // Level k becomes code 0 (censor) or its rank among the other levels.
    let mut recode = vec![0u32; f.levels.len()];
    let mut causes = Vec::new();
    for (k, l) in f.levels.iter().enumerate() {
        if k != censor {
            causes.push(l.clone());
            recode[k] = causes.len() as u32;
        }
    }
    Ok(CauseCoding {
        codes: f.codes.iter().map(|&c| recode[c as usize]).collect(),
        causes,
        censor_value: f.levels[censor].clone(),
    })
}

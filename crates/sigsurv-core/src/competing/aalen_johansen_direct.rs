//! The reference implementation of the Aalen-Johansen standard errors: the influence of every row updated
//! at every exit time, as the formula of [`super::aalen_johansen()`] reads. Quadratic (rows × times); the
//! one-pass version is tested against it.

use super::aalen_johansen::Exits;
use super::curve::{CifCurve, CifOptions};
use super::data::{rows_by_group, tied_runs, validate_codes, CompetingData, Row};
use crate::error::Result;
use crate::pvalue::z_for_level;

/// [`super::aalen_johansen_by`] with the influence of each row kept and updated one by one.
#[doc(hidden)]
pub fn aalen_johansen_direct(
    data: &CompetingData,
    group: &[u32],
    n_groups: usize,
    opts: &CifOptions,
) -> Result<Vec<CifCurve>> {
    data.validate()?;
    validate_codes(group, n_groups, data.time.len(), "group")?;
    opts.check()?;
    let (rows, offsets) = rows_by_group(data, group, n_groups, opts.timefix);
    Ok((0..n_groups)
        .map(|g| curve_of_group(&rows[offsets[g]..offsets[g + 1]], data.n_causes, opts))
        .collect())
}

fn curve_of_group(rows: &[Row], n_causes: usize, opts: &CifOptions) -> CifCurve {
    let z = z_for_level(opts.conf_level);
    let mut c = CifCurve::with_capacity(0, n_causes, opts);
    c.n = rows.len();
    // State 0 is event-free, state j the incidence of cause j.
    let mut p = vec![0.0f64; n_causes + 1];
    p[0] = 1.0;
    let mut influence = vec![vec![0.0f64; n_causes + 1]; rows.len()];
    let mut y: f64 = rows.iter().map(|r| r.weight).sum();
    for (start, end) in tied_runs(rows) {
        let run = rows[start..end].iter().map(|r| (r.cause, 1, r.weight));
        let exits = Exits::of(run, n_causes);
        if exits.total > 0.0 {
            let s = p[0];
            let h: Vec<f64> = exits.by_cause.iter().map(|d| d / y).collect();
            let stay = 1.0 - exits.total / y;
            for (i, u) in influence.iter_mut().enumerate() {
                let u0 = u[0];
                u[0] = u0 * stay;
                for j in 0..n_causes {
                    u[j + 1] += u0 * h[j];
                }
                if i >= start {
                    // At risk at this time: its own exit, or staying, against the average.
                    u[0] -= stay * s / y;
                    for j in 0..n_causes {
                        u[j + 1] -= h[j] * s / y;
                    }
                    let to = if i < end { rows[i].cause as usize } else { 0 };
                    u[to] += s / y;
                }
            }
            for j in 0..n_causes {
                p[j + 1] += s * h[j];
            }
            p[0] = s * stay;
        }
        c.time.push(rows[start].time);
        c.n_risk.push(rows.len() - start);
        c.n_censor.push(exits.censored);
        let se = |state: usize| {
            let v: f64 = rows
                .iter()
                .zip(&influence)
                .map(|(r, u)| r.weight * r.weight * u[state] * u[state])
                .sum();
            v.sqrt()
        };
        c.event_free.push(p[0], se(0), z, opts.conf_type);
        for j in 0..n_causes {
            let cause = &mut c.causes[j];
            cause.n_event.push(exits.count_by_cause[j]);
            cause.n_events += exits.count_by_cause[j];
            cause.incidence.push(p[j + 1], se(j + 1), z, opts.conf_type);
        }
        for r in &rows[start..end] {
            y -= r.weight;
        }
    }
    c
}

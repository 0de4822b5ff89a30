//! Grouping a continuous score by fixed cut-points: R's type-7 quantiles (median, tertiles, quartiles, any
//! probabilities) or cut-points given by the user. A value equal to a cut-point goes to the lower group, the
//! convention of `maxstat` and of R's `cut(x, breaks, right = TRUE)`. Data-driven ("optimal") cut-points live in
//! [`crate::cutpoint`].

use std::fmt;

use crate::error::{CoreError, Result};

/// R's default quantiles (`quantile(x, probs)`, type 7) of finite values.
///
/// # Formula
/// With `x_(1) ≤ … ≤ x_(n)`, `h = 1 + (n − 1) p`, `lo = ⌊h⌋`, `hi = ⌈h⌉`:
/// `Q(p) = x_(lo)` when `h = lo` or `x_(hi) = x_(lo)`, else `(1 − (h − lo)) x_(lo) + (h − lo) x_(hi)`
/// (evaluated in that form, as R does, so results agree to the last bit).
///
/// # Reference
/// Hyndman RJ, Fan Y (1996) Sample quantiles in statistical packages. Am Stat 50:361–365 (definition 7).
///
/// # R equivalent
/// `quantile(x, probs, type = 7, names = FALSE)`. Differences from R: none known.
///
/// # Errors
/// [`CoreError::Empty`] for no values; [`CoreError::NonFinite`] for a NaN/infinite `x` (row = its index);
/// [`CoreError::InvalidArgument`] for a probability outside [0, 1] or NaN (R's tolerance of 100 ε is kept).
#[doc(alias = "quantile")]
pub fn quantile_type7(x: &[f64], probs: &[f64]) -> Result<Vec<f64>> {
    quantile_type7_of(x.to_vec(), probs)
}

/// [`quantile_type7`] of values the caller no longer needs (they are reordered in place, with no copy).
pub(crate) fn quantile_type7_of(mut x: Vec<f64>, probs: &[f64]) -> Result<Vec<f64>> {
    if x.is_empty() {
        return Err(CoreError::Empty);
    }
    check_finite(&x, "score")?;
    let eps = 100.0 * f64::EPSILON;
    if let Some(&p) = probs.iter().find(|p| !(-eps..=1.0 + eps).contains(*p)) {
        return Err(CoreError::InvalidArgument(format!(
            "quantile probability {p} is outside [0, 1]"
        )));
    }
    let n = x.len();
    // h, ⌊h⌋ and ⌈h⌉ per probability; the order statistics at ⌊h⌋ and ⌈h⌉ are all that is read.
    let places: Vec<(f64, usize, usize)> = probs
        .iter()
        .map(|&p| {
            let index = 1.0 + (n - 1) as f64 * p.clamp(0.0, 1.0);
            (index, index.floor() as usize - 1, index.ceil() as usize - 1)
        })
        .collect();
    let mut ranks: Vec<usize> = places.iter().flat_map(|&(_, lo, hi)| [lo, hi]).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let values = order_statistics(&mut x, &ranks);
    let at = |rank: usize| values[ranks.binary_search(&rank).unwrap_or(0)];
    Ok(places
        .iter()
        .map(|&(index, lo, hi)| {
            let (qlo, qhi) = (at(lo), at(hi));
            let floor = index.floor();
            if index > floor && qhi != qlo {
                let h = index - floor;
                (1.0 - h) * qlo + h * qhi
            } else {
                qlo
            }
        })
        .collect())
}

/// The values at 0-based `ranks` (increasing, distinct) of `x` in sorted order (`f64::total_cmp`), by one
/// selection per rank on what is right of the previous one: O(n) per rank where a sort is O(n log n), the same
/// values as indexing the sorted vector.
fn order_statistics(x: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::with_capacity(ranks.len());
    let mut from = 0;
    for (k, &r) in ranks.iter().enumerate() {
        let v = if k > 0 && r == ranks[k - 1] + 1 {
            // Right after a selected rank everything is at least its value: the next one is the smallest,
            // moved to its place so that what follows it holds the later ranks.
            let at = (r..x.len())
                .min_by(|&a, &b| x[a].total_cmp(&x[b]))
                .unwrap_or(r);
            x.swap(r, at);
            x[r]
        } else {
            *x[from..].select_nth_unstable_by(r - from, f64::total_cmp).1
        };
        out.push(v);
        from = r;
    }
    out
}

/// How to split scores into groups.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// Two groups at the median (`"median"`).
    Median,
    /// Three groups at the 1/3 and 2/3 quantiles (`"tertiles"`).
    Tertiles,
    /// Four groups at the quartiles (`"quartiles"`).
    Quartiles,
    /// Groups at the given quantile probabilities, each in (0, 1) (`"quantiles:0.25,0.75"`).
    Quantiles(Vec<f64>),
    /// Groups at fixed cut-points on the score scale (`"cut:1.5,2"`).
    Cuts(Vec<f64>),
}

impl Split {
    /// Parses `median`, `tertiles`, `quartiles`, `quantiles:P1,P2,…` or `cut:C1,C2,…` (case-insensitive).
    /// `"optimal"` is not a `Split`: the caller runs [`crate::cutpoint::maxstat_logrank`] and then
    /// `Split::Cuts(vec![cut])`.
    pub fn parse(s: &str) -> Result<Split> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let numbers = |list: &str| -> Result<Vec<f64>> {
            let v: Vec<f64> = list
                .split(',')
                .map(|p| {
                    p.trim().parse::<f64>().map_err(|_| {
                        CoreError::InvalidArgument(format!(
                            "split '{t}': '{}' is not a number",
                            p.trim()
                        ))
                    })
                })
                .collect::<Result<_>>()?;
            if v.is_empty() {
                return Err(CoreError::InvalidArgument(format!(
                    "split '{t}' lists no values"
                )));
            }
            Ok(v)
        };
        match lower.as_str() {
            "median" => Ok(Split::Median),
            "tertiles" => Ok(Split::Tertiles),
            "quartiles" => Ok(Split::Quartiles),
            _ => {
                if let Some(rest) = lower.strip_prefix("quantiles:") {
                    Ok(Split::Quantiles(numbers(rest)?))
                } else if let Some(rest) = lower.strip_prefix("cut:") {
                    Ok(Split::Cuts(numbers(rest)?))
                } else {
                    Err(CoreError::InvalidArgument(format!(
                        "unknown split '{t}' (expected median, tertiles, quartiles, quantiles:P1,P2,... or cut:C1,C2,...)"
                    )))
                }
            }
        }
    }

    /// The quantile probabilities of a quantile split; `None` for [`Split::Cuts`].
    pub fn probs(&self) -> Option<Vec<f64>> {
        match self {
            Split::Median => Some(vec![0.5]),
            Split::Tertiles => Some(vec![1.0 / 3.0, 2.0 / 3.0]),
            Split::Quartiles => Some(vec![0.25, 0.5, 0.75]),
            Split::Quantiles(p) => Some(p.clone()),
            Split::Cuts(_) => None,
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        match self {
            Split::Median => f.write_str("median"),
            Split::Tertiles => f.write_str("tertiles"),
            Split::Quartiles => f.write_str("quartiles"),
            Split::Quantiles(p) => write!(f, "quantiles:{}", list(p)),
            Split::Cuts(c) => write!(f, "cut:{}", list(c)),
        }
    }
}

impl std::str::FromStr for Split {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        Split::parse(s)
    }
}

/// Group membership of each value.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    /// The cut-points used, increasing (k − 1 of them for k groups).
    pub cutpoints: Vec<f64>,
    /// The group of each value, 0-based, in input order: 0 = lowest.
    pub group: Vec<u32>,
    /// Group labels: `low/high`, `low/mid/high`, or `q1..qk` for four or more groups.
    pub names: Vec<String>,
    /// Number of values in each group; sums to `x.len()`.
    pub counts: Vec<usize>,
}

/// Splits scores into groups at quantiles or fixed cut-points.
///
/// # Formula
/// With increasing cut-points `c_1 < … < c_{k−1}`, value `x` goes to group `#{j : c_j < x}`: a value equal to a cut
/// goes to the lower group. Quantile cut-points are [`quantile_type7`] of `x`.
///
/// # Reference
/// Hyndman & Fan (1996) for the quantiles; the tie rule is `maxstat`'s (Hothorn & Lausen 2003).
///
/// # R equivalent
/// `cut(x, c(-Inf, quantile(x, probs), Inf), right = TRUE)` (or the given cut-points in place of the quantiles).
/// Differences from R: R's `cut` refuses repeated breaks ("breaks are not unique"); here two equal quantiles are an
/// error naming the group that would be empty.
///
/// # Errors
/// [`CoreError::Empty`]; [`CoreError::NonFinite`] (row = index); [`CoreError::InvalidArgument`] for probabilities
/// outside (0, 1), repeated or non-finite cut-points, or an empty group (its name and the cut-points are given).
#[doc(alias = "cut")]
pub fn split_scores(x: &[f64], split: &Split) -> Result<Grouping> {
    if x.is_empty() {
        return Err(CoreError::Empty);
    }
    check_finite(x, "score")?;
    let cutpoints = match split.probs() {
        Some(mut probs) => {
            if let Some(p) = probs.iter().find(|p| !(**p > 0.0 && **p < 1.0)) {
                return Err(CoreError::InvalidArgument(format!(
                    "split {split}: quantile probability {p} must be strictly between 0 and 1"
                )));
            }
            probs.sort_unstable_by(f64::total_cmp);
            if probs.windows(2).any(|w| w[0] == w[1]) {
                return Err(CoreError::InvalidArgument(format!(
                    "split {split}: a probability is repeated"
                )));
            }
            quantile_type7(x, &probs)?
        }
        None => {
            let Split::Cuts(c) = split else {
                unreachable!("only Cuts has no probabilities")
            };
            let mut c = c.clone();
            if let Some(v) = c.iter().find(|v| !v.is_finite()) {
                return Err(CoreError::InvalidArgument(format!(
                    "split {split}: cut-point {v} is not finite"
                )));
            }
            c.sort_unstable_by(f64::total_cmp);
            if c.windows(2).any(|w| w[0] == w[1]) {
                return Err(CoreError::InvalidArgument(format!(
                    "split {split}: a cut-point is repeated"
                )));
            }
            c
        }
    };

    let k = cutpoints.len() + 1;
    let names = group_names(k);
    let group: Vec<u32> = x
        .iter()
        .map(|&v| cutpoints.partition_point(|&c| c < v) as u32)
        .collect();
    let mut counts = vec![0usize; k];
    for &g in &group {
        counts[g as usize] += 1;
    }
    if let Some(empty) = counts.iter().position(|&c| c == 0) {
        let cuts: Vec<String> = cutpoints.iter().map(|c| format!("{c}")).collect();
        return Err(CoreError::InvalidArgument(format!(
            "split {split}: group '{}' is empty (cut-points {}; too many tied scores?)",
            names[empty],
            cuts.join(", ")
        )));
    }
    Ok(Grouping {
        cutpoints,
        group,
        names,
        counts,
    })
}

/// `low/high`, `low/mid/high`, else `q1..qk`.
pub fn group_names(k: usize) -> Vec<String> {
    match k {
        2 => vec!["low".into(), "high".into()],
        3 => vec!["low".into(), "mid".into(), "high".into()],
        _ => (1..=k).map(|i| format!("q{i}")).collect(),
    }
}

fn check_finite(x: &[f64], what: &str) -> Result<()> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(CoreError::NonFinite {
            what: what.into(),
            row,
            value: x[row],
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_r() {
        // R: quantile(c(1, 3, 4, 10), c(0, 0.1, 1/3, 0.5, 1)) -> 1 1.6 3 3.5 10
        let q = quantile_type7(&[10.0, 1.0, 4.0, 3.0], &[0.0, 0.1, 1.0 / 3.0, 0.5, 1.0]).unwrap();
        let want = [1.0, 1.6, 3.0, 3.5, 10.0];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-15, "{q:?}");
        }
        assert!(quantile_type7(&[], &[0.5]).is_err());
        assert!(quantile_type7(&[1.0], &[1.5]).is_err());
        assert_eq!(quantile_type7(&[2.0], &[0.3]).unwrap(), vec![2.0]);
    }

    #[test]
    fn selection_gives_the_sorted_order_statistics() {
        // Values with many ties (and both zeros), probabilities in any order, repeated, at the ends.
        let mut next = crate::test_rng::lcg(12345);
        let x: Vec<f64> = (0..2001)
            .map(|_| {
                let v = (next() % 97) as f64 / 7.0 - 6.0;
                if v == 0.0 && next() & 1 == 0 {
                    -0.0
                } else {
                    v
                }
            })
            .collect();
        let probs = [0.5, 0.0, 1.0, 0.25, 0.75, 0.25, 1.0 / 3.0, 0.999, 0.001];
        let mut sorted = x.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let n = sorted.len();
        let by_sort: Vec<f64> = probs
            .iter()
            .map(|&p| {
                let index = 1.0 + (n - 1) as f64 * p;
                let lo = index.floor();
                let (qlo, qhi) = (sorted[lo as usize - 1], sorted[index.ceil() as usize - 1]);
                if index > lo && qhi != qlo {
                    (1.0 - (index - lo)) * qlo + (index - lo) * qhi
                } else {
                    qlo
                }
            })
            .collect();
        let got = quantile_type7(&x, &probs).unwrap();
        assert_eq!(
            got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            by_sort.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn ties_at_the_cut_go_low() {
        let g = split_scores(&[1.0, 2.0, 2.0, 3.0, 4.0], &Split::Median).unwrap();
        assert_eq!(g.cutpoints, vec![2.0]);
        assert_eq!(g.group, vec![0, 0, 0, 1, 1]);
        assert_eq!(g.counts, vec![3, 2]);
        assert_eq!(g.names, vec!["low", "high"]);
    }

    #[test]
    fn parse_round_trip() {
        for s in [
            "median",
            "tertiles",
            "quartiles",
            "quantiles:0.25,0.75",
            "cut:1.5,2",
        ] {
            assert_eq!(Split::parse(s).unwrap().to_string(), s);
        }
        assert!(Split::parse("optimal").is_err());
        assert!(Split::parse("cut:a").is_err());
        assert!(Split::parse("quantiles:").is_err());
    }

    #[test]
    fn empty_group_is_named() {
        let err = split_scores(&[1.0, 1.0, 1.0, 2.0], &Split::Tertiles)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'mid' is empty"), "{err}");
        assert!(split_scores(&[1.0, 2.0], &Split::Cuts(vec![5.0])).is_err());
        assert!(split_scores(&[1.0, 2.0], &Split::Quantiles(vec![0.0])).is_err());
        assert!(split_scores(&[1.0, f64::NAN], &Split::Median).is_err());
    }
}

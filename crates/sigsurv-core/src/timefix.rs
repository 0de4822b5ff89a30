//! Merging of times that differ only by floating-point noise, as R's `aeqSurv` (survival's `timefix = TRUE`).
//!
//! R sorts the distinct finite times y, and starts a new bin wherever the gap to the previous distinct time
//! exceeds `tol` both absolutely (`diff > tol`) and relative to the mean absolute time
//! (`diff / mean(|y|) > tol`); every time is replaced by the first (smallest) time of its bin.
//! `tol = sqrt(.Machine$double.eps)`. Source: survival `R/aeqSurv.R`.

/// R's default tolerance, `sqrt(.Machine$double.eps)`.
pub const TIMEFIX_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// Returns the times with near-ties merged (a copy; the input is left alone).
/// Non-finite values are passed through unchanged.
pub fn timefix(times: &[f64]) -> Vec<f64> {
    let mut out = times.to_vec();
    timefix_in_place(&mut out, &mut []);
    out
}

/// Applies [`timefix`] jointly to several time columns (e.g. start and stop of counting-process data, which R
/// merges on one common grid), in place.
pub fn timefix_in_place(first: &mut [f64], others: &mut [&mut [f64]]) {
    let mut y: Vec<f64> = first.iter().copied().filter(|v| v.is_finite()).collect();
    for o in others.iter() {
        y.extend(o.iter().copied().filter(|v| v.is_finite()));
    }
    if y.len() < 2 {
        return;
    }
    y.sort_unstable_by(f64::total_cmp);
    y.dedup();
    if y.len() < 2 {
        return;
    }
    let mean_abs = mean_abs(|| y.iter().copied());
    let tied = |d: f64| d <= TIMEFIX_TOLERANCE || d / mean_abs <= TIMEFIX_TOLERANCE;
    if !y.windows(2).any(|w| tied(w[1] - w[0])) {
        return; // the common case: nothing to merge
    }
    // Bin starts: the first value, and every value whose gap to its predecessor is not a tie.
    let mut cuts = Vec::with_capacity(y.len());
    cuts.push(y[0]);
    for w in y.windows(2) {
        if !tied(w[1] - w[0]) {
            cuts.push(w[1]);
        }
    }
    let map = |v: &mut f64| {
        if v.is_finite() {
            // Index of the last cut <= v (every finite v is >= cuts[0]).
            let idx = cuts.partition_point(|c| *c <= *v);
            *v = cuts[idx - 1];
        }
    };
    first.iter_mut().for_each(map);
    for o in others.iter_mut() {
        o.iter_mut().for_each(map);
    }
}

/// The mean of `|y|` over `values()` without overflow: R sums in extended precision, so times near `f64::MAX`
/// (1e308, 1.7e308) have a finite mean there, where a plain `f64` sum is infinite and would tie every gap. When
/// the sum overflows it is taken again on values scaled by a power of two (exact), and scaled back; otherwise
/// it is the plain sum in the order given.
pub(crate) fn mean_abs<I: Iterator<Item = f64>>(values: impl Fn() -> I) -> f64 {
    let (mut sum, mut n) = (0.0f64, 0usize);
    for v in values() {
        sum += v.abs();
        n += 1;
    }
    if sum.is_finite() {
        return sum / n as f64;
    }
    const SCALE: f64 = 1.0 / (1u64 << 62) as f64; // 2^-62
    let scaled: f64 = values().map(|v| v.abs() * SCALE).sum();
    scaled / n as f64 / SCALE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_noise_only() {
        let t = [1.0, 1.0 + 1e-12, 2.0, 3.0, 3.0 - 1e-13];
        let f = timefix(&t);
        assert_eq!(f, vec![1.0, 1.0, 2.0, 3.0 - 1e-13, 3.0 - 1e-13]);
    }

    #[test]
    fn huge_times_are_not_merged_by_an_overflowing_mean() {
        // R: aeqSurv(Surv(c(1e308, 1.7e308, 1e308 * (1 + 1e-9), 5), c(1, 1, 0, 1))) keeps 1.7e308 apart and
        // merges only the relative near-tie (fixtures/refusals/refusals.json checks the same through the CLI).
        let t = [1e308, 1.7e308, 1e308 * (1.0 + 1e-9), 5.0];
        assert_eq!(timefix(&t), vec![1e308, 1.7e308, 1e308, 5.0]);
        let m = mean_abs(|| [1e308, 1.7e308].into_iter());
        assert!((m / 1.35e308 - 1.0).abs() < 1e-15, "{m}");
    }

    #[test]
    fn leaves_distinct_times() {
        let t = [0.0, 0.5, 1.0, 10.0];
        assert_eq!(timefix(&t), t.to_vec());
    }
}

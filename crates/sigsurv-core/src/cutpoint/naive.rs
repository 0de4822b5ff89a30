//! The ordinary two-group log-rank test at one cut (survival's `survdiff`, rho = 0). Used only for the "naive"
//! p-value at the selected cut-point, which ignores the search over cut-points.

use crate::timefix::timefix;

/// Chi-square of the log-rank test of `high` against not `high`, with R's `timefix` applied to the times
/// (survdiff's default). NaN when the variance is zero. `order` sorts the raw `time` ascending; it sorts the
/// timefixed times too, because timefix only merges neighbours.
pub(super) fn logrank_chisq(time: &[f64], event: &[bool], high: &[bool], order: &[usize]) -> f64 {
    let time = timefix(time);
    let n_obs = time.len();
    let mut n = n_obs as f64;
    let mut n1 = high.iter().filter(|&&h| h).count() as f64;
    let (mut observed, mut expected, mut variance) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < n_obs {
        let mut j = i;
        while j + 1 < n_obs && time[order[j + 1]] == time[order[i]] {
            j += 1;
        }
        let (mut d, mut d1, mut left, mut left1) = (0.0, 0.0, 0.0, 0.0);
        for &o in &order[i..=j] {
            let h = f64::from(u8::from(high[o]));
            if event[o] {
                d += 1.0;
                d1 += h;
            }
            left += 1.0;
            left1 += h;
        }
        if d > 0.0 {
            let p1 = n1 / n;
            observed += d1;
            expected += d * p1;
            if n > 1.0 {
                variance += d * p1 * (1.0 - p1) * (n - d) / (n - 1.0);
            }
        }
        n -= left;
        n1 -= left1;
        i = j + 1;
    }
    if variance > 0.0 {
        (observed - expected).powi(2) / variance
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_survdiff() {
        // R: survdiff(Surv(time, status) ~ x, data = aml)$chisq = 3.3963886989776011 (survival 3.5-3)
        let time: [f64; 23] = [
            9., 13., 13., 18., 23., 28., 31., 34., 45., 48., 161., 5., 5., 8., 8., 12., 16., 23.,
            27., 30., 33., 43., 45.,
        ];
        let status = [
            1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1,
        ];
        let event: Vec<bool> = status.iter().map(|&s| s == 1).collect();
        let high: Vec<bool> = (0..23).map(|i| i >= 11).collect();
        let mut order: Vec<usize> = (0..23).collect();
        order.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
        let chisq = logrank_chisq(&time, &event, &high, &order);
        assert!((chisq / 3.396388698977601 - 1.0).abs() < 1e-12, "{chisq}");
    }
}

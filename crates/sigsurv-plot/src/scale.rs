//! Tick positions and labels: linear axes from 0 (time), log axes (hazard ratios).

/// A "nice" tick step (1, 2, 2.5 or 5 × 10^k) giving about `target` intervals over [0, max].
pub(crate) fn nice_step(max: f64, target: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let raw = max / target;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f < 1.5 {
        1.0
    } else if f < 2.25 {
        2.0
    } else if f < 3.5 {
        2.5
    } else if f < 7.5 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// Ticks 0, step, 2·step, ... up to `max` (inclusive, allowing for rounding); each computed as i·step so
/// that errors do not accumulate.
pub(crate) fn linear_ticks(max: f64, step: f64) -> Vec<f64> {
    let count = (max / step * (1.0 + 1e-9)).floor() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// The fewest decimals (0 to 6) that print every multiple of `step` exactly.
pub(crate) fn decimals_for(step: f64) -> usize {
    (0..=6)
        .find(|&d| {
            let v = step * 10f64.powi(d as i32);
            (v - v.round()).abs() < 1e-6 * v.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// Formats a tick value with `decimals` decimals ("-0" never appears).
pub(crate) fn tick_label(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Ticks for a log axis covering [lo, hi] (0 < lo ≤ hi): powers of two when the range is under 64-fold
/// (0.25, 0.5, 1, 2, 4: the usual hazard-ratio axis), else 1-2-5 per decade (or decades only when that
/// would give more than 10 ticks). The ticks always include one at or below `lo` and one at or above `hi`,
/// and 1 when it is in range.
pub(crate) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if hi / lo <= 64.0 {
        let a = lo.log2().floor() as i32;
        let b = hi.log2().ceil().max(f64::from(a + 1)) as i32;
        return (a..=b).map(|k| 2f64.powi(k)).collect();
    }
    let a = lo.log10().floor() as i32;
    let b = hi.log10().ceil() as i32;
    let mut ticks = Vec::new();
    for k in a..=b {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(k);
            ticks.push(v);
        }
    }
    // Trim to the first tick at or below lo and the last at or above hi.
    let first = ticks
        .iter()
        .rposition(|&t| t <= lo * (1.0 + 1e-12))
        .unwrap_or(0);
    let last = ticks
        .iter()
        .position(|&t| t >= hi * (1.0 - 1e-12))
        .unwrap_or(ticks.len() - 1);
    let ticks = ticks[first..=last].to_vec();
    if ticks.len() > 10 {
        (a..=b).map(|k| 10f64.powi(k)).collect()
    } else {
        ticks
    }
}

/// A label for a log-axis tick: as few decimals as it needs (0.125, 0.25, 0.5, 1, 2, 1000).
pub(crate) fn log_tick_label(v: f64) -> String {
    let d = decimals_for(v);
    tick_label(v, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(2659.0, 6.0), 500.0);
        assert_eq!(nice_step(100.0, 5.0), 20.0);
        assert_eq!(nice_step(60.0, 6.0), 10.0);
        assert_eq!(nice_step(1.0, 4.0), 0.25);
        assert_eq!(nice_step(0.0, 5.0), 1.0);
    }

    #[test]
    fn ticks_do_not_accumulate_error() {
        let t = linear_ticks(1.0, 0.1);
        assert_eq!(t.len(), 11);
        assert_eq!(t[3], 3.0 * 0.1);
        assert_eq!(linear_ticks(2659.0, 500.0).last(), Some(&2500.0));
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(decimals_for(500.0), 0);
        assert_eq!(tick_label(-0.0001, 2), "0.00");
    }

    #[test]
    fn log_axes() {
        assert_eq!(log_ticks(0.6, 2.5), vec![0.5, 1.0, 2.0, 4.0]);
        assert_eq!(log_ticks(1.2, 1.5), vec![1.0, 2.0]);
        assert_eq!(
            log_ticks(0.1, 20.0),
            vec![0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
        );
        // 1-2-5 would give 11 ticks from 0.02 to 50: decades instead.
        assert_eq!(log_ticks(0.03, 40.0), vec![0.01, 0.1, 1.0, 10.0, 100.0]);
        assert_eq!(log_tick_label(0.125), "0.125");
        assert_eq!(log_tick_label(4.0), "4");
    }
}

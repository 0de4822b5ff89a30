//! Summaries of a Kaplan-Meier curve: median and quantiles with their confidence limits, the restricted mean
//! survival time, and the curve and risk set at given times.

use super::curve::KmCurve;

/// R's tolerance for "the curve equals p" in quantiles and the median, `sqrt(.Machine$double.eps)`.
const TOL: f64 = 1.490_116_119_384_765_6e-8;

/// A survival-time quantile (e.g. the median) and its confidence limits; `None` where R gives NA (the curve,
/// or the confidence band, never comes down to the probability).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuantileEstimate {
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// Restricted mean survival time up to `tau` and its standard error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rmst {
    pub tau: f64,
    pub rmst: f64,
    pub se: f64,
}

impl KmCurve {
    /// Median survival time with its confidence limits, as R's `summary(fit)$table` ("median", "0.95LCL",
    /// "0.95UCL").
    ///
    /// # Formula
    /// The median is the first time t_i with S(t_i) < 0.5 + tol. If S(t_i) equals 0.5 (within tol) and the
    /// curve drops further later, it is the midpoint between t_i and the first time S falls below S(t_i);
    /// if the curve stays at 0.5 to its end, it is t_i. The limits apply the same rule to the lower and
    /// upper confidence curves (skipping points where a limit is NA). tol = sqrt(machine epsilon).
    ///
    /// # Reference
    /// Brookmeyer & Crowley (1982), Biometrics 38:29-41 (CI by inverting the pointwise band).
    ///
    /// # R equivalent
    /// `summary(survfit(...))$table[c("median", "0.95LCL", "0.95UCL")]` (survival's `survmean`). This
    /// differs from `quantile(fit, 0.5)` only when the curve ends flat at exactly 0.5: R's table then gives
    /// the start of the flat, `quantile` the midpoint to the last time (see [`KmCurve::quantile`]).
    pub fn median(&self) -> QuantileEstimate {
        let s: Vec<Option<f64>> = self.surv.iter().map(|&v| Some(v)).collect();
        QuantileEstimate {
            estimate: first_below_half(&self.time, &s),
            lower: first_below_half(&self.time, &self.lower),
            upper: first_below_half(&self.time, &self.upper),
        }
    }

    /// The p-quantile of the survival time (the time by which a fraction p has had the event), with limits
    /// from the confidence band, as R's `quantile.survfit`.
    ///
    /// # Formula
    /// On the curve F(t) = 1 − S(t) (with F = 0 at time 0), the quantile is the first time F reaches p;
    /// where F equals p (within tol) over a flat stretch it is the midpoint of that stretch, running to the
    /// last time of the curve if the flat never ends. `lower` uses the lower confidence curve, `upper` the
    /// upper one. p = 0 gives time 0.
    ///
    /// # Reference
    /// Brookmeyer & Crowley (1982), Biometrics 38:29-41.
    ///
    /// # R equivalent
    /// `quantile(fit, probs = p)` (`$quantile`, `$lower`, `$upper`). For p outside [0, 1] or NaN, all `None`
    /// (R stops with an error).
    #[doc(alias = "quantile.survfit")]
    pub fn quantile(&self, p: f64) -> QuantileEstimate {
        if !(0.0..=1.0).contains(&p) || self.time.is_empty() {
            return QuantileEstimate {
                estimate: None,
                lower: None,
                upper: None,
            };
        }
        let f: Vec<Option<f64>> = self.surv.iter().map(|&v| Some(1.0 - v)).collect();
        let band = |b: &[Option<f64>]| -> Option<f64> {
            if b.is_empty() {
                return None; // no confidence band (conf type none)
            }
            let f: Vec<Option<f64>> = b.iter().map(|v| v.map(|x| 1.0 - x)).collect();
            find_quantile(&self.time, &f, p)
        };
        QuantileEstimate {
            estimate: find_quantile(&self.time, &f, p),
            lower: if self.conf_type == crate::confint::ConfType::None {
                None
            } else {
                band(&self.lower)
            },
            upper: if self.conf_type == crate::confint::ConfType::None {
                None
            } else {
                band(&self.upper)
            },
        }
    }

    /// Restricted mean survival time ∫₀^τ S(t) dt and its standard error.
    ///
    /// # Formula
    /// ```text
    /// RMST(τ)     = Σ over the steps of S up to τ of (width × height), starting at time 0 with S = 1
    /// Var RMST(τ) = Σ_{t_i ≤ τ} A_i² · d_i / (n_i (n_i − d_i)),   A_i = ∫_{t_i}^{τ} S(t) dt
    /// ```
    /// (a term with n_i = d_i counts 0; with case weights n_i and d_i are weighted, and the sum is Greenwood's
    /// even for a robust curve, as R's). The area starts at `start_time` (0 unless an entry time is negative).
    /// For τ before the first time, RMST = τ and SE = 0; for τ past the last time the curve is extended flat.
    ///
    /// # Reference
    /// Klein & Moeschberger (2003), Survival Analysis, sec. 4.5; Royston & Parmar (2013), BMC Med Res
    /// Methodol 13:152.
    ///
    /// # R equivalent
    /// `print(fit, rmean = tau)` / `summary(fit, rmean = tau)$table[c("rmean", "se(rmean)")]` (`survmean`).
    /// R stops with an error for τ below the first time; we return τ and SE 0 there. The SE treats τ as fixed.
    #[doc(alias = "rmean")]
    pub fn rmst(&self, tau: f64) -> Rmst {
        let k = self.time.partition_point(|&t| t <= tau); // rows with time <= tau
                                                          // Area of each step: [prev, t_j) at height S(prev), then [t_{k-1}, tau] at S(t_{k-1}).
        let mut area = 0.0;
        let mut prev_t = self.start_time; // R's t0 = min(0, entry times): 0 without delayed entry
        let mut prev_s = 1.0;
        // Areas after each kept row, accumulated from tau backwards for the variance.
        let mut widths: Vec<f64> = Vec::with_capacity(k + 1);
        for j in 0..k {
            widths.push((self.time[j] - prev_t) * prev_s);
            prev_t = self.time[j];
            prev_s = self.surv[j];
        }
        widths.push((tau - prev_t) * prev_s);
        for w in &widths {
            area += w;
        }
        let mut var = 0.0;
        let mut tail = 0.0; // ∫_{t_j}^{tau} S
        for j in (0..k).rev() {
            tail += widths[j + 1];
            let (n, d) = (self.risk(j), self.events_at(j));
            if n - d != 0.0 && d > 0.0 {
                var += tail * tail * (d / (n * (n - d)));
            }
        }
        Rmst {
            tau,
            rmst: area,
            se: var.sqrt(),
        }
    }

    /// S(t) of the step function (right-continuous): 1 before the first time, the last value after the last.
    /// NaN for a NaN `t`.
    ///
    /// # R equivalent
    /// `summary(fit, times = t, extend = TRUE)$surv`.
    pub fn surv_at(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        match self.time.partition_point(|&x| x <= t) {
            0 => 1.0,
            k => self.surv[k - 1],
        }
    }

    /// Number of rows at risk at time t: those with a time ≥ t (0 after the last time); with delayed entry, the
    /// rows at risk at the first time of the curve ≥ t.
    ///
    /// # R equivalent
    /// `summary(fit, times = t, extend = TRUE)$n.risk`, as in risk tables under KM plots.
    pub fn n_risk_at(&self, t: f64) -> usize {
        if t.is_nan() {
            return 0;
        }
        let k = self.time.partition_point(|&x| x < t);
        self.n_risk.get(k).copied().unwrap_or(0)
    }
}

/// survmean's rule on one curve y (S or a confidence limit) over times x; NA points are skipped.
fn first_below_half(x: &[f64], y: &[Option<f64>]) -> Option<f64> {
    let mut kept = x
        .iter()
        .zip(y)
        .filter_map(|(&t, v)| v.filter(|v| *v < 0.5 + TOL).map(|v| (t, v)));
    let (t1, y1) = kept.next()?;
    if (y1 - 0.5).abs() < TOL {
        if let Some((t2, _)) = kept.find(|&(_, v)| v < y1) {
            return Some((t1 + t2) / 2.0);
        }
    }
    Some(t1)
}

/// quantile.survfit's rule: the first time the non-decreasing curve f (= 1 − S, NA allowed) reaches p, with
/// the midpoint rule on a flat at p. The curve starts at (0, 0).
fn find_quantile(time: &[f64], f: &[Option<f64>], p: f64) -> Option<f64> {
    let xmax = *time.last()?;
    // Points (0, 0), then the curve; keep the first occurrence of every value (NA counts as a value).
    let mut x: Vec<f64> = Vec::with_capacity(time.len() + 1);
    let mut y: Vec<Option<f64>> = Vec::with_capacity(time.len() + 1);
    let mut seen_na = false;
    let mut seen = std::collections::HashSet::with_capacity(time.len() + 1);
    let mut push = |t: f64, v: Option<f64>, x: &mut Vec<f64>, y: &mut Vec<Option<f64>>| {
        let new = match v {
            None => !std::mem::replace(&mut seen_na, true),
            Some(v) => seen.insert((v + 0.0).to_bits()), // +0.0: -0.0 and 0.0 are one value
        };
        if new {
            x.push(t);
            y.push(v);
        }
    };
    push(0.0, Some(0.0), &mut x, &mut y);
    for (&t, &v) in time.iter().zip(f) {
        push(t, v, &mut x, &mut y);
    }
    let ymax = y.iter().flatten().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if ymax < p {
        return None;
    }
    if p == 0.0 {
        return Some(x[0]);
    }
    // Knots without NA, as approx(..., na.rm = TRUE) uses them.
    let knots: Vec<(f64, f64)> = x
        .iter()
        .zip(&y)
        .filter_map(|(&t, v)| v.map(|v| (t, v)))
        .collect();
    // approx(y + shift, index, p, "constant", f = 1) on the knots ordered by value (an upper band need not
    // be monotone): the knot with the smallest value >= p, or NA when p is outside the shifted range.
    let step = |shift: f64| -> Option<usize> {
        let lo = knots.iter().map(|k| k.1).fold(f64::INFINITY, f64::min) + shift;
        let hi = knots.iter().map(|k| k.1).fold(f64::NEG_INFINITY, f64::max) + shift;
        if p < lo || p > hi {
            return None;
        }
        knots
            .iter()
            .enumerate()
            .filter(|(_, k)| k.1 + shift >= p)
            .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
            .map(|(i, _)| i)
    };
    let i1 = step(TOL)?;
    let last_flat = matches!(y.last(), Some(Some(v)) if (p - v).abs() < TOL);
    if last_flat {
        return Some((knots[i1].0 + xmax) / 2.0);
    }
    let i2 = step(-TOL)?;
    Some((knots[i1].0 + knots[i2].0) / 2.0)
}

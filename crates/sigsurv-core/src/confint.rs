//! Pointwise confidence limits for a survival probability, for each of R's `conf.type` transforms.

/// The transform under which a symmetric normal interval is built for S(t) (R's `conf.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ConfType {
    /// `exp(log S ± z·se)`, the default in R.
    #[default]
    Log,
    /// `exp(-exp(log(-log S) ± z·se/log S))` (lifelines' and scikit-survival's default).
    LogLog,
    /// `S ± z·se·S`, clipped to [0, 1].
    Plain,
    /// On the logit scale.
    Logit,
    /// On the arcsine-square-root scale.
    Arcsin,
    /// No limits.
    None,
}

impl ConfType {
    /// R's name: "log", "log-log", "plain", "logit", "arcsin" or "none".
    pub fn name(&self) -> &'static str {
        match self {
            ConfType::Log => "log",
            ConfType::LogLog => "log-log",
            ConfType::Plain => "plain",
            ConfType::Logit => "logit",
            ConfType::Arcsin => "arcsin",
            ConfType::None => "none",
        }
    }

    /// Parses R's names (case-insensitive; "loglog" and "log_log" are accepted for "log-log").
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "log" => Some(ConfType::Log),
            "log-log" | "loglog" | "log_log" => Some(ConfType::LogLog),
            "plain" => Some(ConfType::Plain),
            "logit" => Some(ConfType::Logit),
            "arcsin" | "asin" => Some(ConfType::Arcsin),
            "none" => Some(ConfType::None),
            _ => None,
        }
    }

    /// All conf types, in R's order.
    pub const ALL: [ConfType; 6] = [
        ConfType::Log,
        ConfType::LogLog,
        ConfType::Plain,
        ConfType::Logit,
        ConfType::Arcsin,
        ConfType::None,
    ];
}

impl std::fmt::Display for ConfType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Lower and upper confidence limits for a survival probability `surv`, given `log_se`, the standard error of
/// the cumulative hazard −log S (survfit's `std.err`), and the critical value `z`.
///
/// # Formula
/// With s = `log_se`:
/// ```text
/// log:     exp(log S ∓ z·s), upper capped at 1                       NA when S = 0
/// log-log: exp(−exp(log(−log S) ∓ z·s / log S))                       NA when S ∈ {0, 1}
/// plain:   S ∓ z·s·S, clipped to [0, 1]
/// logit:   1 − 1/(1 + exp(log(S/(1−S)) ∓ z·s·(1 + S/(1−S))))          NA when S = 0
/// arcsin:  sin²(asin √S ∓ ½·z·s·√(S/(1−S))), the angle kept in [0, π/2] NA when S = 0
/// ```
/// Where R's arithmetic gives NaN (e.g. logit or arcsin at S = 1, where S/(1−S) is infinite, or plain at
/// S = 0 with an infinite `log_se`), the limit is `None` too.
///
/// # Reference
/// Kalbfleisch & Prentice (2002), The Statistical Analysis of Failure Time Data, 2nd ed., sec. 1.3;
/// Borgan & Liestøl (1990), Scand J Stat 17:35-41 (arcsin); Therneau, survival's `survfit_confint`.
///
/// # R equivalent
/// `survival:::survfit_confint(surv, std.err, logse = TRUE, conf.type, conf.int)` with
/// `z = qnorm(1 - (1 - conf.int)/2)`; these are `survfit(...)$lower` and `$upper`. No known differences.
#[doc(alias = "survfit_confint")]
pub fn surv_confint(
    surv: f64,
    log_se: f64,
    z: f64,
    conf_type: ConfType,
) -> (Option<f64>, Option<f64>) {
    let some = |v: f64| if v.is_nan() { None } else { Some(v) };
    let s = surv;
    match conf_type {
        ConfType::None => (None, None),
        ConfType::Plain => {
            let h = log_se * s * z;
            // R's pmax/pmin propagate NaN.
            (some(nan_max(s - h, 0.0)), some(nan_min(s + h, 1.0)))
        }
        ConfType::Log => {
            if s == 0.0 || s.is_nan() {
                return (None, None);
            }
            // S·exp(∓h) equals R's exp(log S ∓ h) to rounding, with one exp instead of two exp and a log.
            let e = (z * log_se).exp();
            (some(s / e), some(nan_min(s * e, 1.0)))
        }
        ConfType::LogLog => {
            if s == 0.0 || s == 1.0 || s.is_nan() {
                return (None, None);
            }
            let h = z * log_se / s.ln();
            let c = (-s.ln()).ln();
            (some((-(c - h).exp()).exp()), some((-(c + h).exp()).exp()))
        }
        ConfType::Logit => {
            if s == 0.0 || s.is_nan() {
                return (None, None);
            }
            let h = z * log_se * (1.0 + s / (1.0 - s));
            let l = (s / (1.0 - s)).ln();
            (
                some(1.0 - 1.0 / (1.0 + (l - h).exp())),
                some(1.0 - 1.0 / (1.0 + (l + h).exp())),
            )
        }
        ConfType::Arcsin => {
            if s == 0.0 || s.is_nan() {
                return (None, None);
            }
            let h = 0.5 * z * log_se * (s / (1.0 - s)).sqrt();
            let a = s.sqrt().asin();
            let lo = nan_max(0.0, a - h).sin();
            let hi = nan_min(std::f64::consts::FRAC_PI_2, a + h).sin();
            (some(lo * lo), some(hi * hi))
        }
    }
}

/// `pmax(a, b)` as R: NaN if either is NaN.
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// `pmin(a, b)` as R: NaN if either is NaN.
fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in ConfType::ALL {
            assert_eq!(ConfType::parse(c.name()), Some(c));
        }
        assert_eq!(ConfType::parse("bogus"), None);
        assert_eq!(ConfType::default(), ConfType::Log);
    }

    #[test]
    fn zero_se_gives_s_and_na_at_zero() {
        let (l, u) = surv_confint(1.0, 0.0, 1.96, ConfType::Log);
        assert_eq!((l, u), (Some(1.0), Some(1.0)));
        assert_eq!(
            surv_confint(0.0, f64::INFINITY, 1.96, ConfType::Log),
            (None, None)
        );
        assert_eq!(surv_confint(1.0, 0.0, 1.96, ConfType::LogLog), (None, None));
    }
}

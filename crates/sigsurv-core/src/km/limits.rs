//! Pointwise confidence limits of a Kaplan-Meier curve, with R's choice of standard error for the lower limit
//! (`conf.lower`: usual, Peto, modified).

use crate::confint::{surv_confint, ConfType};

/// Which standard error the lower confidence limit uses (R's `conf.lower`); the upper limit always uses the
/// curve's own standard error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ConfLower {
    /// The curve's standard error (Greenwood, or the robust one), as for the upper limit.
    #[default]
    Usual,
    /// Peto's se of log S, sqrt((1 − S) / n), with n the number at risk.
    Peto,
    /// Dorey and Korn's modification: the standard error times sqrt(n_lag / n), with n_lag the number at risk
    /// at the last event time (or at the first time of the curve).
    Modified,
}

impl ConfLower {
    /// R's name: "usual", "peto" or "modified".
    pub fn name(&self) -> &'static str {
        match self {
            ConfLower::Usual => "usual",
            ConfLower::Peto => "peto",
            ConfLower::Modified => "modified",
        }
    }
}

/// The standard errors of one row of a curve, and its risk set, as the limits need them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowSe {
    pub surv: f64,
    /// survfit's `std.err`: se of −log S (Greenwood), or se of S when `on_surv_scale` (robust variance).
    pub se: f64,
    pub on_surv_scale: bool,
    /// Number (or weight) at risk at this row, and at the last event row (or the first row) up to here.
    pub n_risk: f64,
    pub n_lag: f64,
}

impl RowSe {
    /// The standard error of log S that the transforms use: survfit_confint's `se / p` for a standard error on
    /// the survival scale (0 where that is 0).
    pub fn log_se(&self) -> f64 {
        if !self.on_surv_scale {
            self.se
        } else if self.se == 0.0 {
            0.0
        } else {
            self.se / self.surv
        }
    }
}

/// Lower and upper limits of one row.
///
/// # Formula
/// R computes the lower limit with its standard error multiplied by `scale = se_low / se` (1 where
/// `se_low` = 0), on the same scale as `se`:
/// ```text
/// usual:    se_low = se
/// peto:     se_low = sqrt((1 − S) / n)
/// modified: se_low = se · sqrt(n_lag / n)
/// ```
/// (For a robust `se`, on the survival scale, R still divides Peto's log-scale value by it; this follows R.)
///
/// # R equivalent
/// `survfit(..., conf.lower = )`, i.e. `survival:::survfit_confint(surv, std.err, logse, conf.type,
/// conf.int, selow)`.
pub(crate) fn row_limits(
    row: RowSe,
    z: f64,
    conf_type: ConfType,
    conf_lower: ConfLower,
) -> (Option<f64>, Option<f64>) {
    let log_se = row.log_se();
    let (lower, upper) = surv_confint(row.surv, log_se, z, conf_type);
    let se_low = match conf_lower {
        ConfLower::Usual => return (lower, upper),
        ConfLower::Peto => ((1.0 - row.surv) / row.n_risk).sqrt(),
        ConfLower::Modified => row.se * (row.n_lag / row.n_risk).sqrt(),
    };
    let scale = if se_low == 0.0 { 1.0 } else { se_low / row.se };
    let (lower, _) = surv_confint(row.surv, log_se * scale, z, conf_type);
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Peto at S = 0.8 with 10 at risk and Greenwood se 0.1: lower = exp(log 0.8 − z·sqrt(0.2/10)).
    #[test]
    fn peto_and_modified_by_hand() {
        let z = 1.959_963_984_540_054;
        let row = RowSe {
            surv: 0.8,
            se: 0.1,
            on_surv_scale: false,
            n_risk: 10.0,
            n_lag: 16.0,
        };
        let (lo, hi) = row_limits(row, z, ConfType::Log, ConfLower::Peto);
        let want = (0.8f64.ln() - z * (0.2f64 / 10.0).sqrt()).exp();
        assert!((lo.unwrap() - want).abs() < 1e-15);
        assert!((hi.unwrap() - (0.8f64.ln() + z * 0.1).exp()).abs() < 1e-15);
        let (lo, _) = row_limits(row, z, ConfType::Log, ConfLower::Modified);
        let want = (0.8f64.ln() - z * 0.1 * (16.0f64 / 10.0).sqrt()).exp();
        assert!((lo.unwrap() - want).abs() < 1e-15);
        // Before the first event (se = 0) every rule gives S itself.
        let first = RowSe {
            surv: 1.0,
            se: 0.0,
            ..row
        };
        for cl in [ConfLower::Usual, ConfLower::Peto, ConfLower::Modified] {
            assert_eq!(
                row_limits(first, z, ConfType::Log, cl),
                (Some(1.0), Some(1.0))
            );
        }
    }
}

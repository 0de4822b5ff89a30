//! The options of a Kaplan-Meier estimate and their check.

use super::limits::ConfLower;
use crate::confint::ConfType;
use crate::error::{CoreError, Result};

/// Options of [`kaplan_meier`](super::kaplan_meier) and [`kaplan_meier_by`](super::kaplan_meier_by).
#[derive(Clone, Debug)]
pub struct KmOptions {
    /// Transform for the pointwise confidence limits (R's `conf.type`; default log).
    pub conf_type: ConfType,
    /// Confidence level in (0, 1) (R's `conf.int`; default 0.95).
    pub conf_level: f64,
    /// Merge times that differ by floating-point noise first, as R's `timefix = TRUE` (default true).
    pub timefix: bool,
    /// Standard error of the lower limit (R's `conf.lower`; default usual).
    pub conf_lower: ConfLower,
}

impl Default for KmOptions {
    fn default() -> Self {
        KmOptions {
            conf_type: ConfType::Log,
            conf_level: 0.95,
            timefix: true,
            conf_lower: ConfLower::Usual,
        }
    }
}

/// The confidence level must lie in (0, 1).
pub(crate) fn check_level(opts: &KmOptions) -> Result<()> {
    if !(opts.conf_level > 0.0 && opts.conf_level < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "confidence level must be in (0, 1), got {}",
            opts.conf_level
        )));
    }
    Ok(())
}

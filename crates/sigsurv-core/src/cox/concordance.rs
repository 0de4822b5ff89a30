//! placeholder
use super::{Concordance, CoxData, CoxOptions};
use crate::error::Result;
pub(crate) fn from_fit(_d: &CoxData, _coef: &[f64], _o: &CoxOptions) -> Result<Concordance> {
    Ok(Concordance {
        concordant: 0.0,
        discordant: 0.0,
        tied_x: 0.0,
        tied_y: 0.0,
        tied_xy: 0.0,
        c: f64::NAN,
        se: f64::NAN,
    })
}

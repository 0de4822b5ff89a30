//! What each command-line choice means to the core: the clap enums of `args` mapped to the core's options.

use crate::args::{
    ConfLowerArg, ConfTypeArg, CoxnetTiesArg, DistArg, PAdjustArg, ResidualArg, TiesArg,
    ZphTransformArg,
};
use sigsurv_core::aft::AftDist;
use sigsurv_core::confint::ConfType;
use sigsurv_core::cox::{ResidualType, Ties, ZphTransform};
use sigsurv_core::km::ConfLower;
use sigsurv_core::padjust::PAdjust;

/// `--conf-level`: a probability strictly between 0 and 1.
pub(crate) fn check_conf_level(level: f64) -> crate::failure::CliResult<()> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(crate::failure::Failure::input(format!(
            "--conf-level {level} is not between 0 and 1"
        )))
    }
}

pub(crate) fn conf_type(c: ConfTypeArg) -> ConfType {
    match c {
        ConfTypeArg::Log => ConfType::Log,
        ConfTypeArg::LogLog => ConfType::LogLog,
        ConfTypeArg::Plain => ConfType::Plain,
        ConfTypeArg::Logit => ConfType::Logit,
        ConfTypeArg::Arcsin => ConfType::Arcsin,
        ConfTypeArg::None => ConfType::None,
    }
}

pub(crate) fn conf_lower(c: ConfLowerArg) -> ConfLower {
    match c {
        ConfLowerArg::Usual => ConfLower::Usual,
        ConfLowerArg::Modified => ConfLower::Modified,
        ConfLowerArg::Peto => ConfLower::Peto,
    }
}

pub(crate) fn ties(t: TiesArg) -> Ties {
    match t {
        TiesArg::Efron => Ties::Efron,
        TiesArg::Breslow => Ties::Breslow,
        TiesArg::Exact => Ties::Exact,
    }
}

/// coxnet's ties: Breslow (glmnet's) or Efron; the exact likelihood is not offered there.
pub(crate) fn coxnet_ties(t: CoxnetTiesArg) -> Ties {
    match t {
        CoxnetTiesArg::Breslow => Ties::Breslow,
        CoxnetTiesArg::Efron => Ties::Efron,
    }
}

pub(crate) fn residual_type(r: ResidualArg) -> ResidualType {
    match r {
        ResidualArg::Martingale => ResidualType::Martingale,
        ResidualArg::Deviance => ResidualType::Deviance,
        ResidualArg::Schoenfeld => ResidualType::Schoenfeld,
        ResidualArg::Score => ResidualType::Score,
        ResidualArg::Dfbeta => ResidualType::Dfbeta,
        ResidualArg::Dfbetas => ResidualType::Dfbetas,
        ResidualArg::Scaledsch => ResidualType::ScaledSchoenfeld,
    }
}

pub(crate) fn zph_transform(t: ZphTransformArg) -> ZphTransform {
    match t {
        ZphTransformArg::Km => ZphTransform::Km,
        ZphTransformArg::Identity => ZphTransform::Identity,
        ZphTransformArg::Rank => ZphTransform::Rank,
        ZphTransformArg::Log => ZphTransform::Log,
    }
}

pub(crate) fn p_adjust(p: PAdjustArg) -> PAdjust {
    match p {
        PAdjustArg::Holm => PAdjust::Holm,
        PAdjustArg::Bh => PAdjust::BH,
        PAdjustArg::Bonferroni => PAdjust::Bonferroni,
        PAdjustArg::None => PAdjust::None,
    }
}

pub(crate) fn aft_dist(d: DistArg) -> AftDist {
    match d {
        DistArg::Weibull => AftDist::Weibull,
        DistArg::Exponential => AftDist::Exponential,
        DistArg::Lognormal => AftDist::LogNormal,
        DistArg::Loglogistic => AftDist::LogLogistic,
    }
}

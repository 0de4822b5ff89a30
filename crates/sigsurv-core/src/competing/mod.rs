//! Competing risks: the Aalen-Johansen cumulative incidence of each cause (survival's multi-state `survfit`)
//! with its infinitesimal-jackknife standard errors, cmprsk's `cuminc` estimate and variance, Gray's test
//! between groups, and Fine-Gray regression of one cause (cmprsk's `crr`).
//!
//! Every estimator takes a [`CompetingData`]: exit times, a cause code per row (0 = censored, 1..=K a cause)
//! and optional case weights. `docs/methods/competing_risks.md` has the formulas and where survfit and
//! cmprsk differ.

pub mod aalen_johansen;
#[doc(hidden)]
pub mod aalen_johansen_direct;
pub mod at_times;
pub mod cuminc;
pub mod curve;
pub mod data;
pub mod fine_gray;
pub mod gray;

pub use aalen_johansen::{aalen_johansen, aalen_johansen_by};
pub use aalen_johansen_direct::aalen_johansen_direct;
pub use at_times::CifAt;
pub use cuminc::{cuminc, CumincCurve};
pub use curve::{CauseIncidence, CifCurve, CifOptions, StateProbability};
pub use data::CompetingData;
pub use fine_gray::{fine_gray, fine_gray_reference, FineGrayFit, FineGrayOptions, FineGrayTerm};
pub use gray::{gray_test, GrayTest};

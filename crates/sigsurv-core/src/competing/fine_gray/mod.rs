//! Fine-Gray regression of the subdistribution hazard of one cause (cmprsk's `crr`): the censoring weights,
//! the pseudo-likelihood and its sandwich variance by sorted scans, with a reference implementation that
//! writes every sum out, and crr's Newton iterations.

mod censoring_weights;
pub mod fit;
mod newton;
mod prepared;
mod reference;
mod sorted_scan;

pub use fit::{fine_gray, fine_gray_reference, FineGrayFit, FineGrayOptions, FineGrayTerm};

//! Basis expansions of a covariate for model formulas, each as R computes it: B-splines (`splines::bs`), natural
//! cubic splines (`splines::ns`), orthogonal polynomials (`poly`) and the B-spline design underneath them
//! (`splines::splineDesign`). A basis is set up on the training data (its knots or recurrence coefficients) and
//! then evaluated on any rows, so that predictions on new data use the training basis, as R's `makepredictcall`.

mod bs;
mod design;
mod householder;
mod knots;
mod ns;
mod piecewise;
mod poly;
mod pspline;

pub use bs::BSplineBasis;
pub use design::spline_design;
pub use ns::NaturalSplineBasis;
pub use poly::OrthoPolyBasis;
pub use pspline::{round_half_even, PSplineBasis};

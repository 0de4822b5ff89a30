//! The columns sigsurv adds to the analysed table; a clinical column of the same name would be ambiguous.

/// Each patient's score divided by its standard deviation over the analysed patients.
pub(super) const SCORE: &str = "score";
/// Each patient's group (the split of the score).
pub(super) const GROUP: &str = "group";

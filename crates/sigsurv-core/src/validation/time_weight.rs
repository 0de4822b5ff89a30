//! How concordance weights its comparable pairs: Harrell's C or Uno's C.

/// How the comparable pairs are weighted by the earlier (event) time t of the pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TimeWeight {
    /// Every pair counts 1: Harrell's C. R: `timewt = "n"`.
    #[default]
    Harrell,
    /// A pair counts 1 / G(t-)^2, G the Kaplan-Meier of the censoring: Uno's C. R: `timewt = "n/G2"`.
    Uno,
}

impl TimeWeight {
    /// R's name of the weighting (`"n"`, `"n/G2"`).
    pub fn r_name(&self) -> &'static str {
        match self {
            TimeWeight::Harrell => "n",
            TimeWeight::Uno => "n/G2",
        }
    }
}

//! How tied event times enter the partial likelihood (R: `coxph(ties = )`).

/// How tied event times enter the partial likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ties {
    /// Efron's approximation (R's default).
    #[default]
    Efron,
    /// Breslow's approximation.
    Breslow,
}

impl Ties {
    /// R's name for the method: "efron" or "breslow".
    pub fn as_str(self) -> &'static str {
        match self {
            Ties::Efron => "efron",
            Ties::Breslow => "breslow",
        }
    }
}

//! How tied event times enter the partial likelihood (R: `coxph(ties = )`).

/// How tied event times enter the partial likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ties {
    /// Efron's approximation (R's default).
    #[default]
    Efron,
    /// Breslow's approximation.
    Breslow,
    /// The exact partial likelihood (discrete logistic model; right-censored data without case weights).
    Exact,
}

impl Ties {
    /// The method of R's name: "efron", "breslow" or "exact".
    pub fn parse(name: &str) -> Option<Ties> {
        [Ties::Efron, Ties::Breslow, Ties::Exact]
            .into_iter()
            .find(|t| t.as_str() == name)
    }

    /// R's name for the method: "efron", "breslow" or "exact".
    pub fn as_str(self) -> &'static str {
        match self {
            Ties::Efron => "efron",
            Ties::Breslow => "breslow",
            Ties::Exact => "exact",
        }
    }
}

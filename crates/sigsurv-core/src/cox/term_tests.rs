//! Joint Wald tests of the terms of a Cox model that have several columns (a factor, an interaction, a spline):
//! does the term as a whole matter? The coefficients' own z-tests answer that one column at a time.

use super::chol::Ldl;
use super::fit::{CoxFit, Test};
use super::options::CoxOptions;
use super::square::principal_block;
use crate::error::{CoreError, Result};

/// The joint Wald test of one term.
#[derive(Debug, Clone, PartialEq)]
pub struct TermTest {
    pub term: String,
    /// χ² statistic on `test.df` (the term's estimable columns) degrees of freedom.
    pub test: Test,
}

impl CoxFit {
    /// The joint Wald test of every term with more than one column; `term_of[j]` is the term of coefficient j
    /// and `terms` the terms' names (a [`crate::Design`]'s `term_of` and `terms`).
    ///
    /// # Formula
    /// For the estimable coefficients b_T of term T and their block V_TT of the fit's variance (the robust
    /// variance when the fit is robust, as the coefficients' own tests), χ² = b_Tᵀ V_TT⁻ b_T on |T| degrees of
    /// freedom, V⁻ by the same generalised Cholesky as the model's Wald test (R's default `toler.chol`).
    ///
    /// # R equivalent
    /// `t(b[i]) %*% solve(vcov(fit)[i, i]) %*% b[i]` for the term's columns i, what `aod::wald.test(vcov(fit),
    /// coef(fit), Terms = i)` and `car::Anova(fit, type = 3, test.statistic = "Wald")` print.
    ///
    /// # Errors
    /// [`CoreError::LengthMismatch`] when `term_of` does not have one entry per coefficient;
    /// [`CoreError::InvalidArgument`] for a term index without a name.
    pub fn term_tests(&self, term_of: &[usize], terms: &[String]) -> Result<Vec<TermTest>> {
        let p = self.coef.len();
        if term_of.len() != p {
            return Err(CoreError::LengthMismatch {
                what: "term_of",
                got: term_of.len(),
                expected: p,
            });
        }
        if let Some(&t) = term_of.iter().find(|&&t| t >= terms.len()) {
            return Err(CoreError::InvalidArgument(format!(
                "term {t} has no name ({} terms)",
                terms.len()
            )));
        }
        let mut out = Vec::new();
        for (t, name) in terms.iter().enumerate() {
            let columns: Vec<usize> = (0..p).filter(|&j| term_of[j] == t).collect();
            if columns.len() < 2 {
                continue;
            }
            let kept: Vec<usize> = columns.into_iter().filter(|&j| !self.dropped[j]).collect();
            let block = principal_block(&self.var, p, &kept);
            let b: Vec<f64> = kept.iter().map(|&j| self.coef[j]).collect();
            let chisq = if kept.is_empty() {
                0.0
            } else {
                Ldl::new(&block, kept.len(), CoxOptions::default().toler_chol).quad_form(&b)
            };
            out.push(TermTest {
                term: name.clone(),
                test: Test::new(chisq, kept.len()),
            });
        }
        Ok(out)
    }
}

//! The Efron (or Breslow) terms of one event time, as coefficients of the risk-set sums.
//!
//! At an event time with risk-set sum S0, event sum E = Σ_deaths r, d events of total weight w_D, the
//! sub-steps k = 0..d−1 (Efron; Breslow and single events: k = 0 only) have denominators
//! `D_k = S0 − f_k E`, `f_k = k/d`, each of weight `ω = w_D / d` (Breslow: w_D). Then
//! ```text
//! ℓ −= Σ_k ω log D_k
//! U −= g1 A − g2 A_D                                  g1 = Σ_k ω/D_k,   g2 = Σ_k ω f_k/D_k
//! I += g1 C − g2 C_D − [h0 A Aᵀ − h1 (A A_Dᵀ + A_D Aᵀ) + h2 A_D A_Dᵀ]     h_m = Σ_k ω f_k^m / D_k²
//! ```
//! with A, C the risk set's Σ r x and Σ r x xᵀ and A_D, C_D the deaths'. This is the algebra of R's
//! `coxfit6` (Therneau & Grambsch 2000, section 3.3) with the sub-steps summed into five numbers.

use super::ties::Ties;

/// The coefficients of one event time (see the module formula).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TieTerms {
    /// Σ_k ω log D_k (to subtract from ℓ).
    pub log_terms: f64,
    pub g1: f64,
    pub g2: f64,
    pub h0: f64,
    pub h1: f64,
    pub h2: f64,
    /// Efron with several events: the death sums A_D, C_D enter (g2, h1, h2 are non-zero).
    pub multi: bool,
}

impl TieTerms {
    /// The terms of an event time with risk-set sum `s0`, event sum `e`, `nd` events of total weight `wd`.
    pub fn new(s0: f64, e: f64, nd: usize, wd: f64, ties: Ties) -> TieTerms {
        if ties != Ties::Efron || nd == 1 {
            return TieTerms {
                log_terms: wd * s0.ln(),
                g1: wd / s0,
                h0: wd / (s0 * s0),
                ..TieTerms::default()
            };
        }
        let dd = nd as f64;
        let omega = wd / dd;
        let mut t = TieTerms {
            multi: true,
            ..TieTerms::default()
        };
        let (mut a1, mut a2) = (0.0, 0.0);
        // Σ_k log D_k as the log of the product: one logarithm per event time instead of one per death. The
        // product is kept as mantissa × 2^exponent so that it never overflows.
        let mut log_prod = LogProduct::default();
        for k in 0..nd {
            let f = k as f64 / dd;
            let den = s0 - f * e;
            log_prod.mul(den);
            let inv = 1.0 / den;
            a1 += inv;
            a2 += f * inv;
            let inv2 = inv * inv;
            t.h0 += inv2;
            t.h1 += f * inv2;
            t.h2 += f * f * inv2;
        }
        t.log_terms = omega * log_prod.ln();
        t.g1 = omega * a1;
        t.g2 = omega * a2;
        t.h0 *= omega;
        t.h1 *= omega;
        t.h2 *= omega;
        t
    }
}

/// A product of positive numbers as `mantissa · 2^exponent` (mantissa in [1, 2)), and its logarithm.
#[derive(Debug, Clone, Copy)]
struct LogProduct {
    mantissa: f64,
    exponent: i64,
    /// A factor that was not a positive normal number: the log is then the plain sum of logs.
    fallback: Option<f64>,
}

impl Default for LogProduct {
    fn default() -> Self {
        LogProduct {
            mantissa: 1.0,
            exponent: 0,
            fallback: None,
        }
    }
}

impl LogProduct {
    const EXP_MASK: u64 = 0x7ff << 52;
    const ONE_EXP: u64 = 1023 << 52;

    #[inline]
    fn mul(&mut self, v: f64) {
        if let Some(sum) = self.fallback.as_mut() {
            *sum += v.ln();
            return;
        }
        let m = self.mantissa * v;
        if !(v.is_normal() && v > 0.0 && m.is_normal()) {
            self.fallback = Some(self.ln() + v.ln());
            return;
        }
        let bits = m.to_bits();
        self.exponent += ((bits & Self::EXP_MASK) >> 52) as i64 - 1023;
        self.mantissa = f64::from_bits((bits & !Self::EXP_MASK) | Self::ONE_EXP);
    }

    fn ln(&self) -> f64 {
        match self.fallback {
            Some(sum) => sum,
            None => self.mantissa.ln() + self.exponent as f64 * std::f64::consts::LN_2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_of_a_product_is_the_sum_of_logs() {
        let values = [3.5, 1e300, 2e-300, 7.25e12, 0.001, 1e308, 1e308, 4.0];
        let mut lp = LogProduct::default();
        let mut direct = 0.0;
        for v in values {
            lp.mul(v);
            direct += f64::ln(v);
        }
        assert!(
            (lp.ln() - direct).abs() <= 1e-13 * direct.abs(),
            "{} {direct}",
            lp.ln()
        );
        // A zero or negative factor gives what the sum of logs gives.
        let mut bad = LogProduct::default();
        bad.mul(2.0);
        bad.mul(0.0);
        assert_eq!(bad.ln(), f64::NEG_INFINITY);
        let mut neg = LogProduct::default();
        neg.mul(-1.0);
        assert!(neg.ln().is_nan());
    }

    #[test]
    fn efron_terms_match_the_sub_steps() {
        let (s0, e, nd, wd) = (1234.5, 87.25, 37, 41.0);
        let t = TieTerms::new(s0, e, nd, wd, Ties::Efron);
        let omega = wd / nd as f64;
        let direct: f64 = (0..nd)
            .map(|k| omega * (s0 - k as f64 / nd as f64 * e).ln())
            .sum();
        assert!((t.log_terms - direct).abs() <= 1e-13 * direct.abs());
        let b = TieTerms::new(s0, e, nd, wd, Ties::Breslow);
        assert_eq!(b.log_terms, wd * s0.ln());
        assert!(!b.multi && t.multi);
    }
}

//! Multiple-testing adjustment of p-values, as R's `p.adjust`.

/// How to adjust a family of p-values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PAdjust {
    /// Holm (1979) step-down, family-wise error; R's default.
    Holm,
    /// Benjamini & Hochberg (1995) step-up, false discovery rate (R: "BH" / "fdr").
    BH,
    /// Bonferroni: `min(1, m·p)`.
    Bonferroni,
    /// No adjustment.
    None,
}

impl PAdjust {
    /// R's name: "holm", "BH", "bonferroni", "none".
    pub fn name(&self) -> &'static str {
        match self {
            PAdjust::Holm => "holm",
            PAdjust::BH => "BH",
            PAdjust::Bonferroni => "bonferroni",
            PAdjust::None => "none",
        }
    }

    /// Parses R's names, case-insensitively ("fdr" is R's alias for "BH").
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "holm" => Some(PAdjust::Holm),
            "bh" | "fdr" => Some(PAdjust::BH),
            "bonferroni" => Some(PAdjust::Bonferroni),
            "none" => Some(PAdjust::None),
            _ => None,
        }
    }
}

/// Adjusted p-values, in the order given. NaN p-values stay NaN and do not count towards m.
///
/// # Formula
/// With m non-missing p-values sorted increasingly, p₍₁₎ ≤ … ≤ p₍ₘ₎:
/// ```text
/// bonferroni: min(1, m·p)
/// holm:       p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎)
/// BH:         p̃₍ᵢ₎ = min(1, min_{j ≥ i} m/j·p₍ⱼ₎)
/// ```
///
/// # Reference
/// Holm (1979), Scand J Stat 6:65-70; Benjamini & Hochberg (1995), JRSS B 57:289-300.
///
/// # R equivalent
/// `p.adjust(p, method)` with the default `n = length(p)` (which, as in R, counts only non-NA p-values).
///
/// # Examples
/// R 4.2: `p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2), "holm")` is `0.04 0.09 0.09 0.025 0.2`, and with `"BH"`
/// `0.025 0.05 0.05 0.025 0.2` (`fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{p_adjust, PAdjust};
/// let p = [0.01, 0.04, 0.03, 0.005, 0.2];
/// let close = |got: Vec<f64>, want: [f64; 5]| got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-15);
/// assert!(close(p_adjust(&p, PAdjust::Holm), [0.04, 0.09, 0.09, 0.025, 0.2]));
/// assert!(close(p_adjust(&p, PAdjust::BH), [0.025, 0.05, 0.05, 0.025, 0.2]));
/// ```
#[doc(alias = "p.adjust")]
pub fn p_adjust(p: &[f64], method: PAdjust) -> Vec<f64> {
    let idx: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    let m = idx.len() as f64;
    let mut out = p.to_vec();
    match method {
        PAdjust::None => {}
        PAdjust::Bonferroni => {
            for &i in &idx {
                out[i] = (m * p[i]).min(1.0);
            }
        }
        PAdjust::Holm => {
            let mut order = idx.clone();
            order.sort_by(|&a, &b| p[a].total_cmp(&p[b])); // stable, as R's order()
            let mut run = f64::NEG_INFINITY;
            for (j, &i) in order.iter().enumerate() {
                run = run.max((m - j as f64) * p[i]);
                out[i] = run.min(1.0);
            }
        }
        PAdjust::BH => {
            let mut order = idx.clone();
            order.sort_by(|&a, &b| p[b].total_cmp(&p[a])); // decreasing
            let mut run = f64::INFINITY;
            for (j, &i) in order.iter().enumerate() {
                let rank = m - j as f64; // rank of p[i] among the increasing p-values
                run = run.min(m / rank * p[i]);
                out[i] = run.min(1.0);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // R: p <- c(0.01, 0.04, 0.03, 0.2, NA, 0.04)
    const P: [f64; 6] = [0.01, 0.04, 0.03, 0.2, f64::NAN, 0.04];

    fn check(got: &[f64], want: &[f64]) {
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g.is_nan() && w.is_nan()) || (g - w).abs() < 1e-15,
                "{got:?} vs {want:?}"
            );
        }
    }

    #[test]
    fn holm_matches_r() {
        // p.adjust(p, "holm") = 0.05 0.12 0.12 0.20 NA 0.12
        check(
            &p_adjust(&P, PAdjust::Holm),
            &[0.05, 0.12, 0.12, 0.2, f64::NAN, 0.12],
        );
    }

    #[test]
    fn bh_matches_r() {
        // p.adjust(p, "BH") = 0.05 0.05 0.05 0.20 NA 0.05
        check(
            &p_adjust(&P, PAdjust::BH),
            &[0.05, 0.05, 0.05, 0.2, f64::NAN, 0.05],
        );
    }

    #[test]
    fn bonferroni_matches_r() {
        check(
            &p_adjust(&P, PAdjust::Bonferroni),
            &[0.05, 0.2, 0.15, 1.0, f64::NAN, 0.2],
        );
    }

    #[test]
    fn parse_names() {
        for m in [
            PAdjust::Holm,
            PAdjust::BH,
            PAdjust::Bonferroni,
            PAdjust::None,
        ] {
            assert_eq!(PAdjust::parse(m.name()), Some(m));
        }
        assert_eq!(PAdjust::parse("fdr"), Some(PAdjust::BH));
    }
}

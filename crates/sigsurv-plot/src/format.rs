//! Number formats for figure text: p-values and hazard ratios with their intervals.

/// A p-value for a figure: two significant digits ("0.34", "0.034", "0.0034"), "<0.0001" below 1e-4,
/// "NA" when missing.
///
/// # Reference
/// The convention of most clinical journals (e.g. NEJM, Lancet style guides: report p to two significant
/// digits, and p < 0.0001 rather than smaller values).
///
/// # R equivalent
/// Close to `format.pval(p, digits = 2, eps = 1e-4)`, and to survminer's `surv_pvalue` display
/// ("p < 0.0001").
pub fn format_p(p: f64) -> String {
    if !p.is_finite() {
        return "NA".to_string();
    }
    if p < 1e-4 {
        return "<0.0001".to_string();
    }
    // Two significant digits: decimals = 1 − floor(log10 p), at least 2.
    let d = (1 - p.log10().floor() as i32).max(2) as usize;
    format!("{p:.d$}")
}

/// "p = 0.0034" or "p < 0.0001".
pub fn p_label(p: f64) -> String {
    let s = format_p(p);
    match s.strip_prefix('<') {
        Some(rest) => format!("p < {rest}"),
        None => format!("p = {s}"),
    }
}

/// A ratio and its interval with two decimals: "1.80 (1.30–2.40)" (en dash); infinite limits print "Inf".
pub fn format_hr(estimate: f64, lower: f64, upper: f64) -> String {
    format!("{} ({}–{})", two(estimate), two(lower), two(upper))
}

fn two(x: f64) -> String {
    if x.is_infinite() {
        if x > 0.0 { "Inf" } else { "-Inf" }.to_string()
    } else if x.is_nan() {
        "NA".to_string()
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values() {
        assert_eq!(format_p(0.0034), "0.0034");
        assert_eq!(format_p(0.03449), "0.034");
        assert_eq!(format_p(0.34), "0.34");
        assert_eq!(format_p(1.0), "1.00");
        assert_eq!(format_p(0.00012), "0.00012");
        assert_eq!(format_p(3e-7), "<0.0001");
        assert_eq!(format_p(f64::NAN), "NA");
        assert_eq!(p_label(3e-7), "p < 0.0001");
        assert_eq!(p_label(0.0034), "p = 0.0034");
    }

    #[test]
    fn hazard_ratios() {
        assert_eq!(format_hr(1.8, 1.3, 2.4), "1.80 (1.30–2.40)");
        assert_eq!(format_hr(1.8, 0.0, f64::INFINITY), "1.80 (0.00–Inf)");
    }
}

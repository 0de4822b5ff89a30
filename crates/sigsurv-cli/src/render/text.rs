//! Aligned text tables and R-like number formatting for the `table` output format.

/// A table printed with right-aligned columns (the first column left-aligned), as R prints matrices.
pub struct TextTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns (besides a label first column) that hold text and align left.
    pub text_columns: Vec<usize>,
}

impl TextTable {
    pub fn new(headers: &[&str]) -> TextTable {
        TextTable {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            text_columns: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let ncol = self.headers.len();
        let mut width = vec![0usize; ncol];
        for r in std::iter::once(&self.headers).chain(&self.rows) {
            for (j, c) in r.iter().enumerate().take(ncol) {
                width[j] = width[j].max(c.chars().count());
            }
        }
        // Row labels align left, as R prints a matrix; numbers (data columns, a first column of times) align right.
        let label_column = self.rows.iter().any(|r| {
            r.first()
                .is_some_and(|c| c.parse::<f64>().is_err() && c != "NA")
        });
        let mut out = String::new();
        for r in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = String::new();
            for (j, c) in r.iter().enumerate().take(ncol) {
                if (j == 0 && label_column) || self.text_columns.contains(&j) {
                    let sep = if j == 0 { "" } else { "  " };
                    line.push_str(&format!("{sep}{c:<w$}", w = width[j]));
                } else if j == 0 {
                    line.push_str(&format!("{c:>w$}", w = width[0]));
                } else {
                    line.push_str(&format!("  {c:>w$}", w = width[j]));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `x` with `digits` significant digits, trailing zeros removed (R's `signif` then print); NA for NaN/None.
pub fn sig(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "NA".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    if !(-4..15).contains(&exp) {
        let s = format!("{:.*e}", digits.saturating_sub(1), x);
        return trim_exp(&s);
    }
    let decimals = (digits as i32 - 1 - exp).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `x` with a fixed number of decimals; a value that rounds to zero prints without a sign (never "-0.000").
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// Optional value: NA when absent.
pub fn sig_opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "NA".into(), |v| sig(v, digits))
}

/// A p-value as a reader wants it: 3 significant digits, scientific below 1e-3; 0 (underflow) as "< 1e-300".
pub fn pval(p: f64) -> String {
    if p.is_nan() {
        "NA".into()
    } else if p == 0.0 {
        "< 1e-300".into()
    } else if p < 1e-3 {
        trim_exp(&format!("{p:.2e}"))
    } else {
        sig(p, 3)
    }
}

/// Rust prints 1.5e-5 as "1.5e-5"; R as "1.5e-05". Keep Rust's short form but drop a mantissa's trailing zeros.
fn trim_exp(s: &str) -> String {
    match s.split_once('e') {
        Some((m, e)) if m.contains('.') => {
            format!("{}e{}", m.trim_end_matches('0').trim_end_matches('.'), e)
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_never_prints_negative_zero() {
        assert_eq!(fixed(-0.0, 3), "0.000");
        assert_eq!(fixed(-0.0001, 3), "0.000");
        assert_eq!(fixed(-0.0006, 3), "-0.001");
        assert_eq!(fixed(2.5, 1), "2.5");
    }

    #[test]
    fn formats() {
        assert_eq!(sig(1528.0, 4), "1528");
        assert_eq!(sig(0.123456, 3), "0.123");
        assert_eq!(sig(0.5, 3), "0.5");
        assert_eq!(sig(f64::NAN, 3), "NA");
        assert_eq!(pval(2.0884875837625688e-45), "2.09e-45");
        assert_eq!(pval(0.0034), "0.0034");
    }
}

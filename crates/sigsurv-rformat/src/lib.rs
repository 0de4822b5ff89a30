//! How sigsurv writes a number as text: factor levels (`stage=2`), values named in messages (`event value 0`),
//! group labels. The numerics (`sigsurv-core`) and the readers (`sigsurv-io`) both need it and depend on no
//! other sigsurv crate, so it is a crate of its own: one formatter, so a level reads the same in every command.

/// A number as R's `as.character` writes it for the values data usually hold: whole numbers without a decimal
/// point (`2`, not `2.0`), `-0` as `0` (R's `factor(c(-0, 0))` has the one level `"0"`), other numbers in the
/// shortest form that reads back to the same double (`0.1`, `2.5`), `NaN`, `inf` and `-inf` as Rust writes them.
///
/// Differences from R: R switches to scientific notation when it is shorter (`1e+05` for 100000, `1e-04` for
/// 0.0001) and keeps 15 significant digits (`0.333333333333333` for 1/3); sigsurv writes `100000`, `0.0001` and
/// `0.3333333333333333`.
///
/// ```
/// use sigsurv_rformat::format_number;
/// assert_eq!(format_number(2.0), "2");
/// assert_eq!(format_number(-0.0), "0");
/// assert_eq!(format_number(0.1), "0.1");
/// assert_eq!(format_number(1e5), "100000");
/// assert_eq!(format_number(-2.5), "-2.5");
/// ```
pub fn format_number(v: f64) -> String {
    // `v == 0.0` holds for -0 too: it prints as 0.
    let v = if v == 0.0 { 0.0 } else { v };
    format!("{v}")
}

/// A number exactly as R's `as.character` and `deparse` write it (15 significant digits, the fewest that give
/// them; scientific notation when it is shorter than fixed: `1e+05`, `1e-04`, `0.001`, `0.333333333333333`;
/// `Inf`, `-Inf`, `NaN`). This is how R names a model term that holds a number, such as `I(age/1e+05)`.
///
/// ```
/// use sigsurv_rformat::format_r;
/// assert_eq!(format_r(100000.0), "1e+05");
/// assert_eq!(format_r(123456.0), "123456");
/// assert_eq!(format_r(0.0001), "1e-04");
/// assert_eq!(format_r(0.001), "0.001");
/// assert_eq!(format_r(1.0 / 3.0), "0.333333333333333");
/// ```
pub fn format_r(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    if v == 0.0 {
        return "0".into();
    }
    // 15 significant digits, then the fewest of them that still say the same.
    let sci15 = format!("{v:.14e}");
    let (mantissa, exp) = sci15.split_once('e').expect("an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let nsig = digits.trim_end_matches('0').len().max(1);
    let sci = {
        let m = format!("{:.*e}", nsig - 1, v);
        let (m, _) = m.split_once('e').expect("an exponent");
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    };
    let decimals = (nsig as i32 - exp - 1).max(0) as usize;
    let fixed = format!("{v:.decimals$}");
    if fixed.len() <= sci.len() {
        fixed
    } else {
        sci
    }
}

#[cfg(test)]
mod tests {
    use super::{format_number, format_r};

    /// R 4.2: `as.character(c(...))`.
    #[test]
    fn r_s_own_form() {
        for (v, r) in [
            (100000.0, "1e+05"),
            (1234567.0, "1234567"),
            (1e15, "1e+15"),
            (0.1, "0.1"),
            (1e-5, "1e-05"),
            (2e5, "2e+05"),
            (-0.5, "-0.5"),
            (10.0, "10"),
            (123456.7, "123456.7"),
            (1.5e-10, "1.5e-10"),
        ] {
            assert_eq!(format_r(v), r, "{v}");
        }
    }

    /// Whole numbers print as integers up to and past 2^53, where Rust's float formatting still writes no
    /// exponent and no decimal point.
    #[test]
    fn whole_numbers_have_no_decimal_point() {
        for (v, s) in [
            (0.0, "0"),
            (-3.0, "-3"),
            (123_456_789_012_345.0, "123456789012345"),
            (1e15, "1000000000000000"),
            (1e20, "100000000000000000000"),
        ] {
            assert_eq!(format_number(v), s);
        }
        assert_eq!(format_number(f64::NAN), "NaN");
        assert_eq!(format_number(f64::INFINITY), "inf");
        assert_eq!(format_number(f64::NEG_INFINITY), "-inf");
    }
}

//! Colours: the Okabe-Ito colour-blind-safe palette, and colour validation.

use crate::error::{PlotError, Result};

/// The eight Okabe-Ito colours in their published order: orange, sky blue, bluish green, yellow, blue,
/// vermillion, reddish purple, black.
///
/// # Reference
/// Okabe & Ito (2008), "Color Universal Design (CUD): how to make figures and presentations that are
/// friendly to colorblind people", <https://jfly.uni-koeln.de/color/>.
pub const OKABE_ITO: [&str; 8] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
];

/// The default line colours: Okabe-Ito with the yellow (#F0E442) moved last, because a thin yellow line on
/// white has too little contrast; it is used only for an eighth group.
pub const DEFAULT_PALETTE: [&str; 8] = [
    "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#F0E442",
];

/// The colour of group `i`: from `custom` if given (cycling), else [`DEFAULT_PALETTE`] (cycling).
pub(crate) fn colour(custom: &[String], i: usize) -> String {
    if custom.is_empty() {
        DEFAULT_PALETTE[i % DEFAULT_PALETTE.len()].to_string()
    } else {
        custom[i % custom.len()].clone()
    }
}

/// Checks that every colour is `#rgb` or `#rrggbb` (what both SVG viewers and resvg read alike).
pub(crate) fn validate(custom: &[String]) -> Result<()> {
    for c in custom {
        let hex = c.strip_prefix('#').unwrap_or("");
        if !(hex.len() == 6 || hex.len() == 3) || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
            return Err(PlotError::InvalidOption {
                option: "palette",
                reason: format!("\"{c}\" is not a colour like #0072B2"),
            });
        }
    }
    Ok(())
}

/// Parses `#rrggbb` (or `#rgb`) into RGB bytes; used by the tests that sample rendered pixels.
pub fn parse_hex(c: &str) -> Option<[u8; 3]> {
    let hex = c.strip_prefix('#')?;
    let v = |s: &str| u8::from_str_radix(s, 16).ok();
    match hex.len() {
        6 => Some([v(&hex[0..2])?, v(&hex[2..4])?, v(&hex[4..6])?]),
        3 => {
            let d = |i: usize| v(&hex[i..i + 1]).map(|x| x * 17);
            Some([d(0)?, d(1)?, d(2)?])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        assert_eq!(colour(&[], 0), "#E69F00");
        assert_eq!(colour(&[], 8), "#E69F00");
        assert_eq!(colour(&["#123".into()], 3), "#123");
        assert!(validate(&["#0072B2".into(), "#abc".into()]).is_ok());
        assert!(validate(&["red".into()]).is_err());
        assert_eq!(parse_hex("#0072B2"), Some([0, 0x72, 0xB2]));
        assert_eq!(parse_hex("#fff"), Some([255, 255, 255]));
    }
}

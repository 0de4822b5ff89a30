//! The embedded font and text widths measured from its glyph advances, for layout.

use skrifa::prelude::{LocationRef, MetadataProvider, Size};
use skrifa::FontRef;

/// DejaVu Sans 2.37 (Debian's fonts-dejavu-core), Bitstream Vera licence: `assets/DejaVuSans-LICENSE.txt`.
pub(crate) static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Width in px of `s` set in the embedded font at `size` px (sum of advances; kerning ignored, which for
/// DejaVu Sans changes widths by well under 1%). Characters missing from the font count as 0.6 em.
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    let Ok(font) = FontRef::new(FONT) else {
        return 0.6 * size * s.chars().count() as f64;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let upem = f64::from(
        font.metrics(Size::unscaled(), LocationRef::default())
            .units_per_em,
    );
    let units: f64 = s
        .chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .map(f64::from)
                .unwrap_or(0.6 * upem)
        })
        .sum();
    units / upem * size
}

/// The widest of several strings.
pub(crate) fn max_width<'a>(items: impl IntoIterator<Item = &'a str>, size: f64) -> f64 {
    items
        .into_iter()
        .map(|s| text_width(s, size))
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_scale_and_add() {
        let a = text_width("0", 10.0);
        // DejaVu Sans digits are 1303 units of 2048 wide.
        assert!((a - 10.0 * 1303.0 / 2048.0).abs() < 1e-9, "{a}");
        assert!((text_width("00", 20.0) - 4.0 * a).abs() < 1e-9);
        assert_eq!(text_width("", 12.0), 0.0);
        assert_eq!(max_width(["a", "aaa"], 10.0), text_width("aaa", 10.0));
    }
}

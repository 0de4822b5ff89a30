//! A minimal SVG writer: one element per line, coordinates with at most two decimals, text escaped. The
//! output is deterministic, so figures can be compared byte for byte.

use crate::render::FONT_FAMILY;
use std::fmt::Write;

/// A coordinate or length with at most two decimals, trailing zeros dropped ("12.5", "3", never "-0").
pub(crate) fn n(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Escapes text for element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text anchoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// A text element's style and extra attributes.
pub(crate) struct TextStyle<'a> {
    pub size: f64,
    pub anchor: Anchor,
    pub fill: &'a str,
    /// Rotation in degrees about (x, y) (−90 for a y-axis title).
    pub rotate: f64,
    /// Extra attributes, written as given (values are escaped).
    pub attrs: &'a [(&'a str, String)],
}

impl<'a> TextStyle<'a> {
    pub fn new(size: f64, anchor: Anchor) -> TextStyle<'a> {
        TextStyle {
            size,
            anchor,
            fill: "#000000",
            rotate: 0.0,
            attrs: &[],
        }
    }
}

/// The SVG document being written.
pub(crate) struct Svg {
    buf: String,
}

impl Svg {
    /// A document of `width` × `height` user units (px at 96 dpi) on a white background.
    pub fn new(width: f64, height: f64) -> Svg {
        let mut buf = String::with_capacity(32 * 1024);
        let _ = writeln!(
            buf,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">"#,
            w = n(width),
            h = n(height)
        );
        let _ = writeln!(
            buf,
            r##"<rect x="0" y="0" width="{}" height="{}" fill="#FFFFFF"/>"##,
            n(width),
            n(height)
        );
        Svg { buf }
    }

    /// Opens a `<g>` with the given attributes.
    pub fn group(&mut self, attrs: &[(&str, String)]) {
        self.buf.push_str("<g");
        self.attrs(attrs);
        self.buf.push_str(">\n");
    }

    pub fn end_group(&mut self) {
        self.buf.push_str("</g>\n");
    }

    /// A self-closing element.
    pub fn el(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.attrs(attrs);
        self.buf.push_str("/>\n");
    }

    /// Raw markup (for `<defs>`); the caller escapes.
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
        self.buf.push('\n');
    }

    /// A straight line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        self.el(
            "line",
            &[
                ("x1", n(x1)),
                ("y1", n(y1)),
                ("x2", n(x2)),
                ("y2", n(y2)),
                ("stroke", stroke.to_string()),
                ("stroke-width", n(width)),
            ],
        );
    }

    /// A text element at (x, y) (y is the baseline).
    pub fn text(&mut self, x: f64, y: f64, content: &str, style: &TextStyle) {
        self.buf.push_str("<text");
        let mut a = vec![("x", n(x)), ("y", n(y)), ("font-size", n(style.size))];
        if style.anchor != Anchor::Start {
            a.push(("text-anchor", style.anchor.name().to_string()));
        }
        if style.fill != "#000000" {
            a.push(("fill", style.fill.to_string()));
        }
        if style.rotate != 0.0 {
            a.push((
                "transform",
                format!("rotate({} {} {})", n(style.rotate), n(x), n(y)),
            ));
        }
        self.attrs(&a);
        self.attrs(style.attrs);
        self.buf.push('>');
        self.buf.push_str(&esc(content));
        self.buf.push_str("</text>\n");
    }

    pub fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }

    fn attrs(&mut self, attrs: &[(&str, String)]) {
        for (k, v) in attrs {
            let _ = write!(self.buf, r#" {k}="{}""#, esc(v));
        }
    }
}

/// Path data builder ("M x y H x V y ...").
#[derive(Default)]
pub(crate) struct PathData(String);

impl PathData {
    pub fn move_to(&mut self, x: f64, y: f64) {
        let _ = write!(self.0, "M{} {}", n(x), n(y));
    }
    pub fn line_to(&mut self, x: f64, y: f64) {
        let _ = write!(self.0, "L{} {}", n(x), n(y));
    }
    pub fn h(&mut self, x: f64) {
        let _ = write!(self.0, "H{}", n(x));
    }
    pub fn v(&mut self, y: f64) {
        let _ = write!(self.0, "V{}", n(y));
    }
    pub fn close(&mut self) {
        self.0.push('Z');
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_two_decimals_at_most() {
        assert_eq!(n(1.0), "1");
        assert_eq!(n(1.234), "1.23");
        assert_eq!(n(1.5), "1.5");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(-2.25), "-2.25");
        assert_eq!(n(100.0), "100");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(esc("x\u{1}y"), "x y");
    }
}

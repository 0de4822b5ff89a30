//! What is wrong with a `--where` condition, and the caret lines that point at it.

use super::span::Span;

/// What is wrong with a condition, where (if one place is to blame), and follow-up hints.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterError {
    pub message: String,
    pub span: Option<Span>,
    pub hints: Vec<String>,
}

impl FilterError {
    pub(crate) fn syntax(span: Span, message: impl Into<String>) -> FilterError {
        FilterError {
            message: message.into(),
            span: Some(span),
            hints: Vec::new(),
        }
    }

    /// Two lines: the condition, and carets under the span (columns counted in characters, tabs kept so the caret
    /// lines up in a terminal; line breaks shown as spaces).
    pub fn caret(&self, src: &str) -> Option<[String; 2]> {
        let span = self.span?;
        let start = floor_char_boundary(src, span.start);
        let end = floor_char_boundary(src, span.end.max(span.start));
        let flat: String = src
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let pad: String = src[..start]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = src[start..end].chars().count().max(1);
        let chars: Vec<char> = flat.chars().collect();
        if chars.len() <= 2 * CARET_WINDOW + width {
            return Some([flat, format!("{pad}{}", "^".repeat(width))]);
        }
        // A long condition: a window of it around the span, cut ends marked with "…".
        let at = pad.chars().count();
        let lo = at.saturating_sub(CARET_WINDOW);
        let hi = (at + width + CARET_WINDOW).min(chars.len());
        let mut line: String = if lo > 0 { "…".into() } else { String::new() };
        line.extend(&chars[lo..hi]);
        if hi < chars.len() {
            line.push('…');
        }
        let mut under: String = if lo > 0 { " ".into() } else { String::new() };
        under.extend(pad.chars().skip(lo));
        under.push_str(&"^".repeat(width.min(hi - at)));
        Some([line, under])
    }
}

/// Characters of a long condition shown on each side of the part to blame.
const CARET_WINDOW: usize = 40;

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

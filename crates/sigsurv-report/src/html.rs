//! Writing a [`Report`] as one HTML5 file.

use crate::model::{Block, Cell, Figure, Report, Table};
use std::fmt::Write;

/// The stylesheet, inlined into every report.
const STYLE: &str = include_str!("style.css");

/// Escapes text for HTML element content and attribute values: `&`, `<`, `>`, `"` and `'` become
/// entities; control characters other than tab and newline become spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders the report as a self-contained HTML5 document: inline CSS, inline SVG, no scripts, no links to
/// anything outside the file (the table of contents links to the sections' anchors).
pub fn render_html(r: &Report) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        escape(&r.title),
        escape(&r.title)
    );
    if let Some(s) = &r.subtitle {
        let _ = writeln!(h, "<p class=\"subtitle\">{}</p>", escape(s));
    }
    h.push_str("</header>\n");
    let ids: Vec<String> = r.sections.iter().map(|s| anchor(&s.id)).collect();
    if r.sections.len() > 1 {
        h.push_str("<nav>\n<ol>\n");
        for (s, id) in r.sections.iter().zip(&ids) {
            let _ = writeln!(h, "<li><a href=\"#{id}\">{}</a></li>", escape(&s.heading));
        }
        h.push_str("</ol>\n</nav>\n");
    }
    h.push_str("<main>\n");
    for (s, id) in r.sections.iter().zip(&ids) {
        let _ = writeln!(h, "<section id=\"{id}\">\n<h2>{}</h2>", escape(&s.heading));
        for b in &s.blocks {
            block(&mut h, b);
        }
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn block(h: &mut String, b: &Block) {
    match b {
        Block::Subheading(t) => {
            let _ = writeln!(h, "<h3>{}</h3>", escape(t));
        }
        Block::Text(t) => {
            let _ = writeln!(h, "<p>{}</p>", escape(t));
        }
        Block::Note(t) => {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(t));
        }
        Block::Facts(facts) => {
            h.push_str("<table class=\"facts\">\n<tbody>\n");
            for (label, value) in facts {
                let _ = writeln!(
                    h,
                    "<tr><th scope=\"row\">{}</th>{}</tr>",
                    escape(label),
                    cell(value)
                );
            }
            h.push_str("</tbody>\n</table>\n");
        }
        Block::Table(t) => table(h, t),
        Block::Figure(f) => figure(h, f),
        Block::Code(t) => {
            let _ = writeln!(h, "<pre>{}</pre>", escape(t.trim_end()));
        }
    }
}

fn table(h: &mut String, t: &Table) {
    h.push_str("<div class=\"table-wrap\">\n<table class=\"data\">\n");
    if let Some(c) = &t.caption {
        let _ = writeln!(h, "<caption>{}</caption>", escape(c));
    }
    h.push_str("<thead>\n<tr>");
    for head in &t.header {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(head));
    }
    h.push_str("</tr>\n</thead>\n<tbody>\n");
    let empty = Cell::default();
    for row in &t.rows {
        h.push_str("<tr>");
        for i in 0..t.header.len().max(row.len()) {
            h.push_str(&cell(row.get(i).unwrap_or(&empty)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    if let Some(f) = &t.footnote {
        let _ = writeln!(h, "<p class=\"footnote\">{}</p>", escape(f));
    }
    h.push_str("</div>\n");
}

fn cell(c: &Cell) -> String {
    match c.value {
        Some(v) if v.is_finite() => {
            let exact = exact(v);
            format!(
                "<td class=\"num\" data-value=\"{exact}\" title=\"{exact}\">{}</td>",
                escape(&c.text)
            )
        }
        Some(_) => format!("<td class=\"num\">{}</td>", escape(&c.text)),
        None => format!("<td>{}</td>", escape(&c.text)),
    }
}

/// The shortest text that parses back to `v` exactly: integers without ".0", very small or large values
/// in scientific notation ("2.1e-9").
fn exact(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{v}")
    } else {
        format!("{v:?}")
    }
}

fn figure(h: &mut String, f: &Figure) {
    let class = anchor(&f.class);
    let _ = writeln!(h, "<figure class=\"figure {class}\">");
    h.push_str(&inline_svg(&f.svg, &f.caption));
    if !f.caption.is_empty() {
        let _ = writeln!(h, "<figcaption>{}</figcaption>", escape(&f.caption));
    }
    h.push_str("</figure>\n");
}

/// The SVG ready to sit inside HTML: without an XML declaration or doctype, the root without its `xmlns`
/// (HTML puts `<svg>` in the SVG namespace itself), and with `role="img"` and the caption as its label.
fn inline_svg(svg: &str, label: &str) -> String {
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => return String::new(),
    };
    let end = body.find('>').unwrap_or(body.len());
    let (open, rest) = body.split_at(end);
    let open = open
        .replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
    let mut out = String::with_capacity(svg.len() + 64);
    out.push_str(&open);
    let _ = write!(out, " role=\"img\" aria-label=\"{}\"", escape(label));
    out.push_str(rest.trim_end());
    out.push('\n');
    out
}

/// A safe anchor or class name: letters, digits, `-` and `_`; anything else becomes `-`.
fn anchor(s: &str) -> String {
    let a: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if a.is_empty() {
        "section".to_string()
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Section;

    fn sample() -> Report {
        Report {
            title: "IL1 <signature> & survival".into(),
            subtitle: Some("sigsurv 0.1.0".into()),
            sections: vec![
                Section {
                    id: "cohort".into(),
                    heading: "Cohort".into(),
                    blocks: vec![
                        Block::Facts(vec![("patients".into(), Cell::count(124))]),
                        Block::Note("p is biased by the search".into()),
                        Block::Subheading("Log-rank <test>".into()),
                    ],
                },
                Section {
                    id: "cox model".into(),
                    heading: "Cox <model>".into(),
                    blocks: vec![
                        Block::Table(Table {
                            caption: Some("score model".into()),
                            header: vec!["term".into(), "HR".into(), "p".into()],
                            rows: vec![vec![
                                "stage=<b>&".into(),
                                Cell::num("1.5", 1.5123456789),
                                Cell::num("2.1e-9", 2.1234e-9),
                            ]],
                            footnote: None,
                        }),
                        Block::Figure(Figure {
                            svg: "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>a&amp;b</text></svg>\n".into(),
                            caption: "A \"figure\"".into(),
                            class: "km".into(),
                        }),
                        Block::Code("[data]\nclinical = \"<x>.csv\"\n".into()),
                    ],
                },
            ],
        }
    }

    #[test]
    fn escapes_everything_from_the_caller() {
        assert_eq!(escape("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape("a\u{7}b\tc"), "a b\tc");
        let h = render_html(&sample());
        assert!(h.contains("<title>IL1 &lt;signature&gt; &amp; survival</title>"));
        assert!(h.contains("<td>stage=&lt;b&gt;&amp;</td>"));
        assert!(h.contains("<h2>Cox &lt;model&gt;</h2>"));
        assert!(h.contains("<h3>Log-rank &lt;test&gt;</h3>"));
        assert!(h.contains("clinical = &quot;&lt;x&gt;.csv&quot;"));
        assert!(!h.contains("<b>"));
    }

    #[test]
    fn is_self_contained() {
        let h = render_html(&sample());
        for bad in [
            "http://", "https://", "<script", "<link", "<img", "@import", "url(",
        ] {
            assert!(!h.contains(bad), "{bad}");
        }
        assert!(h.starts_with("<!DOCTYPE html>"));
        assert!(h.contains("<meta charset=\"utf-8\">"));
    }

    #[test]
    fn figures_are_inline_svg_with_a_label() {
        let h = render_html(&sample());
        assert!(h.contains(
            "<figure class=\"figure km\">\n<svg width=\"10\" height=\"10\" role=\"img\" aria-label=\"A &quot;figure&quot;\"><text>a&amp;b</text></svg>\n<figcaption>"
        ));
        assert!(!h.contains("<?xml"));
    }

    #[test]
    fn numbers_keep_their_exact_value() {
        let h = render_html(&sample());
        assert!(h.contains(
            "<td class=\"num\" data-value=\"1.5123456789\" title=\"1.5123456789\">1.5</td>"
        ));
        assert!(h.contains("data-value=\"2.1234e-9\""));
        assert_eq!("2.1234e-9".parse::<f64>().unwrap(), 2.1234e-9);
        assert!(h.contains("<th scope=\"row\">patients</th><td class=\"num\" data-value=\"124\""));
    }

    #[test]
    fn anchors_are_safe_and_linked() {
        let h = render_html(&sample());
        assert!(h.contains("<section id=\"cox-model\">"));
        assert!(h.contains("<a href=\"#cox-model\">Cox &lt;model&gt;</a>"));
        assert_eq!(anchor(""), "section");
        assert_eq!(anchor("a\"b"), "a-b");
    }

    #[test]
    fn short_rows_are_padded() {
        let mut t = Table {
            header: vec!["a".into(), "b".into()],
            rows: vec![vec!["x".into()]],
            ..Table::default()
        };
        let mut h = String::new();
        table(&mut h, &t);
        assert!(h.contains("<tr><td>x</td><td></td></tr>"));
        t.footnote = Some("n < 5".into());
        h.clear();
        table(&mut h, &t);
        assert!(h.contains("<p class=\"footnote\">n &lt; 5</p>"));
    }
}

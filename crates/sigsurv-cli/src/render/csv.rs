//! CSV output: a header and one line per row; numbers printed exactly (shortest round-trip form), missing as NA.

pub struct CsvOut {
    text: String,
}

impl CsvOut {
    pub fn new(headers: &[&str]) -> CsvOut {
        let mut c = CsvOut {
            text: String::new(),
        };
        c.line(headers.iter().map(|h| h.to_string()));
        c
    }

    pub fn line(&mut self, cells: impl IntoIterator<Item = String>) {
        let cells: Vec<String> = cells.into_iter().map(|c| quote(&c)).collect();
        self.text.push_str(&cells.join(","));
        self.text.push('\n');
    }

    pub fn finish(self) -> String {
        self.text
    }
}

/// A number with full precision; NA for missing.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        "NA".into()
    } else {
        format!("{x}")
    }
}

pub fn num_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "NA".into(), num)
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

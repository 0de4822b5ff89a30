//! Helpers shared by the CLI integration tests: where the fixtures are, and running the `sigsurv` binary.
#![allow(dead_code)] // each test file uses its own subset

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (without `..`, as sigsurv writes paths into resolved analysis files).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// `fixtures/<rel>` as a command-line argument.
pub fn fixture(rel: &str) -> String {
    root().join("fixtures").join(rel).display().to_string()
}

/// Runs the binary with `args` and returns what it did.
pub fn sigsurv(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigsurv"))
        .args(args)
        .output()
        .expect("binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The text between `<section id="{id}">` and its `</section>`.
pub fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

/// Every `data-value` in `html`, parsed.
pub fn data_values(html: &str) -> Vec<f64> {
    html.split("data-value=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse::<f64>().unwrap())
        .collect()
}

/// A JSON number of ours against R's, relative `rel` with a floor of `rel` itself near zero; R's null (NA) wants
/// our null.
#[allow(dead_code)]
pub fn close_json(what: &str, ours: &Value, r: &Value, rel: f64) {
    if r.is_null() {
        assert!(ours.is_null(), "{what}: ours {ours}, R NA");
        return;
    }
    let (a, b) = (
        ours.as_f64()
            .unwrap_or_else(|| panic!("{what}: ours {ours} is not a number")),
        r.as_f64().unwrap(),
    );
    assert!(
        (a - b).abs() <= rel * b.abs().max(1e-9),
        "{what}: ours {a}, R {b}"
    );
}

/// Writes `dir/name`: the CSV `src` with the columns `header` appended, each data line (0-based index, text)
/// followed by the cells `cells` gives it (`None` leaves the line out). Returns the path as an argument.
pub fn csv_with_columns(
    src: &Path,
    dir: &Path,
    name: &str,
    header: &[&str],
    mut cells: impl FnMut(usize, &str) -> Option<Vec<String>>,
) -> String {
    let text = std::fs::read_to_string(src).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{},{}\n", lines.next().unwrap(), header.join(","));
    for (i, line) in lines.enumerate() {
        if let Some(c) = cells(i, line) {
            out.push_str(&format!("{line},{}\n", c.join(",")));
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path.display().to_string()
}

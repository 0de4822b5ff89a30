//! Reading a figure's elements back from its SVG text, for tests that check what was drawn (shared with the
//! CLI's report tests through `#[path]`).
#![allow(dead_code)] // each test file uses its own subset

use resvg::usvg;

/// (attributes, text) of every element of the SVG with the given class.
pub fn elements(svg: &str, class: &str) -> Vec<(Vec<(String, String)>, String)> {
    let doc = usvg::roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .map(|n| {
            (
                n.attributes()
                    .map(|a| (a.name().to_string(), a.value().to_string()))
                    .collect(),
                n.text().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The value of attribute `name` (which must be there).
pub fn attr<'a>(a: &'a [(String, String)], name: &str) -> &'a str {
    &a.iter().find(|(k, _)| k == name).unwrap().1
}

//! The output of `sigsurv score`: the scores per sample as a text table (with the genes each set used), the
//! JSON of docs/cli.md and CSV.

use crate::args::OutputFormat;
use crate::output::json_text;
use crate::render::csv::{num, CsvOut};
use crate::render::text::{sig, TextTable};
use crate::signature::Scored;
use serde_json::{json, Map, Value};

/// The scores in the chosen format.
pub(crate) fn render(s: &Scored, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json_text(&to_json(s)),
        OutputFormat::Csv => to_csv(s),
        OutputFormat::Table => to_table(s),
    }
}

/// The `score` JSON.
pub(crate) fn to_json(s: &Scored) -> Value {
    let by_set = |f: &dyn Fn(usize) -> Value| -> Map<String, Value> {
        s.sets
            .iter()
            .enumerate()
            .map(|(i, set)| (set.name.clone(), f(i)))
            .collect()
    };
    json!({
        "analysis": "score",
        "method": s.method_name,
        "samples": s.samples,
        "scores": by_set(&|i| json!(s.scores[i])),
        "genes_used": by_set(&|i| json!(s.matches[i].used)),
        "genes_missing": by_set(&|i| json!(s.matches[i].missing)),
        "genes_dropped_constant": by_set(&|i| json!(s.dropped_constant[i])),
        "genes_via_alias": by_set(&|i| json!(s.matches[i].via_alias.iter().map(|(a, b)| json!({"set": a, "matrix": b})).collect::<Vec<_>>())),
        "genes_collapsed": by_set(&|i| json!(s.collapsed[i].iter().map(|(g, n)| json!({"gene": g, "rows": n})).collect::<Vec<_>>())),
        "genes_shadowed": by_set(&|i| json!(s.matches[i].shadowed.iter().map(|(u, o)| json!({"used": u, "not_used": o})).collect::<Vec<_>>())),
        "samples_dropped": s.missing.samples_dropped,
        "genes_dropped_missing": s.missing.genes_dropped,
    })
}

fn to_csv(s: &Scored) -> String {
    let mut headers = vec!["sample"];
    headers.extend(s.sets.iter().map(|x| x.name.as_str()));
    let mut out = CsvOut::new(&headers);
    for (j, sample) in s.samples.iter().enumerate() {
        let mut cells = vec![sample.clone()];
        cells.extend(s.scores.iter().map(|sc| num(sc[j])));
        out.line(cells);
    }
    out.finish()
}

fn to_table(s: &Scored) -> String {
    let mut text = format!("Signature scores, method {}\n\n", s.method_name);
    for ((set, m), constant) in s.sets.iter().zip(&s.matches).zip(&s.dropped_constant) {
        let mut why = Vec::new();
        if !m.missing.is_empty() {
            why.push(format!("missing: {}", m.missing.join(", ")));
        }
        if !constant.is_empty() {
            why.push(format!("constant expression: {}", constant.join(", ")));
        }
        text.push_str(&format!(
            "{}: {} of {} genes used{}\n",
            set.name,
            m.used.len(),
            set.genes.len(),
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join("; "))
            }
        ));
    }
    text.push('\n');
    let mut headers = vec!["sample"];
    headers.extend(s.sets.iter().map(|x| x.name.as_str()));
    let mut t = TextTable::new(&headers);
    for (j, sample) in s.samples.iter().enumerate() {
        let mut row = vec![sample.clone()];
        row.extend(s.scores.iter().map(|sc| sig(sc[j], 5)));
        t.row(row);
    }
    text.push_str(&t.render());
    text
}

//! `sigsurv score`: signature scores per sample.

use crate::args::{OutputFormat, ScoreArgs};
use crate::failure::CliResult;
use crate::output::json_text;
use crate::progress::{Phase, Step};
use crate::render::csv::{num, CsvOut};
use crate::render::text::{sig, TextTable};
use crate::signature::{read_matrix, score, Scored};
use serde_json::{json, Map, Value};

pub fn run(a: &ScoreArgs) -> CliResult<()> {
    let matrix = {
        let reading = format!("reading {}", a.expression.display());
        let _step = Step::start(Phase::Load, reading, a.output.quiet);
        read_matrix(&a.expression, &a.expr)?
    };
    let s = score(matrix, None, &a.expr, &a.output)?;
    let text = match a.output.resolved_format() {
        OutputFormat::Json => json_text(&to_json(&s)),
        OutputFormat::Csv => to_csv(&s),
        OutputFormat::Table => to_table(&s),
    };
    a.output.emit(&text)
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
        "method": s.method.name(),
        "samples": s.samples,
        "scores": by_set(&|i| json!(s.scores[i])),
        "genes_used": by_set(&|i| json!(s.matches[i].used)),
        "genes_missing": by_set(&|i| json!(s.matches[i].missing)),
        "genes_dropped_constant": by_set(&|i| json!(s.dropped_constant[i])),
        "genes_via_alias": by_set(&|i| json!(s.matches[i].via_alias.iter().map(|(a, b)| json!({"set": a, "matrix": b})).collect::<Vec<_>>())),
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
    let mut text = format!("Signature scores, method {}\n\n", s.method.name());
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

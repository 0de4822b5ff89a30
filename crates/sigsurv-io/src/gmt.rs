//! Gene sets: MSigDB's GMT files and the built-in sets, looked up by name.
//!
//! GMT (Broad/MSigDB "Gene Matrix Transposed"): one set per line, tab-separated: the set name, a description
//! (often a URL; may be empty), then the genes. Blank lines are ignored; so are empty gene fields (trailing tabs).

use crate::error::{IoError, Result};
pub use crate::gene_set::GeneSet;
use crate::gene_symbol::symbol_key;
use std::collections::HashMap;
use std::path::Path;

/// Reads every set of a GMT file.
///
/// # Errors
/// [`IoError::Open`] if unreadable; [`IoError::GeneSets`] naming the line for a line with no tab (not GMT), an empty
/// set name, a set without genes, or a set name used twice (both lines named); an empty file is an error too.
pub fn read_gmt(path: &Path) -> Result<Vec<GeneSet>> {
    let bytes = std::fs::read(path).map_err(|e| IoError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        gmt_err(path, Some(line), "not UTF-8 text".into())
    })?;
    parse_gmt(path, &text)
}

/// Parses GMT text (`path` is used in messages and `source`).
pub fn parse_gmt(path: &Path, text: &str) -> Result<Vec<GeneSet>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sets: Vec<GeneSet> = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let name = fields.next().unwrap_or("").trim().to_string();
        let Some(description) = fields.next() else {
            return Err(gmt_err(
                path,
                Some(line_no),
                "no tab: expected name<TAB>description<TAB>genes".into(),
            ));
        };
        if name.is_empty() {
            return Err(gmt_err(path, Some(line_no), "empty set name".into()));
        }
        if let Some(prev) = first_line.get(&name) {
            return Err(gmt_err(
                path,
                Some(line_no),
                format!("set \"{name}\" is defined twice (lines {prev} and {line_no})"),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        let genes: Vec<String> = fields
            .map(str::trim)
            .filter(|g| !g.is_empty() && seen.insert(symbol_key(g)))
            .map(str::to_string)
            .collect();
        if genes.is_empty() {
            return Err(gmt_err(
                path,
                Some(line_no),
                format!("set \"{name}\" has no genes"),
            ));
        }
        first_line.insert(name.clone(), line_no);
        sets.push(GeneSet {
            name,
            description: description.trim().to_string(),
            genes,
            source: format!("{}:{line_no}", path.display()),
        });
    }
    if sets.is_empty() {
        return Err(gmt_err(path, None, "no gene sets".into()));
    }
    Ok(sets)
}

fn gmt_err(path: &Path, line: Option<u64>, message: String) -> IoError {
    IoError::GeneSets {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The sets to score, by name: looked up in the GMT file (if given) and then among the built-in sets
/// ([`crate::builtin_sets`]); a GMT set shadows a built-in one of the same name. Names match exactly, or else
/// case-insensitively when that is unambiguous. Repeated names are returned once.
///
/// With no names: every set of the GMT file, or, without a GMT file, the built-in `IL1` set.
///
/// # Errors
/// Those of [`read_gmt`]; [`IoError::UnknownSet`] for a name found nowhere (its hints list the available sets and
/// the closest name).
pub fn resolve_sets(gmt: Option<&Path>, names: &[String]) -> Result<Vec<GeneSet>> {
    let from_file = match gmt {
        Some(p) => read_gmt(p)?,
        None => Vec::new(),
    };
    if names.is_empty() {
        return Ok(if from_file.is_empty() {
            vec![crate::builtin_sets::il1()]
        } else {
            from_file
        });
    }
    let builtins = crate::builtin_sets::all();
    let mut out: Vec<GeneSet> = Vec::new();
    for name in names {
        let name = name.trim();
        let found = find(&from_file, name).or_else(|| find(&builtins, name));
        match found {
            Some(set) => {
                if !out.iter().any(|s| s.name == set.name) {
                    out.push(set.clone());
                }
            }
            None => {
                let mut available: Vec<String> = from_file.iter().map(|s| s.name.clone()).collect();
                available.extend(
                    builtins
                        .iter()
                        .filter(|b| !from_file.iter().any(|s| s.name == b.name))
                        .map(|b| b.name.clone()),
                );
                let searched = match gmt {
                    Some(p) => format!("{} and the built-in sets", p.display()),
                    None => "the built-in sets; pass --gmt FILE for others".into(),
                };
                return Err(IoError::UnknownSet {
                    name: name.to_string(),
                    searched,
                    available,
                });
            }
        }
    }
    Ok(out)
}

fn find<'a>(sets: &'a [GeneSet], name: &str) -> Option<&'a GeneSet> {
    if let Some(s) = sets.iter().find(|s| s.name == name) {
        return Some(s);
    }
    let mut ci = sets.iter().filter(|s| s.name.eq_ignore_ascii_case(name));
    match (ci.next(), ci.next()) {
        (Some(s), None) => Some(s),
        _ => None,
    }
}

/// Writes sets as GMT text (for `--list-sets`-style output and round-trip tests).
pub fn to_gmt(sets: &[GeneSet]) -> String {
    let mut s = String::new();
    for set in sets {
        s.push_str(&set.name);
        s.push('\t');
        s.push_str(&set.description);
        for g in &set.genes {
            s.push('\t');
            s.push_str(g);
        }
        s.push('\n');
    }
    s
}

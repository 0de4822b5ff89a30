//! Gene symbols: the case-insensitive key a symbol is compared by, and the alias table for the IL-1 family and
//! its panel.
//!
//! A symbol is compared by its *key*: trimmed and upper-cased (`Il1b`, `IL1B` and ` il1b ` are one gene). An alias
//! or previous symbol in [`ALIASES`] is mapped to its current HGNC symbol (`IL8` → `CXCL8`, `IL1R3` → `IL1RAP`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// The alias table as generated (`alias<TAB>symbol<TAB>entrez_id`, `#` comments): NCBI Gene aliases of the IL1
/// panel and the IL-1 cytokine/receptor family that name one gene only and are nobody's current symbol. Made by
/// `fixtures/expression/make_alias_table.R` from org.Hs.eg.db 3.16.0 (NCBI Gene 2022-09); see docs/expression.md.
pub const ALIASES: &str = include_str!("genes/alias_table.tsv");

/// The comparison key of a symbol: trimmed, ASCII upper case.
pub fn symbol_key(symbol: &str) -> String {
    symbol.trim().to_ascii_uppercase()
}

fn alias_map() -> &'static HashMap<String, &'static str> {
    static MAP: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        ALIASES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((symbol_key(f.next()?), f.next()?.trim()))
            })
            .collect()
    })
}

/// The current symbol for `symbol` if it is a known alias or previous symbol (`IL8` → `CXCL8`), else `None`.
pub fn current_symbol(symbol: &str) -> Option<&'static str> {
    alias_map().get(&symbol_key(symbol)).copied()
}

/// The key a symbol is matched by after resolving aliases: `canonical_key("il8") == "CXCL8"`.
pub fn canonical_key(symbol: &str) -> String {
    let key = symbol_key(symbol);
    match alias_map().get(&key) {
        Some(current) => current.to_string(),
        None => key,
    }
}

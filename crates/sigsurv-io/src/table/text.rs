//! A text column held as one code per row into its distinct values, so that millions of rows with a few
//! categories take 4 bytes a row and no allocation per row.

use std::collections::HashMap;
use std::ops::Index;

/// A text column, dictionary-encoded: `levels` are the distinct values in order of first appearance and
/// `codes[i]` is the level of row `i`. The encoding is a function of the values, so equal columns compare
/// equal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextColumn {
    codes: Vec<u32>,
    levels: Vec<String>,
}

impl TextColumn {
    /// From codes into `levels`, which must be distinct and each used, the first use of level `k` coming
    /// before that of level `k + 1`.
    pub(crate) fn from_parts(codes: Vec<u32>, levels: Vec<String>) -> TextColumn {
        debug_assert!(codes.iter().all(|&c| (c as usize) < levels.len()));
        TextColumn { codes, levels }
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The level of every row.
    /// The codes and the levels, taken apart.
    pub fn into_parts(self) -> (Vec<u32>, Vec<String>) {
        (self.codes, self.levels)
    }

    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// The distinct values, in order of first appearance.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// The value of row `i`.
    pub fn get(&self, i: usize) -> &str {
        &self.levels[self.codes[i] as usize]
    }

    /// The values row by row.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.codes.iter().map(|&c| self.levels[c as usize].as_str())
    }

    /// One `String` per row (for code that needs them; costs an allocation per row).
    pub fn to_strings(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }

    /// Appends the rows of `other`.
    pub fn extend_from_slice(&mut self, other: &TextColumn) {
        let mut index: HashMap<&str, u32> = self
            .levels
            .iter()
            .enumerate()
            .map(|(k, l)| (l.as_str(), k as u32))
            .collect();
        let mut added = Vec::new();
        let base = self.levels.len() as u32;
        let map: Vec<u32> = other
            .levels
            .iter()
            .map(|l| {
                *index.entry(l.as_str()).or_insert_with(|| {
                    added.push(l.clone());
                    base + added.len() as u32 - 1
                })
            })
            .collect();
        self.levels.extend(added);
        self.codes
            .extend(other.codes.iter().map(|&c| map[c as usize]));
    }

    /// The rows at `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> TextColumn {
        let mut map = vec![u32::MAX; self.levels.len()];
        let mut levels = Vec::new();
        let codes = rows
            .iter()
            .map(|&r| {
                let c = self.codes[r] as usize;
                if map[c] == u32::MAX {
                    map[c] = levels.len() as u32;
                    levels.push(self.levels[c].clone());
                }
                map[c]
            })
            .collect();
        TextColumn { codes, levels }
    }
}

impl Index<usize> for TextColumn {
    type Output = String;

    fn index(&self, i: usize) -> &String {
        &self.levels[self.codes[i] as usize]
    }
}

impl<S: AsRef<str>> FromIterator<S> for TextColumn {
    fn from_iter<I: IntoIterator<Item = S>>(values: I) -> TextColumn {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut levels = Vec::new();
        let codes = values
            .into_iter()
            .map(|v| {
                let v = v.as_ref();
                if let Some(&c) = index.get(v) {
                    return c;
                }
                let c = levels.len() as u32;
                levels.push(v.to_string());
                index.insert(v.to_string(), c);
                c
            })
            .collect();
        TextColumn { codes, levels }
    }
}

impl From<Vec<String>> for TextColumn {
    fn from(values: Vec<String>) -> TextColumn {
        values.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_follows_first_appearance() {
        let t: TextColumn = ["b", "a", "b", "c"].into_iter().collect();
        assert_eq!(t.levels(), ["b", "a", "c"]);
        assert_eq!(t.codes(), [0, 1, 0, 2]);
        assert_eq!(t[2], "b");
        assert_eq!(t.get(3), "c");
        let mut u = t.select(&[3, 1]);
        assert_eq!(u, ["c", "a"].into_iter().collect());
        u.extend_from_slice(&t);
        assert_eq!(u, ["c", "a", "b", "a", "b", "c"].into_iter().collect());
        assert_eq!(u.to_strings(), ["c", "a", "b", "a", "b", "c"]);
    }
}

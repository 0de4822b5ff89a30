//! "Did you mean": the closest of a list of names to a misspelt one.

/// The candidate closest to `name` by edit distance (case-insensitive), if it is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(&str, usize)> = None;
    for c in candidates {
        let d = levenshtein(&lower, &c.to_lowercase());
        if best.is_none_or(|(_, bd)| d < bd) {
            best = Some((c, d));
        }
    }
    let limit = (name.chars().count() / 3).max(2);
    best.filter(|(_, d)| *d <= limit).map(|(c, _)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_only() {
        let cols: Vec<String> = ["time", "cens", "horTh", "age"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest("tiem", &cols), Some("time"));
        assert_eq!(closest("horth", &cols), Some("horTh"));
        assert_eq!(closest("pnodes_total", &cols), None);
    }
}

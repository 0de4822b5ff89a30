//! Factor coding in O(n): rows get codes in order of first appearance (one lookup per row), then only the few
//! distinct values are sorted into the level order and the codes renumbered.

/// Codes in order of first appearance and the distinct values in that order. A short list of the values
/// seen so far is searched first (a factor usually has a handful of levels); past 16 levels a hash map
/// takes over.
pub fn first_seen_codes<K: std::hash::Hash + Eq + Copy>(
    values: impl Iterator<Item = K>,
) -> (Vec<u32>, Vec<K>) {
    const SHORT: usize = 16;
    let mut distinct: Vec<K> = Vec::new();
    let mut index: std::collections::HashMap<K, u32> = std::collections::HashMap::new();
    let codes = values
        .map(|k| {
            if distinct.len() <= SHORT {
                if let Some(i) = distinct.iter().position(|d| *d == k) {
                    return i as u32;
                }
                distinct.push(k);
                if distinct.len() > SHORT {
                    index = distinct
                        .iter()
                        .enumerate()
                        .map(|(i, d)| (*d, i as u32))
                        .collect();
                }
                return (distinct.len() - 1) as u32;
            }
            *index.entry(k).or_insert_with(|| {
                distinct.push(k);
                (distinct.len() - 1) as u32
            })
        })
        .collect();
    (codes, distinct)
}

/// Indices of `values` in sorted order.
pub fn sorted_order<T>(values: &[T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| cmp(&values[a], &values[b]));
    order
}

/// First-seen codes mapped to ranks in `order` (the sorted first-seen indices).
pub fn recode(first: &[u32], order: &[usize]) -> Vec<u32> {
    let rank = ranks(order);
    crate::scan::map(first, |&c| rank[c as usize])
}

/// The position of each code in `order`.
fn ranks(order: &[usize]) -> Vec<u32> {
    let mut rank = vec![0u32; order.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_sorted_levels_with_few_and_many_levels() {
        let few = ["b", "a", "c", "a", "b"];
        let (first, distinct) = first_seen_codes(few.iter().copied());
        assert_eq!(
            (first.clone(), distinct.clone()),
            (vec![0, 1, 2, 1, 0], vec!["b", "a", "c"])
        );
        let order = sorted_order(&distinct, |a, b| a.cmp(b));
        assert_eq!(recode(&first, &order), vec![1, 0, 2, 0, 1]);

        // Past the short list the hash map takes over; codes stay those of first appearance.
        let many: Vec<u32> = (0..100).rev().chain(0..100).collect();
        let (first, distinct) = first_seen_codes(many.iter().copied());
        assert_eq!(distinct.len(), 100);
        let order = sorted_order(&distinct, u32::cmp);
        let codes = recode(&first, &order);
        assert!(codes.iter().zip(&many).all(|(&c, &v)| c == v));
    }
}

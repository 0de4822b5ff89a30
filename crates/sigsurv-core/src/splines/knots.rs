//! Where the interior knots of `bs()` and `ns()` go when only the degrees of freedom are given.

use crate::error::{CoreError, Result};
use crate::split::quantile_type7;

/// `count` interior knots at the quantiles (R's type 7) of `x` at probabilities 1/(count+1), …,
/// count/(count+1), as `quantile(x, seq(0, 1, length.out = count + 2)[-c(1, count + 2)])`.
pub(crate) fn quantile_knots(x: &[f64], count: usize) -> Result<Vec<f64>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if x.is_empty() {
        return Err(CoreError::Empty);
    }
    // seq.int(0, 1, length.out = m): i · (1 / (m − 1)).
    let by = 1.0 / (count + 1) as f64;
    let probs: Vec<f64> = (1..=count).map(|i| i as f64 * by).collect();
    quantile_type7(x, &probs)
}

/// The range of the finite values of `x` (R's `range(x)`, the default boundary knots).
pub(crate) fn range(x: &[f64]) -> Result<[f64; 2]> {
    let mut it = x.iter().copied().filter(|v| v.is_finite());
    let first = it.next().ok_or(CoreError::Empty)?;
    Ok(it.fold([first, first], |[lo, hi], v| [lo.min(v), hi.max(v)]))
}

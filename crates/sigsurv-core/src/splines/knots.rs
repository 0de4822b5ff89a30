//! Where the interior knots of `bs()` and `ns()` go when only the degrees of freedom are given.

use super::design::spline_design;
use crate::error::{CoreError, Result};
use crate::split::quantile_type7_of;

/// `count` interior knots at the quantiles (R's type 7) of `x` at probabilities 1/(count+1), …,
/// count/(count+1), as `quantile(x, seq(0, 1, length.out = count + 2)[-c(1, count + 2)])`.
fn quantile_knots(x: Vec<f64>, count: usize) -> Result<Vec<f64>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if x.is_empty() {
        return Err(CoreError::Empty);
    }
    // seq.int(0, 1, length.out = m): i · (1 / (m − 1)).
    let by = 1.0 / (count + 1) as f64;
    let probs: Vec<f64> = (1..=count).map(|i| i as f64 * by).collect();
    quantile_type7_of(x, &probs)
}

/// The range of the finite values of `x` (R's `range(x)`, the default boundary knots).
pub(crate) fn range(x: &[f64]) -> Result<[f64; 2]> {
    let mut it = x.iter().copied().filter(|v| v.is_finite());
    let first = it.next().ok_or(CoreError::Empty)?;
    Ok(it.fold([first, first], |[lo, hi], v| [lo.min(v), hi.max(v)]))
}

/// The interior knots of a basis: `knots` sorted when given, else `wanted` of them (R's df minus the columns the
/// boundary and intercept take) at quantiles of the finite `x` within `boundary`, none when neither is given. A
/// negative `wanted` is R's "'df' was too small; have used `least`" warning, returned, with no interior knot.
pub(crate) fn interior_knots(
    function: &str,
    x: &[f64],
    knots: Option<Vec<f64>>,
    wanted: Option<i64>,
    least: usize,
    boundary: [f64; 2],
) -> Result<(Vec<f64>, Option<String>)> {
    if let Some(mut k) = knots {
        k.sort_by(f64::total_cmp);
        return Ok((k, None));
    }
    let Some(wanted) = wanted else {
        return Ok((Vec::new(), None));
    };
    let warning =
        (wanted < 0).then(|| format!("{function}(): 'df' was too small; have used {least}"));
    // Sized up front: a filter's collect grows by doubling, copying millions of values several times.
    let mut inside = Vec::with_capacity(x.len());
    inside.extend(
        x.iter()
            .copied()
            .filter(|v| v.is_finite() && *v >= boundary[0] && *v <= boundary[1]),
    );
    Ok((quantile_knots(inside, wanted.max(0) as usize)?, warning))
}

/// The knot sequence of a basis of `order`: each boundary knot `order` times around the interior knots.
pub(crate) fn knot_sequence(boundary: [f64; 2], interior: &[f64], order: usize) -> Vec<f64> {
    let mut all = vec![boundary[0]; order];
    all.extend(interior);
    all.extend(std::iter::repeat_n(boundary[1], order));
    all.sort_by(f64::total_cmp);
    all
}

/// The B-spline basis on `knots` at the values of `x` within the boundary knots, as columns of `x.len()` rows;
/// NaN in the other rows (beyond the boundary, or missing), which the caller fills or leaves.
pub(crate) fn basis_inside(
    knots: &[f64],
    order: usize,
    boundary: [f64; 2],
    x: &[f64],
) -> Result<Vec<Vec<f64>>> {
    let [lo, hi] = boundary;
    if x.iter().all(|&v| v >= lo && v <= hi) {
        // The usual case (training rows): no row to fill, no copy.
        return spline_design(knots, x, order, 0);
    }
    let mut columns = vec![vec![f64::NAN; x.len()]; knots.len() - order];
    let inside: Vec<usize> = (0..x.len()).filter(|&i| x[i] >= lo && x[i] <= hi).collect();
    let values: Vec<f64> = inside.iter().map(|&i| x[i]).collect();
    for (col, bcol) in columns
        .iter_mut()
        .zip(spline_design(knots, &values, order, 0)?)
    {
        for (&i, v) in inside.iter().zip(bcol) {
            col[i] = v;
        }
    }
    Ok(columns)
}

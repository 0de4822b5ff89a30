//! glmnet's Cox lambda sequence: lambda_max from the score at b = 0, then a geometric grid.

use crate::error::CoreError;

/// `lambda.min.ratio`'s default in glmnet: 0.01 when there are fewer rows than variables, else 1e-4.
pub fn default_lambda_min_ratio(n: usize, p: usize) -> f64 {
    if n < p {
        0.01
    } else {
        1e-4
    }
}

fn check(
    time: &[f64],
    status: &[bool],
    x: &[f64],
    p: usize,
    weights: &[f64],
    penalty_factor: &[f64],
    alpha: f64,
) -> Result<(), CoreError> {
    super::problem::check_inputs(
        time,
        status,
        x,
        time.len(),
        p,
        weights,
        penalty_factor,
        alpha,
        crate::cox::Ties::Breslow,
    )?;
    if penalty_factor.contains(&0.0) {
        return Err(CoreError::InvalidArgument(
            "a penalty factor is 0: lambda_max is then the score at the unpenalized fit (use coxnet_path)"
                .to_string(),
        ));
    }
    Ok(())
}

/// glmnet's `lambda_max` for `family = "cox"`, `standardize = TRUE`: `max_j |s_j| / (sd_j pf_j max(alpha, 1e-3))`
/// with `s_j` the Breslow score of column j at b = 0 divided by the weights' sum, `sd_j` the weighted sd
/// (divisor the weights' sum) and the penalty factors rescaled to sum to p.
///
/// `x` is column-major (`x[j * n + i]`). Every penalty factor must be > 0.
#[doc(alias = "glmnet")]
pub fn coxnet_lambda_max(
    time: &[f64],
    status: &[bool],
    x: &[f64],
    p: usize,
    weights: &[f64],
    penalty_factor: &[f64],
    alpha: f64,
) -> Result<f64, CoreError> {
    check(time, status, x, p, weights, penalty_factor, alpha)?;
    let n = time.len();
    let wsum: f64 = weights.iter().sum();
    let pf_scale = p as f64 / penalty_factor.iter().sum::<f64>();
    // Rows by decreasing time: the risk set of a time is a prefix, ties entered together (Breslow).
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| time[b].total_cmp(&time[a]));
    let mut best = 0.0_f64;
    for j in 0..p {
        let col = &x[j * n..(j + 1) * n];
        let mean = col.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / wsum;
        let var = col
            .iter()
            .zip(weights)
            .map(|(v, w)| w * (v - mean) * (v - mean))
            .sum::<f64>()
            / wsum;
        let sd = var.sqrt();
        if sd == 0.0 {
            continue; // glmnet leaves a constant column out of the path
        }
        let (mut risk_w, mut risk_wx, mut score) = (0.0, 0.0, 0.0);
        let mut k = 0;
        while k < n {
            let t = time[order[k]];
            let mut end = k;
            while end < n && time[order[end]] == t {
                risk_w += weights[order[end]];
                risk_wx += weights[order[end]] * (col[order[end]] - mean);
                end += 1;
            }
            let xbar = risk_wx / risk_w;
            for &i in &order[k..end] {
                if status[i] {
                    score += weights[i] * ((col[i] - mean) - xbar);
                }
            }
            k = end;
        }
        let s = (score / wsum / sd).abs() / (penalty_factor[j] * pf_scale * alpha.max(1e-3));
        best = best.max(s);
    }
    Ok(best)
}

/// glmnet's default lambda sequence: `nlambda` values from [`coxnet_lambda_max`] down to
/// `lambda_min_ratio` times it, equally spaced on the log scale (glmnet may stop the path early).
///
/// ```
/// use sigsurv_core::coxnet_lambda_sequence;
/// // survival's ovarian, columns age, resid.ds, rx, ecog.ps (fixtures/coxnet/make_lambda.R):
/// // glmnet(x, Surv(futime, fustat), family = "cox", nlambda = 20)$lambda[1:2]
/// // (the data are read from that fixture)
/// # let data = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/coxnet/lambda.json"));
/// # let v: serde_json::Value = serde_json::from_str(data).unwrap();
/// # let x: Vec<f64> = (0..4).flat_map(|j| v["x"].as_array().unwrap().iter().map(move |r| r[j].as_f64().unwrap())).collect();
/// # let time: Vec<f64> = v["time"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
/// # let status: Vec<bool> = v["status"].as_array().unwrap().iter().map(|d| d.as_f64().unwrap() == 1.0).collect();
/// let lambda = coxnet_lambda_sequence(&time, &status, &x, 4, &[1.0; 26], &[1.0; 4], 1.0, 20, 1e-4)?;
/// for (got, want) in lambda.iter().zip([0.389262638265723, 0.239726698544965]) {
///     assert!((got - want).abs() <= 1e-9 * want);
/// }
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn coxnet_lambda_sequence(
    time: &[f64],
    status: &[bool],
    x: &[f64],
    p: usize,
    weights: &[f64],
    penalty_factor: &[f64],
    alpha: f64,
    nlambda: usize,
    lambda_min_ratio: f64,
) -> Result<Vec<f64>, CoreError> {
    if nlambda == 0 || !(lambda_min_ratio > 0.0 && lambda_min_ratio < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "nlambda = {nlambda} and lambda.min.ratio = {lambda_min_ratio}: need nlambda >= 1 and 0 < ratio < 1"
        )));
    }
    let max = coxnet_lambda_max(time, status, x, p, weights, penalty_factor, alpha)?;
    Ok(geometric_lambdas(max, nlambda, lambda_min_ratio))
}

/// glmnet's geometric grid from `max` down to `ratio * max` in `nlambda` steps.
pub(crate) fn geometric_lambdas(max: f64, nlambda: usize, ratio: f64) -> Vec<f64> {
    // glmnet's Fortran takes the ratio's power 1.0 / (nlam - 1) in single precision (a REAL literal) and
    // multiplies it in step by step; doing the same reproduces its lambdas to double precision.
    let power = if nlambda > 1 {
        f64::from(1.0_f32 / (nlambda - 1) as f32)
    } else {
        0.0
    };
    let step = ratio.powf(power);
    let mut lambda = Vec::with_capacity(nlambda);
    let mut current = max;
    for _ in 0..nlambda {
        lambda.push(current);
        current *= step;
    }
    lambda
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ovarian_lambda_sequences_match_glmnet() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../../../fixtures/coxnet/lambda.json")).unwrap();
        let nums = |a: &serde_json::Value| -> Vec<f64> {
            a.as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_f64().unwrap())
                .collect()
        };
        let time = nums(&v["time"]);
        let status: Vec<bool> = nums(&v["status"]).iter().map(|d| *d == 1.0).collect();
        let rows = v["x"].as_array().unwrap();
        let x: Vec<f64> = (0..4)
            .flat_map(|j| rows.iter().map(move |r| r[j].as_f64().unwrap()))
            .collect();
        for case in v["cases"].as_array().unwrap() {
            let want = nums(&case["lambda"]);
            let got = coxnet_lambda_sequence(
                &time,
                &status,
                &x,
                4,
                &nums(&case["weights"]),
                &nums(&case["penalty_factor"]),
                case["alpha"].as_f64().unwrap(),
                20,
                default_lambda_min_ratio(26, 4),
            )
            .unwrap();
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() <= 1e-9 * w, "{g} vs {w}");
            }
        }
    }

    #[test]
    fn rejects_bad_alpha_and_lengths() {
        let r = coxnet_lambda_max(
            &[1.0, 2.0],
            &[true, false],
            &[1.0, 2.0],
            1,
            &[1.0; 2],
            &[1.0],
            2.0,
        );
        assert!(matches!(r, Err(CoreError::InvalidArgument(_))));
        let r = coxnet_lambda_max(&[1.0, 2.0], &[true], &[1.0, 2.0], 1, &[1.0; 2], &[1.0], 1.0);
        assert!(matches!(r, Err(CoreError::LengthMismatch { .. })));
    }
}

//! Elastic-net Cox regression as R's glmnet (`family = "cox"`): the conventions that fix its lambda path.
//!
//! glmnet 4.1 maximises `l(b) / W - lambda * P(b)` with Breslow ties, `W` the weights' sum and
//! `P(b) = sum_j pf_j ((1 - alpha) / 2 b_j^2 + alpha |b_j|)`, penalty factors rescaled to sum to the number of
//! variables. With `standardize = TRUE` each column is scaled by its weighted sd (divisor the weights' sum).
//! The path starts at the smallest lambda that keeps every coefficient at zero and falls geometrically to
//! `lambda.min.ratio` times it (0.01 if n < p, else 1e-4).

mod cv;
mod kernels;
mod lambda;
mod path;
mod problem;
mod solve;

pub use cv::{coxnet_deviance, coxnet_fold_ids, cv_coxnet, CoxnetCv, CvMeasure};
pub use lambda::{coxnet_lambda_max, coxnet_lambda_sequence, default_lambda_min_ratio};
pub use path::{coxnet_path, CoxnetOptions, CoxnetPath};

//! The Cox evaluation: ℓ(β), U(β) and I(β) at a given β on prepared data, by one of three paths that compute the
//! same sums in different orders.
//!
//! - `sequential.rs`, **the reference**: R's risk-set pass (`agfit4`), formula first. Any data.
//! - `blocked.rs`: right-censored data in parallel blocks of rows; the per-event-time sums of the reference
//!   regrouped into per-row weights and a fixed-order combine of block sums.
//! - `grouped.rs`: right-censored data with few distinct times; the reference's running sums taken per tie group
//!   instead of per row, so the covariates are read once.
//!
//! Shared by the three: `shift.rs` (the shift of η that keeps exp() finite, the only home of that rule),
//! `walk.rs` (the risk-set walk, also used by `risk.rs` and `survfit.rs`) and `kernels.rs` (the one AVX2 + FMA
//! dispatch of the regrouped paths' inner loops).
//!
//! **Choice of path** ([`CoxPath::Auto`]): `grouped` when its group sums are small next to the covariates
//! (`grouped::fits`), else `blocked` for right-censored data, else the sequential pass (counting-process data).
//! The regrouped paths also hand an evaluation to the sequential pass when a stratum's η range is too wide for
//! their algebra (`shift::regrouped_exact`).
//!
//! **Forcing a path** (tests only; not a user option): `SIGSURV_COX_PATH`, read once per process, is
//! `auto`, `sequential`, `blocked` or `grouped`, optionally followed by `,portable` to run the portable copy of the
//! kernels on a CPU with AVX2 (e.g. `SIGSURV_COX_PATH=blocked,portable`); anything else means `auto`. Within a
//! thread, [`with_forced_path`] overrides it for the duration of a closure (what the golden tests loop over). A
//! regrouped path forced on counting-process data runs the sequential pass: only it handles (start, stop] rows.

mod blocked;
mod grouped;
mod kernels;
mod sequential;
mod shift;
mod value;
mod walk;

#[cfg(test)]
mod tests;

use super::prep::Prepared;
use super::ties::Ties;
use kernels::Kernels;
use std::cell::Cell;
use std::sync::OnceLock;

pub(crate) use sequential::stratum_pass;
pub(crate) use shift::{eta_shift, regrouped_shift};
pub(crate) use value::Eval;
pub(crate) use walk::{Leave, RiskSetWalk};

/// Which evaluation path runs (see the module documentation). Hidden: a switch for tests, not a user option.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CoxPath {
    /// The path chosen by the size of the data.
    #[default]
    Auto,
    /// The reference pass.
    Sequential,
    Blocked,
    Grouped,
}

/// A forced path and whether the regrouped paths run their portable kernels even where AVX2 is available.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ForcedPath {
    pub path: CoxPath,
    pub portable: bool,
}

impl ForcedPath {
    /// Parses `SIGSURV_COX_PATH` (see the module documentation); anything unrecognised is `auto`.
    fn parse(value: &str) -> ForcedPath {
        let mut forced = ForcedPath::default();
        for word in value.split(',').map(str::trim) {
            match word {
                "sequential" => forced.path = CoxPath::Sequential,
                "blocked" => forced.path = CoxPath::Blocked,
                "grouped" => forced.path = CoxPath::Grouped,
                "portable" => forced.portable = true,
                _ => {}
            }
        }
        forced
    }
}

thread_local! {
    static THREAD_PATH: Cell<Option<ForcedPath>> = const { Cell::new(None) };
}

/// Runs `f` with every Cox evaluation started on this thread forced to `forced` (tests: every path on every golden
/// case). Hidden: not a user option.
#[doc(hidden)]
pub fn with_forced_path<R>(forced: ForcedPath, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<ForcedPath>);
    impl Drop for Restore {
        fn drop(&mut self) {
            THREAD_PATH.set(self.0);
        }
    }
    let _restore = Restore(THREAD_PATH.replace(Some(forced)));
    f()
}

/// The path in force on this thread: [`with_forced_path`]'s, else `SIGSURV_COX_PATH`'s.
fn forced_path() -> ForcedPath {
    static FROM_ENV: OnceLock<ForcedPath> = OnceLock::new();
    THREAD_PATH.get().unwrap_or_else(|| {
        *FROM_ENV.get_or_init(|| {
            std::env::var("SIGSURV_COX_PATH")
                .map(|v| ForcedPath::parse(&v))
                .unwrap_or_default()
        })
    })
}

/// ℓ, U and I at `beta` (on the centred, scaled covariates of `prep`), by the path in force (normally
/// [`CoxPath::Auto`]). The result does not depend on the number of threads.
pub(crate) fn evaluate(prep: &Prepared, beta: &[f64], ties: Ties) -> Eval {
    let forced = forced_path();
    evaluate_with(
        prep,
        beta,
        ties,
        forced.path,
        Kernels::choose(forced.portable),
    )
}

/// The path `path` resolves to on `prep`.
fn resolve(prep: &Prepared, path: CoxPath) -> CoxPath {
    match path {
        // Only the sequential pass handles (start, stop] rows.
        _ if prep.counting => CoxPath::Sequential,
        CoxPath::Auto if grouped::fits(prep) => CoxPath::Grouped,
        CoxPath::Auto => CoxPath::Blocked,
        forced => forced,
    }
}

/// [`evaluate`] by a given path and kernel copy.
fn evaluate_with(
    prep: &Prepared,
    beta: &[f64],
    ties: Ties,
    path: CoxPath,
    kernels: Kernels,
) -> Eval {
    match resolve(prep, path) {
        CoxPath::Grouped => grouped::evaluate_grouped(prep, beta, ties, kernels),
        CoxPath::Blocked => blocked::evaluate_blocked(prep, beta, ties, kernels),
        CoxPath::Sequential | CoxPath::Auto => sequential::evaluate_by_strata(prep, beta, ties),
    }
}

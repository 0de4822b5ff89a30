//! The time weights of the concordance's comparable pairs: 1 (Harrell) or 1 / G(t-)^2 (Uno) at each event
//! time t, with G the Kaplan-Meier of the censoring, as survival's `fastkm1`.

use super::time_weight::TimeWeight;

/// Writes v(t_i) into `out[i]` for each event row i of one stratum (`rows` by decreasing time, censored rows
/// before event rows at a tied time); 0 when t_i > tau.
///
/// G(t-) = prod over censoring times s < t of (1 - c(s) / (n(s) - d(s))): at a time with both events and
/// censorings the censorings come after the events, so the events leave the risk set of the censoring first.
/// A stratum with fewer than two events uses v = 1 (R switches to `timewt = "n"` there).
pub(crate) fn event_time_weights(
    rows: &[usize],
    time: &[f64],
    event: &[bool],
    weight: &[f64],
    kind: TimeWeight,
    tau: Option<f64>,
    out: &mut [f64],
) {
    let n_events = rows.iter().filter(|&&i| event[i]).count();
    let kind = if n_events < 2 {
        TimeWeight::Harrell
    } else {
        kind
    };
    let beyond_tau = |t: f64| tau.is_some_and(|tau| t > tau);
    // Blocks of tied times, from the earliest; the weight above a block is accumulated from the latest time
    // down, as R does.
    let blocks: Vec<&[usize]> = rows.chunk_by(|&a, &b| time[a] == time[b]).collect();
    let mut above = vec![0.0; blocks.len()];
    let mut sum = 0.0;
    for (k, block) in blocks.iter().enumerate() {
        above[k] = sum;
        sum += block.iter().map(|&i| weight[i]).sum::<f64>();
    }
    let mut g = 1.0;
    for (k, block) in blocks.iter().enumerate().rev() {
        let censored: f64 = block
            .iter()
            .filter(|&&i| !event[i])
            .map(|&i| weight[i])
            .sum();
        let has_event = block.iter().any(|&i| event[i]);
        if has_event {
            let t = time[block[0]];
            let v = if beyond_tau(t) {
                0.0
            } else {
                match kind {
                    TimeWeight::Harrell => 1.0,
                    TimeWeight::Uno => 1.0 / (g * g),
                }
            };
            for &i in block.iter().filter(|&&i| event[i]) {
                out[i] = v;
            }
        }
        if censored > 0.0 {
            let at_risk = above[k] + censored; // the censored rows at this time, after its events left
            g *= (at_risk - censored) / at_risk;
        }
    }
}

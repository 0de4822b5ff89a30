//! The robust (infinitesimal jackknife) standard errors of a Kaplan-Meier curve without touching every cluster
//! at every event time.
//!
//! The reference ([`super::general`]'s direct update) costs (event times) × (clusters): with fractional weights
//! and one cluster per row that is quadratic in the rows. Here clusters are kept in three states:
//! - *untouched*: at risk with the same weight Y_k since the first event time. Their influence is Y_k · g for a
//!   g shared by all of them (g ← g (1 − h) + S(t−) h / n at each event time), so their squares sum to
//!   g² Σ Y_k²; likewise −Y_k · g_H for the cumulative hazard.
//! - *explicit*: their weight at risk changed, or they had an event; updated one by one as in the reference.
//! - *retired*: no row left at risk and none still to enter. Their influence on S only shrinks by (1 − h) at
//!   each event time (on H it stays), so only the sum of their squares is kept.
//!
//! Each cluster is touched a bounded number of times per row, so the cost is (rows) + (event times) ×
//! (explicit clusters), and the explicit ones are few unless clusters have many rows or enter late. Results
//! equal the reference to rounding (tested on every golden case and on random data).

/// Where a cluster's influence is kept.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Untouched,
    Explicit,
    Retired,
}

/// The influence of every cluster, in the three states.
pub(crate) struct Influence {
    state: Vec<State>,
    /// Weight and rows of each cluster in the risk set, and rows not yet entered.
    at_risk_w: Vec<f64>,
    at_risk_n: Vec<usize>,
    pending: Vec<usize>,
    /// Explicit influences on S and H (valid for explicit clusters).
    u: Vec<f64>,
    v: Vec<f64>,
    explicit: Vec<usize>,
    /// Shared factors of the untouched clusters and the sum of their squared weights.
    g: f64,
    g_h: f64,
    untouched_y2: f64,
    untouched_n: usize,
    /// Sums of squares of the retired clusters' influences.
    retired_u2: f64,
    retired_v2: f64,
    /// Whether an event time has been processed (before it, every influence is 0).
    started: bool,
}

impl Influence {
    /// `pending[k]`: rows of cluster k that will enter later (all of them with delayed entry, else none).
    pub fn new(pending: Vec<usize>) -> Influence {
        let k = pending.len();
        Influence {
            state: vec![State::Untouched; k],
            at_risk_w: vec![0.0; k],
            at_risk_n: vec![0; k],
            pending,
            u: vec![0.0; k],
            v: vec![0.0; k],
            explicit: Vec::new(),
            g: 0.0,
            g_h: 0.0,
            untouched_y2: 0.0,
            untouched_n: k,
            retired_u2: 0.0,
            retired_v2: 0.0,
            started: false,
        }
    }

    /// Gives an untouched cluster its own influence.
    fn make_explicit(&mut self, k: usize) {
        if self.state[k] == State::Untouched {
            let y = self.at_risk_w[k];
            self.u[k] = y * self.g;
            self.v[k] = -y * self.g_h;
            self.untouched_n -= 1;
            // Exactly 0 once no cluster is untouched: no rounding residue of the subtractions.
            self.untouched_y2 = if self.untouched_n == 0 {
                0.0
            } else {
                self.untouched_y2 - y * y
            };
            self.state[k] = State::Explicit;
            self.explicit.push(k);
        }
    }

    /// Sets cluster k's weight at risk; before the first event time an untouched cluster stays untouched.
    fn set_weight(&mut self, k: usize, w: f64) {
        if self.started || self.state[k] != State::Untouched {
            self.make_explicit(k);
            self.at_risk_w[k] = w;
        } else {
            let y = self.at_risk_w[k];
            self.untouched_y2 += w * w - y * y;
            self.at_risk_w[k] = w;
        }
    }

    /// A row of cluster k with weight w is at risk from the start (data without entry times).
    pub fn enter_at_start(&mut self, k: usize, w: f64) {
        self.at_risk_n[k] += 1;
        self.set_weight(k, self.at_risk_w[k] + w);
    }

    /// A row of cluster k with weight w enters the risk set.
    pub fn enter(&mut self, k: usize, w: f64) {
        self.pending[k] -= 1;
        self.at_risk_n[k] += 1;
        self.set_weight(k, self.at_risk_w[k] + w);
    }

    /// A row of cluster k with weight w leaves the risk set (R resets the weight to exactly 0 with the last row).
    pub fn leave(&mut self, k: usize, w: f64) {
        self.at_risk_n[k] -= 1;
        let rest = if self.at_risk_n[k] == 0 {
            0.0
        } else {
            self.at_risk_w[k] - w
        };
        self.set_weight(k, rest);
        if self.state[k] == State::Explicit && self.at_risk_n[k] == 0 && self.pending[k] == 0 {
            self.retired_u2 += self.u[k] * self.u[k];
            self.retired_v2 += self.v[k] * self.v[k];
            self.state[k] = State::Retired;
        }
    }

    /// An event time with hazard h, weighted number at risk n and S(t−) = `km`; `events` lists the clusters
    /// and weights of its event rows. Returns the variances of S and H.
    pub fn event_time(
        &mut self,
        h: f64,
        n: f64,
        km: f64,
        events: impl Iterator<Item = (usize, f64)>,
    ) -> (f64, f64) {
        self.started = true;
        self.g = self.g * (1.0 - h) + km * h / n;
        self.g_h += h / n;
        let state = &self.state;
        self.explicit.retain(|&k| state[k] == State::Explicit);
        for &k in &self.explicit {
            let y = self.at_risk_w[k];
            self.u[k] = self.u[k] * (1.0 - h) + y * km * h / n;
            self.v[k] -= y * h / n;
        }
        self.retired_u2 *= (1.0 - h) * (1.0 - h);
        for (k, w) in events {
            self.make_explicit(k);
            self.u[k] -= km * w / n;
            self.v[k] += w / n;
        }
        let (mut var_s, mut var_h) = (
            self.g * self.g * self.untouched_y2 + self.retired_u2,
            self.g_h * self.g_h * self.untouched_y2 + self.retired_v2,
        );
        for &k in &self.explicit {
            if self.state[k] == State::Explicit {
                var_s += self.u[k] * self.u[k];
                var_h += self.v[k] * self.v[k];
            }
        }
        (var_s.max(0.0), var_h.max(0.0))
    }
}

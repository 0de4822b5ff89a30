//! What the Kaplan-Meier and log-rank passes read: a row, or rows counted together, in time order.

/// One row, or several rows counted together, in time order: what the Kaplan-Meier and log-rank passes read.
pub(crate) trait Obs: Copy + Default + Send + Sync {
    fn time(&self) -> f64;
    /// The caller's code (group, or stratum and group).
    fn tag(&self) -> u32;
    /// Rows with an event.
    fn events(&self) -> usize;
    /// Rows censored.
    fn censored(&self) -> usize;
    fn set_time(&mut self, t: f64);
}

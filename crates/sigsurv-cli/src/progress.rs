//! Steps of a run. A long step shows a spinner with its name on standard error, only when standard error is a
//! terminal and the command is not --quiet, so pipes, logs and tests see nothing. With `--timings` (or
//! `SIGSURV_TIMINGS=1`) the seconds spent loading, computing and writing are printed at the end.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a step's time counts as in the `--timings` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading the input tables into columns.
    Load,
    /// Everything between loading and writing: validation, coding, the analysis, rendering.
    Compute,
    /// Writing the rendered result.
    Write,
}

/// Seconds per phase, accumulated over the steps of the run. Compute is not accumulated: it is the rest of the
/// wall time, so the three phases always add up to the whole run.
static TOTALS: Mutex<Totals> = Mutex::new(Totals {
    load: Duration::ZERO,
    write: Duration::ZERO,
});

struct Totals {
    load: Duration,
    write: Duration,
}

/// A running step; its time is recorded and its spinner cleared when it is dropped.
#[must_use = "the step ends when this value is dropped"]
pub struct Step {
    phase: Phase,
    start: Instant,
    spinner: Option<ProgressBar>,
}

impl Step {
    /// Starts a step named `message` (e.g. "reading cohort.parquet"); `quiet` suppresses the spinner.
    pub fn start(phase: Phase, message: impl Into<String>, quiet: bool) -> Step {
        let spinner = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .expect("a valid template"),
            );
            bar.set_message(message.into());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Step {
            phase,
            start: Instant::now(),
            spinner,
        }
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        let elapsed = self.start.elapsed();
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
        let mut t = TOTALS.lock().unwrap_or_else(|e| e.into_inner());
        match self.phase {
            Phase::Load => t.load += elapsed,
            Phase::Write => t.write += elapsed,
            Phase::Compute => {}
        }
    }
}

/// Whether the timings line was asked for, by the flag or by `SIGSURV_TIMINGS=1`.
pub fn timings_wanted(flag: bool) -> bool {
    flag || std::env::var("SIGSURV_TIMINGS").is_ok_and(|v| v == "1")
}

/// The timings line of a run that started at `start`: `timings: load=0.412 compute=1.020 write=0.003 total=1.435`
/// (seconds).
pub fn timings_line(start: Instant) -> String {
    let total = start.elapsed();
    let t = TOTALS.lock().unwrap_or_else(|e| e.into_inner());
    let compute = total.saturating_sub(t.load + t.write);
    format!(
        "timings: load={:.3} compute={:.3} write={:.3} total={:.3}",
        t.load.as_secs_f64(),
        compute.as_secs_f64(),
        t.write.as_secs_f64(),
        total.as_secs_f64()
    )
}

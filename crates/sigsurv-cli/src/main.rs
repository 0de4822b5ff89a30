//! The `sigsurv` binary: parse the command line, run the subcommand, report failures with exit codes
//! 0 (success), 2 (bad input) and 1 (internal failure).

mod analysis;
mod args;
mod causes;
mod cmd;
mod core_options;
mod failure;
mod group_sizes;
mod input;
mod model;
mod output;
mod process;
mod profiles;
mod progress;
mod render;
mod run_files;
mod signature;
mod time_scale;
mod weighted_signature;

use clap::Parser;

/// Huge pages for column-sized blocks (see process.rs): fewer page faults when millions of rows are written.
#[global_allocator]
static ALLOC: process::HugePageAlloc = process::HugePageAlloc;

fn main() {
    let start = std::time::Instant::now();
    let cli = args::Cli::parse();
    // Column-sized blocks go back to the system when freed (see process.rs): peak memory stays close to the
    // columns in use. Not for `validate`, whose passes allocate and free rank and order vectors of every row
    // several times over: with glibc's own threshold they are reused instead of mapped and zeroed again (at 5M
    // rows 0.7 s faster, the same peak memory).
    if !matches!(cli.command, args::Command::Validate(_)) {
        process::return_large_blocks();
    }
    let timings = progress::timings_wanted(cli.timings);
    if let Err(f) = set_threads(cli.threads) {
        output::to_stderr(&format!("error: {}", f.message));
        std::process::exit(f.code);
    }
    process::quiet_panics_of_guarded_reads();
    let outcome = std::panic::catch_unwind(|| cmd::run(cli));
    let code = match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(f)) if f.is_quiet() => f.code,
        Ok(Err(f)) => {
            output::to_stderr(&format!("error: {}", f.message));
            for h in &f.hints {
                output::to_stderr(&format!("  {h}"));
            }
            f.code
        }
        Err(_) => {
            output::to_stderr(
                "error: internal failure (a bug in sigsurv); please report it with the command you ran",
            );
            1
        }
    };
    // Copies of streamed inputs (FIFOs, `<(...)`) are temporary files of this run.
    sigsurv_io::stream_input::remove_copies();
    if timings {
        output::to_stderr(&progress::timings_line(start));
    }
    std::process::exit(code);
}

/// Sizes the thread pools: rayon's global pool (our numerics) and polars' pool (reading tables). Without
/// `--threads`, rayon honours RAYON_NUM_THREADS and polars POLARS_MAX_THREADS, else both use every core.
/// Results do not depend on the number of threads.
fn set_threads(threads: Option<u16>) -> Result<(), failure::Failure> {
    let Some(n) = threads else { return Ok(()) };
    // Polars reads this once, when its pool is first used; nothing has touched it yet and no other thread runs.
    std::env::set_var("POLARS_MAX_THREADS", n.to_string());
    rayon::ThreadPoolBuilder::new()
        .num_threads(usize::from(n))
        .build_global()
        .map_err(|e| failure::Failure::internal(format!("cannot start {n} threads: {e}")))
}

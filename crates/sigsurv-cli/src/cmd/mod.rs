//! Subcommands: each reads with sigsurv-io, computes with sigsurv-core and renders.

mod km;
mod logrank;
mod plot;
mod simulate;

use crate::args::{Cli, Command};
use crate::failure::CliResult;
use clap::CommandFactory;

pub fn run(cli: Cli) -> CliResult<()> {
    match cli.command {
        Command::Km(a) => km::run(&a),
        Command::Logrank(a) => logrank::run(&a),
        Command::Simulate(a) => simulate::run(&a),
        Command::Plot(a) => plot::run(&a),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "sigsurv",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}

/// Warns about groups so small that their estimates mean little (they are still computed, as R does).
pub(crate) fn warn_small_groups(
    out: &crate::args::OutputArgs,
    column: &str,
    levels: &[String],
    counts: &[usize],
) {
    for (level, &n) in levels.iter().zip(counts) {
        if n == 1 {
            out.warn(&format!("group {column}={level} has only one row"));
        }
    }
}

pub(crate) fn counts(codes: &[u32], k: usize) -> Vec<usize> {
    let mut c = vec![0usize; k];
    for &g in codes {
        c[g as usize] += 1;
    }
    c
}

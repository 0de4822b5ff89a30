//! Subcommands: each reads with sigsurv-io, computes with sigsurv-core and renders.

mod aft;
mod analyze;
mod check;
pub(crate) mod cox;
mod cox_predict;
pub(crate) mod cutpoint;
pub(crate) mod km;
pub(crate) mod logrank;
mod plot;
mod score;
mod simulate;

use crate::args::{Cli, Command};
use crate::failure::CliResult;
use clap::CommandFactory;

pub fn run(cli: Cli) -> CliResult<()> {
    crate::run_files::guard(&cli.command)?;
    match cli.command {
        Command::Km(a) => km::run(&a),
        Command::Logrank(a) => logrank::run(&a),
        Command::Aft(a) => aft::run(&a),
        Command::Cox(a) => cox::run(&a),
        Command::Cutpoint(a) => cutpoint::run(&a),
        Command::Score(a) => score::run(&a),
        Command::Analyze(a) => analyze::run(&a),
        Command::Run(a) => analyze::run_file(&a),
        Command::Check(a) => check::run(&a),
        Command::Simulate(a) => simulate::run(&a),
        Command::Plot(a) => plot::run(&a),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sigsurv", &mut script);
            crate::output::write_stdout(&script)
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
    let single: Vec<&String> = levels
        .iter()
        .zip(counts)
        .filter(|(_, &n)| n == 1)
        .map(|(l, _)| l)
        .collect();
    const NAMED: usize = 5;
    if single.len() <= NAMED {
        for level in single {
            out.warn(&format!("group {column}={level} has only one row"));
        }
    } else {
        let first: Vec<String> = single[..NAMED]
            .iter()
            .map(|l| format!("{column}={l}"))
            .collect();
        out.warn(&format!(
            "{} groups have only one row ({}, ...)",
            single.len(),
            first.join(", ")
        ));
    }
}

pub(crate) fn counts(codes: &[u32], k: usize) -> Vec<usize> {
    use rayon::prelude::*;
    codes
        .par_chunks(1 << 16)
        .map(|chunk| {
            let mut c = vec![0usize; k];
            chunk.iter().for_each(|&g| c[g as usize] += 1);
            c
        })
        .reduce(
            || vec![0usize; k],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        )
}

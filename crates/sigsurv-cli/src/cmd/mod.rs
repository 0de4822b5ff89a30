//! Subcommands: each checks its arguments, reads its data, and calls the model, fit and render pieces.

mod aft;
mod analyze;
mod anova;
mod check;
mod cif;
mod cox;
mod coxnet;
mod cutpoint;
mod figure_output;
mod finegray;
mod km;
mod logrank;
mod plot;
mod plot_cif;
mod plot_coxnet;
mod plot_validation;
mod predict;
mod rmst;
mod score;
mod simulate;
mod validate;
mod validate_report;

use crate::args::{Cli, Command};
use crate::failure::CliResult;
use clap::CommandFactory;

pub fn run(cli: Cli) -> CliResult<()> {
    crate::run_files::guard(&cli.command)?;
    match cli.command {
        Command::Km(a) => km::run(&a),
        Command::Logrank(a) => logrank::run(&a),
        Command::Rmst(a) => rmst::run(&a),
        Command::Cif(a) => cif::run(&a),
        Command::Anova(a) => anova::run(&a),
        Command::Validate(a) => validate::run(&a),
        Command::Predict(a) => predict::run(&a),
        Command::Finegray(a) => finegray::run(&a),
        Command::Aft(a) => aft::run(&a),
        Command::Cox(a) => cox::run(&a),
        Command::Cutpoint(a) => cutpoint::run(&a),
        Command::Score(a) => score::run(&a),
        Command::Coxnet(a) => coxnet::run(&a),
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

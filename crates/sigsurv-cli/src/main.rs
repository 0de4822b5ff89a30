//! The `sigsurv` binary: parse the command line, run the subcommand, report failures with exit codes
//! 0 (success), 2 (bad input) and 1 (internal failure).

mod analysis;
mod args;
mod args_plot;
mod cmd;
mod failure;
mod input;
mod output;
mod profiles;
mod render;
mod signature;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    let outcome = std::panic::catch_unwind(|| cmd::run(cli));
    let code = match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(f)) => {
            eprintln!("error: {}", f.message);
            for h in &f.hints {
                eprintln!("  {h}");
            }
            f.code
        }
        Err(_) => {
            eprintln!("error: internal failure (a bug in sigsurv); please report it with the command you ran");
            1
        }
    };
    std::process::exit(code);
}

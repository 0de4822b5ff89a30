//! Sending a rendered result to standard output or, atomically, to the `-o` file; notes go to standard error.

use crate::args::{OutputArgs, OutputFormat};
use crate::failure::CliResult;
use crate::progress::{Phase, Step};
use std::io::Write;

impl OutputArgs {
    /// The format asked for, else the one the `-o` extension names, else the human table.
    pub fn resolved_format(&self) -> OutputFormat {
        if let Some(f) = self.format {
            return f;
        }
        match self
            .output
            .as_ref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
        {
            Some("json") => OutputFormat::Json,
            Some("csv") => OutputFormat::Csv,
            _ => OutputFormat::Table,
        }
    }

    /// Writes the result text.
    pub fn emit(&self, text: &str) -> CliResult<()> {
        let _step = Step::start(Phase::Write, "writing the result", self.quiet);
        match &self.output {
            Some(path) => Ok(sigsurv_io::write_atomic(path, text.as_bytes())?),
            None => {
                let mut out = std::io::stdout().lock();
                // A closed pipe (`| head`) is not an error worth reporting.
                let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
                Ok(())
            }
        }
    }

    /// A note on standard error, unless --quiet.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("note: {text}");
        }
    }

    pub fn warn(&self, text: &str) {
        if !self.quiet {
            eprintln!("warning: {text}");
        }
    }
}

/// Serialises a JSON value (or any result that serialises as one) with a trailing newline.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("results always serialise");
    s.push('\n');
    s
}

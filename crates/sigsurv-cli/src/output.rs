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
    // Room for a large result up front: growing by doubling would copy megabytes several times (the pages of
    // the unused capacity are never touched, so they cost nothing).
    let mut out = Vec::with_capacity(1 << 24);
    serde_json::to_writer_pretty(&mut out, value).expect("results always serialise");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Leaves `value` unfreed: the command ends and the process exits right after its result is written, and handing
/// the pages of large columns back to the system (tens or hundreds of megabytes) would only cost time.
pub fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}

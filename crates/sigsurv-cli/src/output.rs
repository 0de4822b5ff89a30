//! Sending a rendered result to standard output or to the `-o` file (atomically; see sigsurv_io::write), with
//! every write checked; notes go to standard error.

use crate::args::{OutputArgs, OutputFormat};
use crate::failure::{CliResult, Failure};
use crate::progress::{Phase, Step};
use std::io::Write;
use std::path::Path;

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

    /// Writes the result text: to standard output without `-o` (or with `-o -`), else to the file.
    pub fn emit(&self, text: &str) -> CliResult<()> {
        let _step = Step::start(Phase::Write, "writing the result", self.quiet);
        match &self.output {
            Some(path) if !is_stdout(path) => Ok(sigsurv_io::write_atomic(path, text.as_bytes())?),
            _ => write_stdout(text.as_bytes()),
        }
    }

    /// A note on standard error, unless --quiet.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            to_stderr(&format!("note: {}{text}", self.context_prefix()));
        }
    }

    pub fn warn(&self, text: &str) {
        if !self.quiet {
            to_stderr(&format!("warning: {}{text}", self.context_prefix()));
        }
    }

    /// The same output, its notes and warnings saying they are about `context` ("cohort A").
    pub fn about(&self, context: impl Into<String>) -> OutputArgs {
        OutputArgs {
            context: Some(context.into()),
            ..self.clone()
        }
    }

    fn context_prefix(&self) -> String {
        self.context
            .as_deref()
            .map(|c| format!("{c}: "))
            .unwrap_or_default()
    }
}

/// `-o -` and `-o /dev/stdout` name standard output: written as without `-o` (through the open descriptor, so
/// `>> file` appends and a pipe is never reopened).
pub fn is_stdout(path: &Path) -> bool {
    path == Path::new("-") || path == Path::new("/dev/stdout")
}

/// Writes `bytes` to standard output and flushes it, checking both. A reader that went away (`| head`) ends the
/// run quietly with exit 0, as ripgrep does; any other failure (disk full, file-size limit) is exit 1, so a
/// truncated result is never taken for a complete one.
pub fn write_stdout(bytes: &[u8]) -> CliResult<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::reader_gone()),
        Err(e) => Err(Failure::internal(format!(
            "could not write to standard output: {e}"
        ))),
    }
}

/// A line on standard error. Standard error that cannot be written (closed, full) cannot be told so: the line is
/// dropped rather than aborting the run (`eprintln!` would panic).
pub fn to_stderr(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// The version of the JSON documents sigsurv writes, their first key `"schema_version"`. It changes only when
/// a key is removed or changes meaning; new keys do not change it.
pub const SCHEMA_VERSION: u32 = 1;

/// Serialises a JSON value (or any result that serialises as one) with a trailing newline; an object starts
/// with `"schema_version"`.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Room for a large result up front: growing by doubling would copy megabytes several times (the pages of
    // the unused capacity are never touched, so they cost nothing).
    let mut out = Vec::with_capacity(1 << 24);
    serde_json::to_writer_pretty(&mut out, value).expect("results always serialise");
    out.push(b'\n');
    let text = String::from_utf8(out).expect("serde_json writes UTF-8");
    with_schema_version(text)
}

/// Puts the schema version first in a pretty-printed object (`{` and a newline, then the keys indented by two
/// spaces); spliced into the text so that a large result is not copied into a `serde_json::Value` first.
fn with_schema_version(mut text: String) -> String {
    if text.starts_with("{\n") && !text.starts_with("{\n  \"schema_version\"") {
        text.insert_str(2, &format!("  \"schema_version\": {SCHEMA_VERSION},\n"));
    }
    text
}

/// Leaves `value` unfreed: the command ends and the process exits right after its result is written, and handing
/// the pages of large columns back to the system (tens or hundreds of megabytes) would only cost time.
pub fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_starts_with_the_schema_version() {
        let v: serde_json::Value =
            serde_json::from_str(&json_text(&serde_json::json!({"analysis": "km", "n": 3})))
                .unwrap();
        assert_eq!(v["schema_version"], SCHEMA_VERSION);
        assert_eq!(v["analysis"], "km");
        let text = json_text(&serde_json::json!({"schema_version": 1}));
        assert_eq!(text.matches("schema_version").count(), 1);
        assert_eq!(json_text(&serde_json::json!([1, 2])), "[\n  1,\n  2\n]\n");
        assert_eq!(json_text(&serde_json::json!({})), "{}\n");
    }
}

//! What an analysis produced.

use serde_json::Value;
use std::path::PathBuf;

/// What an analysis produced: the `summary.json` value, the human summary, and the files written.
pub struct Outcome {
    pub summary: Value,
    pub text: String,
    pub files: Vec<PathBuf>,
}

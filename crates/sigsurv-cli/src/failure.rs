//! What a failed run reports: a one-line message, hint lines, and the exit code (2 bad input, 1 internal).

use sigsurv_io::IoError;

#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hints: Vec<String>,
    pub code: i32,
}

impl Failure {
    /// Bad input: the user can fix it (exit code 2).
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hints: Vec::new(),
            code: 2,
        }
    }

    /// A failure of sigsurv itself (exit code 1).
    pub fn internal(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hints: Vec::new(),
            code: 1,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hints.push(hint.into());
        self
    }
}

impl From<IoError> for Failure {
    fn from(e: IoError) -> Failure {
        Failure {
            message: e.to_string(),
            hints: e.hints(),
            code: 2,
        }
    }
}

pub type CliResult<T> = std::result::Result<T, Failure>;

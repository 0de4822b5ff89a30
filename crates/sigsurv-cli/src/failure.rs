//! What a failed run reports: a one-line message, hint lines, and the exit code (2 bad input, 1 internal or a
//! failed write).

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

    /// The reader of standard output went away (`| head`): the run ends quietly, with exit code 0.
    pub fn reader_gone() -> Failure {
        Failure {
            message: String::new(),
            hints: Vec::new(),
            code: 0,
        }
    }

    /// Whether the run ends without a message (see [`Failure::reader_gone`]).
    pub fn is_quiet(&self) -> bool {
        self.code == 0
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hints.push(hint.into());
        self
    }
}

impl From<IoError> for Failure {
    fn from(e: IoError) -> Failure {
        // A write that failed part-way (disk full, file-size limit) is not the input's fault.
        let code = match e {
            IoError::WriteFailed { .. } => 1,
            _ => 2,
        };
        Failure {
            message: e.to_string(),
            hints: e.hints(),
            code,
        }
    }
}

pub type CliResult<T> = std::result::Result<T, Failure>;

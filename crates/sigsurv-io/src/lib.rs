//! # sigsurv-io
//!
//! Tables in and results out. Reads CSV/TSV, Parquet and Arrow IPC through polars lazy scans (only the columns an
//! analysis uses are materialised; `--where` filters are pushed into the scan), decodes event columns, reports
//! dropped rows, and writes results atomically. Depends on no other sigsurv crate: it hands plain vectors to the
//! caller.

pub mod append_columns;
pub mod builtin_sets;
pub mod cbioportal;
pub mod error;
pub mod event;
pub mod expression;
pub mod filter;
pub mod format;
pub mod frame_out;
pub mod gene_set;
pub mod gene_symbol;
pub mod genes;
pub mod gmt;
pub mod memory;
pub mod missing;
pub mod output_target;
pub mod panic_guard;
pub mod run_inputs;
pub mod stream_input;
pub mod suggest;
pub mod table;
mod temp_file;
pub mod weighted_sets;
pub mod write;

pub use cbioportal::{read_cbioportal_study, CbioStudy, SurvivalColumns};
pub use error::{IoError, Result};
pub use event::{decode_event, decode_event_column, EventCoding};
pub use expression::{
    read_expression, Collapse, ExpressionMatrix, ExpressionSpec, Layout, MissingReport,
};
pub use format::Format;
pub use frame_out::{write_columns, OutColumn};
pub use gene_set::GeneSet;
pub use genes::{match_set, match_sets, SetMatch};
pub use gmt::{read_gmt, resolve_sets};
pub use run_inputs::register_input;
pub use table::{read_table, where_expr, ColumnValues, FileRows, Table, TableSpec, TextColumn};
pub use write::{check_output, write_atomic, write_atomic_with};

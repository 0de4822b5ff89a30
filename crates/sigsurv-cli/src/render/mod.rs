//! Presentation only: human tables, numbers for humans, CSV. No statistics here.

pub mod csv;
pub mod text;

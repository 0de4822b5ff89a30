//! Presentation only: each command's text table, JSON (the contract of docs/cli.md) and CSV in its own file,
//! on the shared helpers for human tables and numbers (`text`) and CSV (`csv`). No statistics here.

pub mod aft;
pub mod cif;
pub mod count;
pub mod cox;
pub mod cox_predict;
pub mod cox_residuals;
pub mod coxnet;
pub mod coxnet_figures;
pub mod coxnet_report;
pub mod coxnet_run;
pub mod csv;
pub mod cutpoint;
pub mod finegray;
pub mod km;
pub mod km_at_times;
pub mod logrank;
pub mod rmst;
pub mod score;
pub mod text;
pub mod validation_figures;

//! Self-contained HTML reports: one file with inline CSS and inline SVG figures, no scripts and no external
//! assets, that opens offline in any browser and can be mailed, archived or attached to a paper's
//! supplement as it is.
//!
//! The crate knows nothing about survival analysis: a [`Report`] is a title and [`Section`]s of
//! [`Block`]s (paragraphs, key-value facts, tables, figures, preformatted text), and [`render_html`] writes
//! it out. The caller (the `sigsurv analyze` pipeline) decides what goes in and formats the numbers; a
//! [`Cell`] may carry the exact value beside its rounded text, which the HTML keeps in a `data-value`
//! attribute (and shows as a tooltip), so nothing is lost by rounding and tests can read the numbers back.
//!
//! # Safety of the output
//! Every string from the caller is HTML-escaped (`& < > " '`), so labels from the data (a factor level
//! like `<b>&`) show as written and cannot inject markup. Figures are inserted as SVG markup: pass only SVG
//! you generated (e.g. with `sigsurv-plot`, whose writer escapes its text); the root's
//! `xmlns="http://www.w3.org/2000/svg"` is dropped since HTML does not need it, which keeps the report free
//! of any URL.

mod html;
mod model;

pub use html::{escape, render_html};
pub use model::{Block, Cell, Figure, Report, Section, Table};

//! What can go wrong when drawing or saving a figure; every message says what to change.

use std::path::PathBuf;

/// An error from building or saving a figure.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// No curve (or no forest row) to draw.
    #[error("nothing to plot: {0}")]
    Nothing(&'static str),
    /// A group whose curve has no time points (no rows in the data).
    #[error("group \"{group}\" has no observations; drop it or check the grouping column")]
    EmptyGroup { group: String },
    /// A curve whose vectors disagree in length or hold impossible values.
    #[error("group \"{group}\": {reason}")]
    InvalidCurve { group: String, reason: String },
    /// An option out of its range (breaks <= 0, a non-positive size, a bad colour, ...).
    #[error("{option}: {reason}")]
    InvalidOption {
        option: &'static str,
        reason: String,
    },
    /// `xmax` cuts the x axis before the first event or censoring of every curve.
    #[error("xmax {xmax} is below the first event/censoring time {first}; nothing would be drawn")]
    XmaxBeforeFirstTime { xmax: f64, first: f64 },
    /// The figure is too small for its text and panel.
    #[error("the figure is too small: {0}; increase width/height or reduce the font size")]
    TooSmall(String),
    /// An overlay curve names a group that is not plotted.
    #[error("overlay group \"{group}\" is not one of the plotted groups ({known})")]
    UnknownOverlayGroup { group: String, known: String },
    /// An overlay curve with mismatched or impossible values.
    #[error("overlay for group \"{group}\": {reason}")]
    InvalidOverlay { group: String, reason: String },
    /// A forest-plot row with an impossible estimate or interval (row is 0-based).
    #[error("forest row {row} (\"{label}\"): {reason}")]
    InvalidForestRow {
        row: usize,
        label: String,
        reason: String,
    },
    /// `save` was given a path that does not end in .svg, .png or .pdf.
    #[error("cannot tell the image format of {path}: use a .svg, .png or .pdf file name")]
    UnknownExtension { path: PathBuf },
    /// The SVG could not be parsed or rasterised (a bug if the SVG came from this crate).
    #[error("could not render the SVG: {0}")]
    Render(String),
    /// Writing the file failed.
    #[error("could not write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, PlotError>;

//! Publication-quality survival figures: Kaplan-Meier curves with a number-at-risk table, forest plots of
//! hazard ratios, written as SVG and rendered to PNG in pure Rust.
//!
//! - [`km_svg`] / [`km_plot`]: step curves per group from (0, 1), censoring marks, optional confidence bands
//!   and median lines, a risk table aligned with the x-axis breaks (as survminer's
//!   `ggsurvplot(risk.table = TRUE)`), a legend with each group's n, annotations (log-rank p, HR), and
//!   digitised published curves drawn dashed over the reproduced ones.
//! - [`forest_svg`]: hazard ratios with confidence intervals on a log axis, with the numbers as text columns.
//! - [`histogram_svg`]: the distribution of a score with its cut-points drawn.
//! - [`save`]: `.svg` as is, `.png` rendered with resvg at a given dpi, written atomically.
//!
//! # Why a hand-written SVG
//! The figures are built element by element (a small writer in `svg`), not with a charting library: the
//! risk table must share the panel's x transform exactly, the legend and columns are sized from the real
//! glyph advances of the embedded font, and every coordinate is ours to test (the pixel tests map (t, S)
//! through [`Panel`]). The SVG is small, diffable (one element per line, two decimals) and deterministic, so a
//! snapshot test can compare it byte for byte.
//!
//! # Fonts
//! All text uses `font-family="DejaVu Sans, Arial, Helvetica, sans-serif"`; PNG rendering loads only the
//! DejaVu Sans shipped in `assets/` (Bitstream Vera licence, see `assets/DejaVuSans-LICENSE.txt`), never
//! system fonts, so a PNG is the same on every machine.

mod axes;
mod error;
mod forest;
mod format;
mod histogram;
mod km;
mod palette;
mod points;
mod render;
mod scale;
mod svg;
mod text;

pub use error::{PlotError, Result};
pub use forest::{forest_svg, ForestOptions, ForestRow, MAX_INTERVAL_RATIO};
pub use format::{format_hr, format_p, p_label};
pub use histogram::{histogram_bins, histogram_svg, Bins, HistogramOptions};
pub use km::{km_plot, km_svg, Fun, KmPlot, KmPlotOptions, OverlayCurve, Panel, PlotGroup};
pub use palette::{parse_hex, DEFAULT_PALETTE, OKABE_ITO};
pub use points::{points_svg, PointSeries, PointsOptions};
pub use render::{figure_bytes, render_pdf, render_png, save, svg_options, FONT_FAMILY};

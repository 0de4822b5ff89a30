//! Where everything goes in a Kaplan-Meier figure: margins from measured text, the panel, legend rows,
//! axis titles and the risk-table rows.

use super::{Fun, KmPlotOptions, Panel, PlotGroup};
use crate::error::{PlotError, Result};
use crate::scale::{decimals_for, tick_label};
use crate::text::{max_width, text_width};

/// One legend entry and its position (x of the line sample, y of the row's centre).
pub(super) struct LegendItem {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub kind: LegendKind,
}

pub(super) enum LegendKind {
    Title,
    Group(usize),
    Overlay,
}

pub(super) struct Layout {
    pub panel: Panel,
    pub fs: f64,
    pub tick_fs: f64,
    pub pad: f64,
    pub tick_len: f64,
    pub title_y: f64,
    pub legend: Vec<LegendItem>,
    pub xlab: String,
    pub ylab: String,
    pub xlab_y: f64,
    pub xtick_y: f64,
    pub ylab_x: f64,
    pub table_title_y: f64,
    pub table_row_y: Vec<f64>,
    /// Right edge of the risk-table labels.
    pub table_label_x: f64,
}

/// Width of the line sample in a legend entry, in font sizes.
pub(super) const SAMPLE: f64 = 2.0;

impl Layout {
    pub fn new(
        groups: &[PlotGroup],
        opts: &KmPlotOptions,
        xmax: f64,
        breaks: &[f64],
        step: f64,
    ) -> Result<Layout> {
        let (w, h) = (opts.width, opts.height);
        let fs = opts.font_size;
        let tick_fs = 0.9 * fs;
        let pad = fs;
        let tick_len = 0.4 * fs;
        let xlab = opts.xlab.clone().unwrap_or_else(|| match &opts.time_unit {
            Some(u) if !u.trim().is_empty() => format!("Time ({})", u.trim()),
            _ => "Time".to_string(),
        });
        let ylab = opts.ylab.clone().unwrap_or_else(|| {
            match opts.fun {
                Fun::Surv => "Survival probability",
                Fun::Event => "Cumulative event probability",
            }
            .to_string()
        });

        // Left: the y-axis title and tick labels above, the risk-table labels below; both fit.
        let ytick_w = text_width("0.00", tick_fs);
        let axis_part = 1.3 * fs + ytick_w + 0.3 * fs + tick_len;
        // The first risk-table column (the n at time 0, the widest) is centred on x(0).
        let num_w = max_width(
            groups
                .iter()
                .map(|g| g.curve.n.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
            tick_fs,
        );
        let table_part = if opts.risk_table {
            max_width(groups.iter().map(|g| g.name.as_str()), tick_fs) + 0.8 * fs + num_w / 2.0
        } else {
            0.0
        };
        let left = pad + axis_part.max(table_part);
        // Right: room for half of the last break label, centred on its tick.
        let d = decimals_for(step);
        let last_label = tick_label(*breaks.last().unwrap_or(&xmax), d);
        let right = w - pad - (text_width(&last_label, tick_fs) / 2.0).max(0.5 * fs);

        // Top: title, then the legend rows, wrapped to the width right of the panel's left edge.
        let mut y = pad;
        let mut title_y = 0.0;
        if opts.title.is_some() {
            title_y = y + 1.3 * fs * 0.8;
            y += 1.3 * fs * 1.2 + 0.3 * fs;
        }
        let (legend, legend_h) = legend_rows(groups, opts, fs, left, w - pad, y);
        y += legend_h;
        let top = y + 0.4 * fs;

        // Bottom: the x axis (ticks, labels, title), then the risk table.
        let xaxis_h = tick_len + 0.3 * fs + tick_fs + 0.5 * fs + fs + 0.2 * fs;
        let row_h = 1.45 * fs;
        let table_h = if opts.risk_table {
            0.8 * fs + 1.6 * fs + groups.len() as f64 * row_h
        } else {
            0.0
        };
        let bottom = h - pad - table_h - xaxis_h;
        if bottom - top < 5.0 * fs {
            return Err(PlotError::TooSmall(format!(
                "{h} px leave {:.0} px for the panel's height",
                (bottom - top).max(0.0)
            )));
        }
        if right - left < 8.0 * fs {
            return Err(PlotError::TooSmall(format!(
                "{w} px leave {:.0} px for the panel's width",
                (right - left).max(0.0)
            )));
        }
        let panel = Panel {
            left,
            top,
            right,
            bottom,
            xmax,
            fun: opts.fun,
        };
        let xtick_y = bottom + tick_len + 0.3 * fs + 0.8 * tick_fs;
        let xlab_y = bottom + tick_len + 0.3 * fs + tick_fs + 0.5 * fs + 0.8 * fs;
        let table_top = bottom + xaxis_h + 0.8 * fs;
        let table_title_y = table_top + 0.8 * fs;
        let table_row_y = (0..groups.len())
            .map(|j| table_top + 1.6 * fs + j as f64 * row_h + 0.75 * tick_fs)
            .collect();
        Ok(Layout {
            panel,
            fs,
            tick_fs,
            pad,
            tick_len,
            title_y,
            legend,
            xlab,
            ylab,
            xlab_y,
            xtick_y,
            ylab_x: left - axis_part + 0.9 * fs,
            table_title_y,
            table_row_y,
            table_label_x: panel.x(0.0) - num_w / 2.0 - 0.8 * fs,
        })
    }
}

/// Flows the legend entries (title, groups with n, the overlay entry) into rows between x0 and x1 from
/// y0; returns them and the height used.
fn legend_rows(
    groups: &[PlotGroup],
    opts: &KmPlotOptions,
    fs: f64,
    x0: f64,
    x1: f64,
    y0: f64,
) -> (Vec<LegendItem>, f64) {
    let mut entries: Vec<(String, LegendKind)> = Vec::new();
    if let Some(t) = &opts.legend_title {
        entries.push((t.clone(), LegendKind::Title));
    }
    for (i, g) in groups.iter().enumerate() {
        entries.push((
            format!("{} (n={})", g.name, g.curve.n),
            LegendKind::Group(i),
        ));
    }
    if !opts.overlay.is_empty() {
        entries.push((opts.overlay_label.clone(), LegendKind::Overlay));
    }
    let row_h = 1.5 * fs;
    let gap = 1.2 * fs;
    let (mut x, mut row) = (x0, 0usize);
    let mut items = Vec::with_capacity(entries.len());
    for (text, kind) in entries {
        let sample = match kind {
            LegendKind::Title => 0.0,
            _ => (SAMPLE + 0.4) * fs,
        };
        let width = sample + text_width(&text, fs);
        if x > x0 && x + width > x1 {
            row += 1;
            x = x0;
        }
        items.push(LegendItem {
            x,
            y: y0 + row as f64 * row_h + 0.5 * row_h,
            text,
            kind,
        });
        x += width + gap;
    }
    let rows = if items.is_empty() { 0 } else { row + 1 };
    (items, rows as f64 * row_h)
}

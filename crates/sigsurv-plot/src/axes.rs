//! The linear x and y axes of a panel (histogram, points): the two axis lines, ticks with their labels, and the
//! axis titles, in the house style.

use crate::svg::{Anchor, Svg, TextStyle};

/// Where a panel sits in its figure, and the figure's text size.
pub(crate) struct Panel {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// The figure's height and outer padding, for the x title at the bottom and the y title at the left.
    pub height: f64,
    pub pad: f64,
    pub font_size: f64,
}

/// Draws the axes of `panel`: ticks at the pixel positions given, each with its label.
pub(crate) fn linear_axes(
    svg: &mut Svg,
    panel: &Panel,
    xticks: &[(f64, String)],
    yticks: &[(f64, String)],
    xlab: &str,
    ylab: &str,
) {
    const AXIS: &str = "#000000";
    let Panel {
        left,
        right,
        top,
        bottom,
        height,
        pad,
        font_size: fs,
    } = *panel;
    let tick_fs = 0.9 * fs;
    let tick_len = 0.4 * fs;
    svg.group(&[("class", "axes".to_string())]);
    svg.line(left, bottom, right, bottom, AXIS, 1.0);
    svg.line(left, top, left, bottom, AXIS, 1.0);
    let xt = TextStyle::new(tick_fs, Anchor::Middle);
    for (x, label) in xticks {
        svg.line(*x, bottom, *x, bottom + tick_len, AXIS, 1.0);
        svg.text(*x, bottom + tick_len + 0.3 * fs + 0.8 * tick_fs, label, &xt);
    }
    let yt = TextStyle::new(tick_fs, Anchor::End);
    for (y, label) in yticks {
        svg.line(left - tick_len, *y, left, *y, AXIS, 1.0);
        svg.text(left - tick_len - 0.3 * fs, y + 0.35 * tick_fs, label, &yt);
    }
    svg.text(
        (left + right) / 2.0,
        height - pad - 0.2 * fs,
        xlab,
        &TextStyle::new(fs, Anchor::Middle),
    );
    let mut ylab_style = TextStyle::new(fs, Anchor::Middle);
    ylab_style.rotate = -90.0;
    svg.text(pad + 0.9 * fs, (top + bottom) / 2.0, ylab, &ylab_style);
    svg.end_group();
}

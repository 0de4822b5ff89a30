//! Saving figures: SVG as is, PNG rendered with resvg and PDF converted with svg2pdf, both using only the
//! embedded font (embedded in the PDF too, subset); atomic writes.

use crate::error::{PlotError, Result};
use crate::text::FONT;
use resvg::{tiny_skia, usvg};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// The `font-family` of every text element: the embedded DejaVu Sans first, so SVG viewers with DejaVu (and
/// our PNG renderer) match exactly, then metric-compatible-enough fallbacks.
pub const FONT_FAMILY: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";

/// The largest PNG side we render, in pixels (a 12000 px side at 300 dpi is a 1 m wide figure).
const MAX_PIXELS: f64 = 12_000.0;

/// usvg options whose font database holds only the embedded DejaVu Sans (also as the generic sans-serif
/// and the default family), so parsing and rendering never read system fonts.
pub fn svg_options() -> usvg::Options<'static> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let db = DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    });
    usvg::Options {
        font_family: "DejaVu Sans".to_string(),
        fontdb: Arc::clone(db),
        ..usvg::Options::default()
    }
}

/// Renders an SVG to PNG bytes at `dpi` (the SVG's user unit is a CSS px, 1/96 inch, so the image is
/// scaled by dpi/96); the PNG records the dpi in its pHYs chunk so that layout programs size it right.
///
/// # Errors
/// [`PlotError::InvalidOption`] for a dpi outside [10, 2400] or an image over 12000 px a side;
/// [`PlotError::Render`] if the SVG does not parse.
pub fn render_png(svg: &str, dpi: f64) -> Result<Vec<u8>> {
    if !(10.0..=2400.0).contains(&dpi) {
        return Err(PlotError::InvalidOption {
            option: "dpi",
            reason: format!("{dpi} is outside 10 to 2400"),
        });
    }
    let tree =
        usvg::Tree::from_str(svg, &svg_options()).map_err(|e| PlotError::Render(e.to_string()))?;
    let scale = dpi / 96.0;
    let size = tree.size();
    let (w, h) = (
        (f64::from(size.width()) * scale).round(),
        (f64::from(size.height()) * scale).round(),
    );
    if w > MAX_PIXELS || h > MAX_PIXELS {
        return Err(PlotError::InvalidOption {
            option: "dpi",
            reason: format!(
                "the image would be {w} x {h} px (at most {MAX_PIXELS} a side); lower the dpi or the size"
            ),
        });
    }
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1.0) as u32, h.max(1.0) as u32)
        .ok_or_else(|| PlotError::Render(format!("cannot allocate a {w} x {h} image")))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale as f32, scale as f32),
        &mut pixmap.as_mut(),
    );
    encode_png(&pixmap, dpi)
}

/// Converts an SVG to a one-page vector PDF of the figure's size (the SVG's user unit is a CSS px, 1/96 inch), its
/// text kept as text in the embedded DejaVu Sans (subset), so that journals' checks for embedded fonts pass and
/// the text can be searched and edited.
///
/// # Errors
/// [`PlotError::Render`] if the SVG does not parse or cannot be converted.
pub fn render_pdf(svg: &str) -> Result<Vec<u8>> {
    use svg2pdf::usvg as pdf_usvg;
    static DB: OnceLock<Arc<pdf_usvg::fontdb::Database>> = OnceLock::new();
    let db = DB.get_or_init(|| {
        let mut db = pdf_usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    });
    let opts = pdf_usvg::Options {
        font_family: "DejaVu Sans".to_string(),
        fontdb: Arc::clone(db),
        ..pdf_usvg::Options::default()
    };
    let tree =
        pdf_usvg::Tree::from_str(svg, &opts).map_err(|e| PlotError::Render(e.to_string()))?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions { dpi: 96.0 },
    )
    .map_err(|e| PlotError::Render(format!("PDF conversion: {e}")))
}

/// PNG bytes of an opaque pixmap (the figures have a white background), 8-bit RGB, with pHYs.
fn encode_png(pixmap: &tiny_skia::Pixmap, dpi: f64) -> Result<Vec<u8>> {
    // Opaque pixels: premultiplied RGBA equals straight RGBA; drop alpha.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let ppm = (dpi / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let mut w = enc
            .write_header()
            .map_err(|e| PlotError::Render(e.to_string()))?;
        w.write_image_data(&rgb)
            .map_err(|e| PlotError::Render(e.to_string()))?;
    }
    Ok(out)
}

/// Writes a figure: `.svg` writes the SVG text, `.png` renders it at `dpi` ([`render_png`]), `.pdf` converts it
/// to vector PDF ([`render_pdf`]). The file is
/// written to a temporary file in the same directory and renamed, so readers never see half a file.
///
/// # Errors
/// [`PlotError::UnknownExtension`] for any other extension (checked first, before any work);
/// the errors of [`render_png`]; [`PlotError::Io`] when the file cannot be written.
pub fn save(svg: &str, path: &Path, dpi: f64) -> Result<()> {
    let bytes = figure_bytes(svg, path, dpi)?;
    write_atomic(path, &bytes)
}

/// The bytes of the figure file `path` names: the SVG text for `.svg`, the PNG rendered at `dpi` for `.png`, the
/// PDF for `.pdf`
/// (for callers that write the file themselves).
///
/// # Errors
/// [`PlotError::UnknownExtension`] for any other extension; the errors of [`render_png`].
pub fn figure_bytes(svg: &str, path: &Path, dpi: f64) -> Result<Vec<u8>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match ext.as_deref() {
        Some("svg") => svg.as_bytes().to_vec(),
        Some("png") => render_png(svg, dpi)?,
        Some("pdf") => render_pdf(svg)?,
        _ => {
            return Err(PlotError::UnknownExtension {
                path: path.to_path_buf(),
            })
        }
    };
    Ok(bytes)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let io = |source| PlotError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path names no file",
        ))
    })?;
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}

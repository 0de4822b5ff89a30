//! What a report is made of: a title, sections, and their blocks (paragraphs, facts, tables, figures,
//! preformatted text).

/// A report: a title, an optional line under it, and sections in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// The page title (the `<title>` and the `<h1>`).
    pub title: String,
    /// A line under the title (e.g. the program version and the date).
    pub subtitle: Option<String>,
    pub sections: Vec<Section>,
}

/// A section: a heading, an anchor id for the table of contents, and its content.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    /// Anchor of the section (`#id`); letters, digits, `-` and `_` are kept, anything else becomes `-`.
    pub id: String,
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// One piece of a section's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading inside a section (`<h3>`), for sections with several parts (e.g. one cohort's results).
    Subheading(String),
    /// A paragraph of plain text.
    Text(String),
    /// A highlighted remark (a caveat the reader must see, e.g. a biased p-value).
    Note(String),
    /// Label-value pairs, as a two-column table.
    Facts(Vec<(String, Cell)>),
    /// A table with a header row.
    Table(Table),
    /// An SVG figure with a caption.
    Figure(Figure),
    /// Preformatted text (e.g. the analysis file), shown in a monospace box.
    Code(String),
}

/// A table: column headers and rows of cells (rows shorter than the header are padded with empty cells).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// A caption above the table.
    pub caption: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// A line under the table (e.g. what the columns mean).
    pub footnote: Option<String>,
}

/// A table cell or fact value: the text shown and, for numbers, the exact value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    pub text: String,
    /// The unrounded number: written as `data-value` (shortest round-trip form) and as a tooltip; numeric
    /// cells are right-aligned.
    pub value: Option<f64>,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            value: None,
        }
    }

    /// A number shown as `text` (already rounded by the caller) that keeps its exact `value`.
    pub fn num(text: impl Into<String>, value: f64) -> Cell {
        Cell {
            text: text.into(),
            value: Some(value),
        }
    }

    /// A count.
    pub fn count(n: usize) -> Cell {
        Cell::num(n.to_string(), n as f64)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::text(s)
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::text(s)
    }
}

/// An inline SVG figure.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figure {
    /// The SVG document (`<svg ...>...</svg>`, optionally after an XML declaration).
    pub svg: String,
    /// The caption under the figure; also the figure's accessible name.
    pub caption: String,
    /// A class on the `<figure>` (e.g. "km", "forest", "histogram"), for tests and styling.
    pub class: String,
}

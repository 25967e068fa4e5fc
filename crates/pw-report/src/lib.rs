//! Reports as PDF without a C library: `pdf.rs` lays out pages (text in
//! the workbench's font, tables, pictures, bars) on `pdf-writer`;
//! `workshop.rs` is the report of a participation workshop.

pub mod pdf;
pub mod workshop;

pub use workshop::{MapPage, VariantPage, WorkshopReport, workshop_report};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("a picture could not be read: {0}")]
    Picture(String),
}

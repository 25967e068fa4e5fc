//! Pictures with their provenance: the view rendered off screen at any
//! size up to 8192 × 8192 (8K UHD is 7680 × 4320) whatever the window's
//! size, with a footer stamp (scene, variant, time, analysis and its
//! parameters and legend, data sources, north arrow, scale bar), saved as
//! PNG carrying the same stamp as text. `stamp.rs` says what the footer
//! says; `capture.rs` renders and reads back the view (one camera, or two
//! while comparing) and composes in the background; `on_start.rs` is the
//! `--picture` driver of the command line.

pub mod capture;
pub mod on_start;
pub mod stamp;

pub use capture::{PictureCommand, PicturePlugin, PictureState};

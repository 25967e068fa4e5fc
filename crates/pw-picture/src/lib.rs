//! Pictures with their provenance. The app renders the view (at any size,
//! regardless of the window) into one or two panels; this crate puts them
//! together with a footer stamp — scene and variant, date and time, the
//! analysis shown with its parameters and legend, data sources with their
//! licences, north arrow and scale bar — and writes a PNG that carries the
//! same stamp as text chunks. No engine here: it tests in seconds.

mod compose;
mod encode;
mod font;
mod layout;
mod scale;

pub use compose::{Panels, compose};
pub use encode::{encode_png, save_png};
pub use font::Font;
pub use layout::{Layout, footer_height, panel_size};
pub use scale::{format_length, nice_length};

/// The largest picture side (8K UHD is 7680 × 4320).
pub const MAX_SIDE: u32 = 8192;
/// The smallest picture side the footer still fits in.
pub const MIN_SIDE: u32 = 240;

/// Straight (not premultiplied) sRGB RGBA, rows top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbaImage {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl RgbaImage {
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> RgbaImage {
        RgbaImage {
            width,
            height,
            data: rgba.repeat((width * height) as usize),
        }
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * self.width + x) * 4) as usize;
        [
            self.data[i],
            self.data[i + 1],
            self.data[i + 2],
            self.data[i + 3],
        ]
    }
}

/// What the footer says. Texts come translated from the app's catalogues.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stamp {
    /// First line, bold: scene and variant(s).
    pub title: String,
    /// Further lines: time, analysis and parameters, sources, software.
    /// Long lines wrap.
    pub lines: Vec<String>,
    pub legend: Option<LegendStrip>,
    /// Heading of the view, degrees clockwise from north (the arrow turns
    /// by its negative); None: no arrow.
    pub heading_deg: Option<f32>,
    /// The letter at the arrow's tip ("N").
    pub north_letter: String,
    pub scale: Option<ScaleBar>,
    /// One title per panel, drawn in its top left corner (empty: none).
    pub panel_titles: Vec<String>,
}

/// The classes of the analysis result shown.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendStrip {
    pub title: String,
    /// Colour and label per class, lowest first.
    pub entries: Vec<([u8; 3], String)>,
}

/// Metres per picture pixel where the scale holds (the point the camera
/// looks at), and the words under the bar ("Maßstab in Bildmitte").
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleBar {
    pub metres_per_pixel: f64,
    pub caption: String,
    /// "0,5 m" (German) rather than "0.5 m".
    pub decimal_comma: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("a picture of {width} × {height} pixels is outside {MIN_SIDE} … {MAX_SIDE} per side")]
    Size { width: u32, height: u32 },
    #[error("a panel is {got_w} × {got_h} pixels, the layout wants {want_w} × {want_h}")]
    Panel {
        got_w: u32,
        got_h: u32,
        want_w: u32,
        want_h: u32,
    },
    #[error("writing the PNG failed: {0}")]
    Png(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl PictureError {
    /// The error for people, translated by the app; [`std::fmt::Display`]
    /// gives the same in English. The PNG writer's and the file system's
    /// words stay as they are.
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            PictureError::Size { width, height } => Message::new("picture.error.size")
                .arg("width", width)
                .arg("height", height)
                .arg("min", MIN_SIDE)
                .arg("max", MAX_SIDE)
                .english(
                    "a picture of {width} × {height} pixels is outside {min} … {max} per side",
                ),
            PictureError::Panel {
                got_w,
                got_h,
                want_w,
                want_h,
            } => Message::new("picture.error.panel")
                .arg("got_w", got_w)
                .arg("got_h", got_h)
                .arg("want_w", want_w)
                .arg("want_h", want_h)
                .english(
                    "a panel is {got_w} × {got_h} pixels, the layout wants {want_w} × {want_h}",
                ),
            PictureError::Png(why) => Message::new("picture.error.png")
                .arg_message("why", Message::text(why.clone()))
                .english("writing the PNG failed: {why}"),
            PictureError::Io { path, source } => Message::new("picture.error.io")
                .arg("path", path)
                .arg_message("why", Message::text(source.to_string()))
                .english("{path}: {why}"),
        }
    }
}

pub(crate) fn check_size(width: u32, height: u32) -> Result<(), PictureError> {
    if (MIN_SIDE..=MAX_SIDE).contains(&width) && (MIN_SIDE..=MAX_SIDE).contains(&height) {
        Ok(())
    } else {
        Err(PictureError::Size { width, height })
    }
}

//! A workshop: what it is about (title, variants with their pictures, the
//! scene's questions, the area people can point at) and its token.

use serde::Serialize;

use crate::limits::random_token;
use crate::model::{LocalText, Question};

/// A variant as phones see it: its name, a caption and a picture from the
/// image export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantCard {
    pub id: String,
    pub name: LocalText,
    #[serde(default)]
    pub caption: LocalText,
    /// PNG bytes; served at `picture/<id>`.
    #[serde(skip)]
    pub picture: Option<Vec<u8>>,
}

/// The part of the scene people can point at on their phones: a map from
/// above with its extent in the scene CRS.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Area {
    /// min x, min y, max x, max y in the scene CRS (metres).
    pub extent: [f64; 4],
    /// Building footprints (scene CRS), drawn as the map when there is no
    /// picture, and over it when there is one.
    pub outlines: Vec<Vec<[f64; 2]>>,
    /// PNG bytes of a view from straight above covering `extent`.
    #[serde(skip)]
    pub picture: Option<Vec<u8>>,
}

impl Area {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let [x0, y0, x1, y1] = self.extent;
        x.is_finite() && y.is_finite() && x >= x0 && x <= x1 && y >= y0 && y <= y1
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workshop {
    pub title: LocalText,
    /// In the link phones open. Kept with the workshop's store (a restart
    /// keeps the phones in); "Neuer Link" (`Store::workshop_token` with
    /// `replace`) makes an old one — a photo of the QR code going round —
    /// lead nowhere.
    #[serde(skip)]
    pub token: String,
    pub variants: Vec<VariantCard>,
    pub questions: Vec<Question>,
    pub area: Option<Area>,
    pub voting_open: bool,
}

impl Workshop {
    pub fn new(title: LocalText) -> Workshop {
        Workshop {
            title,
            token: random_token(),
            variants: Vec::new(),
            questions: Vec::new(),
            area: None,
            voting_open: true,
        }
    }

    pub fn variant(&self, id: &str) -> Option<&VariantCard> {
        self.variants.iter().find(|v| v.id == id)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

/// The modules of a QR code for `text` (row by row, `true` = dark), with
/// medium error correction so a smudged screen still reads.
pub fn qr_modules(text: &str) -> Vec<Vec<bool>> {
    let code = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium)
        .expect("a workshop link fits a QR code");
    let n = code.size();
    (0..n)
        .map(|y| (0..n).map(|x| code.get_module(x, y)).collect())
        .collect()
}

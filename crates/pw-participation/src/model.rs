//! What people say in a workshop: contributions anchored in the scene, with
//! the view the person was looking at; stars per variant; answers to the
//! scene's short questions.

use serde::{Deserialize, Serialize};

/// The four kinds of contribution DIPAS and the city's formats use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Idee,
    Kritik,
    Frage,
    Lob,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Idee,
        Category::Kritik,
        Category::Frage,
        Category::Lob,
    ];

    /// The word stored in the database and sent to phones.
    pub fn code(self) -> &'static str {
        match self {
            Category::Idee => "idee",
            Category::Kritik => "kritik",
            Category::Frage => "frage",
            Category::Lob => "lob",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Its colour everywhere it is shown (pins, lists, the report): blue,
    /// orange, purple, green — apart for the common colour vision
    /// deficiencies (Okabe–Ito).
    pub fn colour(self) -> [u8; 3] {
        match self {
            Category::Idee => [0, 114, 178],
            Category::Kritik => [213, 94, 0],
            Category::Frage => [204, 121, 167],
            Category::Lob => [0, 158, 115],
        }
    }

    /// Catalogue key of its name.
    pub fn key(self) -> &'static str {
        match self {
            Category::Idee => "participation.category.idee",
            Category::Kritik => "participation.category.kritik",
            Category::Frage => "participation.category.frage",
            Category::Lob => "participation.category.lob",
        }
    }
}

/// Where a contribution points: a place in the scene CRS (metres), with a
/// height when it was set in 3D, and the object it was set on, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub x: f64,
    pub y: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub z: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
}

/// A camera in the scene CRS: where the eye is and where it looks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Camera {
    pub eye: [f64; 3],
    pub target: [f64; 3],
}

/// Everything needed to show someone's contribution as they saw it: camera,
/// variant, visible layers, the analysis result on screen and the clock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ViewState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera: Option<Camera>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
    /// The clock as RFC 3339 with offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<String>,
}

/// Where a contribution came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Written at the touch table or the desk.
    Table,
    /// Sent from a phone through the workshop page.
    Phone,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Table => "table",
            Source::Phone => "phone",
        }
    }

    pub fn from_code(code: &str) -> Option<Source> {
        match code {
            "table" => Some(Source::Table),
            "phone" => Some(Source::Phone),
            _ => None,
        }
    }
}

/// A contribution as it arrives, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewContribution {
    pub participant: String,
    /// Chosen by the sender once per draft: sending the same draft twice
    /// (a phone retrying after a lost answer) stores it once.
    pub nonce: String,
    pub text: String,
    pub category: Category,
    pub anchor: Option<Anchor>,
    pub view: ViewState,
    pub source: Source,
}

/// A stored contribution with its moderation state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub id: i64,
    pub participant: String,
    pub text: String,
    pub category: Category,
    pub anchor: Option<Anchor>,
    pub view: ViewState,
    pub source: Source,
    /// Unix time in milliseconds.
    pub created_ms: i64,
    pub hidden: bool,
    pub answered: bool,
    pub reply: Option<String>,
    /// Merged into this contribution (same point made twice); shown there.
    pub merged_into: Option<i64>,
}

/// A short question the scene asks, answered once per participant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: LocalText,
    pub kind: QuestionKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum QuestionKind {
    /// Ja / Nein.
    YesNo,
    /// One to five stars.
    Stars,
    /// One of the given options (answer: its index).
    Choice { options: Vec<LocalText> },
}

impl QuestionKind {
    /// Whether `value` is an answer this question can take.
    pub fn accepts(&self, value: u32) -> bool {
        match self {
            QuestionKind::YesNo => value <= 1,
            QuestionKind::Stars => (1..=5).contains(&value),
            QuestionKind::Choice { options } => (value as usize) < options.len(),
        }
    }

    /// Where an answer is counted in the tally: stars 1–5 in slots 0–4,
    /// the others by their value.
    pub fn slot(&self, value: u32) -> usize {
        match self {
            QuestionKind::Stars => (value as usize).saturating_sub(1),
            _ => value as usize,
        }
    }

    /// How many distinct answers it has (the tally's length).
    pub fn answers(&self) -> usize {
        match self {
            QuestionKind::YesNo => 2,
            QuestionKind::Stars => 5,
            QuestionKind::Choice { options } => options.len(),
        }
    }
}

/// A text in German and English (German is what a workshop speaks).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalText {
    pub de: String,
    #[serde(default)]
    pub en: String,
}

impl LocalText {
    pub fn new(de: &str, en: &str) -> LocalText {
        LocalText {
            de: de.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" && !self.en.is_empty() {
            &self.en
        } else {
            &self.de
        }
    }
}

/// How a vote changed the tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VoteOutcome {
    /// The participant's first vote for this variant.
    New,
    /// They changed their mind: the old vote is replaced.
    Changed,
    /// The same vote again (a replay): nothing changes.
    Same,
}

/// The stars a variant got: how many gave 1..=5.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantTally {
    pub variant: String,
    pub stars: [u32; 5],
}

impl VariantTally {
    pub fn votes(&self) -> u32 {
        self.stars.iter().sum()
    }

    pub fn mean(&self) -> Option<f64> {
        let n = self.votes();
        (n > 0).then(|| {
            self.stars
                .iter()
                .enumerate()
                .map(|(i, c)| (i as f64 + 1.0) * *c as f64)
                .sum::<f64>()
                / n as f64
        })
    }
}

/// The answers a question got, by answer value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionTally {
    pub question: String,
    pub counts: Vec<u32>,
}

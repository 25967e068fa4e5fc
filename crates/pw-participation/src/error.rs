//! What can go wrong, each with a catalogue key for the people who see it
//! (phones and the workshop screen) and the HTTP status a phone gets.

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ParticipationError {
    #[error("the text is empty")]
    EmptyText,
    #[error("the text has {chars} characters; at most {max} fit")]
    TextTooLong { chars: usize, max: usize },
    #[error("unknown category {0:?} (idee, kritik, frage, lob)")]
    UnknownCategory(String),
    #[error("the place lies outside the workshop's area")]
    OutsideArea,
    #[error("unknown variant {0:?}")]
    UnknownVariant(String),
    #[error("unknown question {0:?}")]
    UnknownQuestion(String),
    #[error("{value} is not an answer to question {question:?}")]
    BadAnswer { question: String, value: u32 },
    #[error("stars must be 1 to 5, not {0}")]
    BadStars(u32),
    #[error("voting is closed")]
    VotingClosed,
    #[error("unknown participant: open the workshop link again")]
    UnknownParticipant,
    #[error("this workshop link is not valid (any more)")]
    WrongWorkshop,
    #[error("too many requests; wait {seconds} s")]
    TooMany { seconds: u64 },
    #[error("the request is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the request is not valid: {0}")]
    BadRequest(String),
    #[error("no contribution {0}")]
    NoContribution(i64),
    #[error("a contribution cannot be merged into itself or into one merged into it")]
    MergeIntoItself,
    #[error("the workshop store failed: {0}")]
    Store(String),
    #[error("the workshop server stopped")]
    Stopped,
}

impl ParticipationError {
    /// Catalogue key (assets/i18n and the phone page's texts) for this error.
    pub fn key(&self) -> &'static str {
        use ParticipationError::*;
        match self {
            EmptyText => "participation.error.empty",
            TextTooLong { .. } => "participation.error.too_long",
            UnknownCategory(_) => "participation.error.category",
            OutsideArea => "participation.error.outside",
            UnknownVariant(_) => "participation.error.variant",
            UnknownQuestion(_) => "participation.error.question",
            BadAnswer { .. } => "participation.error.answer",
            BadStars(_) => "participation.error.stars",
            VotingClosed => "participation.error.closed",
            UnknownParticipant => "participation.error.participant",
            WrongWorkshop => "participation.error.workshop",
            TooMany { .. } => "participation.error.too_many",
            TooLarge { .. } => "participation.error.too_large",
            BadRequest(_) => "participation.error.bad_request",
            NoContribution(_) => "participation.error.no_contribution",
            MergeIntoItself => "participation.error.merge_itself",
            Store(_) => "participation.error.store",
            Stopped => "participation.error.stopped",
        }
    }

    /// Named values the catalogue text may use.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        use ParticipationError::*;
        match self {
            TextTooLong { chars, max } => {
                vec![("chars", chars.to_string()), ("max", max.to_string())]
            }
            TooMany { seconds } => vec![("seconds", seconds.to_string())],
            TooLarge { limit } => vec![("kib", (limit / 1024).to_string())],
            UnknownVariant(v) | UnknownQuestion(v) | UnknownCategory(v) => {
                vec![("name", v.clone())]
            }
            _ => Vec::new(),
        }
    }

    /// The HTTP status a phone gets for it.
    pub fn status(&self) -> u16 {
        use ParticipationError::*;
        match self {
            WrongWorkshop => 404,
            UnknownParticipant => 401,
            TooMany { .. } => 429,
            TooLarge { .. } => 413,
            VotingClosed => 409,
            Store(_) | Stopped => 503,
            NoContribution(_) => 404,
            BadRequest(_) => 400,
            _ => 422,
        }
    }
}

impl From<rusqlite::Error> for ParticipationError {
    fn from(e: rusqlite::Error) -> Self {
        ParticipationError::Store(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, ParticipationError>;

use thiserror::Error;

/// What can go wrong, said so the user knows what to change.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum NoiseError {
    #[error("unknown road surface '{id}'; known: {known}")]
    UnknownSurface { id: String, known: String },
    #[error("road {road}: {what}")]
    BadRoad { road: String, what: String },
}

impl NoiseError {
    /// The text for the user, through the catalogues.
    pub fn message(&self) -> pw_analysis::Message {
        use pw_analysis::Message;
        let m = match self {
            NoiseError::UnknownSurface { id, known } => Message::new("noise.error.unknown_surface")
                .arg("id", id)
                .arg("known", known),
            NoiseError::BadRoad { road, what } => Message::new("noise.error.bad_road")
                .arg("road", road)
                .arg("what", what),
        };
        m.english(&self.to_string())
    }
}

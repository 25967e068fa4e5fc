use thiserror::Error;

/// What can go wrong, said so the user knows what to change.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum NoiseError {
    #[error("unknown road surface '{id}'; known: {known}")]
    UnknownSurface { id: String, known: String },
    #[error("road {road}: {what}")]
    BadRoad { road: String, what: String },
}

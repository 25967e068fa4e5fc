use std::path::PathBuf;

/// What went wrong reading or assigning traffic; file and line where a file
/// is at fault, so a user can find the place.
#[derive(Debug, thiserror::Error)]
pub enum TrafficError {
    #[error("{}: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}, line {line}: {what}", file.display())]
    Syntax {
        file: PathBuf,
        line: usize,
        what: String,
    },
    #[error("{}: {what}", file.display())]
    Inconsistent { file: PathBuf, what: String },
    #[error("OSM node {node} cannot be placed in the scene's coordinate system")]
    Unprojectable { node: i64 },
    #[error(transparent)]
    Cancelled(#[from] pw_job::Cancelled),
}

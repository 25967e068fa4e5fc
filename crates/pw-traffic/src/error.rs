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

impl TrafficError {
    /// The text for the user, through the catalogues; a file's own detail
    /// (what a line holds) stays in its words.
    pub fn message(&self) -> pw_analysis::Message {
        use pw_analysis::Message;
        let m = match self {
            TrafficError::Io { file, source } => Message::new("traffic.error.io")
                .arg("file", file.display())
                .arg("why", source),
            TrafficError::Syntax { file, line, what } => Message::new("traffic.error.syntax")
                .arg("file", file.display())
                .arg("line", line)
                .arg("what", what),
            TrafficError::Inconsistent { file, what } => Message::new("traffic.error.inconsistent")
                .arg("file", file.display())
                .arg("what", what),
            TrafficError::Unprojectable { node } => {
                Message::new("traffic.error.unprojectable").arg("node", node)
            }
            TrafficError::Cancelled(_) => Message::new("analysis.cancelled"),
        };
        m.english(&self.to_string())
    }
}

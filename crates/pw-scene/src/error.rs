use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SceneError {
    #[error("{}: cannot read or write the scene file: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

impl SceneError {
    pub(crate) fn from_toml(path: &Path, text: &str, e: &toml::de::Error) -> Self {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        // toml's message repeats the source excerpt; keep the first line, the
        // part a planner needs ("unknown field `colour`, expected ...").
        let message = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid scene file")
            .to_string();
        SceneError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    /// A semantic error; `needle` is searched for to find the line it concerns.
    pub(crate) fn invalid(path: &Path, text: &str, needle: &str, message: &str) -> Self {
        let line = text
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or(1);
        SceneError::Invalid {
            path: path.to_path_buf(),
            line,
            message: message.to_string(),
        }
    }

    pub fn line(&self) -> Option<usize> {
        match self {
            SceneError::Io { .. } => None,
            SceneError::Syntax { line, .. } | SceneError::Invalid { line, .. } => Some(*line),
        }
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count() + 1)
        .unwrap_or(1);
    (line, column)
}

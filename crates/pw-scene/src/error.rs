use pw_text::Message;
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
        /// What is wrong, for the app to say in its language (boxed: the
        /// error stays small).
        message: Box<Message>,
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
    pub(crate) fn invalid(path: &Path, text: &str, needle: &str, message: Message) -> Self {
        let line = text
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or(1);
        SceneError::Invalid {
            path: path.to_path_buf(),
            line,
            message: Box::new(message),
        }
    }

    /// The error for people, translated by the app; [`std::fmt::Display`]
    /// gives the same in English (for logs and the CLI). The file
    /// system's and the TOML reader's words stay as they are.
    pub fn message(&self) -> Message {
        match self {
            SceneError::Io { path, source } => Message::new("scene.error.io")
                .arg("path", path.display())
                .arg_message("why", Message::text(source.to_string()))
                .english("{path}: cannot read or write the scene file: {why}"),
            SceneError::Syntax {
                path,
                line,
                column,
                message,
            } => Message::new("scene.error.syntax")
                .arg("path", path.display())
                .arg("line", line)
                .arg("column", column)
                .arg_message("why", Message::text(message.clone()))
                .english("{path}:{line}:{column}: {why}"),
            SceneError::Invalid {
                path,
                line,
                message,
            } => Message::new("scene.error.invalid")
                .arg("path", path.display())
                .arg("line", line)
                .arg_message("why", message.as_ref().clone())
                .english("{path}:{line}: {why}"),
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

//! Texts for people from the engine-free libraries, as catalogue keys
//! with named arguments: the app translates them (German default,
//! English), the CLI and the logs show the English words. A text that is
//! already final (a file system's error, a peer library's note) travels
//! as it is, but only when said so with [`Message::text`]: there is no
//! conversion from `String`, so no English sentence becomes a message for
//! the UI by accident.

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Catalogue key, or "" for a text that is already final (a file
    /// system error, a note of a peer library).
    pub key: String,
    pub args: Vec<(String, String)>,
    /// The text when there is no catalogue at hand (CLI, logs).
    pub fallback: String,
    /// Arguments that are texts for people themselves (a reason inside a
    /// notice): rendered in the same language as the message around them.
    pub parts: Vec<(String, Message)>,
}

impl Message {
    pub fn new(key: impl Into<String>) -> Message {
        let key = key.into();
        Message {
            fallback: key.clone(),
            key,
            args: Vec::new(),
            parts: Vec::new(),
        }
    }

    pub fn text(text: impl Into<String>) -> Message {
        Message {
            key: String::new(),
            args: Vec::new(),
            fallback: text.into(),
            parts: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &str, value: impl std::fmt::Display) -> Message {
        self.args.push((name.into(), value.to_string()));
        self
    }

    /// An argument that is a message itself, translated with this one.
    pub fn arg_message(mut self, name: &str, part: Message) -> Message {
        self.parts.push((name.into(), part));
        self
    }

    /// The English words for when no catalogue is used; `{name}` is replaced.
    pub fn english(mut self, template: &str) -> Message {
        self.fallback = template.into();
        self
    }

    /// Translates through `lookup` (key → template with `{name}`), falling
    /// back to the English text.
    pub fn render(&self, lookup: impl Fn(&str) -> Option<String>) -> String {
        self.render_with(&lookup)
    }

    fn render_with(&self, lookup: &dyn Fn(&str) -> Option<String>) -> String {
        let template = if self.key.is_empty() {
            None
        } else {
            lookup(&self.key)
        }
        .unwrap_or_else(|| self.fallback.clone());
        if self.parts.is_empty() {
            return fill(&template, &self.args);
        }
        let mut args = self.args.clone();
        for (name, part) in &self.parts {
            args.push((name.clone(), part.render_with(lookup)));
        }
        fill(&template, &args)
    }
}

/// A final text (no catalogue key): an operating system's or a peer
/// library's words, passed on as they are.

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.parts.is_empty() {
            return f.write_str(&fill(&self.fallback, &self.args));
        }
        let mut args = self.args.clone();
        for (name, part) in &self.parts {
            args.push((name.clone(), part.to_string()));
        }
        f.write_str(&fill(&self.fallback, &args))
    }
}

/// `{name}` replaced by its argument in one pass: a value that itself
/// holds braces (a field named "{x}") is never filled again.
fn fill(template: &str, args: &[(String, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((close, args.iter().find(|(k, _)| *k == after[..close])?)))
        {
            Some((close, (_, value))) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_through_the_catalogue_or_in_english() {
        let m = Message::new("p.range")
            .arg("min", 1)
            .arg("max", 120)
            .english("choose between {min} and {max}");
        assert_eq!(m.to_string(), "choose between 1 and 120");
        let german = m.render(|k| (k == "p.range").then(|| "zwischen {min} und {max}".into()));
        assert_eq!(german, "zwischen 1 und 120");
        assert_eq!(
            Message::text("disk full").render(|_| Some("x".into())),
            "disk full"
        );
    }

    #[test]
    fn values_with_braces_are_not_filled_again() {
        let m = Message::new("style.issue.no_attribute")
            .arg("field", "{fields}")
            .arg("fields", "GEN, BEZ")
            .english("no attribute \"{field}\" (it has: {fields}); {unknown} stays");
        assert_eq!(
            m.to_string(),
            "no attribute \"{fields}\" (it has: GEN, BEZ); {unknown} stays"
        );
    }

    #[test]
    fn a_reason_inside_a_message_is_said_in_the_same_language() {
        let m = Message::new("basemap.offline")
            .arg("layer", "Luftbild")
            .arg_message(
                "why",
                Message::new("net.reason.timeout").english("no answer in time"),
            )
            .english("{layer}: cannot be reached ({why})");
        assert_eq!(
            m.to_string(),
            "Luftbild: cannot be reached (no answer in time)"
        );
        let german = m.render(|k| match k {
            "basemap.offline" => Some("{layer}: nicht erreichbar ({why})".into()),
            "net.reason.timeout" => Some("keine Antwort in der Zeit".into()),
            _ => None,
        });
        assert_eq!(
            german,
            "Luftbild: nicht erreichbar (keine Antwort in der Zeit)"
        );
    }
}

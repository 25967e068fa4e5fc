//! Background jobs (loading, later analyses) as the status bar shows them:
//! a label, progress and a cancel button. The work itself runs on Bevy's
//! async compute pool; this registry only watches it.

use bevy::prelude::*;
use pw_job::JobControl;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct JobEntry {
    pub id: u64,
    pub label: String,
    pub control: Arc<JobControl>,
}

#[derive(Resource, Debug, Default)]
pub struct Jobs {
    pub running: Vec<JobEntry>,
    next_id: u64,
}

impl Jobs {
    pub fn start(&mut self, label: impl Into<String>) -> JobEntry {
        self.next_id += 1;
        let entry = JobEntry {
            id: self.next_id,
            label: label.into(),
            control: JobControl::new(),
        };
        self.running.push(entry.clone());
        entry
    }

    pub fn finish(&mut self, id: u64) {
        self.running.retain(|j| j.id != id);
    }

    pub fn cancel(&self, id: u64) {
        if let Some(j) = self.running.iter().find(|j| j.id == id) {
            j.control.cancel();
        }
    }

    pub fn cancel_all(&self) {
        for j in &self.running {
            j.control.cancel();
        }
    }

    pub fn is_idle(&self) -> bool {
        self.running.is_empty()
    }
}

/// Short messages for the user (saved, opened, errors), newest last.
#[derive(Resource, Debug, Default)]
pub struct Notices {
    pub items: Vec<Notice>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
    pub created: std::time::Instant,
}

/// Info notices fade after this; errors stay until dismissed.
pub const INFO_NOTICE_SECONDS: u64 = 8;

impl Notices {
    pub fn info(&mut self, text: impl Into<String>) {
        let text = text.into();
        info!("{text}");
        self.push(false, text);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        warn!("{text}");
        self.push(true, text);
    }

    /// A notice already shown is shown once, as new (a problem met on
    /// every redraw must not fill the screen).
    fn push(&mut self, error: bool, text: String) {
        self.items.retain(|n| !(n.error == error && n.text == text));
        self.items.push(Notice {
            error,
            text,
            created: std::time::Instant::now(),
        });
        self.trim();
    }

    /// Drops info notices older than [`INFO_NOTICE_SECONDS`].
    pub fn expire(&mut self) {
        self.items
            .retain(|n| n.error || n.created.elapsed().as_secs() < INFO_NOTICE_SECONDS);
    }

    fn trim(&mut self) {
        if self.items.len() > 6 {
            self.items.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_shown_again_is_shown_once() {
        let mut n = Notices::default();
        n.error("entwurf.glb: bitte auf die Karte ziehen");
        n.info("gespeichert");
        n.error("entwurf.glb: bitte auf die Karte ziehen");
        let texts: Vec<&str> = n.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            ["gespeichert", "entwurf.glb: bitte auf die Karte ziehen"]
        );
        // The same words as information and as error are two notices.
        n.info("gespeichert");
        n.error("gespeichert");
        assert_eq!(n.items.len(), 3);
    }
}

//! The workshop desk: every request (from a phone, the touch table or the
//! moderator) is checked against the workshop here, then written to the
//! store. One thread owns the store and takes requests in turn, so writes
//! never race; requests that arrive together share one commit (one fsync),
//! and each is answered only after that commit.

use std::sync::mpsc;
use std::sync::{Arc, RwLock};

use serde::Serialize;
use tokio::sync::oneshot;

use crate::error::{ParticipationError, Result};
use crate::limits::{MAX_REPLY_CHARS, MAX_TEXT_CHARS, check_token, clean_text, random_token};
use crate::model::{
    Anchor, Category, NewContribution, QuestionTally, Source, VariantTally, ViewState, VoteOutcome,
};
use crate::store::{Changes, Moderation, Store};
use crate::workshop::Workshop;

/// A contribution as sent, not yet checked.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Draft {
    pub participant: String,
    pub nonce: String,
    pub text: String,
    pub category: String,
    #[serde(default)]
    pub anchor: Option<Anchor>,
    #[serde(default)]
    pub view: ViewState,
}

// A draft is bigger than the other requests; they travel one by one through
// a channel, so boxing it would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A new participant (a phone opening the link): gets a token.
    Join,
    Contribute {
        draft: Draft,
        source: Source,
    },
    Vote {
        participant: String,
        variant: String,
        stars: u32,
    },
    Answer {
        participant: String,
        question: String,
        value: u32,
    },
    Moderate {
        id: i64,
        action: Moderation,
    },
    Changes {
        since: i64,
    },
    Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tally {
    pub variants: Vec<VariantTally>,
    pub questions: Vec<QuestionTally>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Joined(String),
    Saved(i64),
    Voted(VoteOutcome),
    Moderated,
    Changes(Changes),
    Tally(Tally),
}

/// The participant the touch table and the desk write as.
pub const TABLE_PARTICIPANT: &str = "tisch";

struct Desk {
    workshop: Arc<RwLock<Workshop>>,
    store: Box<dyn Store>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Desk {
    fn known(&mut self, participant: &str) -> Result<()> {
        check_token(participant, "participant")?;
        if self.store.is_participant(participant)? {
            Ok(())
        } else {
            Err(ParticipationError::UnknownParticipant)
        }
    }

    /// One request of a batch: what it wrote is undone when it fails. The
    /// outer error means the batch itself is lost (the store rolled the
    /// transaction back, e.g. on a full disk): nothing of it may be called saved.
    fn handle_alone(
        &mut self,
        request: &Request,
    ) -> std::result::Result<Result<Reply>, ParticipationError> {
        self.store.mark()?;
        let answer = self.handle(request);
        match &answer {
            Ok(_) => self.store.keep_mark()?,
            Err(_) => self.store.undo_to_mark()?,
        }
        Ok(answer)
    }

    fn handle(&mut self, request: &Request) -> Result<Reply> {
        let workshop = Arc::clone(&self.workshop);
        let workshop = workshop
            .read()
            .expect("no writer panics holding the workshop");
        let now = now_ms();
        match request {
            Request::Join => {
                let token = random_token();
                self.store.add_participant(&token, now)?;
                Ok(Reply::Joined(token))
            }
            Request::Contribute { draft, source } => {
                let participant = match source {
                    Source::Table => TABLE_PARTICIPANT.to_string(),
                    Source::Phone => {
                        self.known(&draft.participant)?;
                        draft.participant.clone()
                    }
                };
                check_token(&draft.nonce, "nonce")?;
                let text = clean_text(&draft.text, MAX_TEXT_CHARS)?;
                let category = Category::from_code(&draft.category)
                    .ok_or_else(|| ParticipationError::UnknownCategory(draft.category.clone()))?;
                if let Some(anchor) = &draft.anchor {
                    let inside = match (&workshop.area, source) {
                        (Some(area), _) => area.contains(anchor.x, anchor.y),
                        // Without a map a phone has nothing to point at.
                        (None, Source::Phone) => false,
                        (None, Source::Table) => anchor.x.is_finite() && anchor.y.is_finite(),
                    };
                    if !inside || anchor.z.is_some_and(|z| !z.is_finite()) {
                        return Err(ParticipationError::OutsideArea);
                    }
                }
                if let Some(variant) = &draft.view.variant
                    && workshop.variant(variant).is_none()
                {
                    return Err(ParticipationError::UnknownVariant(variant.clone()));
                }
                let view = match source {
                    // The table's view state comes from the app itself.
                    Source::Table => draft.view.clone(),
                    // A phone says at most which variant it means.
                    Source::Phone => ViewState {
                        variant: draft.view.variant.clone(),
                        ..ViewState::default()
                    },
                };
                let anchor = match source {
                    Source::Table => draft.anchor.clone(),
                    // A phone points at its map: a place, not an object.
                    Source::Phone => draft.anchor.as_ref().map(|a| Anchor {
                        object: None,
                        ..a.clone()
                    }),
                };
                let id = self.store.add_contribution(
                    &NewContribution {
                        participant,
                        nonce: draft.nonce.clone(),
                        text,
                        category,
                        anchor,
                        view,
                        source: *source,
                    },
                    now,
                )?;
                Ok(Reply::Saved(id))
            }
            Request::Vote {
                participant,
                variant,
                stars,
            } => {
                if !workshop.voting_open {
                    return Err(ParticipationError::VotingClosed);
                }
                self.known(participant)?;
                if workshop.variant(variant).is_none() {
                    return Err(ParticipationError::UnknownVariant(variant.clone()));
                }
                if !(1..=5).contains(stars) {
                    return Err(ParticipationError::BadStars(*stars));
                }
                Ok(Reply::Voted(self.store.vote(
                    participant,
                    variant,
                    *stars,
                    now,
                )?))
            }
            Request::Answer {
                participant,
                question,
                value,
            } => {
                if !workshop.voting_open {
                    return Err(ParticipationError::VotingClosed);
                }
                self.known(participant)?;
                let q = workshop
                    .question(question)
                    .ok_or_else(|| ParticipationError::UnknownQuestion(question.clone()))?;
                if !q.kind.accepts(*value) {
                    return Err(ParticipationError::BadAnswer {
                        question: question.clone(),
                        value: *value,
                    });
                }
                Ok(Reply::Voted(self.store.answer(
                    participant,
                    question,
                    *value,
                    now,
                )?))
            }
            Request::Moderate { id, action } => {
                let action = match action {
                    Moderation::Reply(Some(text)) => {
                        Moderation::Reply(Some(clean_text(text, MAX_REPLY_CHARS)?))
                    }
                    other => other.clone(),
                };
                self.store.moderate(*id, &action, now)?;
                Ok(Reply::Moderated)
            }
            Request::Changes { since } => Ok(Reply::Changes(self.store.changes(*since)?)),
            Request::Tally => {
                let mut variants = self.store.tally()?;
                // Every variant of the workshop, in its order, also without votes.
                variants = workshop
                    .variants
                    .iter()
                    .map(|v| {
                        variants
                            .iter()
                            .find(|t| t.variant == v.id)
                            .cloned()
                            .unwrap_or(VariantTally {
                                variant: v.id.clone(),
                                stars: [0; 5],
                            })
                    })
                    .collect();
                let given = self.store.answers()?;
                let questions = workshop
                    .questions
                    .iter()
                    .map(|q| {
                        let mut counts = vec![0; q.kind.answers()];
                        for (question, value, count) in &given {
                            if *question == q.id
                                && let Some(c) = counts.get_mut(q.kind.slot(*value))
                            {
                                *c = *count;
                            }
                        }
                        QuestionTally {
                            question: q.id.clone(),
                            counts,
                        }
                    })
                    .collect();
                Ok(Reply::Tally(Tally {
                    variants,
                    questions,
                }))
            }
        }
    }
}

struct Job {
    request: Request,
    reply: oneshot::Sender<Result<Reply>>,
}

/// Hands requests to the desk's thread; cheap to clone (the server's tasks,
/// the app's systems).
#[derive(Clone)]
pub struct DeskHandle {
    sender: mpsc::Sender<Job>,
    workshop: Arc<RwLock<Workshop>>,
}

impl DeskHandle {
    /// From async code (the web server).
    pub async fn ask(&self, request: Request) -> Result<Reply> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Job { request, reply })
            .map_err(|_| ParticipationError::Stopped)?;
        answer.await.map_err(|_| ParticipationError::Stopped)?
    }

    /// From a plain thread (the app, tests); waits for the commit.
    pub fn ask_blocking(&self, request: Request) -> Result<Reply> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Job { request, reply })
            .map_err(|_| ParticipationError::Stopped)?;
        answer
            .blocking_recv()
            .map_err(|_| ParticipationError::Stopped)?
    }

    pub fn workshop(&self) -> Arc<RwLock<Workshop>> {
        Arc::clone(&self.workshop)
    }
}

/// How many requests at most share one commit.
const BATCH: usize = 256;

/// Starts the desk's thread; it ends when the last handle is dropped, after
/// answering what it was asked.
pub fn start_desk(mut workshop: Workshop, mut store: Box<dyn Store>) -> DeskHandle {
    // The link of the workshop held in this store before (a restart after
    // a crash must not strand the phones); a store that cannot say keeps
    // the new one, which every later request then also fails to reach.
    if let Ok(token) = store.workshop_token(&workshop.token, false) {
        workshop.token = token;
    }
    {
        let workshop = Arc::new(RwLock::new(workshop));
        let (sender, jobs) = mpsc::channel::<Job>();
        let mut desk = Desk {
            workshop: Arc::clone(&workshop),
            store,
        };
        std::thread::Builder::new()
            .name("workshop-desk".into())
            .spawn(move || {
                while let Ok(first) = jobs.recv() {
                    let mut batch = vec![first];
                    while batch.len() < BATCH {
                        match jobs.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    if let Err(e) = desk.store.begin() {
                        for job in batch {
                            let _ = job.reply.send(Err(e.clone()));
                        }
                        continue;
                    }
                    let answers: std::result::Result<Vec<Result<Reply>>, ParticipationError> =
                        batch
                            .iter()
                            .map(|job| desk.handle_alone(&job.request))
                            .collect();
                    let answers = match answers {
                        Ok(answers) => answers,
                        Err(e) => {
                            let _ = desk.store.rollback();
                            for job in batch {
                                let _ = job.reply.send(Err(e.clone()));
                            }
                            continue;
                        }
                    };
                    match desk.store.commit() {
                        Ok(()) => {
                            for (job, answer) in batch.into_iter().zip(answers) {
                                let _ = job.reply.send(answer);
                            }
                        }
                        Err(e) => {
                            let _ = desk.store.rollback();
                            for job in batch {
                                let _ = job.reply.send(Err(e.clone()));
                            }
                        }
                    }
                }
            })
            .expect("the OS starts a thread");
        DeskHandle { sender, workshop }
    }
}

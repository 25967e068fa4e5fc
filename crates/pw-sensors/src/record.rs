//! Recording live sessions and playing them back: the raw messages as they
//! came off the broker (topic, payload, milliseconds since the start), one
//! JSON object per line, flushed line by line so a crash loses at most the
//! message being written. Playback feeds the same `live::classify` the live
//! path uses, at any speed, driven by the caller's clock (no threads).

use crate::SensorError;
use crate::live::{LiveEvent, classify};
use serde_json::{Value as Json, json};
use std::io::{BufRead, Write};
use std::path::Path;

/// One recorded message.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// Milliseconds after the recording started.
    pub at_ms: u64,
    pub topic: String,
    pub payload: Vec<u8>,
}

/// Writes a recording.
pub struct Recorder {
    file: std::io::BufWriter<std::fs::File>,
}

impl Recorder {
    /// Starts a recording file; `started_ms` (Unix ms) goes in its header.
    pub fn create(path: &Path, started_ms: i64) -> Result<Recorder, SensorError> {
        let io = |e: std::io::Error| SensorError::File {
            path: path.display().to_string(),
            why: e.to_string(),
        };
        let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
        writeln!(
            file,
            "{}",
            json!({"planwerkstatt_recording": 1, "started_ms": started_ms})
        )
        .and_then(|_| file.flush())
        .map_err(io)?;
        Ok(Recorder { file })
    }

    pub fn record(&mut self, m: &Recorded) -> std::io::Result<()> {
        // Text payloads stay readable; anything else goes as base64.
        let line = match std::str::from_utf8(&m.payload) {
            Ok(text) => json!({"t": m.at_ms, "topic": m.topic, "text": text}),
            Err(_) => {
                json!({"t": m.at_ms, "topic": m.topic, "base64": pw_geo::base64::encode(&m.payload)})
            }
        };
        writeln!(self.file, "{line}")?;
        self.file.flush()
    }
}

/// A recording read back: its start (Unix ms), its messages in time order,
/// and what was wrong with lines that could not be read (line numbers).
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub started_ms: i64,
    pub messages: Vec<Recorded>,
    pub problems: Vec<pw_text::Message>,
}

impl Recording {
    pub fn read(path: &Path) -> Result<Recording, SensorError> {
        let file = std::fs::File::open(path).map_err(|e| SensorError::File {
            path: path.display().to_string(),
            why: e.to_string(),
        })?;
        let mut lines = std::io::BufReader::new(file).lines();
        let head: Json = lines
            .next()
            .and_then(|l| l.ok())
            .and_then(|l| serde_json::from_str(&l).ok())
            .filter(|h: &Json| h.get("planwerkstatt_recording").is_some())
            .ok_or_else(|| SensorError::NotRecording(path.display().to_string()))?;
        let mut rec = Recording {
            started_ms: head.get("started_ms").and_then(Json::as_i64).unwrap_or(0),
            messages: Vec::new(),
            problems: Vec::new(),
        };
        for (i, line) in lines.enumerate() {
            let n = i + 2;
            let Ok(line) = line else {
                rec.problems.push(
                    pw_text::Message::new("sensors.recording.unreadable_line")
                        .arg("line", n)
                        .english("line {line}: cannot be read"),
                );
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            let parsed: Option<Recorded> = serde_json::from_str::<Json>(&line).ok().and_then(|v| {
                let payload = match (
                    v.get("text").and_then(Json::as_str),
                    v.get("base64").and_then(Json::as_str),
                ) {
                    (Some(t), _) => t.as_bytes().to_vec(),
                    (None, Some(b)) => pw_geo::base64::decode(b)?,
                    _ => return None,
                };
                Some(Recorded {
                    at_ms: v.get("t")?.as_u64()?,
                    topic: v.get("topic")?.as_str()?.to_string(),
                    payload,
                })
            });
            match parsed {
                Some(m) => rec.messages.push(m),
                None => rec.problems.push(
                    pw_text::Message::new("sensors.recording.not_a_message")
                        .arg("line", n)
                        .english("line {line}: not a recorded message (cut off?)"),
                ),
            }
        }
        rec.messages.sort_by_key(|m| m.at_ms);
        Ok(rec)
    }
}

/// Plays a recording back: each call hands out what is due by then.
pub struct Replay {
    recording: Recording,
    next: usize,
    decoders: Vec<(String, String)>,
}

impl Replay {
    pub fn new(recording: Recording, decoders: Vec<(String, String)>) -> Replay {
        Replay {
            recording,
            next: 0,
            decoders,
        }
    }

    /// Events recorded up to `elapsed_ms` after the start (the caller
    /// scales its clock by the playback speed).
    pub fn due(&mut self, elapsed_ms: u64) -> Vec<LiveEvent> {
        let mut out = Vec::new();
        while let Some(m) = self.recording.messages.get(self.next) {
            if m.at_ms > elapsed_ms {
                break;
            }
            out.push(classify(&m.topic, &m.payload, &self.decoders));
            self.next += 1;
        }
        out
    }

    /// Back to the start (loop the demo).
    pub fn rewind(&mut self) {
        self.next = 0;
    }

    pub fn finished(&self) -> bool {
        self.next >= self.recording.messages.len()
    }

    /// Length of the recording.
    pub fn duration_ms(&self) -> u64 {
        self.recording.messages.last().map_or(0, |m| m.at_ms)
    }
}

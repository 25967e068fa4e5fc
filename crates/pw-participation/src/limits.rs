//! What the workshop takes from outside: how long a text may be, which
//! characters it keeps, how big a request and how often.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::error::{ParticipationError, Result};

/// A contribution's text: a few paragraphs (a phone screen of thumbs).
pub const MAX_TEXT_CHARS: usize = 1000;
/// A moderator's reply.
pub const MAX_REPLY_CHARS: usize = 2000;
/// A workshop link's token is all that keeps strangers out: at least this
/// long (the generated ones are longer).
pub const MIN_WORKSHOP_TOKEN_CHARS: usize = 16;
/// Any request body: a contribution in JSON with its view fits many times.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Tokens and ids from outside (participant, nonce, variant, question).
pub const MAX_TOKEN_CHARS: usize = 64;

/// The text as stored: line breaks as `\n`, no other control characters
/// (they break lists, the report and terminals), no invisible bidi
/// overrides (they turn text around), trimmed; refused when empty or longer
/// than `max` characters. HTML stays as typed: it is text, and every place
/// that shows it escapes it.
pub fn clean_text(raw: &str, max: usize) -> Result<String> {
    let mut out = String::with_capacity(raw.len().min(max * 4));
    let mut previous_cr = false;
    for c in raw.chars() {
        let keep = match c {
            '\r' => Some('\n'),
            '\n' if previous_cr => None,
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            // Bidi embeddings, overrides and isolates; zero-width joiners stay
            // (emoji need them).
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        };
        previous_cr = c == '\r';
        if let Some(k) = keep {
            out.push(k);
        }
    }
    let trimmed = out.trim();
    if trimmed.is_empty() {
        return Err(ParticipationError::EmptyText);
    }
    let n = trimmed.chars().count();
    if n > max {
        // The limit of this text (a note, a reply), not always the same.
        return Err(ParticipationError::TextTooLong { chars: n, max });
    }
    Ok(trimmed.to_string())
}

/// An id from outside: letters, digits, `-`, `_`, `.`, `:`, `/`; not empty,
/// at most [`MAX_TOKEN_CHARS`].
pub fn check_token(raw: &str, what: &str) -> Result<()> {
    let ok = !raw.is_empty()
        && raw.chars().count() <= MAX_TOKEN_CHARS
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'));
    if ok {
        Ok(())
    } else {
        Err(ParticipationError::BadRequest(format!(
            "{what} must be 1 to {MAX_TOKEN_CHARS} letters, digits or - _ . : /"
        )))
    }
}

/// A fresh random token: 130 bits as 26 characters of Crockford's base 32
/// (no i, l, o, u: it can be read out or typed).
pub fn random_token() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut bytes = [0u8; 17];
    getrandom::fill(&mut bytes).expect("the OS has a random source");
    let mut out = String::with_capacity(26);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 5 && out.len() < 26 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    out
}

/// How often one key (a participant, an address) may do something: a bucket
/// of `burst` that refills at `per_minute`.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub burst: f64,
    pub per_minute: f64,
}

/// Token buckets by key; old keys are forgotten so memory stays bounded.
#[derive(Debug)]
pub struct RateLimiter {
    rate: Rate,
    buckets: HashMap<String, (f64, Instant)>,
}

impl RateLimiter {
    pub fn new(rate: Rate) -> RateLimiter {
        RateLimiter {
            rate,
            buckets: HashMap::new(),
        }
    }

    /// Takes one from `key`'s bucket, or says how long to wait.
    pub fn take(&mut self, key: &str, now: Instant) -> Result<()> {
        let per_second = self.rate.per_minute / 60.0;
        if self.buckets.len() > 100_000 {
            // A full bucket is as good as none: forget those.
            let burst = self.rate.burst;
            self.buckets.retain(|_, (level, at)| {
                *level + now.duration_since(*at).as_secs_f64() * per_second < burst
            });
        }
        let (level, at) = self
            .buckets
            .entry(key.to_string())
            .or_insert((self.rate.burst, now));
        *level = (*level + now.duration_since(*at).as_secs_f64() * per_second).min(self.rate.burst);
        *at = now;
        if *level >= 1.0 {
            *level -= 1.0;
            Ok(())
        } else {
            let wait = Duration::from_secs_f64((1.0 - *level) / per_second.max(1e-9));
            Err(ParticipationError::TooMany {
                seconds: wait.as_secs().max(1),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_words_and_markup_but_not_control_characters() {
        assert_eq!(
            clean_text("  Mehr Bäume!\r\nBitte.\u{0}\u{202E}  ", 100).unwrap(),
            "Mehr Bäume!\nBitte."
        );
        assert_eq!(
            clean_text("<script>alert(1)</script>", 100).unwrap(),
            "<script>alert(1)</script>"
        );
        assert_eq!(
            clean_text(" \n\t ", 100),
            Err(ParticipationError::EmptyText)
        );
        assert_eq!(
            clean_text(&"ä".repeat(101), 100),
            Err(ParticipationError::TextTooLong {
                chars: 101,
                max: 100
            })
        );
        assert_eq!(
            clean_text(&"ä".repeat(100), 100).unwrap().chars().count(),
            100
        );
    }

    #[test]
    fn tokens_are_random_and_readable() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(check_token(&a, "token").is_ok());
        assert!(check_token("a b", "token").is_err());
        assert!(check_token("", "token").is_err());
        assert!(check_token(&"a".repeat(65), "token").is_err());
    }

    #[test]
    fn buckets_refill_over_time() {
        let mut limiter = RateLimiter::new(Rate {
            burst: 2.0,
            per_minute: 6.0,
        });
        let t0 = Instant::now();
        assert!(limiter.take("p", t0).is_ok());
        assert!(limiter.take("p", t0).is_ok());
        assert_eq!(
            limiter.take("p", t0),
            Err(ParticipationError::TooMany { seconds: 10 })
        );
        assert!(limiter.take("q", t0).is_ok(), "others are not held up");
        assert!(limiter.take("p", t0 + Duration::from_secs(10)).is_ok());
    }
}

//! Progress and cancellation shared between a background job (file loading,
//! analysis) and whoever watches it (the UI, the CLI). Lock-free, cheap to
//! poll from inner loops.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
pub struct JobControl {
    /// f32 bits of the fraction done, 0..=1.
    progress: AtomicU32,
    cancel: AtomicBool,
    stage: Mutex<String>,
}

/// Returned by a job that saw the cancel flag: it leaves no half result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled")
    }
}
impl std::error::Error for Cancelled {}

impl JobControl {
    pub fn new() -> Arc<JobControl> {
        Arc::new(JobControl::default())
    }

    pub fn set_progress(&self, fraction: f32) {
        self.progress
            .store(fraction.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
    }

    pub fn progress(&self) -> f32 {
        f32::from_bits(self.progress.load(Ordering::Relaxed))
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancel was requested; use with `?` in job loops.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    pub fn set_stage(&self, stage: impl Into<String>) {
        if let Ok(mut s) = self.stage.lock() {
            *s = stage.into();
        }
    }

    pub fn stage(&self) -> String {
        self.stage.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_clamped_and_cancel_is_seen() {
        let job = JobControl::new();
        job.set_progress(1.5);
        assert_eq!(job.progress(), 1.0);
        job.set_progress(0.25);
        assert_eq!(job.progress(), 0.25);
        assert_eq!(job.check(), Ok(()));
        let other = Arc::clone(&job);
        std::thread::spawn(move || other.cancel()).join().unwrap();
        assert_eq!(job.check(), Err(Cancelled));
    }
}

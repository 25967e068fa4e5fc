//! What every feature uses: the job list and notices of the status bar,
//! translations, and the user's persisted settings.

pub mod audience;
pub mod i18n;
pub mod jobs;
pub mod places;
pub mod settings;

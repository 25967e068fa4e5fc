//! One global time for the whole program. The time bar sets it; sun,
//! sensor history and simulations read it. It can follow the real clock
//! ("live"), stand still, or run faster for animations.

use bevy::prelude::*;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// Playback speeds offered in the time bar: simulated seconds per second.
pub const SPEEDS: [f64; 5] = [1.0, 60.0, 600.0, 3600.0, 86_400.0];

/// "Through the year": days per second at the same time of day, so that a
/// shadow at noon can be watched from January to December.
pub const YEAR_DAYS_PER_SECOND: f64 = 7.0;

#[derive(Resource, Debug, Clone)]
pub struct SceneClock {
    pub instant: Timestamp,
    pub time_zone: TimeZone,
    pub playing: bool,
    pub speed: f64,
    pub live: bool,
    /// Play steps whole days at the same local time ([`YEAR_DAYS_PER_SECOND`]).
    pub through_year: bool,
    /// Fraction of a day not yet stepped in `through_year` mode.
    pub day_fraction: f64,
}

impl Default for SceneClock {
    fn default() -> Self {
        SceneClock {
            instant: Timestamp::now(),
            time_zone: TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC),
            playing: false,
            speed: 600.0,
            live: false,
            through_year: false,
            day_fraction: 0.0,
        }
    }
}

impl SceneClock {
    /// A clock for a city's time zone starting at a local time such as
    /// "2026-06-21T15:00"; an empty or invalid start means now.
    pub fn for_city(
        time_zone: &str,
        start_local: Option<&str>,
    ) -> Result<SceneClock, pw_text::Message> {
        let tz = TimeZone::get(time_zone).map_err(|e| {
            pw_text::Message::new("clock.error.time_zone")
                .arg("zone", time_zone)
                .arg("detail", e)
                .english("unknown time zone '{zone}': {detail}")
        })?;
        let mut clock = SceneClock {
            time_zone: tz,
            ..Default::default()
        };
        if let Some(text) = start_local.filter(|t| !t.trim().is_empty()) {
            clock.set_local_text(text)?;
        }
        Ok(clock)
    }

    pub fn local(&self) -> ZonedDateTime {
        self.instant.to_zoned_datetime(self.time_zone.clone())
    }

    /// Sets the clock from local wall time "YYYY-MM-DDTHH:MM[:SS]" (or with a space).
    pub fn set_local_text(&mut self, text: &str) -> Result<(), pw_text::Message> {
        let normalised = text.trim().replace(' ', "T");
        let dt: jiff::civil::DateTime = normalised.parse().map_err(|e| {
            pw_text::Message::new("clock.error.local_time")
                .arg("text", text)
                .arg("detail", e)
                .english("'{text}' is not a date and time like 2026-06-21T15:00: {detail}")
        })?;
        // jiff's own words for a time the zone skips (rare).
        let zoned = dt
            .to_zoned_datetime(self.time_zone.clone())
            .map_err(|e| pw_text::Message::text(e.to_string()))?;
        self.instant = zoned.timestamp();
        self.live = false;
        Ok(())
    }

    /// Local date and time as shown in the time bar, e.g. "21.06.2026 15:00".
    pub fn display_local(&self) -> String {
        self.local().strftime("%d.%m.%Y %H:%M %Z").to_string()
    }

    pub fn advance(&mut self, real_seconds: f64) {
        if self.live {
            self.instant = Timestamp::now();
        } else if self.playing && self.through_year {
            // Whole days in the local time zone: the clock time stays, also
            // across daylight-saving changes.
            self.day_fraction += real_seconds * YEAR_DAYS_PER_SECOND;
            let days = self.day_fraction.floor();
            if days >= 1.0 {
                self.day_fraction -= days;
                if let Ok(z) = self
                    .local()
                    .checked_add(jiff::Span::new().days(days as i64))
                {
                    self.instant = z.timestamp();
                }
            }
        } else if self.playing {
            let nanos = (real_seconds * self.speed * 1e9) as i64;
            if let Ok(t) = self
                .instant
                .checked_add(jiff::SignedDuration::from_nanos(nanos))
            {
                self.instant = t;
            }
        }
    }

    pub fn go_live(&mut self) {
        self.live = true;
        self.playing = false;
        self.instant = Timestamp::now();
    }
}

pub struct ClockPlugin;

impl Plugin for ClockPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SceneClock>()
            .add_systems(First, tick_clock);
    }
}

fn tick_clock(time: Res<Time>, mut clock: ResMut<SceneClock>) {
    if clock.playing || clock.live {
        clock.advance(time.delta_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_uses_daylight_saving_in_berlin() {
        let mut c = SceneClock::for_city("Europe/Berlin", Some("2026-06-21T15:00")).unwrap();
        assert_eq!(
            c.instant.to_string(),
            "2026-06-21T13:00:00Z",
            "CEST is UTC+2"
        );
        assert_eq!(c.display_local(), "21.06.2026 15:00 CEST");
        c.set_local_text("2026-12-21 15:00").unwrap();
        assert_eq!(
            c.instant.to_string(),
            "2026-12-21T14:00:00Z",
            "CET is UTC+1"
        );
    }

    #[test]
    fn bad_start_and_time_zone_are_clear_errors() {
        assert!(
            SceneClock::for_city("Mars/Olympus", None)
                .unwrap_err()
                .to_string()
                .contains("Mars/Olympus")
        );
        assert!(
            SceneClock::for_city("Europe/Berlin", Some("21.6.2026"))
                .unwrap_err()
                .to_string()
                .contains("21.6.2026")
        );
    }

    #[test]
    fn playing_advances_by_speed_and_pause_stops() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins).add_plugins(ClockPlugin);
        let start = SceneClock::for_city("Europe/Berlin", Some("2026-03-21T12:00")).unwrap();
        app.insert_resource(start.clone());
        app.update();
        assert_eq!(
            app.world().resource::<SceneClock>().instant,
            start.instant,
            "paused clock stands still"
        );
        // Drive time by hand: one simulated second of real time at 3600× is one hour.
        let mut c = start.clone();
        c.playing = true;
        c.speed = 3600.0;
        c.advance(1.0);
        assert_eq!(c.local().strftime("%H:%M").to_string(), "13:00");
        c.playing = false;
        c.advance(10.0);
        assert_eq!(c.local().strftime("%H:%M").to_string(), "13:00");
    }

    #[test]
    fn through_the_year_keeps_the_time_of_day_across_daylight_saving() {
        let mut c = SceneClock::for_city("Europe/Berlin", Some("2026-03-21T12:00")).unwrap();
        c.playing = true;
        c.through_year = true;
        // 0.3 s: 2.1 days → two whole days stepped, 0.1 kept.
        c.advance(0.3);
        assert_eq!(
            c.local().strftime("%d.%m. %H:%M").to_string(),
            "23.03. 12:00"
        );
        // Over the change to summer time on 29 March: still 12:00 local.
        c.advance(1.0);
        assert_eq!(
            c.local().strftime("%d.%m. %H:%M %Z").to_string(),
            "30.03. 12:00 CEST"
        );
    }

    #[test]
    fn live_follows_the_real_clock() {
        let mut c = SceneClock::for_city("Europe/Berlin", Some("2000-01-01T00:00")).unwrap();
        c.go_live();
        c.advance(0.0);
        let age = Timestamp::now().duration_since(c.instant);
        assert!(age.as_secs() < 5);
    }
}

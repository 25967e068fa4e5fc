//! DIN EN 17037:2019 "exposure to sunlight": a room should see at least
//! 1.5 h (minimum), 3 h (medium) or 4 h (high) of direct sun on one chosen
//! day between 1 February and 21 March, counting only sun above a minimum
//! elevation (11° in the German application). Checked here per facade
//! sample — LoD2 models have no windows; a sample stands for a window at
//! that spot of the facade.

/// Sun below this elevation (degrees) does not count.
pub const MIN_SUN_ELEVATION: f64 = 11.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    NotMet,
    Minimum,
    Medium,
    High,
}

impl Level {
    pub fn of(hours: f32) -> Level {
        // Steps of whole minutes: compare with a small tolerance.
        let h = hours + 1e-4;
        if h >= 4.0 {
            Level::High
        } else if h >= 3.0 {
            Level::Medium
        } else if h >= 1.5 {
            Level::Minimum
        } else {
            Level::NotMet
        }
    }

    /// Stable key (exports, translation keys).
    pub fn key(self) -> &'static str {
        match self {
            Level::NotMet => "not_met",
            Level::Minimum => "minimum",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

/// Whether a (month, day) lies in the standard's window for the check day.
pub fn valid_day(month: u8, day: u8) -> bool {
    matches!((month, day), (2, 1..=29) | (3, 1..=21))
}

/// How many samples reach each level (for the summary).
pub fn tally(din_hours: impl Iterator<Item = f32>) -> [usize; 4] {
    let mut t = [0; 4];
    for h in din_hours {
        t[Level::of(h) as usize] += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_days() {
        assert_eq!(Level::of(1.49), Level::NotMet);
        assert_eq!(Level::of(1.5), Level::Minimum);
        assert_eq!(Level::of(2.9999), Level::Medium);
        assert_eq!(Level::of(4.0), Level::High);
        assert!(valid_day(2, 1) && valid_day(3, 21) && valid_day(2, 29));
        assert!(!valid_day(1, 31) && !valid_day(3, 22) && !valid_day(6, 21));
        assert_eq!(tally([0.0, 1.6, 3.2, 5.0, 4.5].into_iter()), [1, 1, 1, 2]);
    }
}

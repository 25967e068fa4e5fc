//! The sun positions a run integrates over: each time window cut into steps,
//! the sun taken at the middle of each step (midpoint rule), steps with the
//! sun below the threshold dropped.

use pw_sun::{Observer, SunError};

/// One day's window in Unix seconds, with the local date it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeWindow {
    /// Local date, e.g. "2026-03-21" (for reports).
    pub date: String,
    pub start: f64,
    pub end: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SunStep {
    /// Unix seconds of the step's middle.
    pub time: f64,
    /// Seconds this step stands for.
    pub weight: f64,
    pub azimuth: f64,
    pub elevation: f64,
    /// Unit vector towards the sun (east, north, up).
    pub direction: [f64; 3],
}

/// Steps with the sun above `min_elevation` degrees.
pub fn sun_steps(
    windows: &[TimeWindow],
    step_seconds: f64,
    min_elevation: f64,
    observer: &Observer,
) -> Result<Vec<SunStep>, SunError> {
    let mut out = Vec::new();
    for w in windows {
        let mut t = w.start;
        while t < w.end - 1e-6 {
            let end = (t + step_seconds).min(w.end);
            let mid = 0.5 * (t + end);
            let p = pw_sun::position(mid, observer, pw_sun::delta_t(pw_sun::decimal_year(mid)))?;
            if p.elevation() > min_elevation.max(0.0) {
                out.push(SunStep {
                    time: mid,
                    weight: end - t,
                    azimuth: p.azimuth,
                    elevation: p.elevation(),
                    direction: p.direction_enu(),
                });
            }
            t = end;
        }
    }
    Ok(out)
}

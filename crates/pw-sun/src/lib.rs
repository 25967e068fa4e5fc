//! Where the sun is: NREL's Solar Position Algorithm (Reda & Andreas 2004,
//! ±0.0003°, years −2000…6000) for an observer, with refraction, and the
//! day's sunrise, transit and sunset (or polar day/night). Engine-free:
//! times are UTC instants in Unix seconds; time zones are the caller's.
//! The one global clock of the app and the shadow analyses both ask here.

use solar_positioning::{Horizon, Location, RefractionCorrection, SolarEvents, SolarPositions};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SunError {
    #[error("{0}")]
    Input(String),
    #[error("the date lies outside −2000…6000, where SPA is valid")]
    OutOfRange,
}

fn input(e: solar_positioning::Error) -> SunError {
    SunError::Input(e.to_string())
}

/// Who looks at the sun, and through which air.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observer {
    pub latitude: f64,
    pub longitude: f64,
    /// Metres above sea level.
    pub elevation: f64,
    /// Air pressure in hPa (mbar) and temperature in °C, for refraction.
    pub pressure: f64,
    pub temperature: f64,
}

impl Observer {
    /// Standard atmosphere at the given height (pressure from the
    /// barometric formula, 15 °C at sea level, −6.5 K per km).
    pub fn standard(latitude: f64, longitude: f64, elevation: f64) -> Observer {
        let h = elevation.clamp(-500.0, 11_000.0);
        Observer {
            latitude,
            longitude,
            elevation,
            pressure: 1013.25 * (1.0 - 2.255_77e-5 * h).powf(5.255_88),
            temperature: 15.0 - 0.0065 * h,
        }
    }

    /// Jena, Markt (the default city).
    pub fn jena() -> Observer {
        Observer::standard(50.927, 11.589, 155.0)
    }
}

/// The sun seen from an observer, refraction included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SunPosition {
    /// Degrees from the zenith.
    pub zenith: f64,
    /// Degrees clockwise from north.
    pub azimuth: f64,
}

impl SunPosition {
    /// Degrees above the horizon.
    pub fn elevation(&self) -> f64 {
        90.0 - self.zenith
    }

    /// Unit vector towards the sun: x east, y north, z up.
    pub fn direction_enu(&self) -> [f64; 3] {
        let (sz, cz) = self.zenith.to_radians().sin_cos();
        let (sa, ca) = self.azimuth.to_radians().sin_cos();
        [sz * sa, sz * ca, cz]
    }

    pub fn is_up(&self) -> bool {
        self.zenith < 90.0
    }
}

/// Julian day (UT) of a Unix time.
pub fn julian_day(unix_seconds: f64) -> f64 {
    unix_seconds / 86_400.0 + 2_440_587.5
}

fn unix_from_julian(jd: f64) -> f64 {
    (jd - 2_440_587.5) * 86_400.0
}

/// Year with fraction of a Unix time (for ΔT).
pub fn decimal_year(unix_seconds: f64) -> f64 {
    1970.0 + unix_seconds / (365.2425 * 86_400.0)
}

/// ΔT = TT − UT1 in seconds: Espenak & Meeus polynomials (−500…3000, with
/// recent fits), beyond that their long-term parabola −20 + 32·u².
pub fn delta_t(decimal_year: f64) -> f64 {
    solar_positioning::delta_t::estimate(decimal_year).unwrap_or_else(|_| {
        let u = (decimal_year - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u
    })
}

fn check(unix_seconds: f64) -> Result<(), SunError> {
    let year = decimal_year(unix_seconds);
    if !year.is_finite() {
        return Err(SunError::Input("time is not a number".into()));
    }
    if !(-2000.0..6001.0).contains(&year) {
        return Err(SunError::OutOfRange);
    }
    Ok(())
}

fn location(o: &Observer) -> Location {
    Location {
        latitude: o.latitude,
        longitude: o.longitude,
    }
}

/// The sun at a UTC instant; `delta_t` in seconds (see [`delta_t`]).
pub fn position(
    unix_seconds: f64,
    observer: &Observer,
    delta_t: f64,
) -> Result<SunPosition, SunError> {
    check(unix_seconds)?;
    let time = solar_positioning::time::JulianDate::new(julian_day(unix_seconds), delta_t)
        .map_err(input)?;
    let refraction =
        RefractionCorrection::new(observer.pressure, observer.temperature).map_err(input)?;
    let p = SolarPositions::new()
        .at_from_julian(
            time,
            location(observer),
            observer.elevation,
            Some(refraction),
        )
        .map_err(input)?;
    Ok(SunPosition {
        zenith: p.zenith_angle(),
        azimuth: p.azimuth(),
    })
}

/// Positions for many instants at one place (a day at 10-minute steps for
/// the shadow analysis).
pub fn positions(unix_seconds: &[f64], observer: &Observer) -> Result<Vec<SunPosition>, SunError> {
    unix_seconds
        .iter()
        .map(|&t| position(t, observer, delta_t(decimal_year(t))))
        .collect()
}

/// What a day holds, as Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Day {
    Normal {
        sunrise: f64,
        transit: f64,
        sunset: f64,
    },
    /// The sun never sets (midsummer beyond the polar circle).
    PolarDay { transit: f64 },
    /// The sun never rises.
    PolarNight { transit: f64 },
}

/// Sunrise, transit and sunset between `start` and `end` (Unix seconds,
/// usually local midnight to midnight), for the standard horizon (sun's
/// upper limb at −0.833°: refraction and semi-diameter).
pub fn day(start: f64, end: f64, observer: &Observer, delta_t: f64) -> Result<Day, SunError> {
    check(start)?;
    check(end)?;
    let (a, b) = (julian_day(start), julian_day(end));
    let events = SolarEvents::new();
    let loc = location(observer);
    let transit = events
        .next_transit_from_julian(a, b, observer.longitude, delta_t)
        .map_err(input)?
        .map(unix_from_julian)
        .unwrap_or((start + end) / 2.0);
    let rise = events
        .next_rise_from_julian(a, b, loc, delta_t, Horizon::SunriseSunset)
        .map_err(input)?;
    let set = events
        .next_set_from_julian(a, b, loc, delta_t, Horizon::SunriseSunset)
        .map_err(input)?;
    Ok(match (rise, set) {
        (Some(r), Some(s)) => Day::Normal {
            sunrise: unix_from_julian(r),
            transit,
            sunset: unix_from_julian(s),
        },
        _ => {
            let noon = position(transit, observer, delta_t)?;
            if noon.elevation() > -0.833 {
                Day::PolarDay { transit }
            } else {
                Day::PolarNight { transit }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_points_south_and_up_at_noon_in_summer() {
        let d = SunPosition {
            zenith: 30.0,
            azimuth: 180.0,
        }
        .direction_enu();
        assert!(
            d[0].abs() < 1e-12 && (d[1] + 0.5).abs() < 1e-12 && (d[2] - 0.866_025_4).abs() < 1e-6
        );
    }

    #[test]
    fn standard_atmosphere_at_height() {
        let o = Observer::standard(0.0, 0.0, 1000.0);
        // ICAO standard atmosphere at 1000 m: 898.7 hPa, 8.5 °C.
        assert!((o.pressure - 898.7).abs() < 0.2 && (o.temperature - 8.5).abs() < 1e-9);
    }

    #[test]
    fn delta_t_now_and_far_away() {
        assert!((60.0..80.0).contains(&delta_t(2026.9)));
        // Beyond 3000 the long-term parabola: u = 10.8 → −20 + 32·116.64.
        assert!((delta_t(2900.0 + 180.0) - (-20.0 + 32.0 * 12.6 * 12.6)).abs() < 1e-6);
    }
}

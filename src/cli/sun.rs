//! `planwerkstatt sun`: the sun's position and the day's sunrise, transit
//! and sunset for a place and local time — the same `pw-sun` calls the
//! workbench's light and the shadow analyses use.

use clap::Args;
use pw_sun::{Day, Observer};

#[derive(Args, Debug, Clone, Default)]
pub struct SunArgs {
    /// Local date, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Local time, HH:MM or HH:MM:SS (default: now, or 12:00 with --date).
    #[arg(long)]
    pub time: Option<String>,
    /// Hours from UTC, e.g. -7 or 5.5 (default: the place's time zone with
    /// daylight saving, Europe/Berlin for the default place).
    #[arg(long, allow_hyphen_values = true)]
    pub utc_offset: Option<f64>,
    /// IANA time zone instead of --utc-offset, e.g. Europe/Berlin.
    #[arg(long)]
    pub time_zone: Option<String>,
    /// Latitude in degrees north (default: Jena, 50.927).
    #[arg(long, allow_hyphen_values = true)]
    pub lat: Option<f64>,
    /// Longitude in degrees east (default: Jena, 11.589).
    #[arg(long, allow_hyphen_values = true)]
    pub lon: Option<f64>,
    /// Height above sea level in metres (default 155 for Jena, else 0).
    #[arg(long, allow_hyphen_values = true)]
    pub elevation: Option<f64>,
    /// Air pressure in hPa (default: standard atmosphere at the height).
    #[arg(long)]
    pub pressure: Option<f64>,
    /// Air temperature in °C (default: standard atmosphere at the height).
    #[arg(long, allow_hyphen_values = true)]
    pub temperature: Option<f64>,
    /// ΔT = TT − UT1 in seconds (default: estimated for the date).
    #[arg(long, allow_hyphen_values = true)]
    pub delta_t: Option<f64>,
    /// Take the place and time zone from a scene file's [city].
    #[arg(long)]
    pub scene: Option<std::path::PathBuf>,
}

enum Zone {
    Offset(jiff::tz::Offset),
    Named(jiff::tz::TimeZone),
}

impl Zone {
    fn tz(&self) -> jiff::tz::TimeZone {
        match self {
            Zone::Offset(o) => jiff::tz::TimeZone::fixed(*o),
            Zone::Named(tz) => tz.clone(),
        }
    }
}

fn parse_offset(hours: f64) -> anyhow::Result<jiff::tz::Offset> {
    anyhow::ensure!(
        hours.is_finite() && hours.abs() <= 18.0,
        "--utc-offset must be between -18 and 18 hours"
    );
    Ok(jiff::tz::Offset::from_seconds(
        (hours * 3600.0).round() as i32
    )?)
}

/// Runs the subcommand; returns the text for stdout.
pub fn sun(args: &SunArgs) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let city = match &args.scene {
        Some(path) => pw_scene::Scene::load(path)?.city,
        None => pw_scene::CitySettings::default(),
    };
    let default_place = args.lat.is_none() && args.lon.is_none();
    let lat = args.lat.unwrap_or(city.latitude);
    let lon = args.lon.unwrap_or(city.longitude);
    anyhow::ensure!(
        (-90.0..=90.0).contains(&lat),
        "--lat must be between -90 and 90"
    );
    anyhow::ensure!(
        (-180.0..=180.0).contains(&lon),
        "--lon must be between -180 and 180"
    );
    let elevation = args
        .elevation
        .unwrap_or(if default_place && args.scene.is_none() {
            155.0
        } else {
            0.0
        });
    let mut observer = Observer::standard(lat, lon, elevation);
    if let Some(p) = args.pressure {
        observer.pressure = p;
    }
    if let Some(t) = args.temperature {
        observer.temperature = t;
    }
    let zone = match (args.utc_offset, &args.time_zone) {
        (Some(h), _) => Zone::Offset(parse_offset(h)?),
        (None, Some(name)) => Zone::Named(
            jiff::tz::TimeZone::get(name).with_context(|| format!("unknown time zone {name:?}"))?,
        ),
        (None, None) if default_place => Zone::Named(
            jiff::tz::TimeZone::get(&city.time_zone)
                .with_context(|| format!("unknown time zone {:?}", city.time_zone))?,
        ),
        // Another place without a zone: local mean time would mislead; say UTC.
        (None, None) => Zone::Offset(jiff::tz::Offset::UTC),
    };
    let tz = zone.tz();
    let now = jiff::Timestamp::now().to_zoned_datetime(tz.clone());
    let date: jiff::civil::Date = match &args.date {
        Some(d) => d
            .parse()
            .with_context(|| format!("--date {d:?}: write YYYY-MM-DD"))?,
        None => now.date(),
    };
    let time: jiff::civil::Time = match (&args.time, &args.date) {
        (Some(t), _) => t
            .parse()
            .with_context(|| format!("--time {t:?}: write HH:MM or HH:MM:SS"))?,
        (None, Some(_)) => jiff::civil::time(12, 0, 0, 0),
        (None, None) => now.time(),
    };
    let local = date
        .to_datetime(time)
        .to_zoned_datetime(tz.clone())
        .with_context(|| format!("{date} {time} does not exist in that time zone"))?;
    let instant = local.timestamp().as_millisecond() as f64 / 1000.0;
    let delta_t = args
        .delta_t
        .unwrap_or_else(|| pw_sun::delta_t(pw_sun::decimal_year(instant)));
    let pos = pw_sun::position(instant, &observer, delta_t)?;

    let midnight = date
        .to_datetime(jiff::civil::time(0, 0, 0, 0))
        .to_zoned_datetime(tz.clone())?;
    let next = date
        .tomorrow()?
        .to_datetime(jiff::civil::time(0, 0, 0, 0))
        .to_zoned_datetime(tz.clone())?;
    let secs = |z: &jiff::ZonedDateTime| z.timestamp().as_millisecond() as f64 / 1000.0;
    let day = pw_sun::day(secs(&midnight), secs(&next), &observer, delta_t)?;
    let clock = |unix: f64| -> String {
        match jiff::Timestamp::from_millisecond((unix * 1000.0).round() as i64) {
            Ok(t) => t
                .to_zoned_datetime(tz.clone())
                .strftime("%H:%M:%S")
                .to_string(),
            Err(_) => "?".into(),
        }
    };

    let mut out = String::new();
    let ns = if lat >= 0.0 { "N" } else { "S" };
    let ew = if lon >= 0.0 { "E" } else { "W" };
    out += &format!(
        "time:      {} ({}) = {} UTC\n",
        local.strftime("%Y-%m-%d %H:%M:%S"),
        local.strftime("%:z"),
        local.timestamp().strftime("%Y-%m-%d %H:%M:%S")
    );
    out += &format!(
        "place:     {:.6}° {ns}, {:.6}° {ew}, {:.1} m, {:.1} hPa, {:.1} °C, ΔT {:.1} s\n",
        lat.abs(),
        lon.abs(),
        elevation,
        observer.pressure,
        observer.temperature,
        delta_t
    );
    out += &format!("zenith:    {:.6}°\n", pos.zenith);
    out += &format!("azimuth:   {:.6}°\n", pos.azimuth);
    out += &format!("elevation: {:.6}°\n", pos.elevation());
    match day {
        Day::Normal {
            sunrise,
            transit,
            sunset,
        } => {
            out += &format!("sunrise:   {}\n", clock(sunrise));
            out += &format!("transit:   {}\n", clock(transit));
            out += &format!("sunset:    {}\n", clock(sunset));
            // SPA's reference code takes the UT day of the date; west of
            // Greenwich its "sunset" can be the previous evening's.
            let utc_start = date
                .to_datetime(jiff::civil::time(0, 0, 0, 0))
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)?;
            if let Ok(Day::Normal {
                sunset: ut_sunset, ..
            }) = pw_sun::day(
                secs(&utc_start),
                secs(&utc_start) + 86_400.0,
                &observer,
                delta_t,
            ) && (ut_sunset - sunset).abs() > 30.0
            {
                out += &format!(
                    "           (NREL's SPA reference code, working on the UT day {date}, reports the sunset at {}: the evening before)\n",
                    clock(ut_sunset)
                );
            }
        }
        Day::PolarDay { transit } => {
            out += "sunrise:   — (polar day: the sun does not set)\n";
            out += &format!("transit:   {}\n", clock(transit));
            out += "sunset:    —\n";
        }
        Day::PolarNight { transit } => {
            out += "sunrise:   — (polar night: the sun does not rise)\n";
            out += &format!("transit:   {}\n", clock(transit));
            out += "sunset:    —\n";
        }
    }
    Ok(out)
}

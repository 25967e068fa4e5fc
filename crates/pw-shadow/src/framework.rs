//! Sun hours on the analysis framework: the parameters as the form and the
//! CLI show them, local dates and time windows (with daylight saving) for
//! the scenario's site, and the result as a ground raster, facade samples
//! and a KPI table (areas with ≥ 2/4 h, DIN EN 17037 tally).

use crate::{Area, Params, SunHours, TimeWindow};
use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Estimate, FacadeSample, FacadeValues, GroundRaster,
    JobControl, Kpi, Legend, Message, ParamError, ParamSpec, ParamValues, Quantity, Scenario,
    result::Column,
};

/// Dates planners ask for: equinox, solstices, and 17 January (the day
/// German courts and DIN 5034-1 use for winter sun).
pub const DATE_PRESETS: [(u8, u8); 4] = [(3, 21), (6, 21), (12, 21), (1, 17)];

/// Hour classes (lower bounds): a colour-blind-safe ramp from dark (no
/// sun) to yellow (all day).
pub const HOUR_CLASSES: [(f32, [u8; 3]); 9] = [
    (0.0, [48, 18, 59]),
    (1.0, [70, 60, 150]),
    (2.0, [60, 110, 200]),
    (3.0, [40, 150, 200]),
    (4.0, [30, 180, 160]),
    (6.0, [90, 200, 100]),
    (8.0, [170, 215, 60]),
    (10.0, [230, 215, 40]),
    (12.0, [255, 245, 140]),
];

/// Hours of direct sun per day, as every layer of the result shows them.
pub fn hours_quantity() -> Quantity {
    Quantity {
        key: "sun_hours",
        label: "sunhours.legend",
        unit: "h",
        legend: Legend::new("sunhours.legend", "h", &HOUR_CLASSES),
        difference_legend: Legend::difference("sunhours.legend_difference", "h", 0.5, 2.0),
    }
}

pub struct SunHoursAnalysis;

/// One local day (or the part between `from` and `to`) as a time window.
pub fn day_window(
    date: jiff::civil::Date,
    from: Option<jiff::civil::Time>,
    to: Option<jiff::civil::Time>,
    tz: &jiff::tz::TimeZone,
) -> Result<TimeWindow, Message> {
    // jiff's own words: a date or time the zone cannot hold (rare).
    let at = |d: jiff::civil::Date, t: jiff::civil::Time| -> Result<f64, Message> {
        let z = d
            .to_datetime(t)
            .to_zoned_datetime(tz.clone())
            .map_err(|e| Message::text(e.to_string()))?;
        Ok(z.timestamp().as_millisecond() as f64 / 1000.0)
    };
    let midnight = jiff::civil::time(0, 0, 0, 0);
    let start = at(date, from.unwrap_or(midnight))?;
    let end = match to {
        Some(t) => at(date, t)?,
        None => at(
            date.tomorrow().map_err(|e| Message::text(e.to_string()))?,
            midnight,
        )?,
    };
    if end <= start {
        let clock = |t: Option<jiff::civil::Time>, default: &str| {
            t.map_or(default.to_string(), |t| t.strftime("%H:%M").to_string())
        };
        return Err(Message::new("sunhours.error.empty_window")
            .arg("date", date)
            .arg("from", clock(from, "00:00"))
            .arg("to", clock(to, "24:00"))
            .english(
                "the time window {date} {from}–{to} is empty: the end must come after the start",
            ));
    }
    Ok(TimeWindow {
        date: date.to_string(),
        start,
        end,
    })
}

fn time_of(values: &ParamValues, key: &str) -> Option<jiff::civil::Time> {
    pw_analysis::params::parse_time(values.text(key))
        .map(|(h, m)| jiff::civil::time(h as i8, m as i8, 0, 0))
}

impl SunHoursAnalysis {
    /// The engine's parameters for the scenario's site.
    pub fn engine_params(
        &self,
        values: &ParamValues,
        scenario: &Scenario,
    ) -> Result<Params, AnalysisError> {
        let said = AnalysisError::Said;
        let site = &scenario.site;
        let tz = jiff::tz::TimeZone::get(&site.time_zone).map_err(|_| {
            said(
                Message::new("sunhours.error.time_zone")
                    .arg("zone", &site.time_zone)
                    .english("unknown time zone \"{zone}\" in the scene"),
            )
        })?;
        let mut dates: Vec<jiff::civil::Date> = values
            .text("date")
            .split([' ', ','])
            .filter(|d| !d.is_empty())
            .map(|d| {
                d.parse().map_err(|_| {
                    said(
                        Message::new("sunhours.error.date")
                            .arg("date", d)
                            .english("\"{date}\": write YYYY-MM-DD"),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        if dates.is_empty() {
            // No date: the day the global clock shows.
            let ts = jiff::Timestamp::from_millisecond((scenario.clock * 1000.0) as i64)
                .map_err(|e| said(Message::text(e.to_string())))?;
            dates.push(ts.to_zoned_datetime(tz.clone()).date());
        }
        let (from, to) = (time_of(values, "from"), time_of(values, "to"));
        let windows = dates
            .iter()
            .map(|d| day_window(*d, from, to, &tz))
            .collect::<Result<Vec<_>, _>>()
            .map_err(said)?;
        let a = values.area("area").ok_or_else(|| {
            said(Message::new("sunhours.error.no_area").english("choose an area first"))
        })?;
        let area = Area::new(a.min[0], a.min[1], a.max[0], a.max[1]);
        let observer = pw_sun::Observer::standard(site.latitude, site.longitude, site.origin[2]);
        let mut p = Params::new(area, windows, observer);
        p.crs = site.crs;
        p.step = values.number("step") * 60.0;
        p.cell = values.number("cell");
        p.margin = values.number("margin");
        p.min_elevation = values.number("min_elevation");
        p.sample_spacing = values.number("spacing");
        p.facades = values.flag("facades");
        p.ground = values.flag("ground") || !p.facades;
        p.inputs = scenario.inputs().iter().map(|i| i.to_string()).collect();
        Ok(p)
    }
}

fn engine_error(e: crate::AnalysisError) -> AnalysisError {
    match e {
        crate::AnalysisError::Cancelled => AnalysisError::Cancelled,
        other => AnalysisError::Said(other.message()),
    }
}

/// Square metres of wall and roof inside the area: one sample per m² of
/// spacing², for the estimate.
fn sample_count(params: &Params, scenario: &Scenario) -> usize {
    if !params.facades {
        return 0;
    }
    let a = &params.area;
    let m2: f64 = scenario
        .objects()
        .filter(|o| {
            let e = o.extent();
            !e.is_empty() && a.overlaps(e.min[0], e.min[1], e.max[0], e.max[1])
        })
        .map(|o| {
            o.surfaces
                .iter()
                .filter(|s| {
                    matches!(
                        s.semantic,
                        pw_city::Semantic::Wall | pw_city::Semantic::Roof
                    )
                })
                .map(|s| pw_city::triangulate::polygon_area(&s.exterior, &s.interiors))
                .sum::<f64>()
        })
        .sum();
    (m2 / params.sample_spacing.powi(2)) as usize
}

impl Analysis for SunHoursAnalysis {
    fn id(&self) -> &'static str {
        "sunhours"
    }

    fn title(&self) -> &'static str {
        "sunhours.title"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn params(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec::area("area", "sunhours.area"),
            ParamSpec::date("date", "sunhours.date", &DATE_PRESETS, true),
            ParamSpec::time("from", "sunhours.from"),
            ParamSpec::time("to", "sunhours.to"),
            ParamSpec::number("step", "sunhours.step", 10.0, (1.0, 120.0), 1.0, "min"),
            ParamSpec::number("cell", "sunhours.cell", 1.0, (0.25, 50.0), 0.5, "m"),
            ParamSpec::flag("facades", "sunhours.facades", true),
            ParamSpec::flag("ground", "sunhours.ground", true).advanced(),
            ParamSpec::number("margin", "sunhours.margin", 150.0, (0.0, 2000.0), 10.0, "m")
                .advanced(),
            ParamSpec::number(
                "min_elevation",
                "sunhours.min_elevation",
                0.0,
                (0.0, 45.0),
                1.0,
                "°",
            )
            .advanced(),
            ParamSpec::number("spacing", "sunhours.spacing", 1.0, (0.25, 10.0), 0.25, "m")
                .advanced(),
        ]
    }

    fn check(&self, values: &ParamValues) -> Vec<ParamError> {
        let (from, to) = (time_of(values, "from"), time_of(values, "to"));
        match (from, to) {
            (Some(f), Some(t)) if t <= f => vec![ParamError {
                key: "to".into(),
                message: Message::new("sunhours.window_empty")
                    .arg("from", values.text("from"))
                    .arg("to", values.text("to"))
                    .english("the time window {from}–{to} is empty"),
            }],
            _ => Vec::new(),
        }
    }

    fn estimate(
        &self,
        values: &ParamValues,
        scenario: &Scenario,
    ) -> Result<Estimate, AnalysisError> {
        let params = self.engine_params(values, scenario)?;
        let e = crate::estimate(&params, sample_count(&params, scenario)).map_err(engine_error)?;
        Ok(Estimate {
            seconds: e.seconds,
            size: format!(
                "{} cells of {} m incl. {} m margin; {} sun steps",
                e.grid_cells, params.cell, params.margin, e.sun_steps
            ),
        })
    }

    fn run(
        &self,
        values: &ParamValues,
        scenario: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let params = self.engine_params(values, scenario)?;
        let started = std::time::Instant::now();
        let result = crate::run_objects(
            &params,
            scenario.objects(),
            scenario.terrain.as_deref(),
            control,
        )
        .map_err(engine_error)?;
        let mut out = to_framework(&params, result);
        out.stamp.seconds = started.elapsed().as_secs_f64();
        Ok(out)
    }
}

/// The engine's result as framework layers and figures.
pub fn to_framework(params: &Params, r: SunHours) -> AnalysisResult {
    let dates: Vec<&str> = params.windows.iter().map(|w| w.date.as_str()).collect();
    let mut kpis = Vec::new();
    if let Some(g) = &r.ground {
        let s = crate::result::GroundStats::of(g);
        let k = |key: &str, label: Message, v: f64, unit, d| Kpi::new(key, label, v, unit, d);
        kpis.push(k(
            "ground_mean_hours",
            Message::new("sunhours.kpi_mean").english("mean sun on the ground"),
            s.mean_hours,
            "h",
            1,
        ));
        kpis.push(k(
            "ground_max_hours",
            Message::new("sunhours.kpi_max").english("most sun on the ground"),
            s.max_hours,
            "h",
            1,
        ));
        let total = s.cells.max(1) as f64 * s.cell_area;
        for h in [2.0f32, 4.0] {
            let m2 = crate::area_with_at_least(g, h);
            kpis.push(k(
                &format!("area_{h}h_m2"),
                Message::new("sunhours.kpi_area")
                    .arg("h", h)
                    .english("ground with ≥ {h} h of sun"),
                m2,
                "m²",
                0,
            ));
            kpis.push(k(
                &format!("area_{h}h_share"),
                Message::new("sunhours.kpi_share")
                    .arg("h", h)
                    .english("share of the ground with ≥ {h} h of sun"),
                m2 / total * 100.0,
                "%",
                0,
            ));
        }
    }
    let f = &r.facades;
    if params.facades {
        let t = crate::din17037::tally(f.samples.iter().map(|s| s.din_hours));
        kpis.push(Kpi::new(
            "facade_samples",
            Message::new("sunhours.kpi_samples").english("facade and roof samples"),
            f.samples.len() as f64,
            "",
            0,
        ));
        for (k, level) in ["not_met", "minimum", "medium", "high"].iter().enumerate() {
            kpis.push(Kpi::new(
                &format!("din17037_{level}"),
                Message::new(format!("sunhours.din_{level}"))
                    .english(&format!("DIN EN 17037 {level}")),
                t[k] as f64,
                "",
                0,
            ));
        }
    }
    let quantity = hours_quantity();
    let facades = params.facades.then(|| FacadeValues {
        quantity: quantity.clone(),
        object_ids: f.object_ids.clone(),
        samples: f
            .samples
            .iter()
            .map(|s| {
                let surface = &f.surfaces[s.surface as usize];
                FacadeSample {
                    position: f.world(s),
                    normal: surface.normal,
                    object: surface.object,
                    surface_id: surface.surface_id.clone(),
                    kind: surface.kind.name(),
                    area: s.area,
                    value: s.hours,
                }
            })
            .collect(),
        spacing: params.sample_spacing as f32,
        columns: vec![
            Column::Numbers(
                "din17037_hours",
                f.samples.iter().map(|s| s.din_hours).collect(),
            ),
            Column::Texts(
                "din17037_level",
                f.samples
                    .iter()
                    .map(|s| crate::din17037::Level::of(s.din_hours).key().to_string())
                    .collect(),
            ),
        ],
    });
    let mut notes: Vec<Message> = r.notes.clone();
    let din_days = params.windows.iter().any(|w| {
        pw_analysis::params::parse_date(&w.date)
            .is_some_and(|(_, m, d)| crate::din17037::valid_day(m, d))
    });
    if params.facades && !din_days {
        notes.push(
            Message::new("sunhours.din_day")
                .english("DIN EN 17037 asks for one day between 1 February and 21 March"),
        );
    }
    AnalysisResult {
        label: format!(
            "{}, {:.0} × {:.0} m",
            dates.join(" "),
            params.area.width(),
            params.area.height()
        ),
        stamp: pw_analysis::RunStamp {
            computed_at: r.run.get("computed_at").unwrap_or_default().to_string(),
            details: r.run.entries.clone(),
            ..Default::default()
        },
        ground: r.ground.map(|grid| GroundRaster {
            grid,
            quantity,
            frames: None,
        }),
        facades,
        features: None,
        kpis,
        notes,
        crs: params.crs,
        difference_of: None,
        section: None,
    }
}

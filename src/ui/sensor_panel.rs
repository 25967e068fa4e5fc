//! Sensors in the UI: the "Sensoren" part of the layer panel (sources with
//! their state, categories to show or hide, the area filter), the station
//! window (values at the clock's time with their age, a zoomable plot of
//! the history with min/max/mean of what is in view; a click in the plot
//! moves the clock there) and the labels over the markers.

use crate::base::i18n::I18n;
use crate::sensors::markers::{SensorMarkers, value_text};
use crate::sensors::sources::SourceStatus;
use crate::sensors::state::Sensors;
use crate::ui::labels::declutter;
use bevy_egui::egui;
use std::collections::BTreeMap;

/// Labels over sensor markers at most at once.
const MAX_SENSOR_LABELS: usize = 200;

/// What the sensor panels ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum SensorAction {
    ShowCategory(String, bool),
    /// Limit to the area now in view / to the selected feature / show all again.
    AreaFromView,
    AreaFromSelection,
    ClearArea,
    Close,
    /// The streams to plot.
    Plot(Vec<String>),
    /// Move the global clock here (Unix ms).
    SetTime(i64),
    /// Start (true) or end the recording of source `.0`.
    Record(usize, bool),
    /// Open the window of a station (source, station id).
    Open(usize, String),
}

/// How long ago, in words: "vor 5 min", "vor 3 h", "vor 2 Tagen"; older
/// than 30 days, or in the future: the date.
pub fn age_text(age_ms: i64, time_ms: i64, tz: &jiff::tz::TimeZone, i18n: &I18n) -> String {
    let minutes = age_ms / 60_000;
    match minutes {
        0 => i18n.tr("sensors.age_now").to_string(),
        1..60 => i18n.trf("sensors.age_minutes", &[("n", &minutes)]),
        60..2880 => i18n.trf("sensors.age_hours", &[("n", &(minutes / 60))]),
        2880..43_200 => i18n.trf("sensors.age_days", &[("n", &(minutes / 1440))]),
        _ => i18n.trf(
            "sensors.as_of",
            &[("date", &local_text(time_ms, tz, "%d.%m.%Y"))],
        ),
    }
}

fn local_text(time_ms: i64, tz: &jiff::tz::TimeZone, format: &str) -> String {
    jiff::Timestamp::from_millisecond(time_ms)
        .map(|t| t.to_zoned_datetime(tz.clone()).strftime(format).to_string())
        .unwrap_or_default()
}

/// The sensor part of the layer panel.
/// `selected_area`: the name of the selected polygon feature, if any (a
/// district, a reference area) to limit the stations to.
pub fn sensor_tree(
    ui: &mut egui::Ui,
    sensors: &Sensors,
    selected_area: Option<&str>,
    i18n: &I18n,
) -> Vec<SensorAction> {
    let mut actions = Vec::new();
    if sensors.sources.is_empty() {
        return actions;
    }
    ui.heading(i18n.tr("sensors.title"));
    for (i, source) in sensors.sources.iter().enumerate() {
        let (text, color) = match &source.status {
            SourceStatus::Starting => (i18n.tr("sensors.starting").to_string(), None),
            SourceStatus::Running => (i18n.tr("sensors.running").to_string(), None),
            SourceStatus::Offline(why) => (
                i18n.trf("sensors.offline", &[("why", &i18n.render(why))]),
                Some(egui::Color32::from_rgb(200, 120, 0)),
            ),
            SourceStatus::Failed(why) => (
                i18n.trf("sensors.failed", &[("why", &i18n.render(why))]),
                Some(egui::Color32::from_rgb(200, 30, 30)),
            ),
        };
        ui.label(egui::RichText::new(&source.def.name).strong());
        let mut status = egui::RichText::new(text).small();
        if let Some(c) = color {
            status = status.color(c);
        }
        ui.label(status);
        if crate::sensors::sources::can_record(&source.def) {
            match &source.recording {
                Some(path) => {
                    ui.label(egui::RichText::new(i18n.tr("sensors.recording")).small())
                        .on_hover_text(path.display().to_string());
                    if ui.button(i18n.tr("sensors.record_stop")).clicked() {
                        actions.push(SensorAction::Record(i, false));
                    }
                }
                None => {
                    if ui
                        .button(i18n.tr("sensors.record_start"))
                        .on_hover_text(i18n.tr("sensors.record_hint"))
                        .clicked()
                    {
                        actions.push(SensorAction::Record(i, true));
                    }
                }
            }
        }
        if source.store.unreadable > 0 {
            ui.label(
                egui::RichText::new(
                    i18n.trf("sensors.unreadable", &[("n", &source.store.unreadable)]),
                )
                .small(),
            )
            .on_hover_text(
                source
                    .store
                    .last_problem
                    .as_ref()
                    .map(|p| i18n.render(p))
                    .unwrap_or_default(),
            );
        }
        // Category → (placed, without place).
        let mut categories: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for st in &source.store.stations {
            let c = categories.entry(source.category_of(st)).or_default();
            if st.location.is_some() {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
        for (category, (placed, unplaced)) in categories {
            let mut shown = !sensors.view.hidden_categories.contains(&category);
            let text = if unplaced > 0 {
                i18n.trf(
                    "sensors.category_unplaced",
                    &[("name", &category), ("n", &placed), ("m", &unplaced)],
                )
            } else {
                i18n.trf("sensors.category", &[("name", &category), ("n", &placed)])
            };
            if ui.checkbox(&mut shown, text).changed() {
                actions.push(SensorAction::ShowCategory(category.clone(), shown));
            }
            // Its stations by name: the way to those without a place.
            egui::CollapsingHeader::new(i18n.tr("sensors.stations"))
                .id_salt(("sensor_stations", i, &category))
                .show(ui, |ui| {
                    for st in source
                        .store
                        .stations
                        .iter()
                        .filter(|st| source.category_of(st) == category)
                    {
                        let name = if st.location.is_some() {
                            st.name.clone()
                        } else {
                            i18n.trf("sensors.station_unplaced", &[("name", &st.name)])
                        };
                        if ui.link(name).clicked() {
                            actions.push(SensorAction::Open(i, st.id.clone()));
                        }
                    }
                });
        }
    }
    match &sensors.view.area {
        Some(area) => {
            if let crate::sensors::state::SensorArea::Shape { name, .. } = area {
                ui.label(i18n.trf("sensors.area_shown", &[("name", name)]));
            }
            if ui.button(i18n.tr("sensors.area_clear")).clicked() {
                actions.push(SensorAction::ClearArea);
            }
        }
        None => {
            if ui
                .button(i18n.tr("sensors.area_from_view"))
                .on_hover_text(i18n.tr("sensors.area_hint"))
                .clicked()
            {
                actions.push(SensorAction::AreaFromView);
            }
            match selected_area {
                Some(name) => {
                    if ui
                        .button(i18n.trf("sensors.area_from_selection", &[("name", &name)]))
                        .clicked()
                    {
                        actions.push(SensorAction::AreaFromSelection);
                    }
                }
                None => {
                    ui.label(egui::RichText::new(i18n.tr("sensors.area_selection_hint")).small());
                }
            }
        }
    }
    actions
}

/// The open station: values at `now_ms` (the clock's time) and the plot.
pub fn station_window(
    ctx: &egui::Context,
    sensors: &Sensors,
    now_ms: i64,
    tz: &jiff::tz::TimeZone,
    i18n: &I18n,
) -> Vec<SensorAction> {
    let mut actions = Vec::new();
    let Some((si, id)) = &sensors.view.selected else {
        return actions;
    };
    let Some(source) = sensors.sources.get(*si) else {
        return actions;
    };
    let Some(station) = source.store.station_by_id(id) else {
        return actions;
    };
    let mut open = true;
    egui::Window::new(&station.name)
        .id(egui::Id::new("sensor_station"))
        .open(&mut open)
        .default_width(460.0)
        .resizable(true)
        .show(ctx, |ui| {
            ui.label(format!(
                "{} · {}",
                source.category_of(station),
                station
                    .location
                    .map(|[lon, lat]| i18n.trf(
                        "status.geographic",
                        &[("lat", &i18n.number(lat, 5)), ("lon", &i18n.number(lon, 5))]
                    ))
                    .unwrap_or_else(|| i18n.tr("sensors.no_place").to_string())
            ));
            let plotted: Vec<String> =
                if sensors.view.plotted.is_empty() {
                    // The first numeric stream by default.
                    station
                        .streams
                        .iter()
                        .find(|s| {
                            source.store.series.get(&s.key).is_some_and(|x| {
                                x.samples.iter().any(|(_, v)| v.as_f64().is_some())
                            })
                        })
                        .map(|s| vec![s.key.clone()])
                        .unwrap_or_default()
                } else {
                    sensors.view.plotted.iter().cloned().collect()
                };
            egui::Grid::new("sensor_values")
                .striped(true)
                .show(ui, |ui| {
                    for stream in &station.streams {
                        let mut on = plotted.contains(&stream.key);
                        if ui.checkbox(&mut on, &stream.label).changed() {
                            let mut keys = plotted.clone();
                            keys.retain(|k| *k != stream.key);
                            if on {
                                keys.push(stream.key.clone());
                            }
                            actions.push(SensorAction::Plot(keys));
                        }
                        match source.store.value_at(&stream.key, now_ms) {
                            Some((t, v)) => {
                                value_with_class(ui, &source.def, stream, v, i18n);
                                ui.label(age_text(now_ms - t, *t, tz, i18n))
                                    .on_hover_text(local_text(*t, tz, "%d.%m.%Y %H:%M:%S"));
                            }
                            None => {
                                ui.label("–");
                                ui.label(i18n.tr("sensors.no_value"));
                            }
                        }
                        ui.end_row();
                    }
                });
            // When the shown data arrived here (cached values keep the time
            // they were fetched): its age in real time, not the clock's.
            let arrived = station
                .streams
                .iter()
                .filter_map(|s| source.store.received_ms.get(&s.key))
                .max();
            if let Some(&arrived) = arrived
                && source.def.kind != pw_scene::SensorSourceKind::Replay
            {
                let real_now = jiff::Timestamp::now().as_millisecond();
                ui.label(
                    egui::RichText::new(i18n.trf(
                        "sensors.received",
                        &[("age", &age_text(real_now - arrived, arrived, tz, i18n))],
                    ))
                    .small(),
                );
            }
            if let Some(problem) = &source.history_problem {
                ui.colored_label(
                    egui::Color32::from_rgb(200, 120, 0),
                    i18n.trf("sensors.history_stale", &[("why", &i18n.render(problem))]),
                );
            }
            actions.extend(history_plot(ui, &source.store, &plotted, now_ms, tz, i18n));
        });
    if !open {
        actions.push(SensorAction::Close);
    }
    actions
}

/// A value with its class as colour dot and word ("● rot – Halt"), as
/// signal states and "trocken / gut / nass" read best.
fn value_with_class(
    ui: &mut egui::Ui,
    def: &pw_scene::SensorSource,
    stream: &pw_sensors::store::Stream,
    value: &pw_sensors::Value,
    i18n: &I18n,
) {
    let text = value_text(value, stream.unit.as_deref(), i18n);
    ui.horizontal(
        |ui| match crate::sensors::markers::class_of(def, &stream.quantity, value) {
            Some((class, [r, g, b, _])) => {
                let byte = |x: f32| (x * 255.0).round() as u8;
                ui.label(egui::RichText::new("●").color(egui::Color32::from_rgb(
                    byte(r),
                    byte(g),
                    byte(b),
                )));
                let label = def
                    .classes
                    .iter()
                    .find(|c| c.quantity == stream.quantity)
                    .and_then(|c| c.labels.get(class).cloned())
                    .unwrap_or_default();
                ui.label(egui::RichText::new(format!("{text} – {label}")).strong());
            }
            None => {
                ui.label(egui::RichText::new(text).strong());
            }
        },
    );
}

/// The time-series plot of `plotted` streams around `now_ms`, with the
/// statistics of what is in view below it.
pub fn history_plot(
    ui: &mut egui::Ui,
    store: &pw_sensors::store::SensorStore,
    plotted: &[String],
    now_ms: i64,
    tz: &jiff::tz::TimeZone,
    i18n: &I18n,
) -> Vec<SensorAction> {
    use egui_plot::{Line, Plot, PlotPoints, VLine};
    let mut actions = Vec::new();
    // x in hours since the clock's time keeps f64 precise and the axis short.
    let to_x = |t: i64| (t - now_ms) as f64 / 3_600_000.0;
    let from_x = |x: f64| now_ms + (x * 3_600_000.0) as i64;
    let tz2 = tz.clone();
    let response = Plot::new("sensor_history")
        .height(220.0)
        .x_axis_formatter(move |mark, _| local_text(from_x(mark.value), &tz2, "%d.%m. %H:%M"))
        .label_formatter({
            let tz = tz.clone();
            let language = i18n.language;
            move |hover| {
                let p = match hover {
                    egui_plot::HoverPosition::NearDataPoint { position, .. } => *position,
                    egui_plot::HoverPosition::Elsewhere { position } => *position,
                };
                Some(format!(
                    "{}\n{}",
                    local_text(from_x(p.x), &tz, "%d.%m. %H:%M"),
                    crate::base::i18n::number_in(language, p.y, 2)
                ))
            }
        })
        .show(ui, |plot_ui| {
            for key in plotted {
                let Some(series) = store.series.get(key) else {
                    continue;
                };
                let name = store
                    .stream(key)
                    .map(|(_, s)| s.quantity.clone())
                    .unwrap_or_else(|| key.clone());
                let points: Vec<[f64; 2]> = series
                    .samples
                    .iter()
                    .filter_map(|(t, v)| Some([to_x(*t), v.as_f64()?]))
                    .collect();
                plot_ui.line(Line::new(name, PlotPoints::from(points)));
            }
            plot_ui.vline(VLine::new(i18n.tr("sensors.now_line"), 0.0));
            (
                plot_ui.plot_bounds(),
                plot_ui.response().clicked(),
                plot_ui.pointer_coordinate(),
            )
        });
    let (bounds, clicked, pointer) = response.inner;
    // Statistics of what is in view.
    let (from, to) = (from_x(bounds.min()[0]), from_x(bounds.max()[0]));
    for key in plotted {
        let Some(series) = store.series.get(key) else {
            continue;
        };
        let unit = store.stream(key).and_then(|(_, s)| s.unit.clone());
        let name = store
            .stream(key)
            .map(|(_, s)| s.quantity.clone())
            .unwrap_or_default();
        match series.stats(from, to + 1) {
            Some(s) => ui.label(i18n.trf(
                "sensors.stats",
                &[
                    ("name", &name),
                    ("n", &s.count),
                    (
                        "min",
                        &value_text(&pw_sensors::Value::Number(s.min), unit.as_deref(), i18n),
                    ),
                    (
                        "max",
                        &value_text(&pw_sensors::Value::Number(s.max), unit.as_deref(), i18n),
                    ),
                    (
                        "mean",
                        &value_text(&pw_sensors::Value::Number(s.mean), unit.as_deref(), i18n),
                    ),
                ],
            )),
            None => ui.label(i18n.trf("sensors.stats_none", &[("name", &name)])),
        };
    }
    ui.label(egui::RichText::new(i18n.tr("sensors.plot_hint")).small());
    if clicked && let Some(p) = pointer {
        actions.push(SensorAction::SetTime(from_x(p.x)));
    }
    actions
}

/// Value and age above each marker, nearest first, without overlaps.
pub fn marker_labels(
    ctx: &egui::Context,
    viewport: egui::Rect,
    markers: &SensorMarkers,
    screen: &[Option<(egui::Pos2, f32)>],
    now_ms: i64,
    tz: &jiff::tz::TimeZone,
    i18n: &I18n,
) {
    let mut order: Vec<usize> = (0..markers.items.len())
        .filter(|&i| screen[i].is_some_and(|(p, _)| viewport.contains(p)))
        .collect();
    order.sort_by(|a, b| screen[*a].unwrap().1.total_cmp(&screen[*b].unwrap().1));
    // Only the nearest are laid out: at most MAX_SENSOR_LABELS are drawn,
    // and thousands of texts per frame would cost the frame.
    order.truncate(MAX_SENSOR_LABELS * 4);
    let painter = ctx
        .layer_painter(egui::LayerId::new(
            egui::Order::Background,
            egui::Id::new("sensor_labels"),
        ))
        .with_clip_rect(viewport);
    let font = egui::FontId::proportional(14.0);
    let texts: Vec<String> = order
        .iter()
        .map(|&i| {
            let m = &markers.items[i];
            match (&m.value, m.time_ms) {
                (Some(v), Some(t)) => format!("{v} · {}", age_text(now_ms - t, t, tz, i18n)),
                _ => i18n.tr("sensors.no_value").to_string(),
            }
        })
        .collect();
    let galleys: Vec<_> = texts
        .iter()
        .map(|t| painter.layout_no_wrap(t.clone(), font.clone(), egui::Color32::BLACK))
        .collect();
    let boxes: Vec<egui::Rect> = order
        .iter()
        .zip(&galleys)
        .map(|(&i, g)| {
            let (p, _) = screen[i].unwrap();
            let size = g.size() + egui::vec2(8.0, 4.0);
            egui::Rect::from_center_size(p - egui::vec2(0.0, 12.0 + size.y / 2.0), size)
        })
        .collect();
    for k in declutter(&boxes, MAX_SENSOR_LABELS) {
        let m = &markers.items[order[k]];
        let fill = if m.stale {
            egui::Color32::from_gray(225)
        } else {
            egui::Color32::from_white_alpha(235)
        };
        painter.rect_filled(boxes[k], 3.0, fill);
        painter.rect_stroke(
            boxes[k],
            3.0,
            egui::Stroke::new(1.0, egui::Color32::from_gray(60)),
            egui::StrokeKind::Inside,
        );
        let text_color = if m.stale {
            egui::Color32::from_gray(70)
        } else {
            egui::Color32::BLACK
        };
        painter.galley(
            boxes[k].center() - galleys[k].size() / 2.0,
            galleys[k].clone(),
            text_color,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{headless_app, run_until};
    use crate::base::i18n::Language;
    use bevy::prelude::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    /// The Jena demo's sensors, replayed into a headless app and taken out.
    fn jena_sensors() -> Sensors {
        let scene = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/jena.scene");
        let mut app = headless_app(&scene);
        run_until(&mut app, |app| {
            app.world().resource::<SensorMarkers>().items.len() == 5
        });
        app.world_mut().remove_resource::<Sensors>().unwrap()
    }

    #[test]
    fn the_sensor_panel_lists_sources_and_categories_and_hides_one() {
        let sensors = jena_sensors();
        let i18n = I18n::new(Language::German);
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Vec<SensorAction>| {
                out.extend(sensor_tree(ui, &sensors, Some("Paradies"), &i18n))
            },
            Vec::new(),
        );
        h.run();
        h.get_by_label("Stadtdaten Jena (Aufzeichnung)");
        h.get_by_label("Daten kommen an");
        h.get_by_label("Bodenfeuchte (0, 3 ohne Ort)");
        h.get_by_label("Verkehr (1)");
        h.get_by_label("Luftqualität (4)").click();
        h.run();
        h.get_by_label("Nur Sensoren im Ausschnitt").click();
        h.run();
        h.get_by_label("Nur Sensoren in „Paradies“").click();
        h.run();
        // A station without place opens from the list of its category.
        h.get_all_by_label("Stationen").nth(1).unwrap().click();
        h.run();
        h.get_by_label("LST25628782 (ohne Ort)").click();
        h.run();
        assert_eq!(
            h.state(),
            &vec![
                SensorAction::ShowCategory("Luftqualität".into(), false),
                SensorAction::AreaFromView,
                SensorAction::AreaFromSelection,
                SensorAction::Open(0, "a8404187d187106e".into())
            ]
        );
    }

    #[test]
    fn the_station_window_shows_values_classes_ages_and_the_plot_statistics() {
        let mut sensors = jena_sensors();
        sensors.view.selected = Some((0, "sta-thing:Jena-Goldbergrampe".into()));
        let i18n = I18n::new(Language::German);
        let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        // 12 January, 07:10 local: the 07:00 counts are 10 minutes old.
        let now = pw_sensors::parse_time("2026-01-12T07:10:00+01:00").unwrap();
        let mut h = Harness::builder()
            .with_size(egui::vec2(900.0, 800.0))
            .build_ui_state(
                |ui, out: &mut Vec<SensorAction>| {
                    out.extend(station_window(ui.ctx(), &sensors, now, &tz, &i18n))
                },
                Vec::new(),
            );
        h.run();
        h.get_by_label("Fahrräder Ri. Lobeda");
        // The busiest quarter hour of the file, in class "viel".
        h.get_by_label("14 Räder/15 min – viel");
        assert!(h.query_all_by_label("vor 10 min").count() == 4);
        // The first flow is plotted by default: its 480 values, 0 to 2.
        h.get_by_label(
            "Radverkehr: 480 Werte im Ausschnitt – min 0 Räder/15 min, max 2 Räder/15 min, Mittel 0,1 Räder/15 min",
        );
        h.get_by_label("Fahrräder Ri. Lobeda").click();
        h.run();
        let Some(SensorAction::Plot(keys)) = h.state().last() else {
            panic!("{:?}", h.state())
        };
        assert_eq!(keys.len(), 2);
    }

    #[test]
    fn ages_read_as_people_say_them() {
        let i18n = I18n::new(Language::German);
        let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        let t = pw_sensors::parse_time("2022-08-26T09:06:48Z").unwrap();
        let age = |ms: i64| age_text(ms, t, &tz, &i18n);
        assert_eq!(age(20_000), "gerade eben");
        assert_eq!(age(25 * 60_000), "vor 25 min");
        assert_eq!(age(5 * 3_600_000), "vor 5 h");
        assert_eq!(age(3 * 86_400_000), "vor 3 Tagen");
        assert_eq!(age(400 * 86_400_000), "Stand 26.08.2022");
        let en = I18n::new(Language::English);
        assert_eq!(age_text(25 * 60_000, t, &tz, &en), "25 min ago");
    }
}

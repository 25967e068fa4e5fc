//! The analysis panel, the same for every analysis: choice of analysis,
//! the form built from its parameters (area by two taps or the view, dates
//! with presets, times, numbers with units, switches; advanced ones folded
//! away), the run button with what is still missing, then the results with
//! what to show, key figures, notes, parameters, legend, distribution
//! chart, export, and B − A of two results.

use super::actions::UiAction;
use super::numbers::Localized;
use crate::analysis::{AnalysisCommand, AnalysisState, AreaPick, ResultEntry};
use crate::base::i18n::I18n;
use bevy_egui::egui;
use pw_analysis::{Analysis, Legend, ParamKind, ParamSpec, ParamValues, Registry, Value};

fn cmd(c: AnalysisCommand) -> UiAction {
    UiAction::Analysis(c)
}

fn swatch(ui: &mut egui::Ui, rgb: [u8; 3]) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
    ui.painter()
        .rect_filled(rect, 2.0, egui::Color32::from_rgb(rgb[0], rgb[1], rgb[2]));
}

/// A legend: colour swatch and class label per row.
pub fn legend(ui: &mut egui::Ui, id: u32, legend: &Legend, i18n: &I18n) {
    ui.label(egui::RichText::new(i18n.tr(legend.title)).strong());
    egui::Grid::new(("legend", id)).show(ui, |ui| {
        for (class, text) in legend
            .classes
            .iter()
            .zip(legend.labels_in(|v| i18n.plain(v)))
        {
            swatch(ui, class.rgb);
            ui.label(text);
            ui.end_row();
        }
    });
}

/// Area per legend class as bars in the class colours: how much of the
/// ground falls where, at a glance.
fn distribution(ui: &mut egui::Ui, id: u32, legend: &Legend, m2: &[f64], i18n: &I18n) {
    use egui_plot::{Bar, BarChart, Plot};
    let labels = legend.labels_in(|v| i18n.plain(v));
    let bars: Vec<Bar> = m2
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let c = legend.classes[k].rgb;
            Bar::new(k as f64, *v)
                .width(0.85)
                .name(&labels[k])
                .fill(egui::Color32::from_rgb(c[0], c[1], c[2]))
        })
        .collect();
    ui.label(i18n.tr("analysis.distribution"));
    Plot::new(("distribution", id))
        .height(90.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show_x(false)
        .show_axes([false, true])
        .show(ui, |p| p.bar_chart(BarChart::new("m²", bars)));
}

fn area_field(
    ui: &mut egui::Ui,
    spec: &ParamSpec,
    values: &ParamValues,
    pick: AreaPick,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr(spec.label));
        match values.area(spec.key) {
            Some(a) => ui.label(i18n.trf(
                "analysis.area_size",
                &[
                    ("w", &format!("{:.0}", a.width())),
                    ("h", &format!("{:.0}", a.height())),
                ],
            )),
            None => ui.label(i18n.tr("analysis.param_no_area")),
        };
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button(i18n.tr("analysis.pick_area")).clicked() {
            actions.push(cmd(AnalysisCommand::PickArea));
        }
        if ui.button(i18n.tr("analysis.area_from_view")).clicked() {
            actions.push(cmd(AnalysisCommand::AreaFromView));
        }
    });
    pick_hint(ui, pick, i18n);
}

/// What the next tap on the map sets while an area is being picked.
fn pick_hint(ui: &mut egui::Ui, pick: AreaPick, i18n: &I18n) {
    let hint = match pick {
        AreaPick::FirstCorner => Some("analysis.pick_first"),
        AreaPick::SecondCorner(_) => Some("analysis.pick_second"),
        AreaPick::Point(_) => Some("analysis.pick_point_hint"),
        AreaPick::Off => None,
    };
    if let Some(hint) = hint {
        ui.colored_label(ui.visuals().warn_fg_color, i18n.tr(hint));
    }
}

/// A polygon parameter (a plot): its size, and where it comes from — the
/// selected feature, two taps on the map — or none.
fn polygon_field(
    ui: &mut egui::Ui,
    spec: &ParamSpec,
    values: &ParamValues,
    pick: AreaPick,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr(spec.label));
        match values.polygon(spec.key) {
            Some(ring) => ui.label(i18n.trf(
                "analysis.polygon_size",
                &[
                    (
                        "m2",
                        &i18n.number(pw_analysis::params::ring_area(ring).abs(), 0),
                    ),
                    ("corners", &ring.len().to_string()),
                ],
            )),
            None => ui.label(i18n.tr("analysis.param_none_yet")),
        };
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .button(i18n.tr("analysis.polygon_from_selection"))
            .clicked()
        {
            actions.push(cmd(AnalysisCommand::PolygonFromSelection(spec.key)));
        }
        if ui.button(i18n.tr("analysis.pick_area")).clicked() {
            actions.push(cmd(AnalysisCommand::PickArea));
        }
        if values.polygon(spec.key).is_some() && ui.button(i18n.tr("layers.remove")).clicked() {
            actions.push(cmd(AnalysisCommand::ClearPolygon(spec.key)));
        }
    });
    pick_hint(ui, pick, i18n);
}

/// A point parameter (an observer, a target): where it is, and a button
/// to pick it on the map (ground, roof or wall).
fn point_field(
    ui: &mut egui::Ui,
    spec: &ParamSpec,
    values: &ParamValues,
    draggable: bool,
    pick: AreaPick,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr(spec.label));
        match values.point(spec.key) {
            Some(p) => ui.label(match p.z {
                Some(z) => i18n.trf(
                    "analysis.point_at_height",
                    &[
                        ("e", &i18n.number(p.x, 0)),
                        ("n", &i18n.number(p.y, 0)),
                        ("z", &i18n.number(z, 1)),
                    ],
                ),
                None => i18n.trf(
                    "analysis.point_on_ground",
                    &[("e", &i18n.number(p.x, 0)), ("n", &i18n.number(p.y, 0))],
                ),
            }),
            None => ui.label(i18n.tr("analysis.param_none_yet")),
        };
    });
    if ui.button(i18n.tr("analysis.pick_point")).clicked() {
        actions.push(cmd(AnalysisCommand::PickPoint(spec.key)));
    }
    if pick == AreaPick::Point(spec.key) {
        pick_hint(ui, pick, i18n);
    } else if draggable && values.point(spec.key).is_some() {
        ui.label(egui::RichText::new(i18n.tr("analysis.drag_hint")).italics());
    }
}

/// Values along a line (a line of sight): one line per series over the
/// distance, the first series filled down as the ground.
fn section_chart(ui: &mut egui::Ui, id: u32, section: &pw_analysis::Section, i18n: &I18n) {
    use egui_plot::{Legend as PlotLegend, Line, Plot, PlotPoints};
    ui.label(egui::RichText::new(i18n.tr(section.title)).strong());
    let colours = [
        egui::Color32::from_rgb(120, 90, 50),
        egui::Color32::from_rgb(90, 90, 90),
        egui::Color32::from_rgb(230, 120, 0),
    ];
    Plot::new(("section", id))
        .height(140.0)
        .legend(PlotLegend::default())
        .allow_scroll(false)
        .x_axis_label("m")
        .y_axis_label(section.unit)
        .show(ui, |p| {
            for (k, (key, values)) in section.series.iter().enumerate() {
                let points: PlotPoints = section
                    .distance
                    .iter()
                    .zip(values)
                    .filter(|(_, v)| v.is_finite())
                    .map(|(d, v)| [*d, *v])
                    .collect();
                p.line(Line::new(i18n.tr(key), points).color(colours[k % colours.len()]));
            }
        });
}

/// One parameter's control; area fields are drawn apart.
fn field(ui: &mut egui::Ui, spec: &ParamSpec, value: &mut Value, i18n: &I18n) {
    let label = i18n.tr(spec.label);
    match (&spec.kind, value) {
        (
            ParamKind::Number {
                min,
                max,
                step,
                unit,
            },
            Value::Number(n),
        ) => {
            ui.horizontal(|ui| {
                ui.add(
                    egui::DragValue::new(n)
                        .range(*min..=*max)
                        .speed(*step)
                        .localized(i18n, super::numbers::decimals_for_step(*step))
                        .suffix(format!(" {unit}")),
                );
                ui.label(label);
            });
        }
        (ParamKind::Bool, Value::Bool(b)) => {
            ui.checkbox(b, label);
        }
        (ParamKind::Date { presets, .. }, Value::Text(t)) => {
            ui.horizontal_wrapped(|ui| {
                ui.label(label);
                day_field(ui, spec.key, t, i18n);
            });
            if !presets.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    let year = t
                        .get(..4)
                        .and_then(|y| y.parse::<i32>().ok())
                        .unwrap_or_else(|| {
                            jiff::Timestamp::now()
                                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                                .year() as i32
                        });
                    for (month, day) in presets.iter() {
                        if ui.button(format!("{day:02}.{month:02}.")).clicked() {
                            *t = format!("{year:04}-{month:02}-{day:02}");
                        }
                    }
                });
            }
        }
        (ParamKind::Time, Value::Text(t)) => {
            ui.horizontal(|ui| {
                ui.label(label);
                ui.add(
                    egui::TextEdit::singleline(t)
                        .hint_text("hh:mm")
                        .desired_width(70.0),
                );
            });
        }
        (ParamKind::Choice(options), Value::Text(t)) => {
            ui.horizontal(|ui| {
                ui.label(label);
                let shown = options
                    .iter()
                    .find(|(v, _)| v == t)
                    .map(|(_, l)| i18n.tr(l))
                    .unwrap_or("–");
                egui::ComboBox::from_id_salt(spec.key)
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for (v, l) in options.iter() {
                            if ui.selectable_label(t == v, i18n.tr(l)).clicked() {
                                *t = v.to_string();
                            }
                        }
                    });
            });
        }
        _ => {}
    }
}

/// Days as the user writes them ("21.03.2026", several with spaces); the
/// analysis gets them as ISO days. What does not read as a day is kept
/// in the field and marked, the analysis keeps the last good value.
pub fn day_field(ui: &mut egui::Ui, key: &str, iso: &mut String, i18n: &I18n) {
    let id = ui.id().with(("day_typed", key));
    let shown = i18n.neutral(iso);
    let mut text = ui
        .data(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| shown.clone());
    let to_iso = |text: &str| -> Option<String> {
        let days: Option<Vec<String>> = text
            .split_whitespace()
            .map(|w| super::time_bar::parse_day(w).map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")))
            .collect();
        days.map(|d| d.join(" "))
    };
    let readable = to_iso(&text).is_some();
    let mut edit = egui::TextEdit::singleline(&mut text)
        .hint_text(i18n.tr("analysis.date_clock"))
        // The rest of the row: the hint is read whole ("Tag der
        // Zeitleiste"), at any control size.
        .desired_width(f32::INFINITY);
    if !readable {
        edit = edit.text_color(ui.visuals().error_fg_color);
    }
    let response = ui.add(edit);
    if response.changed() {
        if let Some(days) = to_iso(&text) {
            *iso = days;
        }
        ui.data_mut(|d| d.insert_temp(id, text.clone()));
    } else if !response.has_focus() {
        // Not being typed in: shown from the value (a preset may have set it).
        ui.data_mut(|d| d.remove::<String>(id));
    }
    if !readable {
        response.on_hover_text(i18n.tr("time.bad_date"));
    }
}

/// The form of one analysis; returns the actions it asks for.
fn form(
    ui: &mut egui::Ui,
    analysis: &dyn Analysis,
    values: &mut ParamValues,
    pick: AreaPick,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    let specs = analysis.params();
    // Parameters of another mode are left out (`ParamSpec::when`).
    let shown: Vec<bool> = specs.iter().map(|s| values.applies(s, &specs)).collect();
    for (spec, _) in specs
        .iter()
        .zip(&shown)
        .filter(|(s, shown)| !s.advanced && **shown)
    {
        if spec.kind == ParamKind::Area {
            area_field(ui, spec, values, pick, i18n, actions);
        } else if spec.kind == ParamKind::Polygon {
            polygon_field(ui, spec, values, pick, i18n, actions);
        } else if spec.kind == ParamKind::Point {
            let draggable = analysis.live_point(values) == Some(spec.key);
            point_field(ui, spec, values, draggable, pick, i18n, actions);
        } else if let Some(v) = values.get_mut(spec.key) {
            field(ui, spec, v, i18n);
        }
    }
    if specs
        .iter()
        .zip(&shown)
        .any(|(s, shown)| s.advanced && *shown)
    {
        egui::CollapsingHeader::new(i18n.tr("analysis.more"))
            .id_salt(("more", analysis.id()))
            .show(ui, |ui| {
                for (spec, _) in specs
                    .iter()
                    .zip(&shown)
                    .filter(|(s, shown)| s.advanced && **shown)
                {
                    if let Some(v) = values.get_mut(spec.key) {
                        field(ui, spec, v, i18n);
                    }
                }
            });
    }
}

fn result_card(
    ui: &mut egui::Ui,
    e: &ResultEntry,
    analyses: &Registry,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    let r = &e.result;
    ui.group(|ui| {
        ui.label(egui::RichText::new(i18n.neutral(e.label())).strong());
        ui.horizontal_wrapped(|ui| {
            let (mut g, mut f, mut p) = (e.show_ground, e.show_facades, e.show_features);
            let mut changed = false;
            if r.ground.is_some() {
                changed |= ui
                    .checkbox(&mut g, i18n.tr("analysis.show_ground"))
                    .changed();
            }
            if r.facades.as_ref().is_some_and(|f| !f.samples.is_empty()) {
                changed |= ui
                    .checkbox(&mut f, i18n.tr("analysis.show_facades"))
                    .changed();
            }
            if r.features.as_ref().is_some_and(|f| !f.features.is_empty()) {
                changed |= ui
                    .checkbox(&mut p, i18n.tr("analysis.show_features"))
                    .changed();
            }
            if changed {
                actions.push(cmd(AnalysisCommand::Show {
                    id: e.id,
                    ground: g,
                    facades: f,
                    features: p,
                }));
            }
        });
        if !r.kpis.is_empty() {
            egui::Grid::new(("kpis", e.id))
                .striped(true)
                .show(ui, |ui| {
                    for k in &r.kpis {
                        ui.label(i18n.render(&k.label));
                        let number = i18n.number(k.value, k.decimals as usize);
                        let sign = if r.difference_of.is_some() && k.value > 0.0 {
                            "+"
                        } else {
                            ""
                        };
                        let text = format!("{sign}{number} {}", k.unit).trim_end().to_string();
                        ui.label(text);
                        ui.end_row();
                    }
                });
        }
        for n in &r.notes {
            ui.label(i18n.render(n));
        }
        // Results whose features carry names (roads): the others' features
        // are an observer or a sight line, nothing to rank.
        if let Some(f) = r.features.as_ref().filter(|f| {
            !f.features.is_empty()
                && f.columns
                    .iter()
                    .any(|c| matches!(c, pw_analysis::result::Column::Texts("name", _)))
        }) {
            egui::CollapsingHeader::new(i18n.tr("analysis.highest"))
                .id_salt(("highest", e.id))
                .show(ui, |ui| {
                    highest_features(ui, e.id, f, r.difference_of.is_some(), i18n)
                });
        }
        egui::CollapsingHeader::new(i18n.tr("analysis.parameters"))
            .id_salt(("params", e.id))
            .show(ui, |ui| {
                let specs = analyses
                    .get(e.analysis)
                    .map(|a| a.params())
                    .unwrap_or_default();
                for line in crate::analysis::describe::readable_parameters(&r.stamp, &specs, i18n) {
                    ui.label(line);
                }
                // The whole run stamp (software, time, inputs, method) for
                // whoever checks how it was made.
                egui::CollapsingHeader::new(i18n.tr("analysis.run_log"))
                    .id_salt(("stamp", e.id))
                    .show(ui, |ui| {
                        for (k, v) in r.stamp.entries() {
                            ui.label(egui::RichText::new(format!("{k}: {v}")).small());
                        }
                    });
            });
        if let Some(section) = &r.section {
            section_chart(ui, e.id, section, i18n);
        }
        if let Some(g) = r.ground.as_ref().filter(|_| e.show_ground) {
            let l = r.legend_of(&g.quantity);
            legend(ui, e.id, l, i18n);
            distribution(ui, e.id, l, &e.distribution, i18n);
        } else if let Some(f) = r.facades.as_ref().filter(|_| e.show_facades) {
            legend(ui, e.id, r.legend_of(&f.quantity), i18n);
        } else if let Some(f) = r.features.as_ref().filter(|_| e.show_features) {
            legend(ui, e.id, r.legend_of(&f.quantity), i18n);
        }
        ui.horizontal(|ui| {
            if ui.button(i18n.tr("analysis.export")).clicked() {
                // Named by what it is and when it was computed, not by
                // the run's raw parameters.
                let title = analyses.get(e.analysis).map_or("", |a| i18n.tr(a.title()));
                let day = r.stamp.computed_at.get(..10).unwrap_or_default();
                actions.push(UiAction::ChooseExport {
                    what: super::actions::ExportTarget::Result(e.id),
                    name: format!("{title} {} {day}", r.stamp.scenario),
                });
            }
            if ui.button(i18n.tr("layers.remove")).clicked() {
                actions.push(cmd(AnalysisCommand::Remove(e.id)));
            }
        });
    });
}

/// B − A of two results of the selected analysis.
fn compare(ui: &mut egui::Ui, state: &mut AnalysisState, i18n: &I18n, actions: &mut Vec<UiAction>) {
    let plain: Vec<(u32, String)> = state
        .results
        .iter()
        .filter(|e| e.analysis == state.selected && !e.is_difference())
        .map(|e| (e.id, i18n.neutral(e.label())))
        .collect();
    if plain.len() < 2 {
        return;
    }
    ui.separator();
    ui.label(egui::RichText::new(i18n.tr("analysis.compare")).strong());
    let (a, b) = &mut state.compare;
    for (label, slot) in [("analysis.compare_a", a), ("analysis.compare_b", b)] {
        ui.horizontal(|ui| {
            ui.label(i18n.tr(label));
            let shown = slot
                .and_then(|id| plain.iter().find(|(i, _)| *i == id))
                .map(|(_, l)| l.clone())
                .unwrap_or_else(|| "–".into());
            egui::ComboBox::from_id_salt(label)
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for (id, l) in &plain {
                        if ui.selectable_label(*slot == Some(*id), l).clicked() {
                            *slot = Some(*id);
                        }
                    }
                });
        });
    }
    if let (Some(a), Some(b)) = state.compare
        && a != b
        && ui.button(i18n.tr("analysis.difference")).clicked()
    {
        actions.push(cmd(AnalysisCommand::Compare { a, b }));
    }
}

/// What the analyses will see: "Bestand" or a variant, to choose in one
/// click; removals so far, the way back, and a new variant from them.
/// Two scenarios to compare and how: side by side or with a divider.
fn compare_controls(
    ui: &mut egui::Ui,
    state: &crate::scenario::ScenarioState,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    use crate::scenario::compare::CompareCommand;
    use crate::view::compare::CompareMode;
    let existing = i18n.tr("scenario.existing").to_string();
    let ids = (
        egui::Id::new("compare_left"),
        egui::Id::new("compare_right"),
    );
    // Default: Bestand against the variant shown (else the first one).
    let default_right = state
        .active
        .clone()
        .or_else(|| state.plan.variants.first().map(|v| v.name.clone()));
    let mut left: Option<String> = ui.data_mut(|d| d.get_temp(ids.0)).unwrap_or(None);
    let mut right: Option<String> = ui.data_mut(|d| d.get_temp(ids.1)).unwrap_or(default_right);
    let pick = |ui: &mut egui::Ui, salt: &str, value: &mut Option<String>| {
        egui::ComboBox::from_id_salt(salt)
            .selected_text(value.clone().unwrap_or_else(|| existing.clone()))
            .show_ui(ui, |ui| {
                if ui.selectable_label(value.is_none(), &existing).clicked() {
                    *value = None;
                }
                for v in &state.plan.variants {
                    let on = value.as_deref() == Some(v.name.as_str());
                    if ui.selectable_label(on, &v.name).clicked() {
                        *value = Some(v.name.clone());
                    }
                }
            });
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("compare.label"));
        pick(ui, "compare_left", &mut left);
        ui.label(i18n.tr("compare.with"));
        pick(ui, "compare_right", &mut right);
    });
    ui.horizontal_wrapped(|ui| {
        for (mode, label) in [
            (CompareMode::Split, "compare.split"),
            (CompareMode::Swipe, "compare.swipe"),
        ] {
            if ui
                .add_enabled(left != right, egui::Button::new(i18n.tr(label)))
                .clicked()
            {
                actions.push(UiAction::Compare(CompareCommand::Start {
                    mode,
                    left: left.clone(),
                    right: right.clone(),
                }));
            }
        }
    });
    ui.data_mut(|d| {
        d.insert_temp(ids.0, left);
        d.insert_temp(ids.1, right);
    });
}

pub fn scenario_status(
    ui: &mut egui::Ui,
    state: &crate::scenario::ScenarioState,
    i18n: &I18n,
) -> Vec<UiAction> {
    use crate::scenario::ScenarioCommand;
    let mut actions = Vec::new();
    let existing = i18n.tr("scenario.existing");
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("scenario.label"));
        let shown = state.active.clone().unwrap_or_else(|| state.name(i18n));
        egui::ComboBox::from_id_salt("scenario")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(state.active.is_none(), existing)
                    .clicked()
                {
                    actions.push(UiAction::Scenario(ScenarioCommand::Activate(None)));
                }
                for v in &state.plan.variants {
                    let on = state.active.as_deref() == Some(v.name.as_str());
                    if ui.selectable_label(on, &v.name).clicked() {
                        actions.push(UiAction::Scenario(ScenarioCommand::Activate(Some(
                            v.name.clone(),
                        ))));
                    }
                }
            });
        if ui.button(i18n.tr("scenario.new_variant")).clicked() {
            actions.push(UiAction::Scenario(ScenarioCommand::NewVariant));
        }
    });
    if !state.plan.variants.is_empty() {
        compare_controls(ui, state, i18n, &mut actions);
    }
    let removed = state.edits.removed.len();
    if removed > 0 || state.active.is_some() {
        ui.horizontal_wrapped(|ui| {
            if removed > 0 {
                ui.label(i18n.trf("scenario.removed", &[("n", &removed)]));
            }
            if ui.button(i18n.tr("inspector.restore_all")).clicked() {
                actions.push(UiAction::Scenario(ScenarioCommand::RestoreAll));
            }
        });
    }
    actions
}

/// How many features the table of the highest values lists.
const HIGHEST_ROWS: usize = 10;

/// The features with the highest values (of a difference: the largest
/// changes either way) with their name and the columns the catalogue has
/// a label for (`analysis.column.<name>`): for traffic the roads with the
/// most vehicles, their capacity and how full they are.
fn highest_features(
    ui: &mut egui::Ui,
    id: u32,
    f: &pw_analysis::FeatureValues,
    difference: bool,
    i18n: &I18n,
) {
    use pw_analysis::result::Column;
    let mut order: Vec<usize> = (0..f.features.len())
        .filter(|&i| f.features[i].value.is_finite())
        .collect();
    let size = |i: usize| {
        let v = f.features[i].value;
        if difference { v.abs() } else { v }
    };
    order.sort_by(|&a, &b| size(b).total_cmp(&size(a)));
    order.truncate(HIGHEST_ROWS);
    let names = f.columns.iter().find_map(|c| match c {
        Column::Texts("name", v) => Some(v),
        _ => None,
    });
    // Of a difference only the change itself: its columns' labels name
    // absolute values.
    let shown: Vec<(String, &Vec<f32>)> = f
        .columns
        .iter()
        .filter(|_| !difference)
        .filter_map(|c| match c {
            Column::Numbers(name, v) => Some((*name, v)),
            Column::Texts(..) => None,
        })
        .filter_map(|(name, v)| {
            let key = format!("analysis.column.{name}");
            let label = i18n.tr(&key).to_string();
            (label != key).then_some((label, v))
        })
        .collect();
    // Decimals per column, from the largest value listed.
    let decimals = |values: &mut dyn Iterator<Item = f32>| {
        let largest = values
            .filter(|v| v.is_finite())
            .fold(0.0f32, |m, v| m.max(v.abs()));
        if largest < 10.0 { 2 } else { 0 }
    };
    let main_decimals = decimals(&mut order.iter().map(|&i| f.features[i].value));
    let title = if difference {
        f.quantity.difference_legend.title
    } else {
        f.quantity.label
    };
    let unit = f.quantity.unit;
    let heading = if unit.is_empty() || i18n.tr(title).contains(unit) {
        i18n.tr(title).to_string()
    } else {
        format!("{} ({unit})", i18n.tr(title))
    };
    egui::Grid::new(("highest_grid", id))
        .striped(true)
        .show(ui, |ui| {
            ui.label(egui::RichText::new(i18n.tr("analysis.column.feature")).strong());
            ui.label(egui::RichText::new(heading).strong());
            for (label, _) in &shown {
                ui.label(egui::RichText::new(label.as_str()).strong());
            }
            ui.end_row();
            let column_decimals: Vec<usize> = shown
                .iter()
                .map(|(_, values)| {
                    decimals(&mut order.iter().filter_map(|&i| values.get(i).copied()))
                })
                .collect();
            for &i in &order {
                let feature = &f.features[i];
                let name = names
                    .and_then(|n| n.get(i))
                    .filter(|n| !n.trim().is_empty())
                    .cloned()
                    .unwrap_or_else(|| feature.id.clone());
                // Roads of one name come in pieces and directions: the id
                // tells them apart.
                ui.label(i18n.neutral(&name)).on_hover_text(&feature.id);
                let text = i18n.number(f64::from(feature.value), main_decimals);
                let grew = text.chars().any(|c| c.is_ascii_digit() && c != '0');
                let sign = if difference && feature.value > 0.0 && grew {
                    "+"
                } else {
                    ""
                };
                ui.label(format!("{sign}{text}"));
                for ((_, values), &d) in shown.iter().zip(&column_decimals) {
                    let v = values.get(i).copied().unwrap_or(f32::NAN);
                    ui.label(if v.is_finite() {
                        i18n.number(f64::from(v), d)
                    } else {
                        "–".to_string()
                    });
                }
                ui.end_row();
            }
        });
}

pub fn analysis_panel(
    ui: &mut egui::Ui,
    analyses: &Registry,
    state: &mut AnalysisState,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    let Some(analysis) = analyses.get(&state.selected).cloned() else {
        return actions;
    };
    if analyses.ids().len() > 1 {
        egui::ComboBox::from_id_salt("analysis")
            .selected_text(i18n.tr(analysis.title()))
            .show_ui(ui, |ui| {
                for a in analyses.iter() {
                    if ui
                        .selectable_label(a.id() == analysis.id(), i18n.tr(a.title()))
                        .clicked()
                    {
                        actions.push(cmd(AnalysisCommand::Select(a.id().into())));
                    }
                }
            });
    } else {
        ui.heading(i18n.tr(analysis.title()));
    }
    let pick = state.pick;
    let running = state.running.is_some();
    let mut missing = None;
    if let Some(values) = state.form_mut() {
        form(ui, &*analysis, values, pick, i18n, &mut actions);
        missing = analysis.validate(values).err();
    }
    ui.horizontal(|ui| {
        let run = ui.add_enabled(
            !running && missing.is_none(),
            egui::Button::new(i18n.tr("analysis.run")),
        );
        if run.clicked() {
            actions.push(cmd(AnalysisCommand::Run));
        }
        if running {
            ui.spinner();
            ui.label(i18n.tr("analysis.running"));
        }
    });
    if let Some(e) = missing
        && !running
    {
        for m in e.messages().iter().take(1) {
            ui.colored_label(ui.visuals().warn_fg_color, i18n.render(m));
        }
    }
    if state.results.is_empty() {
        return actions;
    }
    ui.separator();
    ui.label(egui::RichText::new(i18n.tr("analysis.results")).strong());
    for e in &state.results {
        ui.push_id(("result", e.id), |ui| {
            result_card(ui, e, analyses, i18n, &mut actions)
        });
    }
    compare(ui, state, i18n, &mut actions);
    scenario_figures(ui, state, i18n, &mut actions);
    actions
}

/// Every scenario's figures side by side, with each one's difference to
/// Bestand: the table a council sees. Only where two scenarios have runs.
fn scenario_figures(
    ui: &mut egui::Ui,
    state: &AnalysisState,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    let table = pw_analysis::ScenarioFigures::of(state.results.iter().map(|e| &*e.result));
    if table.scenarios.len() < 2 {
        return;
    }
    ui.separator();
    egui::CollapsingHeader::new(egui::RichText::new(i18n.tr("analysis.figures")).strong())
        .id_salt("scenario_figures")
        .default_open(true)
        .show(ui, |ui| {
            let reference = &table.scenarios[table.reference];
            for (g, group) in table.groups.iter().enumerate() {
                ui.label(egui::RichText::new(&group.title).italics());
                egui::Grid::new(("figures", g))
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label("");
                        for (i, s) in table.scenarios.iter().enumerate() {
                            ui.label(egui::RichText::new(s).strong());
                            if i != table.reference {
                                ui.label(
                                    egui::RichText::new(format!("{s} − {reference}")).strong(),
                                );
                            }
                        }
                        ui.end_row();
                        for row in &group.rows {
                            ui.label(i18n.render(&row.label));
                            let text = |v: f64, sign: bool| {
                                let plus = if sign && v > 0.0 { "+" } else { "" };
                                let n = i18n.number(v, row.decimals as usize);
                                format!("{plus}{n} {}", row.unit).trim_end().to_string()
                            };
                            for (i, v) in row.values.iter().enumerate() {
                                ui.label(v.map(|v| text(v, false)).unwrap_or_else(|| "–".into()));
                                if i != table.reference {
                                    let d = row.difference(i, table.reference);
                                    ui.label(
                                        d.map(|d| text(d, true)).unwrap_or_else(|| "–".into()),
                                    );
                                }
                            }
                            ui.end_row();
                        }
                    });
            }
            if ui.button(i18n.tr("analysis.figures_csv")).clicked() {
                let day = jiff::ZonedDateTime::now().strftime("%Y-%m-%d").to_string();
                actions.push(UiAction::ChooseExport {
                    what: super::actions::ExportTarget::Figures,
                    name: format!("{} {day}", i18n.tr("analysis.figures_file")),
                });
            }
        });
}

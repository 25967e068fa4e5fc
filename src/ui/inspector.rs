//! Right panel: attributes of the picked object, with German labels for
//! AdV codes, plus removing it in the scenario (what analyses see) and
//! undoing that.

use super::actions::UiAction;
use crate::base::i18n::I18n;
use crate::layers::LayerId;
use crate::scenario::ScenarioCommand;
use bevy_egui::egui;
use pw_city::{CityModel, codes};

/// What the inspector shows, prepared from the model.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectorData {
    pub layer: LayerId,
    pub layer_name: String,
    pub object: usize,
    pub id: String,
    pub kind_key: &'static str,
    pub lod: Option<u8>,
    pub surfaces: usize,
    pub attributes: Vec<(String, String)>,
    /// The enclosing building of a part: its id and attributes.
    pub parent: Option<(String, Vec<(String, String)>)>,
    /// Buildings removed in the scenario so far.
    pub removed_count: usize,
    /// A building of the variant shown (drawn by the planner): deleted from
    /// the variant instead of removed from the city.
    pub planned: bool,
    /// A tree (felled rather than demolished).
    pub tree: bool,
    /// A road of an OpenStreetMap layer (closed rather than removed: the
    /// traffic analysis routes around it).
    pub road: bool,
    /// What the variant shown sets on this object (key, value).
    pub changes: Vec<(String, String)>,
    /// The scene's own speed, lanes and capacity per lane for some road
    /// classes (`[[traffic.classes]]`), as the traffic analysis takes them.
    pub road_classes: Vec<pw_analysis::scenario::RoadClass>,
}

/// A key the catalogue does not know, readable: `DatenquelleDachhoehe` →
/// "Datenquelle Dachhoehe", `roof_material` → "roof material".
fn spaced(key: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in key.chars() {
        if c == '_' {
            out.push(' ');
        } else {
            if c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase()) {
                out.push(' ');
            }
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

/// Turns raw attributes into (label, value) with translated keys and code labels.
pub fn readable_attributes(attrs: &[(String, String)], i18n: &I18n) -> Vec<(String, String)> {
    attrs
        .iter()
        .map(|(k, v)| {
            let key = format!("attr.{k}");
            let label = match i18n.tr(&key) {
                t if t == key => spaced(k),
                t => t.to_string(),
            };
            let value = match k.as_str() {
                "function" | "usage" => {
                    codes::building_function_label(v).map(|l| format!("{l} ({v})"))
                }
                "roofType" => codes::roof_type_label(v).map(|l| format!("{l} ({v})")),
                "measuredHeight" => v
                    .parse::<f64>()
                    .ok()
                    .map(|h| format!("{} m", i18n.number(h, 2))),
                // Country names as the data writes them (English).
                "country" => {
                    let key = format!("value.{v}");
                    let t = i18n.tr(&key);
                    (t != key).then(|| t.to_string())
                }
                _ => None,
            }
            // A value that is wholly a number or a day as the user writes
            // it ("36,5", "14.05.2019"); free text as the data has it.
            .unwrap_or_else(|| i18n.neutral_value(v));
            (label, value)
        })
        .collect()
}

impl InspectorData {
    pub fn new(
        layer: LayerId,
        layer_name: &str,
        model: &CityModel,
        object: usize,
        removed_count: usize,
    ) -> Option<Self> {
        let o = model.objects.get(object)?;
        let parent = o
            .parent
            .and_then(|p| model.objects.get(p))
            .map(|p| (p.id.clone(), p.attributes.clone()));
        Some(InspectorData {
            layer,
            layer_name: layer_name.to_string(),
            object,
            id: o.id.clone(),
            kind_key: o.kind.label_key(),
            lod: o.best_lod(),
            surfaces: o.surfaces.len(),
            attributes: o.attributes.clone(),
            parent,
            removed_count,
            planned: false,
            tree: pw_plan::tree::is_tree(o),
            road: o.id.starts_with("way/") && o.attribute("highway").is_some(),
            changes: Vec::new(),
            road_classes: Vec::new(),
        })
    }
}

fn attribute_grid(ui: &mut egui::Ui, id: &str, rows: &[(String, String)]) {
    egui::Grid::new(id)
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (k, v) in rows {
                ui.label(egui::RichText::new(k).strong());
                // Long values wrap instead of widening the panel.
                ui.add(egui::Label::new(v).wrap());
                ui.end_row();
            }
        });
}

pub fn inspector(ui: &mut egui::Ui, data: Option<&InspectorData>, i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    ui.heading(i18n.tr("inspector.title"));
    let Some(d) = data else {
        ui.label(i18n.tr("inspector.nothing"));
        return actions;
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        let mut head = vec![
            (
                i18n.tr("inspector.kind").to_string(),
                i18n.tr(d.kind_key).to_string(),
            ),
            (i18n.tr("inspector.id").to_string(), d.id.clone()),
            (i18n.tr("inspector.layer").to_string(), d.layer_name.clone()),
            (
                i18n.tr("inspector.surfaces").to_string(),
                d.surfaces.to_string(),
            ),
        ];
        if let Some(lod) = d.lod {
            head.push((i18n.tr("inspector.lod").to_string(), lod.to_string()));
        }
        attribute_grid(ui, "inspector_head", &head);
        ui.separator();
        attribute_grid(
            ui,
            "inspector_attrs",
            &readable_attributes(&d.attributes, i18n),
        );
        if let Some((pid, pattrs)) = &d.parent {
            ui.separator();
            ui.label(
                egui::RichText::new(format!("{}: {pid}", i18n.tr("object.building"))).strong(),
            );
            attribute_grid(ui, "inspector_parent", &readable_attributes(pattrs, i18n));
        }
        if d.road && !d.planned {
            road_changes(ui, d, i18n, &mut actions);
        }
        ui.separator();
        // Removed in the scenario: gone from the picture and from what
        // every analysis sees (it casts no shadow any more).
        ui.horizontal_wrapped(|ui| {
            if d.planned {
                if ui.button(i18n.tr("plan.delete")).clicked() {
                    actions.push(UiAction::Plan(crate::plan::PlanCommand::Delete(
                        d.id.clone(),
                    )));
                }
                return;
            }
            let remove = if d.tree {
                "inspector.fell"
            } else if d.road {
                "inspector.close_road"
            } else {
                "inspector.remove"
            };
            if ui.button(i18n.tr(remove)).clicked() {
                actions.push(UiAction::Scenario(ScenarioCommand::Remove {
                    layer: d.layer,
                    object: d.object,
                }));
            }
            if d.removed_count > 0 && ui.button(i18n.tr("inspector.restore_all")).clicked() {
                actions.push(UiAction::Scenario(ScenarioCommand::RestoreAll));
            }
        });
        if d.removed_count > 0 {
            ui.label(i18n.trf("inspector.removed_count", &[("n", &d.removed_count)]));
        }
    });
    actions
}

/// A road's changes in the variant, each a tap: one-way (in the direction
/// the map draws it), a speed limit, lanes per direction, capacity per
/// direction (in steps of 100 vehicles per hour from what the road has).
/// The traffic analysis drives them; tapping the value set takes it back.
fn road_changes(ui: &mut egui::Ui, d: &InspectorData, i18n: &I18n, actions: &mut Vec<UiAction>) {
    let changed = |key: &str| {
        d.changes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let mut set = |key: &str, value: Option<String>| {
        actions.push(UiAction::Plan(crate::plan::PlanCommand::SetAttribute {
            object: d.id.clone(),
            key: key.into(),
            value,
        }));
    };
    ui.separator();
    ui.label(egui::RichText::new(i18n.tr("inspector.road_changes")).strong());
    let oneway = changed("oneway") == Some("yes");
    if ui
        .selectable_label(oneway, i18n.tr("inspector.road_oneway"))
        .clicked()
    {
        set("oneway", (!oneway).then(|| "yes".to_string()));
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("inspector.road_speed"));
        for speed in ["20", "30", "50", "70"] {
            let on = changed("maxspeed") == Some(speed);
            if ui.selectable_label(on, format!("{speed} km/h")).clicked() {
                set("maxspeed", (!on).then(|| speed.to_string()));
            }
        }
    });
    // Lanes per direction: both directions' keys, which the analysis
    // reads before the total `lanes`.
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("inspector.road_lanes"));
        for lanes in ["1", "2", "3"] {
            let on = changed("lanes:forward") == Some(lanes);
            if ui.selectable_label(on, lanes).clicked() {
                for key in ["lanes:forward", "lanes:backward"] {
                    set(key, (!on).then(|| lanes.to_string()));
                }
            }
        }
    });
    let capacity = changed(pw_traffic::osm::CAPACITY_TAG)
        .and_then(|v| v.parse::<f64>().ok())
        .or_else(|| road_capacity(d));
    match capacity {
        Some(capacity) => {
            ui.horizontal_wrapped(|ui| {
                ui.label(i18n.trf(
                    "inspector.road_capacity",
                    &[("n", &format!("{capacity:.0}"))],
                ));
                for (step, text) in [(-100.0, "−100"), (100.0, "+100")] {
                    let to = (capacity + step).clamp(100.0, 5000.0);
                    if ui.button(text).clicked() && to != capacity {
                        set(pw_traffic::osm::CAPACITY_TAG, Some(format!("{to:.0}")));
                    }
                }
                if changed(pw_traffic::osm::CAPACITY_TAG).is_some()
                    && ui
                        .button(i18n.tr("inspector.road_capacity_reset"))
                        .clicked()
                {
                    set(pw_traffic::osm::CAPACITY_TAG, None);
                }
            });
        }
        // A line of a city's own network: what its class gives is the
        // scene's mapping, not known here; usual values to choose from.
        None => {
            ui.horizontal_wrapped(|ui| {
                ui.label(i18n.tr("inspector.road_capacity_choose"));
                for value in ["600", "900", "1200", "1800"] {
                    if ui.selectable_label(false, value).clicked() {
                        set(pw_traffic::osm::CAPACITY_TAG, Some(value.to_string()));
                    }
                }
            });
        }
    }
}

/// What the traffic analysis takes as the road's capacity per direction
/// when nothing sets it: its lanes (per direction) × its class's capacity
/// per lane (the scene's, where it sets one).
fn road_capacity(d: &InspectorData) -> Option<f64> {
    let get = |key: &str| {
        d.changes
            .iter()
            .chain(&d.attributes)
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
    };
    let class = pw_traffic::osm::classes_with(&d.road_classes)
        .0
        .into_iter()
        .find(|c| Some(c.class) == get("highway"))?;
    let two_way = !matches!(get("oneway"), Some("yes" | "-1" | "true" | "1"));
    let lanes = get("lanes:forward")
        .and_then(|v| v.parse::<f64>().ok())
        .or_else(|| {
            let total = get("lanes")?.parse::<f64>().ok()?;
            Some(if two_way {
                (total / 2.0).max(1.0)
            } else {
                total
            })
        })
        .unwrap_or(class.lanes);
    Some(lanes * class.capacity_per_lane)
}

/// A tapped building for citizens: what it is, where, how high, in plain
/// words — title and lines (the data's codes and keys stay out).
pub fn citizen_lines(d: &InspectorData, i18n: &I18n) -> (String, Vec<String>) {
    // A part answers with its building's address and use where it has none.
    let get = |key: &str| {
        d.attributes
            .iter()
            .chain(d.parent.iter().flat_map(|(_, a)| a.iter()))
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let title = if d.tree {
        i18n.tr("card.tree").to_string()
    } else {
        get("function")
            .and_then(|c| codes::building_function_label(&c))
            .map(String::from)
            .unwrap_or_else(|| i18n.tr(d.kind_key).to_string())
    };
    let mut lines = Vec::new();
    if d.planned {
        lines.push(i18n.tr("card.planned").to_string());
    }
    let street = [get("street"), get("house_number")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let place = [street, get("locality").unwrap_or_default()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if !place.is_empty() {
        lines.push(place);
    }
    if let Some(n) = get("storeysAboveGround").and_then(|v| v.parse::<f64>().ok()) {
        let key = if n == 1.0 {
            "card.storey_one"
        } else {
            "card.storeys"
        };
        lines.push(i18n.trf(key, &[("n", &i18n.number(n, 0))]));
    }
    if let Some(h) = get("measuredHeight")
        .or_else(|| get("height"))
        .and_then(|v| v.parse::<f64>().ok())
    {
        lines.push(i18n.trf("card.height", &[("m", &i18n.number(h, 1))]));
    }
    if let Some(y) = get("yearOfConstruction") {
        lines.push(i18n.trf("card.built", &[("year", &y)]));
    }
    (title, lines)
}

/// The card, at the bottom of the 3D view; "Schließen" lets go of the
/// building.
pub fn citizen_card(
    ctx: &egui::Context,
    view: egui::Rect,
    d: &InspectorData,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    let (title, lines) = citizen_lines(d, i18n);
    egui::Area::new(egui::Id::new("citizen_card"))
        .pivot(egui::Align2::CENTER_BOTTOM)
        .fixed_pos(egui::pos2(view.center().x, view.bottom() - 12.0))
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(view.width() * 0.6);
                ui.heading(title);
                for l in &lines {
                    ui.label(l);
                }
                if ui.button(i18n.tr("card.close")).clicked() {
                    actions.push(UiAction::ClearSelection);
                }
            });
        });
    actions
}

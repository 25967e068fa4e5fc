//! The attribute table of a vector layer: every feature a row, sortable by
//! any column, filtered by a text (anywhere in the row) or a condition
//! ("HEIGHT > 20", "BEZ = Landkreis", "GEN ~ Saale"). Clicking a row
//! selects the feature in the 3D view and flies to it. Only the rows on
//! screen are laid out, so 18,697 trees scroll smoothly.

use super::actions::UiAction;
use crate::base::i18n::I18n;
use crate::layers::LayerId;
use crate::view::camera::CameraCommand;
use bevy_egui::egui;
use pw_city::CityObject;
use pw_geo::Extent3;

/// Features are framed at least this wide (a single tree would fill the
/// screen otherwise).
const MIN_FRAME: f64 = 80.0;

/// What the cached rows were computed for: filter, sort, object count.
type RowsKey = (String, Option<(usize, bool)>, usize);

#[derive(Debug, Clone, PartialEq)]
pub struct AttributeTable {
    pub layer: LayerId,
    pub layer_name: String,
    pub columns: Vec<String>,
    pub filter: String,
    /// Column and ascending.
    pub sort: Option<(usize, bool)>,
    /// Only buildings and their parts are rows (a city layer: its roads,
    /// terrain and empty building shells are not what planners list).
    pub buildings_only: bool,
    /// Rows shown (object indices), for `key`.
    rows: Vec<usize>,
    key: Option<RowsKey>,
}

impl AttributeTable {
    pub fn new(layer: LayerId, layer_name: String, columns: Vec<String>) -> Self {
        AttributeTable {
            layer,
            layer_name,
            columns,
            filter: String::new(),
            sort: None,
            buildings_only: false,
            rows: Vec::new(),
            key: None,
        }
    }

    /// Rows after filter and sort, recomputed only when those change.
    pub fn rows(&mut self, objects: &[CityObject]) -> &[usize] {
        let key = (self.filter.clone(), self.sort, objects.len());
        if self.key.as_ref() != Some(&key) {
            self.rows = filtered_sorted(
                objects,
                self.buildings_only,
                &self.filter,
                self.sort.map(|(c, a)| (self.columns[c].as_str(), a)),
            );
            self.key = Some(key);
        }
        &self.rows
    }
}

/// Cells show at most this many characters (the full text on hover).
const CELL_CHARS: usize = 18;

pub(crate) fn fit(text: &str) -> String {
    if text.chars().count() <= CELL_CHARS {
        text.to_string()
    } else {
        text.chars().take(CELL_CHARS - 1).chain(['…']).collect()
    }
}

/// An object's value in `column`: its own, else its building's.
fn cell<'a>(objects: &'a [CityObject], i: usize, column: &str) -> &'a str {
    pw_city::inherited_attribute(objects, i, column).unwrap_or("")
}

/// What a cell shows: an AdV code with its German name.
fn shown(column: &str, raw: &str) -> String {
    let label = match column {
        "function" | "usage" => pw_city::codes::building_function_label(raw),
        "roofType" => pw_city::codes::roof_type_label(raw),
        _ => None,
    };
    match label {
        Some(l) => format!("{l} ({raw})"),
        None => raw.to_string(),
    }
}

/// Whether object `i` is a row: every feature of a vector layer; the
/// drawn buildings and parts of a city layer.
fn is_row(objects: &[CityObject], i: usize, buildings_only: bool) -> bool {
    let o = &objects[i];
    !buildings_only || (o.is_building() && !o.surfaces.is_empty())
}

fn number(s: &str) -> Option<f64> {
    s.trim().replace(',', ".").parse().ok()
}

/// A condition "FIELD op VALUE" (op: = != > < >= <= ~), if the filter is one.
fn condition(filter: &str) -> Option<(String, &'static str, String)> {
    for op in [">=", "<=", "!=", "=", ">", "<", "~"] {
        if let Some(i) = filter.find(op) {
            let field = filter[..i].trim();
            if !field.is_empty() && !field.contains(' ') {
                return Some((
                    field.to_string(),
                    op,
                    filter[i + op.len()..].trim().to_string(),
                ));
            }
        }
    }
    None
}

/// The object's attributes and those of its building it does not repeat.
fn all_attributes(objects: &[CityObject], i: usize) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut at = Some(i);
    for _ in 0..8 {
        let Some(j) = at.filter(|&j| j < objects.len()) else {
            break;
        };
        for (k, v) in &objects[j].attributes {
            if !v.trim().is_empty() && !out.iter().any(|(seen, _)| seen == k) {
                out.push((k, v));
            }
        }
        at = objects[j].parent;
    }
    out
}

fn matches(objects: &[CityObject], i: usize, filter: &str) -> bool {
    if filter.is_empty() {
        return true;
    }
    let attributes = all_attributes(objects, i);
    if let Some((field, op, want)) = condition(filter)
        && attributes
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(&field))
    {
        let have = attributes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&field))
            .map_or("", |(_, v)| v);
        let (hn, wn) = (number(have), number(&want));
        return match (op, hn, wn) {
            ("~", _, _) => have.to_lowercase().contains(&want.to_lowercase()),
            ("=", Some(a), Some(b)) => a == b,
            ("!=", Some(a), Some(b)) => a != b,
            ("=", _, _) => have.eq_ignore_ascii_case(&want),
            ("!=", _, _) => !have.eq_ignore_ascii_case(&want),
            (">", Some(a), Some(b)) => a > b,
            ("<", Some(a), Some(b)) => a < b,
            (">=", Some(a), Some(b)) => a >= b,
            ("<=", Some(a), Some(b)) => a <= b,
            _ => false,
        };
    }
    // Text search finds codes by their names too ("satteldach").
    let needle = filter.to_lowercase();
    attributes
        .iter()
        .any(|(k, v)| shown(k, v).to_lowercase().contains(&needle))
}

/// Object indices passing `filter`, sorted by `sort` (numbers as numbers,
/// text in German order of letters, empty cells last).
pub fn filtered_sorted(
    objects: &[CityObject],
    buildings_only: bool,
    filter: &str,
    sort: Option<(&str, bool)>,
) -> Vec<usize> {
    let filter = filter.trim();
    let mut rows: Vec<usize> = (0..objects.len())
        .filter(|&i| is_row(objects, i, buildings_only) && matches(objects, i, filter))
        .collect();
    if let Some((column, ascending)) = sort {
        let numeric = rows
            .iter()
            .map(|&i| cell(objects, i, column))
            .filter(|s| !s.is_empty())
            .all(|s| number(s).is_some());
        rows.sort_by(|&a, &b| {
            let (x, y) = (cell(objects, a, column), cell(objects, b, column));
            let order = match (x.is_empty(), y.is_empty()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => return std::cmp::Ordering::Greater,
                (false, true) => return std::cmp::Ordering::Less,
                _ if numeric => number(x)
                    .unwrap_or(f64::NAN)
                    .total_cmp(&number(y).unwrap_or(f64::NAN)),
                _ => collate(x).cmp(&collate(y)),
            };
            if ascending { order } else { order.reverse() }
        });
    }
    rows
}

/// Sort key for German text: umlauts as their base letters (DIN 5007-1),
/// case ignored.
fn collate(s: &str) -> String {
    s.to_lowercase()
        .replace('ä', "a")
        .replace('ö', "o")
        .replace('ü', "u")
        .replace('ß', "ss")
}

/// Where to fly for an object: its extent, at least [`MIN_FRAME`] wide.
pub fn frame_of(o: &CityObject) -> Extent3 {
    let e = o.extent();
    let c = e.center();
    let half = |a: f64, b: f64| ((b - a) / 2.0).max(MIN_FRAME / 2.0);
    let (hx, hy) = (half(e.min[0], e.max[0]), half(e.min[1], e.max[1]));
    Extent3 {
        min: [c[0] - hx, c[1] - hy, e.min[2]],
        max: [c[0] + hx, c[1] + hy, e.max[2]],
    }
}

/// The table, docked under the 3D view; returns actions and whether it
/// stays open.
pub fn table_panel(
    ui: &mut egui::Ui,
    table: &mut AttributeTable,
    objects: &[CityObject],
    city_layer: LayerId,
    selected: Option<usize>,
    i18n: &I18n,
) -> (Vec<UiAction>, bool) {
    let mut actions = Vec::new();
    let mut open = true;
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(i18n.trf("table.title", &[("layer", &table.layer_name)])).strong(),
        );
        if ui.button(i18n.tr("table.close")).clicked() {
            open = false;
        }
        ui.separator();
        ui.label(i18n.tr("table.filter"));
        ui.add(
            egui::TextEdit::singleline(&mut table.filter)
                .hint_text(i18n.tr("table.filter_hint"))
                .desired_width(320.0),
        );
        if !table.filter.is_empty() && ui.button("✖").clicked() {
            table.filter.clear();
        }
    });
    let total = (0..objects.len())
        .filter(|&i| is_row(objects, i, table.buildings_only))
        .count();
    let rows = table.rows(objects).to_vec();
    ui.label(i18n.trf("table.count", &[("shown", &rows.len()), ("total", &total)]));
    ui.separator();
    let columns = table.columns.clone();
    let width = 130.0;
    egui::ScrollArea::horizontal().show(ui, |ui| {
        ui.horizontal(|ui| {
            for (c, name) in columns.iter().enumerate() {
                // The UI font has no arrow glyphs: the sort
                // direction is a drawn triangle, and said on hover.
                let ascending = match table.sort {
                    Some((s, a)) if s == c => Some(a),
                    _ => None,
                };
                // The attribute's German name where the catalogue has one
                // ("Dachform"), the raw name on hover.
                let key = format!("attr.{name}");
                let title = match i18n.tr(&key) {
                    t if t == key => name.clone(),
                    t => t.to_string(),
                };
                let mut b = ui
                    .add_sized(
                        [width, 24.0],
                        egui::Button::new(egui::RichText::new(title).strong()),
                    )
                    .on_hover_text(name);
                if let Some(up) = ascending {
                    let r = b.rect;
                    let (x, y, h) = (r.right() - 10.0, r.center().y, 4.5);
                    let tip = if up { y - h } else { y + h };
                    let base = if up { y + h } else { y - h };
                    ui.painter().add(egui::Shape::convex_polygon(
                        vec![
                            egui::pos2(x, tip),
                            egui::pos2(x + h, base),
                            egui::pos2(x - h, base),
                        ],
                        ui.visuals().strong_text_color(),
                        egui::Stroke::NONE,
                    ));
                    let key = if up {
                        "table.sorted_up"
                    } else {
                        "table.sorted_down"
                    };
                    b = b.on_hover_text(i18n.tr(key));
                }
                if b.clicked() {
                    table.sort = match table.sort {
                        Some((s, true)) if s == c => Some((c, false)),
                        Some((s, false)) if s == c => None,
                        _ => Some((c, true)),
                    };
                }
            }
        });
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for &object in &rows[range] {
                    let o = &objects[object];
                    let is_selected = selected == Some(object);
                    let mut clicked = false;
                    ui.push_id(object, |ui| {
                        ui.horizontal(|ui| {
                            for name in &columns {
                                let text = shown(name, cell(objects, object, name));
                                // Every cell exactly as wide as its
                                // header: wide letters are cut, never
                                // pushing the rest of the row along.
                                clicked |= ui
                                    .add_sized(
                                        [width, row_height - 2.0],
                                        egui::Button::selectable(is_selected, fit(&text))
                                            .truncate(),
                                    )
                                    .on_hover_text(&text)
                                    .clicked();
                            }
                        })
                    });
                    if clicked {
                        actions.push(UiAction::SelectObject(city_layer, object));
                        actions.push(UiAction::Camera(CameraCommand::FrameExtent(frame_of(o))));
                    }
                }
            });
    });
    (actions, open)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(attrs: &[(&str, &str)]) -> CityObject {
        CityObject {
            id: String::new(),
            kind: pw_city::ObjectKind::Other,
            type_name: "Feature".into(),
            parent: None,
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            surfaces: Vec::new(),
            terrain_intersection: Vec::new(),
            line: 0,
        }
    }

    fn towns() -> Vec<CityObject> {
        vec![
            obj(&[
                ("GEN", "Jena"),
                ("EWZ", "110731"),
                ("BEZ", "Kreisfreie Stadt"),
            ]),
            obj(&[("GEN", "Sömmerda"), ("EWZ", "68816"), ("BEZ", "Landkreis")]),
            obj(&[
                ("GEN", "Saale-Holzland-Kreis"),
                ("EWZ", "82950"),
                ("BEZ", "Landkreis"),
            ]),
            obj(&[("GEN", "Suhl"), ("BEZ", "Kreisfreie Stadt")]),
        ]
    }

    #[test]
    fn filters_by_text_and_by_condition() {
        let t = towns();
        assert_eq!(filtered_sorted(&t, false, "saale", None), [2]);
        assert_eq!(filtered_sorted(&t, false, "BEZ = landkreis", None), [1, 2]);
        assert_eq!(filtered_sorted(&t, false, "EWZ > 80000", None), [0, 2]);
        assert_eq!(filtered_sorted(&t, false, "EWZ <= 68816", None), [1]);
        assert_eq!(filtered_sorted(&t, false, "GEN ~ S", None), [1, 2, 3]);
        assert_eq!(filtered_sorted(&t, false, "BEZ != Landkreis", None), [0, 3]);
        // Not a field of the layer: searched as text.
        assert_eq!(
            filtered_sorted(&t, false, "Kreis = x", None),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn sorts_numbers_as_numbers_and_umlauts_as_letters() {
        let t = towns();
        // Numbers: 68816 < 82950 < 110731 (text order would put 110731 first);
        // the empty cell last both ways.
        assert_eq!(
            filtered_sorted(&t, false, "", Some(("EWZ", true))),
            [1, 2, 0, 3]
        );
        assert_eq!(
            filtered_sorted(&t, false, "", Some(("EWZ", false))),
            [0, 2, 1, 3]
        );
        // "Sömmerda" sorts as "Sommerda": after "Saale…", before "Suhl".
        assert_eq!(
            filtered_sorted(&t, false, "", Some(("GEN", true))),
            [0, 2, 1, 3]
        );
    }

    #[test]
    fn a_tree_is_framed_with_room_around_it() {
        let mut o = obj(&[]);
        o.surfaces.push(pw_city::Surface {
            id: None,
            semantic: pw_city::Semantic::Vegetation,
            lod: 2,
            lod_minor: 0,
            exterior: vec![
                [100.0, 200.0, 5.0],
                [103.0, 200.0, 5.0],
                [103.0, 203.0, 15.0],
            ],
            interiors: Vec::new(),
            looks: Vec::new(),
        });
        let f = frame_of(&o);
        assert_eq!(f.max[0] - f.min[0], MIN_FRAME);
        assert_eq!((f.min[0] + f.max[0]) / 2.0, 101.5);
        assert_eq!((f.min[2], f.max[2]), (5.0, 15.0));
    }
}

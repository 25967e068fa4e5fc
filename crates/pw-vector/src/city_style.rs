//! Symbology of a city model by its buildings' attributes — roof type,
//! function, height, year of construction — with the vector layers'
//! categorized and graduated styles: a colour per drawn building (or
//! building part), a label, and the legend. Parts without a value of their
//! own take their building's (LoD2 tiles write the roof type on the part,
//! the function on the building).

use crate::model::{FieldKind, Value};
use crate::style::{
    EntryKind, Legend, LegendEntry, Rgba, categorized, category_key, graduated, needs_field,
    no_attribute, no_numbers,
};
use crate::to_city::Label;
use pw_city::CityModel;
use pw_scene::{Style, SymbolMode};
use pw_text::Message;

/// Colours, labels and legend of a city model's buildings under a style.
#[derive(Debug, Clone, PartialEq)]
pub struct CitySymbology {
    /// Per city object; None keeps the colours by surface (roof, wall …):
    /// objects that are no buildings, and every object under a single symbol.
    pub colours: Vec<Option<Rgba>>,
    pub labels: Vec<Label>,
    pub legend: Legend,
    /// The buildings' attributes ([`building_fields`]), for the editor and
    /// the table.
    pub fields: Vec<(String, FieldKind)>,
    /// Problems with the style (unknown attribute …); drawing goes on.
    pub issues: Vec<Message>,
}

/// The buildings' attributes in the order first met, with the kind their
/// values share (numbers when every value reads as one).
pub fn building_fields(model: &CityModel) -> Vec<(String, FieldKind)> {
    let mut fields: Vec<(String, FieldKind)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    for o in model.objects.iter().filter(|o| o.is_building()) {
        for (name, text) in &o.attributes {
            let kind = match value_of(text) {
                Value::Integer(_) => FieldKind::Integer,
                Value::Real(_) => FieldKind::Real,
                Value::Null => continue,
                _ => FieldKind::Text,
            };
            match index.get(name) {
                Some(&i) => {
                    let seen: &mut FieldKind = &mut fields[i].1;
                    *seen = FieldKind::widen(Some(*seen), kind);
                }
                None => {
                    index.insert(name.clone(), fields.len());
                    fields.push((name.clone(), kind));
                }
            }
        }
    }
    fields
}

/// An attribute's text as a typed value: integers, reals (a decimal comma
/// as German exports write it), else text.
fn value_of(text: &str) -> Value {
    let t = text.trim();
    if t.is_empty() {
        return Value::Null;
    }
    // Codes with leading zeros ("0100") and ALKIS codes ("31001_1000")
    // are names, not amounts.
    let code_like = t.len() > 1 && t.starts_with('0') && !t.starts_with("0.");
    if !code_like {
        if let Ok(i) = t.parse::<i64>() {
            return Value::Integer(i);
        }
        if let Ok(x) = t.replacen(',', ".", 1).parse::<f64>()
            && x.is_finite()
            && !t.contains(['e', 'E'])
        {
            return Value::Real(x);
        }
    }
    Value::Text(t.to_string())
}

fn attribute<'a>(model: &'a CityModel, i: usize, field: &str) -> Option<&'a str> {
    pw_city::inherited_attribute(&model.objects, i, field)
}

/// The German name of a code the AdV profile defines, for the legend.
fn code_label(field: &str, value: &str) -> Option<&'static str> {
    match field {
        "roofType" => pw_city::codes::roof_type_label(value),
        "function" | "usage" => pw_city::codes::building_function_label(value),
        _ => None,
    }
}

/// Colours, labels and legend of the model's buildings under `style`.
pub fn symbolize_city(model: &CityModel, style: &Style) -> CitySymbology {
    let n = model.objects.len();
    let mut issues = Vec::new();
    // What is drawn: buildings and parts with surfaces of their own.
    let drawn: Vec<usize> = (0..n)
        .filter(|&i| {
            let o = &model.objects[i];
            o.is_building() && !o.surfaces.is_empty()
        })
        .collect();
    let fields = building_fields(model);
    let known = |f: &str| fields.iter().any(|(name, _)| name == f);
    let missing = |f: &str| no_attribute(f, fields.iter().map(|(n, _)| n.as_str()));
    let labels = match style.label_field.as_deref() {
        Some(f) if known(f) => drawn
            .iter()
            .filter_map(|&i| {
                let text = attribute(model, i, f)?.trim();
                if text.is_empty() {
                    return None;
                }
                let text = code_label(f, text).map_or_else(|| text.to_string(), str::to_string);
                Some(Label {
                    position: roof_top(model, i)?,
                    text,
                    object: i,
                })
            })
            .collect(),
        Some(f) => {
            issues.push(missing(f));
            Vec::new()
        }
        None => Vec::new(),
    };
    let mode = style.mode.unwrap_or(SymbolMode::Single);
    let unstyled = |issues: Vec<Message>, labels| CitySymbology {
        colours: vec![None; n],
        labels,
        legend: Legend {
            mode: SymbolMode::Single,
            field: None,
            entries: vec![LegendEntry {
                kind: EntryKind::Single,
                label: None,
                colour: [1.0; 4],
                count: drawn.len(),
            }],
        },
        fields: fields.clone(),
        issues,
    };
    if mode == SymbolMode::Single {
        return unstyled(issues, labels);
    }
    let Some(field) = style.field.as_deref() else {
        issues.push(needs_field());
        return unstyled(issues, labels);
    };
    if !known(field) {
        issues.push(missing(field));
        return unstyled(issues, labels);
    }
    let values: Vec<Value> = drawn
        .iter()
        .map(|&i| attribute(model, i, field).map_or(Value::Null, value_of))
        .collect();
    let (colours, mut entries) = match mode {
        SymbolMode::Categorized => {
            // Codes are grouped as text ("1000" and "1000.0" would differ).
            let texts: Vec<Value> = values
                .iter()
                .map(|v| match category_key(v) {
                    Some(k) => Value::Text(k),
                    None => Value::Null,
                })
                .collect();
            categorized(&texts.iter().collect::<Vec<_>>(), style)
        }
        SymbolMode::Graduated => {
            let numbers: Vec<Option<f64>> = values
                .iter()
                .map(|v| v.as_f64().filter(|x| x.is_finite()))
                .collect();
            if numbers.iter().all(Option::is_none) {
                issues.push(no_numbers(field));
                return unstyled(issues, labels);
            }
            graduated(&numbers, style)
        }
        SymbolMode::Single => unreachable!("returned above"),
    };
    for e in &mut entries {
        if let (None, EntryKind::Value(v)) = (&e.label, &e.kind) {
            // The name alone: citizens read "Satteldach", not "3100" (the
            // inspector shows both).
            e.label = code_label(field, v).map(str::to_string);
        }
    }
    let mut per_object = vec![None; n];
    for (&i, c) in drawn.iter().zip(colours) {
        per_object[i] = Some(c);
    }
    CitySymbology {
        colours: per_object,
        labels,
        legend: Legend {
            mode,
            field: Some(field.to_string()),
            entries,
        },
        fields,
        issues,
    }
}

/// Where a building's label stands: 2 m above the top of its box, in the
/// middle.
fn roof_top(model: &CityModel, i: usize) -> Option<[f64; 3]> {
    let e = model.objects[i].extent();
    let c = e.center();
    (!e.is_empty()).then(|| [c[0], c[1], e.max[2] + 2.0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_city::model::{ObjectKind, Semantic, Surface};

    fn building(attrs: &[(&str, &str)], parent: Option<usize>, height: f64) -> pw_city::CityObject {
        let square = |z: f64| {
            vec![
                [0.0, 0.0, z],
                [10.0, 0.0, z],
                [10.0, 10.0, z],
                [0.0, 10.0, z],
            ]
        };
        let surface = |semantic, exterior| Surface {
            id: None,
            semantic,
            lod: 2,
            lod_minor: 0,
            exterior,
            interiors: Vec::new(),
            looks: Vec::new(),
        };
        pw_city::CityObject {
            id: format!("b{height}"),
            kind: if parent.is_some() {
                ObjectKind::BuildingPart
            } else {
                ObjectKind::Building
            },
            type_name: "Building".into(),
            parent,
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            surfaces: vec![
                surface(Semantic::Roof, square(height)),
                surface(Semantic::Ground, square(0.0)),
            ],
            terrain_intersection: Vec::new(),
            line: 1,
        }
    }

    #[test]
    fn values_read_as_numbers_codes_stay_names() {
        assert_eq!(value_of("12,5"), Value::Real(12.5));
        assert_eq!(value_of("1923"), Value::Integer(1923));
        assert_eq!(value_of("0100"), Value::Text("0100".into()));
        assert_eq!(value_of("31001_1000"), Value::Text("31001_1000".into()));
        assert_eq!(value_of("1e3"), Value::Text("1e3".into()));
        assert_eq!(value_of("  "), Value::Null);
    }

    #[test]
    fn parts_take_their_buildings_value_and_codes_get_names() {
        let mut model = CityModel::default();
        // A building with the function, its part with the roof type; a
        // building of its own without a roof type.
        let mut main = building(&[("function", "31001_1000")], None, 5.0);
        main.surfaces.clear();
        model.objects.push(main);
        model.objects.push(building(
            &[("roofType", "3100"), ("function", "")],
            Some(0),
            9.0,
        ));
        model.objects.push(building(
            &[("function", "31001_2020"), ("roofType", "1000")],
            None,
            20.0,
        ));
        model
            .objects
            .push(building(&[("function", "31001_2020")], None, 14.0));
        let style = Style {
            mode: Some(SymbolMode::Categorized),
            field: Some("function".into()),
            label_field: Some("roofType".into()),
            ..Default::default()
        };
        let s = symbolize_city(&model, &style);
        assert!(s.issues.is_empty(), "{:?}", s.issues);
        // The building without surfaces is not drawn and not counted; its
        // part is, with the building's function.
        assert_eq!(s.colours[0], None);
        let entries: Vec<(Option<&str>, usize)> = s
            .legend
            .entries
            .iter()
            .map(|e| (e.label.as_deref(), e.count))
            .collect();
        assert_eq!(
            entries,
            [(Some("Bürogebäude"), 2), (Some("Wohngebäude"), 1)]
        );
        assert_eq!(s.colours[2], s.colours[3]);
        assert_ne!(s.colours[1], s.colours[2]);
        let labels: Vec<(&str, usize)> = s
            .labels
            .iter()
            .map(|l| (l.text.as_str(), l.object))
            .collect();
        assert_eq!(labels, [("Satteldach", 1), ("Flachdach", 2)]);
        assert_eq!(s.labels[0].position, [5.0, 5.0, 11.0]);
    }

    #[test]
    fn graduated_by_height_and_unknown_fields_are_named() {
        let mut model = CityModel::default();
        for h in [4.0, 8.0, 12.5, 30.0] {
            model
                .objects
                .push(building(&[("measuredHeight", &h.to_string())], None, h));
        }
        model.objects.push(building(&[], None, 3.0));
        assert_eq!(
            building_fields(&model),
            [("measuredHeight".to_string(), FieldKind::Real)]
        );
        let style = Style {
            mode: Some(SymbolMode::Graduated),
            field: Some("measuredHeight".into()),
            breaks: vec![10.0, 20.0],
            ..Default::default()
        };
        let s = symbolize_city(&model, &style);
        let counts: Vec<(EntryKind, usize)> = s
            .legend
            .entries
            .iter()
            .map(|e| (e.kind.clone(), e.count))
            .collect();
        assert_eq!(
            counts,
            [
                (EntryKind::Range(4.0, 10.0), 2),
                (EntryKind::Range(10.0, 20.0), 1),
                (EntryKind::Range(20.0, 30.0), 1),
                (EntryKind::NoValue, 1),
            ]
        );
        assert_eq!(s.colours[4], Some(crate::style::NO_VALUE));
        let wrong = Style {
            field: Some("Dachform".into()),
            ..style
        };
        let s = symbolize_city(&model, &wrong);
        assert_eq!(s.legend.mode, SymbolMode::Single);
        assert!(s.colours.iter().all(Option::is_none));
        assert_eq!(s.issues.len(), 1);
        assert_eq!(s.issues[0].key, "style.issue.no_attribute");
        assert_eq!(
            s.issues[0].to_string(),
            "style: the layer has no attribute \"Dachform\" (it has: measuredHeight)"
        );
    }
}

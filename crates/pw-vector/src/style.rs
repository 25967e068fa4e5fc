//! Symbology of a vector layer, as planners know it from QGIS: one symbol,
//! categories of an attribute, or graduated classes of a number (equal
//! interval, quantile, natural breaks) with a colour ramp — turned into a
//! colour and a label per feature and a legend.

use crate::model::{Geometry, Value, VectorData};
use pw_scene::{ClassMethod, Style, SymbolMode};
use pw_text::Message;

/// sRGB 0..1 with alpha.
pub type Rgba = [f32; 4];

/// Colour of features without a value in a categorized/graduated style.
pub const NO_VALUE: Rgba = [0.70, 0.70, 0.70, 1.0];
/// At most this many categories get a colour of their own (the rest are
/// "other"): beyond that a legend cannot be read.
pub const MAX_CATEGORIES: usize = 24;
/// Natural breaks run on at most this many values (evenly sampled), as
/// QGIS does: the method is quadratic in the values.
const JENKS_SAMPLE: usize = 3000;

/// Named ramps: stops from ColorBrewer (Cynthia Brewer, Apache-2.0) and
/// matplotlib's viridis/magma (CC0).
const RAMPS: &[(&str, &[[u8; 3]])] = &[
    (
        "viridis",
        &[
            [68, 1, 84],
            [59, 82, 139],
            [33, 145, 140],
            [94, 201, 98],
            [253, 231, 37],
        ],
    ),
    (
        "magma",
        &[
            [0, 0, 4],
            [81, 18, 124],
            [183, 55, 121],
            [252, 137, 97],
            [252, 253, 191],
        ],
    ),
    (
        "YlOrRd",
        &[
            [255, 255, 178],
            [254, 204, 92],
            [253, 141, 60],
            [240, 59, 32],
            [189, 0, 38],
        ],
    ),
    (
        "Blues",
        &[
            [239, 243, 255],
            [189, 215, 231],
            [107, 174, 214],
            [49, 130, 189],
            [8, 81, 156],
        ],
    ),
    (
        "Greens",
        &[
            [237, 248, 233],
            [186, 228, 179],
            [116, 196, 118],
            [49, 163, 84],
            [0, 109, 44],
        ],
    ),
    (
        "RdYlGn",
        &[
            [215, 25, 28],
            [253, 174, 97],
            [255, 255, 191],
            [166, 217, 106],
            [26, 150, 65],
        ],
    ),
    (
        "Spectral",
        &[
            [215, 25, 28],
            [253, 174, 97],
            [255, 255, 191],
            [171, 221, 164],
            [43, 131, 186],
        ],
    ),
];

/// Qualitative palette for categories (ColorBrewer Set3 then Paired): no
/// order implied, neighbours well apart.
const QUALITATIVE: &[[u8; 3]] = &[
    [141, 211, 199],
    [255, 255, 179],
    [190, 186, 218],
    [251, 128, 114],
    [128, 177, 211],
    [253, 180, 98],
    [179, 222, 105],
    [252, 205, 229],
    [217, 217, 217],
    [188, 128, 189],
    [204, 235, 197],
    [255, 237, 111],
    [166, 206, 227],
    [31, 120, 180],
    [178, 223, 138],
    [51, 160, 44],
    [251, 154, 153],
    [227, 26, 28],
    [253, 191, 111],
    [255, 127, 0],
    [202, 178, 214],
    [106, 61, 154],
    [255, 255, 153],
    [177, 89, 40],
];

pub fn ramp_names() -> impl Iterator<Item = &'static str> {
    RAMPS.iter().map(|(n, _)| *n).chain(std::iter::once("Set3"))
}

fn rgba(c: [u8; 3]) -> Rgba {
    [
        c[0] as f32 / 255.0,
        c[1] as f32 / 255.0,
        c[2] as f32 / 255.0,
        1.0,
    ]
}

/// Colour at `t` in 0..1 along a named ramp (viridis when unknown).
pub fn ramp_colour(name: &str, t: f64) -> Rgba {
    let stops = RAMPS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map_or(RAMPS[0].1, |(_, s)| *s);
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let i = (t.floor() as usize).min(stops.len() - 2);
    let f = (t - i as f64) as f32;
    let (a, b) = (rgba(stops[i]), rgba(stops[i + 1]));
    [
        a[0] + (b[0] - a[0]) * f,
        a[1] + (b[1] - a[1]) * f,
        a[2] + (b[2] - a[2]) * f,
        1.0,
    ]
}

/// "#rrggbb" → colour.
pub fn parse_colour(text: &str) -> Option<Rgba> {
    pw_scene::parse_hex_color(text).map(|[r, g, b]| [r, g, b, 1.0])
}

/// What a legend entry stands for; "other" and "no value" are translated
/// by the app.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryKind {
    Single,
    Value(String),
    /// [from, to) — the last class includes `to`.
    Range(f64, f64),
    Other,
    NoValue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub kind: EntryKind,
    /// A label given in the scene file, shown instead of the value.
    pub label: Option<String>,
    pub colour: Rgba,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    pub mode: SymbolMode,
    pub field: Option<String>,
    pub entries: Vec<LegendEntry>,
}

/// Colour and label of every feature, and the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbology {
    /// Per feature, in feature order; None: the default colour of its
    /// geometry (single symbol without a colour).
    pub colours: Vec<Option<Rgba>>,
    pub labels: Vec<Option<String>>,
    pub legend: Legend,
    /// Problems with the style (unknown field …); drawing goes on.
    pub issues: Vec<pw_text::Message>,
}

/// Class upper bounds for `values` (sorted ascending, finite): `classes`
/// classes by `method`; equal bounds are merged.
pub fn class_breaks(sorted: &[f64], classes: usize, method: ClassMethod) -> Vec<f64> {
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let k = classes.clamp(1, 32);
    let mut breaks: Vec<f64> = match method {
        ClassMethod::EqualInterval => (1..=k)
            .map(|i| min + (max - min) * i as f64 / k as f64)
            .collect(),
        ClassMethod::Quantile => (1..=k)
            .map(|i| {
                // Nearest rank: the value below which i/k of the data lie.
                let rank = ((i * sorted.len()).div_ceil(k)).clamp(1, sorted.len());
                sorted[rank - 1]
            })
            .collect(),
        ClassMethod::Jenks => jenks(sorted, k),
    };
    if let Some(last) = breaks.last_mut() {
        *last = max;
    }
    breaks.dedup();
    breaks
}

/// Fisher–Jenks natural breaks by dynamic programming over the (sampled)
/// sorted values: minimises the summed squared deviation within classes.
fn jenks(sorted: &[f64], k: usize) -> Vec<f64> {
    let values: Vec<f64> = if sorted.len() > JENKS_SAMPLE {
        (0..JENKS_SAMPLE)
            .map(|i| sorted[i * (sorted.len() - 1) / (JENKS_SAMPLE - 1)])
            .collect()
    } else {
        sorted.to_vec()
    };
    let n = values.len();
    let k = k.min(n);
    // Prefix sums make the cost of any run i..=j O(1).
    let mut s1 = vec![0.0; n + 1];
    let mut s2 = vec![0.0; n + 1];
    for (i, v) in values.iter().enumerate() {
        s1[i + 1] = s1[i] + v;
        s2[i + 1] = s2[i] + v * v;
    }
    let cost = |i: usize, j: usize| {
        // values[i..=j]
        let m = (j + 1 - i) as f64;
        let s = s1[j + 1] - s1[i];
        (s2[j + 1] - s2[i]) - s * s / m
    };
    // best[c][j]: least cost of values[..=j] in c + 1 classes; from[c][j]:
    // where the last class starts.
    let mut best = vec![vec![f64::INFINITY; n]; k];
    let mut from = vec![vec![0usize; n]; k];
    for (j, b) in best[0].iter_mut().enumerate() {
        *b = cost(0, j);
    }
    for c in 1..k {
        for j in c..n {
            for i in c..=j {
                let v = best[c - 1][i - 1] + cost(i, j);
                if v < best[c][j] {
                    best[c][j] = v;
                    from[c][j] = i;
                }
            }
        }
    }
    let mut breaks = vec![values[n - 1]];
    let mut j = n - 1;
    for c in (1..k).rev() {
        let start = from[c][j];
        breaks.push(values[start - 1]);
        j = start - 1;
    }
    breaks.reverse();
    breaks
}

pub(crate) fn category_key(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Text(t) if t.trim().is_empty() => None,
        other => Some(other.to_string()),
    }
}

/// "The layer has no attribute …", with the ones it has.
pub(crate) fn no_attribute<'a>(field: &str, has: impl Iterator<Item = &'a str>) -> Message {
    Message::new("style.issue.no_attribute")
        .arg("field", field)
        .arg("fields", has.collect::<Vec<_>>().join(", "))
        .english("style: the layer has no attribute \"{field}\" (it has: {fields})")
}

pub(crate) fn needs_field() -> Message {
    Message::new("style.issue.needs_field").english("style: categorized and graduated need a field")
}

pub(crate) fn no_numbers(field: &str) -> Message {
    Message::new("style.issue.no_numbers")
        .arg("field", field)
        .english("style: \"{field}\" holds no numbers; graduated needs numbers")
}

/// The colours, labels and legend of `data` under `style`.
pub fn symbolize(data: &VectorData, style: &Style) -> Symbology {
    let n = data.features.len();
    let mut issues = Vec::new();
    let mode = style.mode.unwrap_or(SymbolMode::Single);
    let field = style.field.as_deref().and_then(|f| {
        let i = data.field_index(f);
        if i.is_none() {
            issues.push(no_attribute(f, data.fields.iter().map(|f| f.name.as_str())));
        }
        i
    });
    let labels = match style.label_field.as_deref() {
        Some(l) => match data.field_index(l) {
            Some(i) => data
                .features
                .iter()
                .map(|f| f.values.get(i).and_then(category_key))
                .collect(),
            None => {
                issues.push(
                    Message::new("style.issue.no_label_attribute")
                        .arg("field", l)
                        .english("labels: the layer has no attribute \"{field}\""),
                );
                vec![None; n]
            }
        },
        None => vec![None; n],
    };
    let single_colour = style.color.as_deref().and_then(parse_colour);
    let single = |issues: Vec<pw_text::Message>, labels| Symbology {
        colours: vec![single_colour; n],
        labels,
        legend: Legend {
            mode: SymbolMode::Single,
            field: None,
            entries: vec![LegendEntry {
                kind: EntryKind::Single,
                label: None,
                colour: single_colour.unwrap_or(NO_VALUE),
                count: n,
            }],
        },
        issues,
    };
    let Some(fi) = field.filter(|_| mode != SymbolMode::Single) else {
        if mode != SymbolMode::Single && style.field.is_none() {
            issues.push(needs_field());
        }
        return single(issues, labels);
    };
    let field_name = data.fields[fi].name.clone();
    let values: Vec<&Value> = data
        .features
        .iter()
        .map(|f| f.values.get(fi).unwrap_or(&Value::Null))
        .collect();
    let (colours, entries) = match mode {
        SymbolMode::Categorized => categorized(&values, style),
        SymbolMode::Graduated => {
            let numbers: Vec<Option<f64>> = values
                .iter()
                .map(|v| v.as_f64().filter(|x| x.is_finite()))
                .collect();
            if numbers.iter().all(Option::is_none) {
                issues.push(no_numbers(&field_name));
                return single(issues, labels);
            }
            graduated(&numbers, style)
        }
        SymbolMode::Single => unreachable!(),
    };
    Symbology {
        colours: colours.into_iter().map(Some).collect(),
        labels,
        legend: Legend {
            mode,
            field: Some(field_name),
            entries,
        },
        issues,
    }
}

pub(crate) fn categorized(values: &[&Value], style: &Style) -> (Vec<Rgba>, Vec<LegendEntry>) {
    // Distinct values by count (most first), ties by value.
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for v in values.iter().filter_map(|v| category_key(v)) {
        *counts.entry(v).or_default() += 1;
    }
    let mut order: Vec<(String, usize)> = counts.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // Categories named in the scene come first, in their order.
    let mut chosen: Vec<(String, Option<Rgba>, Option<String>)> = style
        .categories
        .iter()
        .map(|c| (c.value.clone(), parse_colour(&c.color), c.label.clone()))
        .collect();
    let room = MAX_CATEGORIES.saturating_sub(chosen.len());
    chosen.extend(
        order
            .iter()
            .filter(|(v, _)| !style.categories.iter().any(|c| &c.value == v))
            .take(room)
            .map(|(v, _)| (v.clone(), None, None)),
    );
    let ramp = style
        .ramp
        .as_deref()
        .filter(|r| !r.eq_ignore_ascii_case("Set3"));
    let auto = chosen.len().max(2);
    let mut entries: Vec<LegendEntry> = chosen
        .iter()
        .enumerate()
        .map(|(i, (v, colour, label))| LegendEntry {
            kind: EntryKind::Value(v.clone()),
            label: label.clone(),
            colour: colour.unwrap_or_else(|| match ramp {
                Some(r) => ramp_colour(r, i as f64 / (auto - 1) as f64),
                None => rgba(QUALITATIVE[i % QUALITATIVE.len()]),
            }),
            count: 0,
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> = chosen
        .iter()
        .enumerate()
        .map(|(i, (v, _, _))| (v.as_str(), i))
        .collect();
    let other = entries.len();
    entries.push(LegendEntry {
        kind: EntryKind::Other,
        label: None,
        colour: [0.55, 0.55, 0.55, 1.0],
        count: 0,
    });
    entries.push(LegendEntry {
        kind: EntryKind::NoValue,
        label: None,
        colour: NO_VALUE,
        count: 0,
    });
    let colours = values
        .iter()
        .map(|v| {
            let e = match category_key(v) {
                Some(k) => index.get(k.as_str()).copied().unwrap_or(other),
                None => other + 1,
            };
            entries[e].count += 1;
            entries[e].colour
        })
        .collect();
    entries.retain(|e| e.count > 0 || matches!(e.kind, EntryKind::Value(_)));
    (colours, entries)
}

pub(crate) fn graduated(numbers: &[Option<f64>], style: &Style) -> (Vec<Rgba>, Vec<LegendEntry>) {
    let mut sorted: Vec<f64> = numbers.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    let breaks = if style.breaks.is_empty() {
        class_breaks(
            &sorted,
            style.classes.unwrap_or(5) as usize,
            style.method.unwrap_or_default(),
        )
    } else {
        let mut b = style.breaks.clone();
        b.retain(|x| x.is_finite());
        b.sort_by(f64::total_cmp);
        b.dedup();
        if b.last().is_none_or(|&l| l < max) {
            b.push(max);
        }
        b
    };
    let ramp = style.ramp.as_deref().unwrap_or("YlOrRd");
    let k = breaks.len();
    let mut entries: Vec<LegendEntry> = breaks
        .iter()
        .enumerate()
        .map(|(i, &to)| LegendEntry {
            kind: EntryKind::Range(if i == 0 { min } else { breaks[i - 1] }, to),
            label: None,
            colour: ramp_colour(
                ramp,
                if k > 1 {
                    i as f64 / (k - 1) as f64
                } else {
                    1.0
                },
            ),
            count: 0,
        })
        .collect();
    entries.push(LegendEntry {
        kind: EntryKind::NoValue,
        label: None,
        colour: NO_VALUE,
        count: 0,
    });
    let colours = numbers
        .iter()
        .map(|v| {
            // Classes are (previous bound, bound]; the first includes min.
            let e = match v {
                Some(x) => breaks.partition_point(|b| b < x).min(k - 1),
                None => k,
            };
            entries[e].count += 1;
            entries[e].colour
        })
        .collect();
    if entries[k].count == 0 {
        entries.pop();
    }
    (colours, entries)
}

/// Where a feature's label stands (x, y in its CRS): a point, the middle
/// vertex of the longest line, the centroid of the largest polygon (or a
/// vertex of it when the centroid falls outside, as in a U-shape).
pub fn label_anchor(g: &Geometry) -> Option<[f64; 2]> {
    match g {
        Geometry::Points(p) => p.first().map(|c| [c[0], c[1]]),
        Geometry::Lines(lines) => {
            let longest = lines.iter().max_by_key(|l| l.len())?;
            longest.get(longest.len() / 2).map(|c| [c[0], c[1]])
        }
        Geometry::Polygons(polys) => {
            let (area, poly) = polys
                .iter()
                .map(|p| (pw_geo::polygon::signed_area(&p.exterior).abs(), p))
                .max_by(|a, b| a.0.total_cmp(&b.0))?;
            let r = &poly.exterior;
            if area < 1e-12 {
                return r.first().map(|c| [c[0], c[1]]);
            }
            let c = ring_centroid(r);
            if crate::model::ring_contains(r, c) {
                Some(c)
            } else {
                r.first().map(|c| [c[0], c[1]])
            }
        }
    }
}

fn ring_centroid(r: &[[f64; 3]]) -> [f64; 2] {
    // Relative to the first vertex: projected coordinates are large.
    let o = r[0];
    let n = r.len();
    let (mut cx, mut cy, mut a2) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (p, q) = (r[i], r[(i + 1) % n]);
        let (px, py, qx, qy) = (p[0] - o[0], p[1] - o[1], q[0] - o[0], q[1] - o[1]);
        let cross = px * qy - qx * py;
        a2 += cross;
        cx += (px + qx) * cross;
        cy += (py + qy) * cross;
    }
    [o[0] + cx / (3.0 * a2), o[1] + cy / (3.0 * a2)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_interval_and_quantile_breaks() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(
            class_breaks(&v, 3, ClassMethod::EqualInterval),
            [4.0, 7.0, 10.0]
        );
        // Nearest rank: 2/5, 4/5 … of ten values.
        assert_eq!(
            class_breaks(&v, 5, ClassMethod::Quantile),
            [2.0, 4.0, 6.0, 8.0, 10.0]
        );
        // Few distinct values: duplicate bounds merge.
        assert_eq!(
            class_breaks(&[1.0, 1.0, 1.0, 2.0], 4, ClassMethod::Quantile),
            [1.0, 2.0]
        );
    }

    #[test]
    fn natural_breaks_find_the_clusters() {
        let v = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 20.0, 21.0, 22.0];
        assert_eq!(class_breaks(&v, 3, ClassMethod::Jenks), [3.0, 12.0, 22.0]);
        let v = [
            0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0,
            16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0,
        ];
        let b = class_breaks(&v, 3, ClassMethod::Jenks);
        // Evenly spread data: natural breaks split evenly.
        assert_eq!(b, [9.0, 19.0, 29.0]);
    }

    #[test]
    fn ramps_run_from_first_to_last_stop() {
        assert_eq!(ramp_colour("YlOrRd", 0.0), rgba([255, 255, 178]));
        assert_eq!(ramp_colour("YlOrRd", 1.0), rgba([189, 0, 38]));
        assert_eq!(ramp_colour("unknown", 0.0), rgba([68, 1, 84]));
        let mid = ramp_colour("Blues", 0.125);
        assert!(mid[0] < 239.0 / 255.0 && mid[0] > 189.0 / 255.0);
    }

    #[test]
    fn labels_sit_inside_u_shapes() {
        use crate::model::Polygon;
        let u = vec![
            [0.0, 0.0, 0.0],
            [3.0, 0.0, 0.0],
            [3.0, 3.0, 0.0],
            [2.0, 3.0, 0.0],
            [2.0, 1.0, 0.0],
            [1.0, 1.0, 0.0],
            [1.0, 3.0, 0.0],
            [0.0, 3.0, 0.0],
        ];
        let square = Geometry::Polygons(vec![Polygon {
            exterior: vec![
                [10.0, 10.0, 0.0],
                [12.0, 10.0, 0.0],
                [12.0, 12.0, 0.0],
                [10.0, 12.0, 0.0],
            ],
            interiors: vec![],
        }]);
        assert_eq!(label_anchor(&square), Some([11.0, 11.0]));
        let a = label_anchor(&Geometry::Polygons(vec![Polygon {
            exterior: u.clone(),
            interiors: vec![],
        }]))
        .unwrap();
        assert!(
            crate::model::ring_contains(&u, a) || u.iter().any(|c| c[0] == a[0] && c[1] == a[1])
        );
    }
}

//! B − A of two results of one analysis: per ground cell (same grid), per
//! facade sample (same object and place), per point or line (same id),
//! per KPI (same key). Where only one side has a value (a building removed
//! or added) there is no difference, and a note says how many — except
//! for quantities where missing means 0 (traffic on a road added or
//! closed). Named lines that changed most are listed among the KPIs.

use crate::result::{
    AnalysisResult, Column, FacadeSample, FacadeValues, Feature, FeatureValues, GroundRaster, Kpi,
};
use pw_terrain::Grid;
use pw_text::Message;
use std::collections::{HashMap, HashSet};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CompareError {
    #[error("the results come from different analyses ({0} and {1})")]
    Analyses(String, String),
    #[error(
        "the two results cover different grids ({0}): run both with the same area and cell size"
    )]
    Grid(String),
    #[error("the two results have nothing in common to compare")]
    Nothing,
}

impl CompareError {
    pub fn message(&self) -> Message {
        let key = match self {
            CompareError::Analyses(..) => "analysis.compare_analyses",
            CompareError::Grid(_) => "analysis.compare_grid",
            CompareError::Nothing => "analysis.compare_nothing",
        };
        Message::new(key).english(&self.to_string())
    }
}

/// `b − a` per cell; NaN where either is NaN.
pub fn grid_difference(a: &Grid, b: &Grid) -> Result<Grid, CompareError> {
    let same = a.width == b.width
        && a.height == b.height
        && (a.x0 - b.x0).abs() < 1e-6
        && (a.y0 - b.y0).abs() < 1e-6
        && (a.dx - b.dx).abs() < 1e-9
        && (a.dy - b.dy).abs() < 1e-9;
    if !same {
        return Err(CompareError::Grid(format!(
            "{}×{} at {:.2},{:.2} step {} vs {}×{} at {:.2},{:.2} step {}",
            a.width, a.height, a.x0, a.y0, a.dx, b.width, b.height, b.x0, b.y0, b.dx
        )));
    }
    let mut out = b.clone();
    for (o, av) in out.values.iter_mut().zip(&a.values) {
        *o -= *av;
    }
    Ok(out)
}

/// Samples are the same place when object and position agree to 1 cm.
fn sample_key(ids: &[String], s: &FacadeSample) -> (String, [i64; 3]) {
    (
        ids.get(s.object as usize).cloned().unwrap_or_default(),
        s.position.map(|v| (v * 100.0).round() as i64),
    )
}

fn facade_difference(a: &FacadeValues, b: &FacadeValues, notes: &mut Vec<Message>) -> FacadeValues {
    let before: HashMap<_, f32> = a
        .samples
        .iter()
        .map(|s| (sample_key(&a.object_ids, s), s.value))
        .collect();
    let mut matched = HashSet::new();
    let mut samples = Vec::new();
    let mut only_b = 0;
    for s in &b.samples {
        let key = sample_key(&b.object_ids, s);
        match before.get(&key) {
            Some(v) => {
                samples.push(FacadeSample {
                    value: s.value - v,
                    ..s.clone()
                });
                matched.insert(key);
            }
            None => only_b += 1,
        }
    }
    let only_a = a
        .samples
        .iter()
        .filter(|s| !matched.contains(&sample_key(&a.object_ids, s)))
        .count();
    if only_a + only_b > 0 {
        notes.push(
            Message::new("analysis.compare_unmatched")
                .arg("a", only_a)
                .arg("b", only_b)
                .english("{a} facade samples only in A and {b} only in B (removed or new buildings) have no difference"),
        );
    }
    FacadeValues {
        quantity: b.quantity.clone(),
        object_ids: b.object_ids.clone(),
        samples,
        spacing: b.spacing,
        // Per-sample columns do not subtract meaningfully.
        columns: Vec::new(),
    }
}

/// Points and lines are the same when their ids agree (a receiver, a road
/// link); the value is B's minus A's. Where missing counts as 0
/// ([`FeatureValues::absent_is_zero`]), a feature of one side only is
/// there with its whole value (a new road gains all it carries). Names
/// (a `name` column) go along.
fn feature_difference(
    a: &FeatureValues,
    b: &FeatureValues,
    notes: &mut Vec<Message>,
) -> FeatureValues {
    let names = |f: &FeatureValues| -> Vec<String> {
        f.columns
            .iter()
            .find_map(|c| match c {
                Column::Texts("name", v) => Some(v.clone()),
                _ => None,
            })
            .unwrap_or_default()
    };
    let (names_a, names_b) = (names(a), names(b));
    // Numbers both sides have per feature (a link's travel time, its
    // volume / capacity): B − A of each, NaN where one side lacks it.
    let numbers: Vec<(&'static str, &Vec<f32>, &Vec<f32>)> = b
        .columns
        .iter()
        .filter_map(|cb| match cb {
            Column::Numbers(name, vb) => a.columns.iter().find_map(|ca| match ca {
                Column::Numbers(n, va) if n == name => Some((*name, va, vb)),
                _ => None,
            }),
            _ => None,
        })
        .collect();
    let mut differences: Vec<Vec<f32>> = vec![Vec::new(); numbers.len()];
    let before: HashMap<&str, (usize, f32)> = a
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), (i, f.value)))
        .collect();
    let mut matched = HashSet::new();
    let mut features = Vec::new();
    let mut feature_names = Vec::new();
    let mut only_b = 0;
    let zero = b.absent_is_zero;
    for (i, f) in b.features.iter().enumerate() {
        let value = match before.get(f.id.as_str()) {
            Some(&(k, v)) => {
                matched.insert(f.id.as_str());
                for (d, (_, va, vb)) in differences.iter_mut().zip(&numbers) {
                    let (x, y) = (va.get(k).copied(), vb.get(i).copied());
                    d.push(match (x, y) {
                        (Some(x), Some(y)) => y - x,
                        _ => f32::NAN,
                    });
                }
                f.value - v
            }
            None if zero => {
                for d in differences.iter_mut() {
                    d.push(f32::NAN);
                }
                f.value
            }
            None => {
                only_b += 1;
                continue;
            }
        };
        features.push(Feature { value, ..f.clone() });
        feature_names.push(names_b.get(i).cloned().unwrap_or_default());
    }
    let mut only_a = 0;
    for (i, f) in a.features.iter().enumerate() {
        if matched.contains(f.id.as_str()) {
            continue;
        }
        if zero {
            for d in differences.iter_mut() {
                d.push(f32::NAN);
            }
            features.push(Feature {
                value: -f.value,
                ..f.clone()
            });
            feature_names.push(names_a.get(i).cloned().unwrap_or_default());
        } else {
            only_a += 1;
        }
    }
    if only_a + only_b > 0 {
        notes.push(
            Message::new("analysis.compare_unmatched_features")
                .arg("a", only_a)
                .arg("b", only_b)
                .english("{a} points or lines only in A and {b} only in B have no difference"),
        );
    }
    let mut columns: Vec<Column> = numbers
        .iter()
        .zip(differences)
        .map(|((name, _, _), d)| Column::Numbers(name, d))
        .collect();
    if feature_names.iter().any(|n| !n.is_empty()) {
        columns.push(Column::Texts("name", feature_names));
    }
    FeatureValues {
        quantity: b.quantity.clone(),
        features,
        columns,
        absent_is_zero: zero,
    }
}

/// How many named features B − A lists as the most changed.
pub const MOST_CHANGED: usize = 10;

/// The named features (streets) that changed most: per name its largest
/// change (by size, with its sign), the largest first; unnamed ones and
/// changes below 0.5 left out.
pub fn most_changed(diff: &FeatureValues, n: usize) -> Vec<(String, f32)> {
    let Some(names) = diff.columns.iter().find_map(|c| match c {
        Column::Texts("name", v) => Some(v),
        _ => None,
    }) else {
        return Vec::new();
    };
    let mut by_name: HashMap<&str, f32> = HashMap::new();
    for (f, name) in diff.features.iter().zip(names) {
        if name.is_empty() || !f.value.is_finite() {
            continue;
        }
        let e = by_name.entry(name.as_str()).or_insert(0.0);
        if f.value.abs() > e.abs() {
            *e = f.value;
        }
    }
    let mut list: Vec<(String, f32)> = by_name
        .into_iter()
        .filter(|(_, v)| v.abs() >= 0.5)
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    list.sort_by(|x, y| y.1.abs().total_cmp(&x.1.abs()).then(x.0.cmp(&y.0)));
    list.truncate(n);
    list
}

/// B − A. `a` is the reference (Bestand, before), `b` the variant.
pub fn difference(a: &AnalysisResult, b: &AnalysisResult) -> Result<AnalysisResult, CompareError> {
    // One analysis in two modes (rain and river level) is two analyses.
    let kind = |r: &AnalysisResult| match r.stamp.get("param_mode") {
        Some(mode) => format!("{} ({mode})", r.stamp.analysis),
        None => r.stamp.analysis.clone(),
    };
    if kind(a) != kind(b) {
        return Err(CompareError::Analyses(kind(a), kind(b)));
    }
    let mut notes = Vec::new();
    let ground = match (&a.ground, &b.ground) {
        (Some(ga), Some(gb)) => Some(GroundRaster {
            grid: grid_difference(&ga.grid, &gb.grid)?,
            quantity: gb.quantity.clone(),
            // B − A of the worst; the runs' frames are not subtracted.
            frames: None,
        }),
        _ => None,
    };
    let facades = match (&a.facades, &b.facades) {
        (Some(fa), Some(fb)) => Some(facade_difference(fa, fb, &mut notes)),
        _ => None,
    };
    let features = match (&a.features, &b.features) {
        (Some(fa), Some(fb)) => Some(feature_difference(fa, fb, &mut notes)),
        _ => None,
    };
    let mut kpis: Vec<Kpi> = b
        .kpis
        .iter()
        .filter_map(|kb| {
            let ka = a.kpi(&kb.key)?;
            Some(Kpi {
                value: kb.value - ka.value,
                ..kb.clone()
            })
        })
        .collect();
    if ground.is_none()
        && facades.as_ref().is_none_or(|f| f.samples.is_empty())
        && features.as_ref().is_none_or(|f| f.features.is_empty())
        && kpis.is_empty()
    {
        return Err(CompareError::Nothing);
    }
    // Where the ground got less or more (the sun-hours "m² lose sun, m²
    // gain sun"): read off at a glance, for every analysis with a raster.
    if let Some(g) = &ground {
        let cell = g.grid.dx * g.grid.dy;
        let count =
            |f: &dyn Fn(f32) -> bool| g.grid.values.iter().filter(|v| f(**v)).count() as f64 * cell;
        kpis.insert(
            0,
            Kpi::new(
                "ground_more_m2",
                Message::new("analysis.kpi_more").english("ground with more"),
                count(&|v| v > 0.01),
                "m²",
                0,
            ),
        );
        kpis.insert(
            0,
            Kpi::new(
                "ground_less_m2",
                Message::new("analysis.kpi_less").english("ground with less"),
                count(&|v| v < -0.01),
                "m²",
                0,
            ),
        );
    }
    // The most changed streets (or any named points and lines), as rows
    // of the key figures: read as a table, exported with them.
    if let Some(f) = &features {
        for (k, (name, change)) in most_changed(f, MOST_CHANGED).into_iter().enumerate() {
            kpis.push(Kpi::new(
                &format!("most_changed_{}", k + 1),
                Message::new("analysis.kpi_most_changed")
                    .arg("n", k + 1)
                    .arg("name", name)
                    .english("Largest change {n}: {name}"),
                change as f64,
                f.quantity.unit,
                0,
            ));
        }
    }
    let mut stamp = b.stamp.clone();
    stamp
        .details
        .push(("difference".into(), format!("{} − {}", b.label, a.label)));
    Ok(AnalysisResult {
        label: format!("Δ {} → {}", a.label, b.label),
        stamp,
        ground,
        facades,
        features,
        kpis,
        notes,
        crs: b.crs,
        difference_of: Some((a.label.clone(), b.label.clone())),
        section: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legend::Legend;
    use crate::result::{Kpi, Quantity, RunStamp};

    fn grid(w: usize, v: f32) -> Grid {
        Grid {
            width: w,
            height: 1,
            x0: 0.0,
            y0: 0.0,
            dx: 1.0,
            dy: 1.0,
            values: vec![v; w],
            crs: None,
        }
    }

    fn quantity() -> Quantity {
        Quantity {
            key: "q",
            label: "q",
            unit: "h",
            legend: Legend::new("q", "h", &[(0.0, [0, 0, 0])]),
            difference_legend: Legend::difference("d", "h", 0.5, 2.0),
        }
    }

    fn sample(object: u32, x: f64, value: f32) -> FacadeSample {
        FacadeSample {
            position: [x, 0.0, 10.0],
            normal: [1.0, 0.0, 0.0],
            object,
            surface_id: None,
            kind: "wall",
            area: 1.0,
            value,
        }
    }

    fn result(
        label: &str,
        ground: f32,
        facades: Vec<FacadeSample>,
        ids: &[&str],
        kpi: f64,
    ) -> AnalysisResult {
        AnalysisResult {
            label: label.into(),
            stamp: RunStamp {
                analysis: "t".into(),
                ..Default::default()
            },
            ground: Some(GroundRaster {
                grid: grid(2, ground),
                quantity: quantity(),
                frames: None,
            }),
            facades: Some(FacadeValues {
                quantity: quantity(),
                object_ids: ids.iter().map(|s| s.to_string()).collect(),
                samples: facades,
                spacing: 1.0,
                columns: vec![],
            }),
            features: None,
            kpis: vec![Kpi::new("k", Message::new("k"), kpi, "m²", 0)],
            notes: vec![],
            crs: None,
            difference_of: None,
            section: None,
        }
    }

    #[test]
    fn b_minus_a_per_cell_sample_and_kpi() {
        // A: buildings "x" and "y"; B: "y" (now listed first) and a new "z".
        let a = result(
            "A",
            5.0,
            vec![
                sample(0, 1.0, 2.0),
                sample(1, 2.0, 3.0),
                sample(1, 2.0, 3.0),
            ],
            &["x", "y"],
            100.0,
        );
        let b = result(
            "B",
            3.5,
            vec![sample(0, 2.0, 4.5), sample(1, 9.0, 1.0)],
            &["y", "z"],
            80.0,
        );
        let d = difference(&a, &b).unwrap();
        assert_eq!(d.ground.as_ref().unwrap().grid.values, vec![-1.5, -1.5]);
        assert_eq!(d.kpi("ground_less_m2").unwrap().value, 2.0);
        assert_eq!(d.kpi("ground_more_m2").unwrap().value, 0.0);
        let f = d.facades.as_ref().unwrap();
        assert_eq!(f.samples.len(), 1);
        assert_eq!(f.samples[0].value, 1.5);
        assert_eq!(f.object_ids[f.samples[0].object as usize], "y");
        // "x" only in A; both of A's (repeated) "y" samples matched; "z" only in B.
        assert_eq!(
            d.notes[0].args,
            [
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "1".to_string())
            ]
        );
        assert_eq!(d.kpi("k").unwrap().value, -20.0);
        assert_eq!(d.difference_of, Some(("A".into(), "B".into())));
        assert_eq!(d.label, "Δ A → B");
    }

    #[test]
    fn different_grids_or_analyses_are_refused() {
        let a = result("A", 5.0, vec![], &[], 1.0);
        let mut b = result("B", 3.5, vec![], &[], 1.0);
        b.ground.as_mut().unwrap().grid = grid(3, 1.0);
        assert!(matches!(difference(&a, &b), Err(CompareError::Grid(_))));
        b.stamp.analysis = "other".into();
        assert!(matches!(
            difference(&a, &b),
            Err(CompareError::Analyses(..))
        ));
        assert_eq!(
            difference(&a, &b).unwrap_err().message().key,
            "analysis.compare_analyses"
        );
    }

    #[test]
    fn b_minus_a_of_points_and_lines_by_id() {
        use crate::result::FeatureGeometry;
        let pts = |vals: &[(&str, f32)]| FeatureValues {
            quantity: quantity(),
            features: vals
                .iter()
                .map(|(id, v)| Feature {
                    id: id.to_string(),
                    geometry: FeatureGeometry::Point([0.0, 0.0, 0.0]),
                    value: *v,
                })
                .collect(),
            columns: vec![],
            absent_is_zero: false,
        };
        let mut a = result("A", 1.0, vec![], &[], 0.0);
        let mut b = result("B", 1.0, vec![], &[], 0.0);
        a.features = Some(pts(&[("r1", 60.0), ("r2", 55.0), ("alt", 50.0)]));
        b.features = Some(pts(&[("r2", 58.5), ("r1", 57.0), ("neu", 40.0)]));
        let d = difference(&a, &b).unwrap();
        let f = d.features.unwrap();
        let by: Vec<(&str, f32)> = f
            .features
            .iter()
            .map(|x| (x.id.as_str(), x.value))
            .collect();
        assert_eq!(by, [("r2", 3.5), ("r1", -3.0)]);
        let note = d
            .notes
            .iter()
            .find(|n| n.key == "analysis.compare_unmatched_features")
            .unwrap();
        assert_eq!(
            note.to_string(),
            "1 points or lines only in A and 1 only in B have no difference"
        );
    }

    /// Traffic-like lines (missing = 0): a road only in B gains all it
    /// carries, one only in A loses all; the streets that changed most
    /// come as rows of the key figures, by name, largest change first.
    #[test]
    fn lines_of_one_side_count_from_zero_and_the_most_changed_are_listed() {
        use crate::result::FeatureGeometry;
        let lines = |vals: &[(&str, &str, f32)]| FeatureValues {
            quantity: quantity(),
            features: vals
                .iter()
                .map(|(id, _, v)| Feature {
                    id: id.to_string(),
                    geometry: FeatureGeometry::Line(vec![[0.0; 3], [1.0, 0.0, 0.0]]),
                    value: *v,
                })
                .collect(),
            columns: vec![
                Column::Numbers("minutes", vals.iter().map(|(_, _, v)| v / 100.0).collect()),
                Column::Texts("name", vals.iter().map(|(_, n, _)| n.to_string()).collect()),
            ],
            absent_is_zero: true,
        };
        let mut a = result("A", 1.0, vec![], &[], 0.0);
        let mut b = result("B", 1.0, vec![], &[], 0.0);
        a.features = Some(lines(&[
            ("l1", "Hauptstraße", 800.0),
            ("l2", "Hauptstraße", 700.0),
            ("l3", "Gartenweg", 50.0),
            ("alt", "Brücke", 300.0),
        ]));
        b.features = Some(lines(&[
            ("l1", "Hauptstraße", 500.0),
            ("l2", "Hauptstraße", 750.0),
            ("l3", "Gartenweg", 50.2),
            ("neu", "Neue Straße 1", 420.0),
        ]));
        let d = difference(&a, &b).unwrap();
        let f = d.features.as_ref().unwrap();
        let by: Vec<(&str, f32)> = f
            .features
            .iter()
            .map(|x| (x.id.as_str(), x.value))
            .collect();
        assert_eq!(
            by,
            [
                ("l1", -300.0),
                ("l2", 50.0),
                ("l3", 0.20000076),
                ("neu", 420.0),
                ("alt", -300.0)
            ]
        );
        assert!(
            d.notes
                .iter()
                .all(|n| n.key != "analysis.compare_unmatched_features")
        );
        // Per-link numbers differ too; a road of one side has none.
        let Column::Numbers("minutes", minutes) = &f.columns[0] else {
            panic!("{:?}", f.columns)
        };
        assert_eq!(&minutes[..2], &[-3.0, 0.5]);
        assert!(minutes[3].is_nan() && minutes[4].is_nan());
        assert_eq!(
            most_changed(f, 10),
            vec![
                ("Neue Straße 1".to_string(), 420.0),
                ("Brücke".to_string(), -300.0),
                ("Hauptstraße".to_string(), -300.0),
            ]
        );
        let rows: Vec<(String, f64)> = d
            .kpis
            .iter()
            .filter(|k| k.key.starts_with("most_changed_"))
            .map(|k| (k.label.to_string(), k.value))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("Largest change 1: Neue Straße 1".to_string(), 420.0),
                ("Largest change 2: Brücke".to_string(), -300.0),
                ("Largest change 3: Hauptstraße".to_string(), -300.0),
            ]
        );
    }
}

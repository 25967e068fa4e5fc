//! B − A of two results of one analysis: per ground cell (same grid), per
//! facade sample (same object and place), per KPI (same key). Where only
//! one side has a value (a building removed or added) there is no
//! difference, and a note says how many.

use crate::result::{
    AnalysisResult, FacadeSample, FacadeValues, Feature, FeatureValues, GroundRaster, Kpi,
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
/// link); the value is B's minus A's.
fn feature_difference(
    a: &FeatureValues,
    b: &FeatureValues,
    notes: &mut Vec<Message>,
) -> FeatureValues {
    let before: HashMap<&str, f32> = a
        .features
        .iter()
        .map(|f| (f.id.as_str(), f.value))
        .collect();
    let mut matched = HashSet::new();
    let mut features = Vec::new();
    let mut only_b = 0;
    for f in &b.features {
        match before.get(f.id.as_str()) {
            Some(v) => {
                features.push(Feature {
                    value: f.value - v,
                    ..f.clone()
                });
                matched.insert(f.id.as_str());
            }
            None => only_b += 1,
        }
    }
    let only_a = a
        .features
        .iter()
        .filter(|f| !matched.contains(f.id.as_str()))
        .count();
    if only_a + only_b > 0 {
        notes.push(
            Message::new("analysis.compare_unmatched_features")
                .arg("a", only_a)
                .arg("b", only_b)
                .english("{a} points or lines only in A and {b} only in B have no difference"),
        );
    }
    FeatureValues {
        quantity: b.quantity.clone(),
        features,
        columns: Vec::new(),
    }
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
}

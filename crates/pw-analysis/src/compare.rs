//! B − A of two results of one analysis: per ground cell (same grid), per
//! facade sample (same object and place), per KPI (same key). Where only
//! one side has a value (a building removed or added) there is no
//! difference, and a note says how many.

use crate::message::Message;
use crate::result::{AnalysisResult, FacadeSample, FacadeValues, GroundRaster, Kpi};
use pw_terrain::Grid;
use std::collections::HashMap;

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
    let mut samples = Vec::new();
    let mut only_b = 0;
    for s in &b.samples {
        match before.get(&sample_key(&b.object_ids, s)) {
            Some(v) => samples.push(FacadeSample {
                value: s.value - v,
                ..s.clone()
            }),
            None => only_b += 1,
        }
    }
    let only_a = a.samples.len() - (b.samples.len() - only_b);
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

/// B − A. `a` is the reference (Bestand, before), `b` the variant.
pub fn difference(a: &AnalysisResult, b: &AnalysisResult) -> Result<AnalysisResult, CompareError> {
    if a.stamp.analysis != b.stamp.analysis {
        return Err(CompareError::Analyses(
            a.stamp.analysis.clone(),
            b.stamp.analysis.clone(),
        ));
    }
    let mut notes = Vec::new();
    let ground = match (&a.ground, &b.ground) {
        (Some(ga), Some(gb)) => Some(GroundRaster {
            grid: grid_difference(&ga.grid, &gb.grid)?,
            quantity: gb.quantity.clone(),
        }),
        _ => None,
    };
    let facades = match (&a.facades, &b.facades) {
        (Some(fa), Some(fb)) => Some(facade_difference(fa, fb, &mut notes)),
        _ => None,
    };
    let kpis: Vec<Kpi> = b
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
    if ground.is_none() && facades.as_ref().is_none_or(|f| f.samples.is_empty()) && kpis.is_empty()
    {
        return Err(CompareError::Nothing);
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
        features: None,
        kpis,
        notes,
        crs: b.crs,
        difference_of: Some((a.label.clone(), b.label.clone())),
    })
}

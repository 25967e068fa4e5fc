//! `mode = line`: whether two points see each other, what stands between
//! first, and the section along the line.

use super::*;

impl ViewAnalysis {
    pub(super) fn run_line(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let a = observer(values, "observer")?;
        let b = values.point("target").ok_or_else(|| {
            said(
                "view.no_target",
                "Pick the point to look at on the map first.",
            )
        })?;
        if (b.x - a.x).hypot(b.y - a.y) < 1e-6 {
            return Err(said(
                "view.same_points",
                "The two points are the same: pick a second point elsewhere.",
            ));
        }
        // A margin so both ends have neighbours; coarser cells for long lines.
        let asked = values.number("cell");
        let span = (b.x - a.x).abs().max((b.y - a.y).abs()) + 4.0 * asked;
        let other = (b.x - a.x).abs().min((b.y - a.y).abs()) + 4.0 * asked;
        let cell = asked.max((span * other / LINE_CELLS).sqrt());
        let margin = 2.0 * cell;
        let area = pw_shadow::Area::new(
            a.x.min(b.x) - margin,
            a.y.min(b.y) - margin,
            a.x.max(b.x) + margin,
            a.y.max(b.y) + margin,
        );
        control.set_stage("surface");
        let around = Surroundings::of(s, area, cell, values.flag("buildings"));
        control.check()?;
        let (eye, _) = around.eye(a, values.number("eye")).map_err(view_error)?;
        let (target, _) = around
            .eye(b, values.number("target_height"))
            .map_err(view_error)?;
        let drop = values.number("curvature") / (2.0 * crate::EARTH_RADIUS);
        let line = profile::profile(
            &around.surface,
            Some(&around.ground),
            eye,
            target,
            drop,
            cell / 2.0,
        );
        // The eye may have moved off a building: distances along its line.
        let length = line.length;
        if length < 1e-6 {
            return Err(said(
                "view.same_points",
                "The two points are the same: pick a second point elsewhere.",
            ));
        }
        // Exact answers near buildings: the triangles themselves, and the
        // terrain alone along the line.
        let bvh = Bvh::new(around.obstacles.triangles.clone());
        let block = around.first_block(&bvh, eye, target, drop, cell, 1.0);
        let at = |t: f64| [0, 1, 2].map(|k| eye[k] + t * (target[k] - eye[k]));
        let mut features = Vec::new();
        let mut notes = Vec::new();
        match &block {
            Some((t, what)) => {
                features.push(Feature {
                    id: "seen".into(),
                    geometry: FeatureGeometry::Line(vec![eye, at(*t)]),
                    value: 1.0,
                });
                features.push(Feature {
                    id: "hidden".into(),
                    geometry: FeatureGeometry::Line(vec![at(*t), target]),
                    value: 0.0,
                });
                features.push(Feature {
                    id: what.clone(),
                    geometry: FeatureGeometry::Point(at(*t)),
                    value: 0.0,
                });
                let m = format!("{:.0}", t * length);
                notes.push(if what == "terrain" {
                    Message::new("view.blocked_by_terrain")
                        .arg("m", &m)
                        .english("The terrain hides the target, {m} m from the eye.")
                } else {
                    Message::new("view.blocked_by")
                        .arg("id", what)
                        .arg("m", &m)
                        .english("{id} hides the target, {m} m from the eye.")
                });
            }
            None => {
                features.push(Feature {
                    id: "seen".into(),
                    geometry: FeatureGeometry::Line(vec![eye, target]),
                    value: 1.0,
                });
                notes.push(
                    Message::new("view.clear_line")
                        .arg("m", format!("{:.1}", line.clearance.max(0.0)))
                        .english("Clear view: the sight line passes at least {m} m above everything in between."),
                );
            }
        }
        let kpis = vec![
            Kpi::new(
                "visible",
                Message::new("view.kpi_visible").english("target visible (1 = yes)"),
                if block.is_none() { 1.0 } else { 0.0 },
                "",
                0,
            ),
            Kpi::new(
                "length_m",
                Message::new("view.kpi_length").english("length of the sight line"),
                line.length,
                "m",
                0,
            ),
            Kpi::new(
                "clearance_m",
                Message::new("view.kpi_clearance")
                    .english("clearance over the surface (negative: hidden by)"),
                line.clearance,
                "m",
                1,
            ),
            Kpi::new(
                "block_m",
                Message::new("view.kpi_block").english("distance to the first obstruction"),
                block.as_ref().map_or(f64::NAN, |(t, _)| t * length),
                "m",
                0,
            ),
        ];
        let series = |f: &dyn Fn(&profile::ProfilePoint) -> f64| {
            line.points.iter().map(f).collect::<Vec<f64>>()
        };
        Ok(AnalysisResult {
            label: format!("{:.0} m", line.length),
            stamp: RunStamp {
                details: vec![
                    ("method".into(), "sight line against the building triangles and the terrain; section over the surface model".into()),
                    ("eye".into(), format!("{:.2}, {:.2}, {:.2} m", eye[0], eye[1], eye[2])),
                    ("target".into(), format!("{:.2}, {:.2}, {:.2} m", target[0], target[1], target[2])),
                    ("cell_m".into(), format!("{cell}")),
                ],
                ..Default::default()
            },
            ground: None,
            facades: None,
            features: Some(FeatureValues {
                quantity: visible_quantity(),
                features,
                columns: Vec::new(),
                absent_is_zero: false,
            }),
            kpis,
            notes,
            crs: s.site.crs,
            difference_of: None,
            section: Some(Section {
                title: "view.section",
                unit: "m",
                distance: series(&|p| p.distance),
                series: vec![
                    ("view.section_ground", series(&|p| p.ground as f64)),
                    ("view.section_surface", series(&|p| p.surface as f64)),
                    ("view.section_sight", series(&|p| p.sight)),
                ],
            }),
        })
    }
}

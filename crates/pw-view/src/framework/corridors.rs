//! `mode = corridors`: the scene's protected views, checked in this
//! scenario.

use super::*;

/// One protected view checked: which sight lines across it are blocked,
/// by what, and how far the highest intrusion rises above the line.
struct CorridorCheck {
    blocked: usize,
    rays: usize,
    blockers: Vec<String>,
    depth: f64,
    hits: Vec<[f64; 3]>,
}

impl ViewAnalysis {
    /// The scene's protected views in this scenario: sight lines from the
    /// eye across the target's width, against the building triangles and
    /// the terrain.
    pub(super) fn run_corridors(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        if s.view_corridors.is_empty() {
            return Err(said(
                "view.no_corridors",
                "The scene has no protected views: add them to the scene file as [[view_corridors]] with name, from = [E, N, Z], to = [E, N, Z] and width (m).",
            ));
        }
        let drop = values.number("curvature") / (2.0 * crate::EARTH_RADIUS);
        let mut kpis = Vec::new();
        let mut notes = Vec::new();
        let mut features = Vec::new();
        let mut intruded = 0;
        for (k, c) in s.view_corridors.iter().enumerate() {
            control.set_stage(&c.name);
            control.set_progress(k as f32 / s.view_corridors.len() as f32);
            let check = self.check_corridor(values, s, c, drop)?;
            control.check()?;
            let value = if check.blocked > 0 { 1.0 } else { 0.0 };
            intruded += (check.blocked > 0) as usize;
            let share = check.blocked as f64 / check.rays as f64 * 100.0;
            kpis.push(Kpi::new(
                &format!("corridor_{}_blocked_pct", k + 1),
                Message::new("view.kpi_corridor_blocked")
                    .arg("name", &c.name)
                    .english("{name}: share of the view blocked"),
                share,
                "%",
                0,
            ));
            kpis.push(Kpi::new(
                &format!("corridor_{}_depth_m", k + 1),
                Message::new("view.kpi_corridor_depth")
                    .arg("name", &c.name)
                    .english("{name}: how far it is blocked above the sight line"),
                check.depth,
                "m",
                1,
            ));
            notes.push(if check.blocked == 0 {
                Message::new("view.corridor_free")
                    .arg("name", &c.name)
                    .english("{name}: the view is free.")
            } else {
                Message::new("view.corridor_blocked")
                    .arg("name", &c.name)
                    .arg("ids", check.blockers.join(", "))
                    .arg("pct", format!("{share:.0}"))
                    .arg("m", format!("{:.1}", check.depth))
                    .english("{name}: {ids} stand in the view ({pct} % of it, up to {m} m above the sight line).")
            });
            // The wedge: both edges and the far side, red where blocked.
            let (left, right) = corridor_ends(c);
            for (part, line) in [
                ("left", vec![c.from, left]),
                ("right", vec![c.from, right]),
                ("target", vec![left, right]),
            ] {
                features.push(Feature {
                    id: format!("{}:{part}", c.name),
                    geometry: FeatureGeometry::Line(line),
                    value,
                });
            }
            for (n, hit) in check.hits.iter().enumerate() {
                features.push(Feature {
                    id: format!("{}:hit{}", c.name, n + 1),
                    geometry: FeatureGeometry::Point(*hit),
                    value: 1.0,
                });
            }
        }
        kpis.insert(
            0,
            Kpi::new(
                "corridors_blocked",
                Message::new("view.kpi_corridors_blocked").english("protected views blocked"),
                intruded as f64,
                "",
                0,
            ),
        );
        Ok(AnalysisResult {
            label: format!("{} / {}", intruded, s.view_corridors.len()),
            stamp: RunStamp {
                details: vec![
                    (
                        "method".into(),
                        format!(
                            "{CORRIDOR_RAYS} sight lines across each corridor against the building triangles and the terrain; {TARGET_SURROUNDS_M} m around the target belong to it"
                        ),
                    ),
                    (
                        "corridors".into(),
                        s.view_corridors
                            .iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                ],
                ..Default::default()
            },
            ground: None,
            facades: None,
            features: Some(FeatureValues {
                quantity: corridor_quantity(),
                features,
                columns: Vec::new(),
                absent_is_zero: false,
            }),
            kpis,
            notes,
            crs: s.site.crs,
            difference_of: None,
            section: None,
        })
    }

    fn check_corridor(
        &self,
        values: &ParamValues,
        s: &Scenario,
        c: &pw_analysis::scenario::ViewCorridor,
        drop: f64,
    ) -> Result<CorridorCheck, AnalysisError> {
        let (left, right) = corridor_ends(c);
        let xs = [c.from[0], left[0], right[0]];
        let ys = [c.from[1], left[1], right[1]];
        let (x0, x1) = (
            xs.iter().copied().fold(f64::INFINITY, f64::min),
            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let (y0, y1) = (
            ys.iter().copied().fold(f64::INFINITY, f64::min),
            ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let asked = values.number("cell");
        let cell =
            asked.max(((x1 - x0 + 4.0 * asked) * (y1 - y0 + 4.0 * asked) / LINE_CELLS).sqrt());
        let area = pw_shadow::Area::new(x0, y0, x1, y1).grown(2.0 * cell);
        let around = Surroundings::of(s, area, cell, values.flag("buildings"));
        let bvh = Bvh::new(around.obstacles.triangles.clone());
        let rays = if c.width > 0.0 { CORRIDOR_RAYS } else { 1 };
        let mut check = CorridorCheck {
            blocked: 0,
            rays,
            blockers: Vec::new(),
            depth: 0.0,
            hits: Vec::new(),
        };
        for r in 0..rays {
            let f = if rays == 1 {
                0.5
            } else {
                r as f64 / (rays - 1) as f64
            };
            let target = [0, 1, 2].map(|i| left[i] + f * (right[i] - left[i]));
            let length = (target[0] - c.from[0]).hypot(target[1] - c.from[1]);
            let last = 1.0 - TARGET_SURROUNDS_M / length.max(TARGET_SURROUNDS_M * 2.0);
            let hit = around.first_block(&bvh, c.from, target, drop, cell, last);
            if let Some((t, what)) = hit {
                check.blocked += 1;
                if !check.blockers.contains(&what) {
                    check.blockers.push(what);
                }
                check
                    .hits
                    .push([0, 1, 2].map(|i| c.from[i] + t * (target[i] - c.from[i])));
                // How far the surface rises above this sight line, short of
                // the target's surroundings.
                let line =
                    profile::profile(&around.surface, None, c.from, target, drop, cell / 2.0);
                let depth = line
                    .points
                    .iter()
                    .filter(|p| p.distance > cell && p.distance < last * length)
                    .map(|p| p.surface as f64 - p.sight)
                    .fold(0.0f64, f64::max);
                check.depth = check.depth.max(depth);
            }
        }
        Ok(check)
    }
}

/// The corridor's target edge: the target moved half the width to either
/// side, across the view.
fn corridor_ends(c: &pw_analysis::scenario::ViewCorridor) -> ([f64; 3], [f64; 3]) {
    let (dx, dy) = (c.to[0] - c.from[0], c.to[1] - c.from[1]);
    let l = dx.hypot(dy).max(1e-9);
    let (px, py) = (-dy / l * c.width / 2.0, dx / l * c.width / 2.0);
    (
        [c.to[0] + px, c.to[1] + py, c.to[2]],
        [c.to[0] - px, c.to[1] - py, c.to[2]],
    )
}

//! `mode = object`: from where a building is seen, and how much of it.

use super::*;

/// The building a tap on the map means: of those whose box holds the
/// point, the smallest (a tower, not the block around it).
pub fn object_at(s: &Scenario, x: f64, y: f64) -> Option<(String, pw_geo::Extent3)> {
    s.objects()
        .filter(|o| o.is_building())
        .map(|o| (o.id.clone(), o.extent()))
        .filter(|(_, e)| {
            !e.is_empty() && e.min[0] <= x && x <= e.max[0] && e.min[1] <= y && y <= e.max[1]
        })
        .min_by(|a, b| {
            let size = |e: &pw_geo::Extent3| (e.max[0] - e.min[0]) * (e.max[1] - e.min[1]);
            size(&a.1).total_cmp(&size(&b.1))
        })
}

impl ViewAnalysis {
    /// From where a building is seen, and how much of it: a viewshed from
    /// every sample on its walls and roofs (sight lines run both ways),
    /// counted at people's eye height on a lattice over the area.
    pub(super) fn run_object(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let at = values.point("object_at").ok_or_else(|| {
            said(
                "view.no_object",
                "Tap the building or planned volume to look at first.",
            )
        })?;
        let a = values.area("area").ok_or_else(|| {
            said(
                "view.no_area",
                "Choose the area it is looked at from first.",
            )
        })?;
        let (cell, step, eye_height) = (
            values.number("cell"),
            values.number("step"),
            values.number("eye"),
        );
        let (id, e) = object_at(s, at.x, at.y).ok_or_else(|| {
            said(
                "view.no_object_here",
                "No building stands at the tapped point in this variant: tap a building, or choose the variant it belongs to.",
            )
        })?;
        let sampled = pw_shadow::Area::new(e.min[0], e.min[1], e.max[0], e.max[1]);
        let region = pw_shadow::Area::new(
            a.min[0].min(e.min[0]),
            a.min[1].min(e.min[1]),
            a.max[0].max(e.max[0]),
            a.max[1].max(e.max[1]),
        )
        .grown(2.0 * cell + step);
        let cells = region.width() / cell * region.height() / cell;
        at_most_cells(cells)?;
        control.set_stage("surface");
        let around = Surroundings::around(s, sampled, region, cell, true);
        control.check()?;
        // Its walls and roofs, sampled at most MOST_OBJECT_SAMPLES times.
        let surfaces: Vec<pw_shadow::obstacles::SampleSurface> = around
            .obstacles
            .surfaces
            .iter()
            .filter(|x| around.obstacles.object_ids[x.object as usize] == id)
            .cloned()
            .collect();
        let total: f64 = surfaces
            .iter()
            .flat_map(|x| &x.triangles)
            .map(|t| triangle_area(t))
            .sum();
        if total <= 0.0 {
            return Err(said(
                "view.no_object_here",
                "No building stands at the tapped point in this variant: tap a building, or choose the variant it belongs to.",
            ));
        }
        let spacing = (total / MOST_OBJECT_SAMPLES)
            .sqrt()
            .max(values.number("spacing"));
        let samples = pw_shadow::samples::sample(&surfaces, spacing as f32, |_| true);
        // The lattice of observers over the area: their cells in the surface.
        let (nx, ny) = (
            (a.width() / step).ceil().max(1.0) as usize,
            (a.height() / step).ceil().max(1.0) as usize,
        );
        let g = &around.surface;
        // People on the streets only, or everywhere open.
        let on_roads = (values.text("observers") == "roads").then(|| on_roads(s, &a, step, nx, ny));
        let lattice: Vec<Option<usize>> = (0..nx * ny)
            .map(|k| {
                if on_roads.as_ref().is_some_and(|on| !on[k]) {
                    return None;
                }
                let x = a.min[0] + ((k % nx) as f64 + 0.5) * step;
                let y = a.max[1] - ((k / nx) as f64 + 0.5) * step;
                let c = ((x - g.x0) / g.dx).floor() as isize;
                let r = ((g.y0 - y) / g.dy).floor() as isize;
                if c < 0 || r < 0 || c as usize >= g.width || r as usize >= g.height {
                    return None;
                }
                let i = r as usize * g.width + c as usize;
                let open = !around.model.building[i] && g.values[i].is_finite();
                open.then_some(i)
            })
            .collect();
        let mut seen = vec![0.0f64; nx * ny];
        let o = around.obstacles.origin;
        let mut used = 0usize;
        let curvature = values.number("curvature");
        control.set_stage("viewsheds");
        for (k, x) in samples.iter().enumerate() {
            let n = surfaces[x.surface as usize].normal;
            let p = o.to_world(x.position);
            // Just off the wall or the roof: from further out the air in
            // front of it would be seen, not it (a flat roof from below).
            let eye = [0, 1, 2].map(|i| p[i] + 0.05 * n[i] as f64);
            let mut sight = Sight::new(eye);
            sight.target_height = eye_height;
            sight.curvature = curvature;
            let Ok(vs) = rays::viewshed(g, &sight, None) else {
                continue;
            };
            used += 1;
            for (acc, cell) in seen.iter_mut().zip(&lattice) {
                if let Some(i) = cell
                    && vs.grid.values[*i] == 1.0
                {
                    *acc += x.area as f64;
                }
            }
            control.check()?;
            control.set_progress(k as f32 / samples.len() as f32);
        }
        let area_sampled: f64 = samples.iter().map(|x| x.area as f64).sum();
        let share: Vec<f32> = seen
            .iter()
            .zip(&lattice)
            .map(|(v, cell)| match cell {
                Some(_) => (v / area_sampled.max(1e-9) * 100.0) as f32,
                None => f32::NAN,
            })
            .collect();
        let open = share.iter().filter(|v| v.is_finite()).count();
        let step_m2 = step * step;
        let count = |from: f32| share.iter().filter(|v| **v >= from).count() as f64;
        let kpis = vec![
            Kpi::new(
                "seen_from_m2",
                Message::new("view.kpi_seen_from").english("area it is seen from"),
                count(0.5) * step_m2,
                "m²",
                0,
            ),
            Kpi::new(
                "seen_from_share",
                Message::new("view.kpi_seen_from_share")
                    .english("share of the open area it is seen from"),
                count(0.5) / open.max(1) as f64 * 100.0,
                "%",
                1,
            ),
            Kpi::new(
                "seen_25_m2",
                Message::new("view.kpi_seen_25")
                    .english("area a quarter of it or more is seen from"),
                count(25.0) * step_m2,
                "m²",
                0,
            ),
            Kpi::new(
                "most_seen_share",
                Message::new("view.kpi_most_seen").english("most of it seen from one place"),
                share
                    .iter()
                    .copied()
                    .filter(|v| v.is_finite())
                    .fold(0.0f32, f32::max) as f64,
                "%",
                0,
            ),
            Kpi::new(
                "object_m2",
                Message::new("view.kpi_object_area").english("its wall and roof area"),
                total,
                "m²",
                0,
            ),
        ];
        let top = [at.x, at.y, e.max[2]];
        Ok(AnalysisResult {
            label: id.clone(),
            stamp: RunStamp {
                details: vec![
                    ("method".into(), "a viewshed (rays, R2) from every sample on its walls and roofs, 5 cm out; sight lines run both ways".into()),
                    ("object".into(), id.clone()),
                    ("samples".into(), format!("{used} of {} m spacing", (spacing * 10.0).round() / 10.0)),
                    ("observers".into(), format!("{nx} × {ny} every {step} m, eyes {eye_height} m above the ground")),
                    ("cells".into(), format!("{} × {} of {} m", g.width, g.height, cell)),
                ],
                ..Default::default()
            },
            ground: Some(GroundRaster {
                grid: Grid {
                    width: nx,
                    height: ny,
                    x0: a.min[0],
                    y0: a.max[1],
                    dx: step,
                    dy: step,
                    values: share,
                    crs: s.site.crs,
                },
                quantity: share_quantity(),
                frames: None,
            }),
            facades: None,
            features: Some(FeatureValues {
                quantity: share_quantity(),
                features: vec![Feature {
                    id: id.clone(),
                    geometry: FeatureGeometry::Point(top),
                    value: 100.0,
                }],
                columns: Vec::new(),
                absent_is_zero: false,
            }),
            kpis,
            notes: Vec::new(),
            crs: s.site.crs,
            difference_of: None,
            section: None,
        })
    }
}

fn triangle_area(t: &[[f32; 3]; 3]) -> f64 {
    let u = [0, 1, 2].map(|k| (t[1][k] - t[0][k]) as f64);
    let v = [0, 1, 2].map(|k| (t[2][k] - t[0][k]) as f64);
    let c = [
        u[1] * v[2] - u[2] * v[1],
        u[2] * v[0] - u[0] * v[2],
        u[0] * v[1] - u[1] * v[0],
    ];
    0.5 * (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]).sqrt()
}

/// Which points of the lattice over `a` (every `step` m, row by row from
/// the north) lie on a road, path or square of the scenario (its traffic
/// surfaces).
fn on_roads(s: &Scenario, a: &pw_analysis::Area, step: f64, nx: usize, ny: usize) -> Vec<bool> {
    let mut on = vec![false; nx * ny];
    let mut triangulator = pw_city::triangulate::Triangulator::new();
    for o in s.objects() {
        let e = o.extent();
        if e.is_empty()
            || e.max[0] < a.min[0]
            || e.min[0] > a.max[0]
            || e.max[1] < a.min[1]
            || e.min[1] > a.max[1]
        {
            continue;
        }
        for surface in o
            .surfaces
            .iter()
            .filter(|x| x.semantic == pw_city::Semantic::Traffic)
        {
            let Some(t) = triangulator.triangulate(&surface.exterior, &surface.interiors) else {
                continue;
            };
            let points: Vec<[f64; 3]> = surface
                .exterior
                .iter()
                .chain(surface.interiors.iter().flatten())
                .copied()
                .collect();
            for c in t.indices.chunks_exact(3) {
                let [p, q, r] = [0, 1, 2].map(|k| points[c[k] as usize]);
                let (x0, x1) = (p[0].min(q[0]).min(r[0]), p[0].max(q[0]).max(r[0]));
                let (y0, y1) = (p[1].min(q[1]).min(r[1]), p[1].max(q[1]).max(r[1]));
                // Lattice columns and rows whose points may lie inside.
                let col = |x: f64| ((x - a.min[0]) / step - 0.5).clamp(0.0, nx as f64 - 1.0);
                let row = |y: f64| ((a.max[1] - y) / step - 0.5).clamp(0.0, ny as f64 - 1.0);
                for j in row(y1).floor() as usize..=row(y0).ceil() as usize {
                    for i in col(x0).floor() as usize..=col(x1).ceil() as usize {
                        let x = a.min[0] + (i as f64 + 0.5) * step;
                        let y = a.max[1] - (j as f64 + 0.5) * step;
                        if inside(p, q, r, x, y) {
                            on[j * nx + i] = true;
                        }
                    }
                }
            }
        }
    }
    on
}

/// Whether (x, y) lies in the triangle p q r (either winding, edges in).
fn inside(p: [f64; 3], q: [f64; 3], r: [f64; 3], x: f64, y: f64) -> bool {
    let side = |a: [f64; 3], b: [f64; 3]| (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    let (d1, d2, d3) = (side(p, q), side(q, r), side(r, p));
    let negative = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let positive = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(negative && positive)
}

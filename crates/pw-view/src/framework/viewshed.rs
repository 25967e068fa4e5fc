//! `mode = viewshed`: what the observer sees of the ground, and of the
//! walls and roofs around.

use super::*;

/// What the eye sees of the ground around it, and where it stands.
pub(super) struct GroundView {
    /// The viewshed with the buildings' cells cut out (roofs are the
    /// facade samples' part).
    pub grid: Grid,
    /// The distance asked for reaches past the surface's edge.
    pub beyond_data: bool,
    pub eye: [f64; 3],
    pub stands: &'static str,
    pub sight: Sight,
}

/// The viewshed of the observer at `p` over `around`, by `method`: what a
/// run and a live preview (dragging the observer) share.
pub(super) fn ground_view(
    around: &Surroundings,
    values: &ParamValues,
    p: Point,
    method: Method,
    control: Option<&JobControl>,
) -> Result<GroundView, AnalysisError> {
    let (eye, stands) = around.eye(p, values.number("eye")).map_err(view_error)?;
    let sight = sight_of(values, eye);
    let vs: Viewshed = match method {
        Method::Exact => exact::viewshed(&around.surface, &sight, control),
        Method::Rays => rays::viewshed(&around.surface, &sight, control),
        Method::Sweep => sweep::viewshed(&around.surface, &sight, control),
    }
    .map_err(view_error)?;
    // The ground raster shows ground: roofs are covered by the samples. The
    // viewshed's window lies on the model's cells (both snap to whole
    // cells), so one offset finds a row's cells in the model.
    let Viewshed {
        mut grid,
        beyond_data,
        ..
    } = vs;
    let m = &around.model;
    if grid.width > 0 && grid.height > 0 {
        let (x, y) = grid.cell_centre(0, 0);
        let (c0, r0) = (
            ((x - m.x0) / m.cell).floor() as isize,
            ((m.y0 - y) / m.cell).floor() as isize,
        );
        for (r, row) in grid.values.chunks_mut(grid.width).enumerate() {
            let mr = r0 + r as isize;
            if mr < 0 || mr as usize >= m.height {
                continue;
            }
            for (c, v) in row.iter_mut().enumerate() {
                let mc = c0 + c as isize;
                if mc >= 0
                    && (mc as usize) < m.width
                    && m.building[mr as usize * m.width + mc as usize]
                {
                    *v = f32::NAN;
                }
            }
        }
    }
    Ok(GroundView {
        grid,
        beyond_data,
        eye,
        stands,
        sight,
    })
}

impl ViewAnalysis {
    pub(super) fn run_viewshed(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let p = observer(values, "observer")?;
        let distance = values.number("distance");
        let cell = values.number("cell");
        let cells = (2.0 * distance / cell).powi(2);
        at_most_cells(cells)?;
        let area = pw_shadow::Area::new(
            p.x - distance,
            p.y - distance,
            p.x + distance,
            p.y + distance,
        );
        control.set_stage("surface");
        let around = Surroundings::of(s, area, cell, values.flag("buildings"));
        control.check()?;
        let method = method(values);
        control.set_stage("viewshed");
        let GroundView {
            grid,
            beyond_data,
            eye,
            stands,
            sight,
        } = ground_view(&around, values, p, method, Some(control))?;
        control.check()?;
        let looked = grid.values.iter().filter(|v| v.is_finite()).count();
        let seen = grid.values.iter().filter(|v| **v == 1.0).count();
        let cell_m2 = grid.dx * grid.dy;
        let farthest = grid
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v == 1.0)
            .map(|(k, _)| {
                let (x, y) = grid.cell_centre(k % grid.width, k / grid.width);
                (x - eye[0]).hypot(y - eye[1])
            })
            .fold(0.0f64, f64::max);
        control.set_stage("facades");
        let facades = values
            .flag("facades")
            .then(|| self.facades(values, &around, &sight, control))
            .transpose()?;
        let ground_z = around.ground.height(eye[0], eye[1]).unwrap_or(f64::NAN);
        let mut kpis = vec![
            Kpi::new(
                "visible_m2",
                Message::new("view.kpi_visible_area").english("visible ground"),
                seen as f64 * cell_m2,
                "m²",
                0,
            ),
            Kpi::new(
                "visible_share",
                Message::new("view.kpi_visible_share")
                    .english("share of the ground looked at that is visible"),
                seen as f64 / looked.max(1) as f64 * 100.0,
                "%",
                1,
            ),
            Kpi::new(
                "farthest_m",
                Message::new("view.kpi_farthest").english("farthest visible ground"),
                farthest,
                "m",
                0,
            ),
            Kpi::new(
                "eye_m",
                Message::new("view.kpi_eye").english("eye height (above sea level)"),
                eye[2],
                "m",
                1,
            ),
            Kpi::new(
                "eye_above_ground_m",
                Message::new("view.kpi_eye_above_ground").english("eye above the ground"),
                eye[2] - ground_z,
                "m",
                1,
            ),
        ];
        if let Some(f) = &facades {
            let visible: Vec<&FacadeSample> = f.samples.iter().filter(|x| x.value == 1.0).collect();
            let mut seen_objects: Vec<u32> = visible.iter().map(|x| x.object).collect();
            seen_objects.sort_unstable();
            seen_objects.dedup();
            kpis.push(Kpi::new(
                "facade_visible_m2",
                Message::new("view.kpi_facade_area").english("visible wall and roof area"),
                visible.iter().map(|x| x.area as f64).sum(),
                "m²",
                0,
            ));
            kpis.push(Kpi::new(
                "buildings_seen",
                Message::new("view.kpi_buildings_seen").english("buildings seen"),
                seen_objects.len() as f64,
                "",
                0,
            ));
        }
        let mut notes = Vec::new();
        // Cells within the distance without heights: past the terrain.
        let unknown = {
            let g = &around.surface;
            let max2 = distance * distance;
            (0..g.values.len()).any(|k| {
                let (x, y) = g.cell_centre(k % g.width, k / g.width);
                g.values[k].is_nan() && (x - eye[0]).powi(2) + (y - eye[1]).powi(2) <= max2
            })
        };
        if beyond_data || unknown {
            notes.push(Message::new("view.beyond_data").english(
                "The distance reaches past the terrain's edge: nothing is known beyond it, so the view ends there.",
            ));
        }
        if stands == "wall" {
            notes.push(Message::new("view.on_wall").english(
                "The observer was picked on a wall: the eye is that point, looking out as from a window.",
            ));
        }
        if stands == "moved" {
            notes.push(
                Message::new("view.moved")
                    .arg("m", format!("{:.0}", (eye[0] - p.x).hypot(eye[1] - p.y)))
                    .english("The point lay on a building: the observer stands on the nearest open ground, {m} m away."),
            );
        }
        let method = match method {
            Method::Exact => "exact: a sight line to every cell against the bilinear surface (R3)",
            Method::Rays => "rays to the window's edge carrying the steepest slope (R2)",
            Method::Sweep => {
                "sweep: sight-line heights carried outwards from the eye (Wang et al. 2000, as gdal_viewshed)"
            }
        };
        Ok(AnalysisResult {
            label: format!("{:.0} m · {:.0}, {:.0}", distance, p.x, p.y),
            stamp: RunStamp {
                details: vec![
                    ("method".into(), method.into()),
                    (
                        "eye".into(),
                        format!("{:.2}, {:.2}, {:.2} m ({stands})", eye[0], eye[1], eye[2]),
                    ),
                    (
                        "cells".into(),
                        format!("{} × {} of {} m", grid.width, grid.height, cell),
                    ),
                    (
                        "obstacles".into(),
                        around.obstacles.object_count.to_string(),
                    ),
                    (
                        "curvature".into(),
                        format!("{} (R = {} m)", sight.curvature, crate::EARTH_RADIUS),
                    ),
                ],
                ..Default::default()
            },
            ground: Some(GroundRaster {
                grid,
                quantity: visible_quantity(),
                frames: None,
            }),
            facades,
            features: Some(FeatureValues {
                quantity: visible_quantity(),
                features: vec![Feature {
                    id: "observer".into(),
                    geometry: FeatureGeometry::Point(eye),
                    value: 1.0,
                }],
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

    /// Samples on the walls and roofs within the distance: 1 where the eye
    /// sees them (facing it, no triangle and no terrain in between).
    fn facades(
        &self,
        values: &ParamValues,
        around: &Surroundings,
        sight: &Sight,
        control: &JobControl,
    ) -> Result<FacadeValues, AnalysisError> {
        let o = around.obstacles.origin;
        let eye_local = o.to_local(sight.eye);
        let max = if sight.max_distance > 0.0 {
            sight.max_distance as f32
        } else {
            f32::INFINITY
        };
        let samples = pw_shadow::samples::sample(
            &around.obstacles.surfaces,
            values.number("spacing") as f32,
            |p| (p[0] - eye_local[0]).hypot(p[1] - eye_local[1]) <= max,
        );
        control.check()?;
        let bvh = Bvh::new(around.obstacles.triangles.clone());
        let drop = sight.drop_per_m2();
        let eye_grid = GridPoint::of(&around.ground, sight.eye);
        let out: Vec<FacadeSample> = samples
            .par_iter()
            .filter_map(|x| {
                let surface = &around.obstacles.surfaces[x.surface as usize];
                let n = surface.normal;
                let p = x.position;
                let to_eye = [0, 1, 2].map(|k| eye_local[k] - p[k]);
                let (dx, dy) = (-to_eye[0] as f64, -to_eye[1] as f64);
                let world = o.to_world(p);
                let up = world[2] - drop * (dx * dx + dy * dy) - sight.eye[2];
                if !sight.looks_at(dx, dy, up) {
                    return None;
                }
                let facing = to_eye[0] * n[0] + to_eye[1] * n[1] + to_eye[2] * n[2] > 0.0;
                let visible = facing && {
                    let start = [0, 1, 2].map(|k| p[k] + n[k] * 0.05);
                    let dir = [0, 1, 2].map(|k| eye_local[k] - start[k]);
                    !bvh.blocked(start, dir, 1e-4, 1.0 - 1e-4)
                        && exact::clear(
                            &around.ground,
                            eye_grid,
                            GridPoint::of(&around.ground, world),
                            drop,
                        )
                };
                Some(FacadeSample {
                    position: world,
                    normal: n,
                    object: surface.object,
                    surface_id: surface.surface_id.clone(),
                    kind: surface.kind.name(),
                    area: x.area,
                    value: if visible { 1.0 } else { 0.0 },
                })
            })
            .collect();
        control.check()?;
        Ok(FacadeValues {
            quantity: visible_quantity(),
            object_ids: around.obstacles.object_ids.clone(),
            samples: out,
            spacing: values.number("spacing") as f32,
            columns: Vec::new(),
        })
    }
}

//! The plan's key figures as an analysis of the framework: run on
//! "Bestand" and on each variant, the framework lists them, compares them
//! (B − A) and exports the table (CSV) like any other analysis.
//!
//! Counts what the variant builds (its new buildings: footprint, gross
//! floor area from storeys, height), demolishes and plants or fells, and
//! the change of the area built over and of the area sealed (buildings
//! and the surfaces it paves or unseals). With a plot polygon (a
//! feature of a vector layer, or drawn) it also gives what a
//! Bebauungsplan asks of the plot: GRZ and GFZ of every building standing
//! on it as the scenario has them (kept, moved and new), the area built
//! over, GRZ II with the surfaces the variant paves there, and the trees on
//! it; new buildings not wholly on the plot are
//! named in a note.

use crate::polygon;
use crate::surface::{self, SurfaceKind, surface_kind_of};
use crate::tree::is_tree;
use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Estimate, JobControl, Kpi, Message, ParamSpec,
    ParamValues, Scenario,
};
use pw_city::{CityObject, ObjectKind, Semantic};
use std::collections::HashSet;

pub struct PlanFiguresAnalysis;

/// No building is wider than this (m): a corner this far from a plot puts
/// its centre off the plot.
const FARTHEST_CORNER_M: f64 = 2_000.0;

/// Storey height assumed where a building does not say its storeys.
pub const ASSUMED_STOREY_M: f64 = 3.0;

/// Footprint of a building (or part): its ground surfaces, else the roof
/// surfaces seen from above (LoD2 models without ground surfaces).
pub fn footprint_m2(o: &CityObject) -> f64 {
    let area = |sem: Semantic| -> f64 {
        o.surfaces
            .iter()
            .filter(|s| s.semantic == sem)
            .map(|s| {
                let flat = |r: &Vec<[f64; 3]>| r.iter().map(|p| [p[0], p[1]]).collect::<Vec<_>>();
                polygon::area(&flat(&s.exterior))
                    - s.interiors
                        .iter()
                        .map(|h| polygon::area(&flat(h)))
                        .sum::<f64>()
            })
            .sum()
    };
    let ground = area(Semantic::Ground);
    if ground > 0.0 {
        return ground;
    }
    let roof = area(Semantic::Roof);
    if roof > 0.0 {
        return roof;
    }
    // Meshes without semantics (glTF designs): what faces up, seen from
    // above, is the roof.
    o.surfaces
        .iter()
        .filter(|s| {
            let n = pw_city::triangulate::newell_normal(&s.exterior);
            let l = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
            l > 0.0 && n[2] / l > 0.3
        })
        .map(|s| polygon::area(&s.exterior.iter().map(|p| [p[0], p[1]]).collect::<Vec<_>>()))
        .sum()
}

fn is_building(o: &CityObject) -> bool {
    matches!(o.kind, ObjectKind::Building | ObjectKind::BuildingPart)
}

/// Storeys above ground as written, else from the height at
/// [`ASSUMED_STOREY_M`] (at least one); the flag says "estimated".
fn storeys(o: &CityObject) -> (f64, bool) {
    if let Some(n) = o
        .attribute("storeysAboveGround")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|n| n.is_finite() && *n >= 0.0)
    {
        return (n, false);
    }
    let e = o.extent();
    (
        ((e.max[2] - e.min[2]) / ASSUMED_STOREY_M).round().max(1.0),
        true,
    )
}

fn centre(o: &CityObject) -> [f64; 2] {
    let e = o.extent();
    [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0]
}

fn message(key: &str, english: &str) -> Message {
    Message::new(format!("plan.kpi_{key}")).english(english)
}

impl Analysis for PlanFiguresAnalysis {
    fn id(&self) -> &'static str {
        "plan"
    }

    fn title(&self) -> &'static str {
        "plan.figures_title"
    }

    fn version(&self) -> &'static str {
        "3"
    }

    fn params(&self) -> Vec<ParamSpec> {
        vec![ParamSpec::polygon("plot", "plan.plot").optional()]
    }

    fn estimate(&self, _: &ParamValues, s: &Scenario) -> Result<Estimate, AnalysisError> {
        let n: usize = s
            .layers
            .iter()
            .map(|l| l.model.objects.len())
            .sum::<usize>()
            + s.edits.added.iter().map(|m| m.objects.len()).sum::<usize>();
        Ok(Estimate {
            seconds: 2e-6 * n as f64,
            size: format!("{n} objects"),
        })
    }

    fn run(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        control.check()?;
        let added: Vec<&CityObject> = s
            .edits
            .added
            .iter()
            .flat_map(|m| m.objects.iter())
            .collect();
        let new: Vec<&CityObject> = added
            .iter()
            .copied()
            .filter(|o| is_building(o) && o.parent.is_none())
            .collect();
        let planted = added.iter().filter(|o| is_tree(o)).count();
        let surface_m2 = |kind: SurfaceKind| -> f64 {
            added
                .iter()
                .filter(|o| surface_kind_of(o) == Some(kind))
                .map(|o| surface::object_area(o))
                .sum()
        };
        let (paved, unsealed) = (
            surface_m2(SurfaceKind::Sealed),
            surface_m2(SurfaceKind::Unsealed),
        );
        let area: f64 = new.iter().map(|o| footprint_m2(o)).sum();
        let gross: f64 = new.iter().map(|o| footprint_m2(o) * storeys(o).0).sum();
        let height = new
            .iter()
            .map(|o| {
                let e = o.extent();
                e.max[2] - e.min[2]
            })
            .fold(0.0, f64::max);
        // What the removals take away: buildings with their parts, trees.
        let (mut demolished, mut demolished_m2, mut felled) = (0usize, 0.0, 0usize);
        let mut found: HashSet<&str> = HashSet::new();
        for layer in &s.layers {
            let m = &layer.model;
            let gone = s.edits.removed_mask(m);
            for (o, _) in m.objects.iter().zip(&gone).filter(|(_, g)| **g) {
                if s.edits.removed.contains(&o.id) {
                    found.insert(o.id.as_str());
                }
                if is_building(o) {
                    demolished += (o
                        .parent
                        .is_none_or(|p| !gone.get(p).copied().unwrap_or(false)))
                        as usize;
                    demolished_m2 += footprint_m2(o);
                } else if is_tree(o) {
                    felled += 1;
                }
            }
            control.check()?;
        }
        let mut kpis = vec![
            Kpi::new(
                "new_buildings",
                message("new_buildings", "new buildings"),
                new.len() as f64,
                "",
                0,
            ),
            Kpi::new(
                "footprint_m2",
                message("footprint_m2", "footprint of new buildings (Grundfläche)"),
                area,
                "m²",
                0,
            ),
            Kpi::new(
                "gross_floor_m2",
                message("gross_floor_m2", "gross floor area of new buildings (BGF)"),
                gross,
                "m²",
                0,
            ),
            Kpi::new(
                "max_height_m",
                message("max_height_m", "highest new building"),
                height,
                "m",
                1,
            ),
            Kpi::new(
                "removed_buildings",
                message("removed_buildings", "buildings demolished"),
                demolished as f64,
                "",
                0,
            ),
            Kpi::new(
                "sealed_change_m2",
                message(
                    "sealed_change_m2",
                    "area built over, change (new − demolished)",
                ),
                area - demolished_m2,
                "m²",
                0,
            ),
            Kpi::new(
                "paved_m2",
                message("paved_m2", "surfaces paved (drawn)"),
                paved,
                "m²",
                0,
            ),
            Kpi::new(
                "unsealed_m2",
                message("unsealed_m2", "surfaces unsealed (drawn)"),
                unsealed,
                "m²",
                0,
            ),
            Kpi::new(
                "sealing_change_m2",
                message(
                    "sealing_change_m2",
                    "sealed area, change (built over + paved − demolished − unsealed)",
                ),
                area - demolished_m2 + paved - unsealed,
                "m²",
                0,
            ),
            Kpi::new(
                "trees_planted",
                message("trees_planted", "trees planted"),
                planted as f64,
                "",
                0,
            ),
            Kpi::new(
                "trees_felled",
                message("trees_felled", "trees felled"),
                felled as f64,
                "",
                0,
            ),
        ];
        let mut notes = Vec::new();
        let missing: Vec<&str> = s
            .edits
            .removed
            .iter()
            .map(|id| id.as_str())
            .filter(|id| !found.contains(id))
            .collect();
        if !missing.is_empty() && !s.layers.is_empty() {
            notes.push(
                Message::new("plan.removed_missing")
                    .arg("ids", missing.join(", "))
                    .english("to be removed but not in the scene's visible layers: {ids}"),
            );
        }
        if let Some(plot) = values.polygon("plot") {
            let plot_m2 = polygon::area(plot);
            let (mut built, mut floor, mut trees, mut estimated) = (0.0, 0.0, 0usize, 0usize);
            let mut plot_paved = 0.0;
            // The plot's box first: most of a city lies outside it.
            let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
            for p in plot {
                lo = [lo[0].min(p[0]), lo[1].min(p[1])];
                hi = [hi[0].max(p[0]), hi[1].max(p[1])];
            }
            let on_plot = |c: [f64; 2]| {
                c[0] >= lo[0]
                    && c[0] <= hi[0]
                    && c[1] >= lo[1]
                    && c[1] <= hi[1]
                    && polygon::contains(plot, c)
            };
            // An object whose first corner lies farther from the plot's box
            // than any building is wide cannot have its centre on the plot:
            // skipped without measuring it (most of a city).
            let near = |o: &CityObject| {
                o.surfaces
                    .first()
                    .and_then(|sf| sf.exterior.first())
                    .is_none_or(|p| {
                        p[0] >= lo[0] - FARTHEST_CORNER_M
                            && p[0] <= hi[0] + FARTHEST_CORNER_M
                            && p[1] >= lo[1] - FARTHEST_CORNER_M
                            && p[1] <= hi[1] + FARTHEST_CORNER_M
                    })
            };
            for o in s.objects().filter(|o| near(o)) {
                let building = is_building(&o);
                if !building && is_tree(&o) {
                    trees += on_plot(centre(&o)) as usize;
                } else if surface_kind_of(&o) == Some(SurfaceKind::Sealed) {
                    if on_plot(centre(&o)) {
                        plot_paved += surface::object_area(&o);
                    }
                } else if building && on_plot(centre(&o)) {
                    let f = footprint_m2(&o);
                    if f > 0.0 {
                        let (n, guessed) = storeys(&o);
                        built += f;
                        floor += f * n;
                        estimated += guessed as usize;
                    }
                }
            }
            control.check()?;
            kpis.push(Kpi::new(
                "plot_m2",
                message("plot_m2", "plot"),
                plot_m2,
                "m²",
                0,
            ));
            kpis.push(Kpi::new(
                "plot_built_m2",
                message("plot_built_m2", "built over on the plot"),
                built,
                "m²",
                0,
            ));
            kpis.push(Kpi::new(
                "grz",
                message("grz", "GRZ (footprint ÷ plot)"),
                built / plot_m2,
                "",
                2,
            ));
            kpis.push(Kpi::new(
                "plot_sealed_m2",
                message(
                    "plot_sealed_m2",
                    "sealed on the plot (built over + paved by the variant)",
                ),
                built + plot_paved,
                "m²",
                0,
            ));
            kpis.push(Kpi::new(
                "grz2",
                message("grz2", "GRZ II (built over + paved ÷ plot)"),
                (built + plot_paved) / plot_m2,
                "",
                2,
            ));
            kpis.push(Kpi::new(
                "gfz",
                message("gfz", "GFZ (floor area ÷ plot)"),
                floor / plot_m2,
                "",
                2,
            ));
            kpis.push(Kpi::new(
                "plot_trees",
                message("plot_trees", "trees on the plot"),
                trees as f64,
                "",
                0,
            ));
            let outside: Vec<&str> = new
                .iter()
                .filter(|o| {
                    o.surfaces.iter().flat_map(|x| x.exterior.iter()).any(|p| {
                        !polygon::contains(plot, [p[0], p[1]])
                            && !polygon::on_boundary(plot, [p[0], p[1]], 1e-6)
                    })
                })
                .map(|o| o.id.as_str())
                .collect();
            if !outside.is_empty() {
                notes.push(
                    Message::new("plan.outside_plot")
                        .arg("ids", outside.join(", "))
                        .english("not wholly on the plot: {ids} — move it onto the plot or choose another plot"),
                );
            }
            if estimated > 0 {
                notes.push(
                    Message::new("plan.storeys_estimated")
                        .arg("count", estimated)
                        .arg("height", ASSUMED_STOREY_M)
                        .english("{count} buildings do not say their storeys: counted as height ÷ {height} m"),
                );
            }
        }
        Ok(AnalysisResult {
            label: s.name.clone(),
            kpis,
            notes,
            crs: s.site.crs,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Roof, Tree, Variant, Volume};
    use pw_analysis::scenario::{ScenarioLayer, Site};
    use pw_analysis::{Value, run_checked};
    use pw_city::CityModel;
    use std::sync::Arc;

    /// An existing flat-roofed 10 × 10 m house of `storeys` (None: not
    /// written) at x, 6 m tall.
    fn house(id: &str, x: f64, storeys: Option<u32>) -> CityObject {
        let mut o = Volume::new(
            id,
            vec![[x, 0.0], [x + 10.0, 0.0], [x + 10.0, 10.0], [x, 10.0]],
            2,
        )
        .to_object(36.0);
        o.attributes
            .retain(|(k, _)| k != "storeysAboveGround" && k != "planned");
        if let Some(n) = storeys {
            o.attributes
                .push(("storeysAboveGround".into(), n.to_string()));
        }
        o
    }

    #[test]
    fn figures_of_a_variant_on_its_plot_and_b_minus_a() {
        let site = Site {
            crs: None,
            origin: [0.0; 3],
            latitude: 50.9,
            longitude: 11.6,
            time_zone: "Europe/Berlin".into(),
        };
        let mut bestand = Scenario::new("Bestand", site);
        let mut old_tree = Tree::new("baum-alt", [-5.0, 30.0]).to_object(36.0);
        old_tree.attributes.retain(|(k, _)| k != "planned");
        bestand.layers.push(ScenarioLayer {
            name: "LoD2".into(),
            model: Arc::new(CityModel {
                objects: vec![
                    house("alt-1", -40.0, Some(3)),
                    house("alt-2", -25.0, None),
                    house("bleibt", 25.0, Some(2)),
                    old_tree,
                ],
                ..CityModel::default()
            }),
            input: None,
        });
        let mut v = Variant::new("Variante A");
        v.removed = vec!["alt-1".into(), "alt-2".into(), "baum-alt".into()];
        v.volumes.push(Volume {
            roof: Roof::Gable {
                pitch: 35.0,
                ridge_edge: 0,
            },
            ..Volume::new(
                "h",
                vec![[0.0, 0.0], [20.0, 0.0], [20.0, 12.0], [0.0, 12.0]],
                4,
            )
        });
        v.trees.push(Tree::new("baum-neu", [10.0, 16.0]));
        // A yard of 15 × 6 m beside the house (on the plot), parking of
        // 10 × 5 m off it, and 4 × 5 m of paving taken up.
        v.surfaces.push(crate::Surface::new(
            "hof",
            crate::SurfaceKind::Sealed,
            vec![[22.0, 0.0], [37.0, 0.0], [37.0, 6.0], [22.0, 6.0]],
        ));
        v.surfaces.push(crate::Surface::new(
            "parken",
            crate::SurfaceKind::Sealed,
            vec![[60.0, 0.0], [70.0, 0.0], [70.0, 5.0], [60.0, 5.0]],
        ));
        v.surfaces.push(crate::Surface::new(
            "gruen",
            crate::SurfaceKind::Unsealed,
            vec![[-8.0, 14.0], [-4.0, 14.0], [-4.0, 19.0], [-8.0, 19.0]],
        ));
        let mut variant = bestand.clone();
        variant.name = "Variante A".into();
        variant.edits = v.edits(&|_, _| 36.0);
        let a = PlanFiguresAnalysis;
        let mut values = a.defaults();
        // A plot around the new house and the kept one, as a parcel
        // polygon of a vector layer would give it (not a rectangle).
        let plot = vec![
            [-10.0, -10.0],
            [40.0, -10.0],
            [40.0, 20.0],
            [15.0, 25.0],
            [-10.0, 20.0],
        ];
        let plot_m2 = 50.0 * 30.0 + 0.5 * 50.0 * 5.0;
        values.set("plot", Value::Polygon(Some(plot.clone())));
        let ctl = JobControl::default();
        let ra = run_checked(&a, &values, &bestand, &ctl).unwrap();
        let rb = run_checked(&a, &values, &variant, &ctl).unwrap();
        let k = |r: &AnalysisResult, key: &str| r.kpi(key).unwrap().value;
        assert_eq!(k(&ra, "new_buildings"), 0.0);
        assert_eq!(k(&rb, "new_buildings"), 1.0);
        assert!((k(&rb, "footprint_m2") - 240.0).abs() < 1e-9);
        assert!((k(&rb, "gross_floor_m2") - 960.0).abs() < 1e-9);
        assert!((k(&rb, "max_height_m") - (12.0 + 6.0 * 35f64.to_radians().tan())).abs() < 1e-9);
        assert_eq!(k(&rb, "removed_buildings"), 2.0);
        assert!((k(&rb, "sealed_change_m2") - (240.0 - 200.0)).abs() < 1e-9);
        assert_eq!((k(&rb, "paved_m2"), k(&rb, "unsealed_m2")), (140.0, 20.0));
        assert!((k(&rb, "sealing_change_m2") - (240.0 - 200.0 + 140.0 - 20.0)).abs() < 1e-9);
        assert_eq!(k(&ra, "sealing_change_m2"), 0.0);
        assert_eq!(
            (k(&rb, "trees_planted"), k(&rb, "trees_felled")),
            (1.0, 1.0)
        );
        assert_eq!(k(&ra, "plot_m2"), plot_m2);
        // Bestand: the kept house (100 m², 2 storeys) on the plot.
        assert!((k(&ra, "grz") - 100.0 / plot_m2).abs() < 1e-12);
        assert!((k(&ra, "gfz") - 200.0 / plot_m2).abs() < 1e-12);
        assert_eq!(
            k(&ra, "plot_trees"),
            0.0,
            "the old tree stands off the plot"
        );
        // The variant adds the new house and a tree on the plot.
        assert!((k(&rb, "grz") - 340.0 / plot_m2).abs() < 1e-12);
        // GRZ II: the yard counts, the parking off the plot does not.
        assert_eq!(k(&rb, "plot_sealed_m2"), 340.0 + 90.0);
        assert!((k(&rb, "grz2") - 430.0 / plot_m2).abs() < 1e-12);
        assert!((k(&ra, "grz2") - 100.0 / plot_m2).abs() < 1e-12);
        assert!((k(&rb, "gfz") - (200.0 + 960.0) / plot_m2).abs() < 1e-12);
        assert_eq!(k(&rb, "plot_trees"), 1.0);
        assert!(rb.notes.is_empty(), "{:?}", rb.notes);
        let d = pw_analysis::difference(&ra, &rb).unwrap();
        assert!((k(&d, "gross_floor_m2") - 960.0).abs() < 1e-9);
        assert!((k(&d, "gfz") - 960.0 / plot_m2).abs() < 1e-12);
        assert_eq!(d.label, "Δ Bestand → Variante A");
        let csv = pw_analysis::export::kpis_csv(&d);
        assert!(csv.contains("kpi,gross_floor_m2,960,m²,"), "{csv}");

        // A plot that does not hold the house: the house is named, and a
        // building without storeys is counted by its height.
        let small = vec![[-30.0, -5.0], [10.0, -5.0], [10.0, 15.0], [-30.0, 15.0]];
        values.set("plot", Value::Polygon(Some(small)));
        let rb = run_checked(&a, &values, &variant, &ctl).unwrap();
        let keys: Vec<&str> = rb.notes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["plan.outside_plot"]);
        assert_eq!(
            rb.notes[0].to_string(),
            "not wholly on the plot: h — move it onto the plot or choose another plot"
        );
        let ra = run_checked(&a, &values, &bestand, &ctl).unwrap();
        assert!(
            (k(&ra, "gfz") - 200.0 / 800.0).abs() < 1e-12,
            "alt-2: 6 m ÷ 3 m = 2 storeys"
        );
        assert_eq!(ra.notes[0].key, "plan.storeys_estimated");
    }
}

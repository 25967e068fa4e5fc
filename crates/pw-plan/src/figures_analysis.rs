//! The plan's key figures as an analysis of the framework: run on
//! "Bestand" and on each variant, the framework lists them, compares them
//! (B − A) and exports the table (CSV) like any other analysis. Counts the
//! scenario's new buildings (a variant's volumes) and its demolitions;
//! GRZ and GFZ against a plot rectangle when one is chosen.

use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Estimate, JobControl, Kpi, Message, ParamSpec,
    ParamValues, Scenario,
};
use pw_city::Semantic;

pub struct PlanFiguresAnalysis;

/// Footprint of a new building: the area of its ground surfaces.
fn footprint(o: &pw_city::CityObject) -> f64 {
    o.surfaces
        .iter()
        .filter(|s| s.semantic == Semantic::Ground)
        .map(|s| pw_city::triangulate::polygon_area(&s.exterior, &s.interiors))
        .sum()
}

impl Analysis for PlanFiguresAnalysis {
    fn id(&self) -> &'static str {
        "plan"
    }

    fn title(&self) -> &'static str {
        "plan.figures_title"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn params(&self) -> Vec<ParamSpec> {
        vec![ParamSpec::area("plot", "plan.plot").optional()]
    }

    fn estimate(&self, _: &ParamValues, s: &Scenario) -> Result<Estimate, AnalysisError> {
        let n: usize = s.edits.added.iter().map(|m| m.objects.len()).sum();
        Ok(Estimate {
            seconds: 0.001 * n as f64,
            size: format!("{n} new buildings"),
        })
    }

    fn run(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        control.check()?;
        let new: Vec<&pw_city::CityObject> = s
            .edits
            .added
            .iter()
            .flat_map(|m| m.objects.iter())
            .filter(|o| o.parent.is_none())
            .collect();
        let storeys = |o: &pw_city::CityObject| {
            o.attribute("storeysAboveGround")
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let area: f64 = new.iter().map(|o| footprint(o)).sum();
        let gross: f64 = new.iter().map(|o| footprint(o) * storeys(o)).sum();
        let height = new
            .iter()
            .map(|o| {
                let e = o.extent();
                e.max[2] - e.min[2]
            })
            .fold(0.0, f64::max);
        let m = |key: &str, english: &str| Message::new(format!("plan.kpi_{key}")).english(english);
        let mut kpis = vec![
            Kpi::new(
                "new_buildings",
                m("new_buildings", "new buildings"),
                new.len() as f64,
                "",
                0,
            ),
            Kpi::new(
                "footprint_m2",
                m("footprint_m2", "footprint (Grundfläche)"),
                area,
                "m²",
                0,
            ),
            Kpi::new(
                "gross_floor_m2",
                m("gross_floor_m2", "gross floor area (BGF)"),
                gross,
                "m²",
                0,
            ),
            Kpi::new(
                "max_height_m",
                m("max_height_m", "highest new building"),
                height,
                "m",
                1,
            ),
            Kpi::new(
                "removed_buildings",
                m("removed_buildings", "buildings demolished"),
                s.edits.removed.len() as f64,
                "",
                0,
            ),
        ];
        if let Some(plot) = values.area("plot") {
            let plot_m2 = plot.width() * plot.height();
            let inside = |o: &&&pw_city::CityObject| {
                let e = o.extent();
                e.min[0] >= plot.min[0]
                    && e.max[0] <= plot.max[0]
                    && e.min[1] >= plot.min[1]
                    && e.max[1] <= plot.max[1]
            };
            let on: Vec<_> = new.iter().filter(inside).collect();
            let fp: f64 = on.iter().map(|o| footprint(o)).sum();
            let gf: f64 = on.iter().map(|o| footprint(o) * storeys(o)).sum();
            kpis.push(Kpi::new("plot_m2", m("plot_m2", "plot"), plot_m2, "m²", 0));
            kpis.push(Kpi::new(
                "grz",
                m("grz", "GRZ (footprint ÷ plot)"),
                fp / plot_m2,
                "",
                2,
            ));
            kpis.push(Kpi::new(
                "gfz",
                m("gfz", "GFZ (gross floor area ÷ plot)"),
                gf / plot_m2,
                "",
                2,
            ));
        }
        Ok(AnalysisResult {
            label: s.name.clone(),
            kpis,
            crs: s.site.crs,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Roof, Variant, Volume};
    use pw_analysis::scenario::Site;
    use pw_analysis::{Area, Value, run_checked};

    #[test]
    fn figures_of_a_variant_and_b_minus_a() {
        let site = Site {
            crs: None,
            origin: [0.0; 3],
            latitude: 50.9,
            longitude: 11.6,
            time_zone: "Europe/Berlin".into(),
        };
        let bestand = Scenario::new("Bestand", site);
        let mut v = Variant::new("Variante A");
        v.removed = vec!["alt-1".into(), "alt-2".into()];
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
        let mut variant = bestand.clone();
        variant.name = "Variante A".into();
        variant.edits = v.edits(&|_, _| 36.0);
        let a = PlanFiguresAnalysis;
        let mut values = a.defaults();
        values.set(
            "plot",
            Value::Area(Some(Area::new(-10.0, -10.0, 30.0, 20.0))),
        );
        let ctl = JobControl::default();
        let ra = run_checked(&a, &values, &bestand, &ctl).unwrap();
        let rb = run_checked(&a, &values, &variant, &ctl).unwrap();
        let k = |r: &AnalysisResult, key: &str| r.kpi(key).unwrap().value;
        assert_eq!(k(&ra, "new_buildings"), 0.0);
        assert!((k(&rb, "footprint_m2") - 240.0).abs() < 1e-9);
        assert!((k(&rb, "gross_floor_m2") - 960.0).abs() < 1e-9);
        assert!((k(&rb, "max_height_m") - (12.0 + 6.0 * 35f64.to_radians().tan())).abs() < 1e-9);
        assert_eq!(k(&rb, "removed_buildings"), 2.0);
        assert!((k(&rb, "grz") - 0.2).abs() < 1e-12 && (k(&rb, "gfz") - 0.8).abs() < 1e-12);
        let d = pw_analysis::difference(&ra, &rb).unwrap();
        assert!((k(&d, "gross_floor_m2") - 960.0).abs() < 1e-9);
        assert_eq!(d.label, "Δ Bestand → Variante A");
        let csv = pw_analysis::export::kpis_csv(&d);
        assert!(csv.contains("kpi,gross_floor_m2,960,m²,"), "{csv}");
    }
}

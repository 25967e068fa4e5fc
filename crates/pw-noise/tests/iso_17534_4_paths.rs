//! CNOSSOS-EU path attenuation against ISO/TR 17534-4 (the expected
//! levels as NoiseModelling publishes them, `reference_cnossos.json` in
//! ../shared/data/noise/iso17534-4): sections built here from the test
//! cases' geometry, L_H and L_F of the path within 0.1 dB per band (the
//! ISO criterion), source power 93 dB per band, 10 °C, 70 %.

use pw_noise::atmosphere::Atmosphere;
use pw_noise::cnossos::attenuation::attenuate;
use pw_noise::cnossos::profile::{CutKind, CutPoint, PathKind, Section};
use serde_json::Value;
use std::path::PathBuf;

fn reference() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/noise/iso17534-4/reference_cnossos.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("reference_cnossos.json")).unwrap()
}

fn bands(v: &Value) -> [f64; 8] {
    let a = v.as_array().unwrap();
    std::array::from_fn(|i| a[i].as_f64().unwrap())
}

/// Cut points along the straight line from `s` to `r` (plan), each given
/// by its horizontal distance from `s`.
struct Line {
    s: [f64; 3],
    r: [f64; 3],
}

impl Line {
    fn length(&self) -> f64 {
        ((self.r[0] - self.s[0]).powi(2) + (self.r[1] - self.s[1]).powi(2)).sqrt()
    }
    fn plan(&self, x: f64) -> [f64; 2] {
        let t = x / self.length();
        [
            self.s[0] + t * (self.r[0] - self.s[0]),
            self.s[1] + t * (self.r[1] - self.s[1]),
        ]
    }
    /// Horizontal distance from s where the line crosses plan x = `at`.
    fn at_x(&self, at: f64) -> f64 {
        (at - self.s[0]) / (self.r[0] - self.s[0]) * self.length()
    }
    fn point(&self, kind: CutKind, x: f64, z: f64, z_ground: f64, g: f64) -> CutPoint {
        CutPoint {
            kind,
            x,
            z,
            z_ground,
            g,
            plan: self.plan(x),
        }
    }
    fn section(
        &self,
        g_source: f64,
        z_ground_s: f64,
        inner: Vec<CutPoint>,
        z_ground_r: f64,
        g_r: f64,
    ) -> Section {
        let mut points = vec![self.point(CutKind::Source, 0.0, self.s[2], z_ground_s, g_source)];
        points.extend(inner);
        points.push(self.point(CutKind::Receiver, self.length(), self.r[2], z_ground_r, g_r));
        Section {
            kind: PathKind::Direct,
            points,
            source: self.s,
            receiver: self.r,
        }
    }
}

fn check_direct(tc: &str, section: &Section) -> f64 {
    let reference = reference();
    let direct = &reference[tc]["Direct"];
    let a = attenuate(section, &Atmosphere::default(), true);
    let (lh, lf) = (bands(&direct["LH"]), bands(&direct["LF"]));
    let mut worst: f64 = 0.0;
    for i in 0..8 {
        let got_h = 93.0 - a.homogeneous[i];
        let got_f = 93.0 - a.favourable.unwrap()[i];
        worst = worst.max((got_h - lh[i]).abs()).max((got_f - lf[i]).abs());
        eprintln!(
            "{tc} band {i}: L_H {got_h:.2} ({:.2})  L_F {got_f:.2} ({:.2})",
            lh[i], lf[i]
        );
    }
    worst
}

fn flat_line() -> Line {
    Line {
        s: [10.0, 10.0, 1.0],
        r: [200.0, 50.0, 4.0],
    }
}

#[test]
fn tc01_to_tc03_uniform_ground() {
    for (tc, g) in [("TC01", 0.0), ("TC02", 0.5), ("TC03", 1.0)] {
        let line = flat_line();
        let worst = check_direct(tc, &line.section(g, 0.0, vec![], 0.0, g));
        assert!(worst <= 0.1, "{tc}: {worst:.3} dB off");
    }
}

#[test]
fn tc04_ground_changing_along_the_path() {
    let line = flat_line();
    let inner = vec![
        line.point(CutKind::GroundChange, line.at_x(50.0), 0.0, 0.0, 0.5),
        line.point(CutKind::GroundChange, line.at_x(150.0), 0.0, 0.0, 0.9),
    ];
    let worst = check_direct("TC04", &line.section(0.2, 0.0, inner, 0.0, 0.9));
    assert!(worst <= 0.1, "TC04: {worst:.3} dB off");
}

/// The TC5 terrain along S (10,10) → R (200,50): flat to plan x 120, a
/// ramp to the 10 m plateau at x 185; ground 0.9 / 0.5 / 0.2 split at
/// x 50 and 150.
fn tc5_cut(line: &Line) -> Vec<CutPoint> {
    let ramp = |x: f64| ((x - 120.0) / 65.0 * 10.0).clamp(0.0, 10.0);
    vec![
        line.point(CutKind::GroundChange, line.at_x(50.0), 0.0, 0.0, 0.5),
        line.point(CutKind::Terrain, line.at_x(120.0), 0.0, 0.0, 0.5),
        line.point(
            CutKind::GroundChange,
            line.at_x(150.0),
            ramp(150.0),
            ramp(150.0),
            0.2,
        ),
        line.point(CutKind::Terrain, line.at_x(185.0), 10.0, 10.0, 0.2),
    ]
}

#[test]
fn tc05_tc06_terrain_and_ground() {
    for (tc, z) in [("TC05", 14.0), ("TC06", 11.5)] {
        let line = Line {
            s: [10.0, 10.0, 1.0],
            r: [200.0, 50.0, z],
        };
        let inner = tc5_cut(&line);
        let worst = check_direct(tc, &line.section(0.9, 0.0, inner, 10.0, 0.2));
        assert!(worst <= 0.1, "{tc}: {worst:.3} dB off");
    }
}

#[test]
fn tc07_long_barrier() {
    let line = flat_line();
    // The wall (100,240)–(265,−180), 6 m, crosses the path at plan x 176.58.
    let inner = vec![
        line.point(CutKind::GroundChange, line.at_x(50.0), 0.0, 0.0, 0.5),
        line.point(CutKind::GroundChange, line.at_x(150.0), 0.0, 0.0, 0.2),
        line.point(CutKind::Wall, line.at_x(176.580), 6.0, 0.0, 0.2),
    ];
    let worst = check_direct("TC07", &line.section(0.9, 0.0, inner, 0.0, 0.2));
    assert!(worst <= 0.1, "TC07: {worst:.3} dB off");
}

#[test]
fn tc10_cubic_building_direct_path() {
    let line = Line {
        s: [50.0, 10.0, 1.0],
        r: [70.0, 10.0, 4.0],
    };
    let inner = vec![
        line.point(CutKind::BuildingEnter, 5.0, 10.0, 0.0, 0.5),
        line.point(CutKind::BuildingExit, 15.0, 10.0, 0.0, 0.5),
    ];
    let worst = check_direct("TC10", &line.section(0.5, 0.0, inner, 0.0, 0.5));
    assert!(worst <= 0.1, "TC10: {worst:.3} dB off");
}

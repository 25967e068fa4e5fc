//! CNOSSOS-EU road emission against NoiseModelling's `RoadCnossosTest`
//! (2015 coefficients, tolerance 0.01 dB there) and its Lorient inputs
//! (2021 coefficients).

use pw_noise::bands::{A_WEIGHTING, Bands, energetic_sum};
use pw_noise::cnossos::emission::{Coefficients, Flow, Junction, RoadTraffic, line_emission};

fn flows(speeds: [f64; 5], counts: [f64; 5]) -> [Flow; 5] {
    std::array::from_fn(|i| Flow {
        vehicles_per_hour: counts[i],
        speed_kmh: speeds[i],
    })
}

fn road(
    flows: [Flow; 5],
    surface: &str,
    temperature_c: f64,
    junction: Junction,
    slope: f64,
) -> RoadTraffic {
    RoadTraffic {
        flows,
        surface: surface.into(),
        temperature_c,
        studded_months: 4.0,
        studded_share: 0.5,
        junction,
        slope_percent: slope,
        two_way: false,
    }
}

fn band(road: &RoadTraffic, hz: usize, coefficients: Coefficients) -> f64 {
    let i = [63, 125, 250, 500, 1000, 2000, 4000, 8000]
        .iter()
        .position(|&f| f == hz)
        .unwrap();
    line_emission(road, coefficients).unwrap()[i]
}

#[test]
fn noisemodelling_road_cnossos_tests_t02_to_t06() {
    let v70 = [70.0; 5];
    let many = [1000.0; 5];
    let slow = [40.0, 43.0, 45.0, 35.0, 32.0];
    let lights = |d| Junction::TrafficLights { distance_m: d };
    let cases: [(RoadTraffic, usize, f64); 5] = [
        (
            road(flows(v70, many), "NL01", 15.0, lights(200.0), 10.0),
            8000,
            77.6711,
        ),
        (
            road(
                flows(slow, [582.0, 500.0, 400.0, 1000.0, 1100.0]),
                "NL02",
                5.0,
                lights(200.0),
                -5.0,
            ),
            1000,
            79.6814,
        ),
        (
            road(
                flows(slow, [58.0, 50.0, 40.0, 100.0, 100.0]),
                "NL03",
                -5.0,
                lights(200.0),
                -7.0,
            ),
            8000,
            58.8222,
        ),
        (
            road(
                flows(slow, [58.0, 50.0, 40.0, 100.0, 100.0]),
                "NL03",
                -5.0,
                lights(50.0),
                -7.0,
            ),
            63,
            82.785,
        ),
        (
            road(
                flows(v70, many),
                "NL01",
                15.0,
                Junction::Roundabout { distance_m: 30.0 },
                10.0,
            ),
            4000,
            85.4991,
        ),
    ];
    for (i, (road, hz, expected)) in cases.iter().enumerate() {
        let got = band(road, *hz, Coefficients::Directive2015);
        assert!(
            (got - expected).abs() < 0.001,
            "T0{}: {got} ≠ {expected}",
            i + 2
        );
    }
}

#[test]
fn noisemodelling_cnossos_emission_test_light_vehicles_steep_downhill() {
    let mut counts = [0.0; 5];
    counts[0] = 1000.0;
    let mut r = road(
        flows([20.0; 5], counts),
        "NL01",
        -5.0,
        Junction::TrafficLights { distance_m: 200.0 },
        -15.0,
    );
    r.studded_months = 0.5;
    r.studded_share = 1.0;
    let got = line_emission(&r, Coefficients::Directive2015).unwrap();
    let expected = [
        77.1136, 75.5712, 75.6919, 73.6689, 71.3471, 68.1195, 63.4796,
    ];
    for (i, e) in expected.iter().enumerate() {
        assert!(
            (got[i + 1] - e).abs() < 0.001,
            "band {}: {} ≠ {e}",
            i + 1,
            got[i + 1]
        );
    }
}

fn a_weighted_total(levels: &Bands) -> f64 {
    energetic_sum(&std::array::from_fn(|i| levels[i] + A_WEIGHTING[i]))
}

#[test]
fn noisemodelling_global_test_french_surface() {
    let mut counts = [0.0; 5];
    counts[0] = 3747.0;
    counts[2] = 479.0;
    let r = RoadTraffic {
        flows: flows([50.0; 5], counts),
        surface: "FR_R2".into(),
        temperature_c: 20.0,
        two_way: true,
        ..RoadTraffic::default()
    };
    let total = a_weighted_total(&line_emission(&r, Coefficients::Directive2015).unwrap());
    assert!((total - 89.6).abs() < 0.1, "{total}");
}

#[test]
fn lorient_roads_with_2021_coefficients() {
    // Light = TV − HV, heavy = HV, both at the road's speed, SMA-NL8 (NL05),
    // 20 °C, no junction, level: NoiseModelling's own mapping of Lorient's
    // roads_traff columns (worked values from a port of its emission code).
    let cases: [(f64, f64, f64, Bands, f64); 3] = [
        (
            4_007.762_199_312_71,
            8.24221361459441,
            30.0,
            [
                90.0254, 80.0364, 78.0525, 77.9873, 80.0155, 76.6409, 71.3060, 63.6060,
            ],
            83.4983,
        ),
        (
            350.0,
            5.0,
            30.0,
            [
                79.8957, 70.5183, 68.6468, 68.6830, 70.1356, 66.5783, 61.3028, 53.8236,
            ],
            73.6652,
        ),
        (
            700.0,
            10.0,
            50.0,
            [
                80.5019, 73.6287, 72.0424, 73.4545, 77.0008, 73.0120, 65.9254, 57.7008,
            ],
            79.8017,
        ),
    ];
    for (tv, hv, v, expected, total) in cases {
        let mut counts = [0.0; 5];
        counts[0] = tv - hv;
        counts[2] = hv;
        let r = RoadTraffic {
            flows: flows([v; 5], counts),
            surface: "NL05".into(),
            ..RoadTraffic::default()
        };
        let got = line_emission(&r, Coefficients::Directive2021).unwrap();
        for b in 0..8 {
            assert!(
                (got[b] - expected[b]).abs() < 0.001,
                "TV {tv}, band {b}: {} ≠ {}",
                got[b],
                expected[b]
            );
        }
        assert!((a_weighted_total(&got) - total).abs() < 0.001);
    }
}

#[test]
fn unknown_surface_names_the_known_ones() {
    let r = RoadTraffic {
        surface: "XY99".into(),
        ..RoadTraffic::default()
    };
    let err = line_emission(&r, Coefficients::Directive2021)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("XY99") && err.contains("NL05") && err.contains("DEF"),
        "{err}"
    );
}

#[test]
fn no_vehicles_no_sound() {
    let got = line_emission(&RoadTraffic::default(), Coefficients::Directive2021).unwrap();
    assert!(got.iter().all(|l| *l == f64::NEG_INFINITY));
}

/// The emission taken apart for point sources near a junction gives, at
/// any distance, what the directive's formula gives for the whole road
/// (studded tyres, two-wheelers, a two-way slope included).
#[test]
fn the_junction_split_gives_the_emission_at_every_distance() {
    use pw_noise::cnossos::emission::junction_split;
    let counts = [582.0, 500.0, 400.0, 100.0, 110.0];
    let speeds = [40.0, 43.0, 45.0, 35.0, 32.0];
    for coefficients in [Coefficients::Directive2015, Coefficients::Directive2021] {
        for (surface, slope, two_way) in [("NL02", -5.0, false), ("DEF", 6.0, true)] {
            let mut base = road(flows(speeds, counts), surface, 5.0, Junction::None, slope);
            base.two_way = two_way;
            let split = junction_split(&base, coefficients).unwrap();
            for distance_m in [0.0, 12.5, 50.0, 99.0, 100.0, 250.0] {
                for junction in [
                    Junction::None,
                    Junction::TrafficLights { distance_m },
                    Junction::Roundabout { distance_m },
                ] {
                    let whole = line_emission(
                        &RoadTraffic {
                            junction,
                            ..base.clone()
                        },
                        coefficients,
                    )
                    .unwrap();
                    let parts = split.at(junction);
                    for b in 0..8 {
                        assert!(
                            (whole[b] - parts[b]).abs() < 1e-9,
                            "{junction:?} band {b}: {} vs {}",
                            whole[b],
                            parts[b]
                        );
                    }
                }
            }
            // At a junction with lights the lorries' propulsion (+9 dB)
            // makes the low bands louder.
            let at = split.at(Junction::TrafficLights { distance_m: 0.0 });
            let away = split.at(Junction::None);
            assert!(at[0] > away[0] + 1.0, "{} vs {}", at[0], away[0]);
        }
    }
}

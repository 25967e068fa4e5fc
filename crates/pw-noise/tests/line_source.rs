//! The map engine against the analytic level of a long straight road over
//! hard ground: a line of power L_W' per metre radiating into the half
//! space gives L = L_W' − 10 lg(2 d) at distance d (textbook line source;
//! the ground doubles the energy, which CNOSSOS-EU's −3 dB over G = 0
//! does), minus what the cut-off at the maximum source distance and the
//! air take away.

use pw_noise::atmosphere::Atmosphere;
use pw_noise::bands::{Bands, a_weighted, db_to_power, exact_hz, power_to_db};
use pw_noise::map::{LineSource, MapSettings, Method, Sources, receiver_levels};
use pw_noise::scene::{Flat, NoiseScene};

#[test]
fn long_road_over_hard_ground() {
    let scene = NoiseScene::new(vec![], vec![], vec![], 0.0, Box::new(Flat(0.0)));
    // 90 dB per band and metre by day; a 2 km road along y = 0.
    let power = [90.0; 8];
    let road = LineSource {
        id: "road".into(),
        line: vec![[-1000.0, 0.0, 0.0], [1000.0, 0.0, 0.0]],
        cnossos: [power; 3],
        rls19: [80.0, 70.0],
    };
    let sources = Sources::new(vec![road]);
    let reach = 250.0;
    let settings = MapSettings {
        method: Method::Cnossos,
        max_source_distance_m: reach,
        // Homogeneous conditions: over G = 0 exactly −3 dB (favourable
        // rays over hard ground gain more at low heights, by design).
        p_favourable: [0.0, 0.0, 0.0],
        ..MapSettings::default()
    };
    for d in [5.0, 10.0, 25.0] {
        // Receiver at the source's height: straight rays graze nothing.
        let receiver = [0.0, d, 0.05];
        let levels = receiver_levels(&scene, &sources, receiver, &settings).unwrap();
        // Without air: the part of the road within reach fills this angle.
        let half = (reach * reach - d * d).sqrt();
        let fraction = 2.0 * (half / d).atan() / std::f64::consts::PI;
        let without_air = a_weighted(&power) - 10.0 * (2.0 * d).log10() + 10.0 * fraction.log10();
        // With air (ISO 9613-1 at 10 °C, 70 %): the same integral per band,
        // summed numerically in 1 cm steps.
        let alpha = Atmosphere::default().alpha_bands(&exact_hz());
        let step = 0.01;
        let per_band: Bands = std::array::from_fn(|b| {
            let mut sum = 0.0;
            let mut x = -half + step / 2.0;
            while x < half {
                let r2 = x * x + d * d;
                sum += step * 2.0 / (4.0 * std::f64::consts::PI * r2)
                    * db_to_power(-alpha[b] * r2.sqrt());
                x += step;
            }
            power[b] + power_to_db(sum)
        });
        let expected = a_weighted(&per_band);
        let got = levels[0];
        assert!(
            (got - expected).abs() < 0.05,
            "d {d} m: {got:.3} vs integral {expected:.3}"
        );
        assert!(
            got < without_air && without_air - got < 1.5,
            "air takes a little: {got:.2} {without_air:.2}"
        );
    }
    // RLS-19 on the same road: L = L_W' − D_div − D_atm − D_gr integrated;
    // with D_div = 10 lg(2π s²) the line gives L_W' − 10 lg(2 d) − D_gr.
    let rls = MapSettings {
        method: Method::Rls19,
        max_source_distance_m: reach,
        ..MapSettings::default()
    };
    let d = 10.0;
    let receiver = [0.0, d, 0.5];
    let levels = receiver_levels(&scene, &sources, receiver, &rls).unwrap();
    let half = (reach * reach - d * d).sqrt();
    let fraction = 2.0 * (half / d).atan() / std::f64::consts::PI;
    // h_m = 0.5 m over 10 m: D_gr = 4.8 − 0.05 (34 + 60) = 0.1 dB at the
    // nearest point, more further away: the analytic value bounds it.
    let upper = 80.0 - 10.0 * (2.0 * d).log10() + 10.0 * fraction.log10() - 0.1;
    assert!(
        levels[0] < upper && levels[0] > upper - 3.0,
        "{} vs at most {upper}",
        levels[0]
    );
    assert!(
        (levels[0] - levels[1] - 10.0).abs() < 1e-6,
        "Tag − Nacht = the difference in power"
    );
}

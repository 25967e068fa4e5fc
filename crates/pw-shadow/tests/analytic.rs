//! Shadows against geometry: a 20 m box, poles at Jena noon (sun from the
//! pvlib table), a facade's sun hours against the sun's own path.

mod common;

use common::{at_instant, box_building, model};
use pw_job::JobControl;
use pw_shadow::{Area, Params, TimeWindow};
use pw_sun::Observer;

/// Length of the shadow from `from` (world x, y) walking away from the sun,
/// over shadowed ground cells.
fn shadow_reach(grid: &pw_terrain::Grid, from: [f64; 2], azimuth: f64, step: f64) -> f64 {
    let (s, c) = azimuth.to_radians().sin_cos();
    let mut d = 0.0;
    let mut last = 0.0;
    while d < 200.0 {
        let (x, y) = (from[0] - s * d, from[1] - c * d);
        match grid.cell_value_at(x, y) {
            Some(v) if v < 0.01 => last = d,
            None => {}                   // under the building (NaN)
            Some(_) if d > 2.0 => break, // lit ground beyond the tip
            Some(_) => {}
        }
        d += step;
    }
    last
}

#[test]
fn a_20_m_box_shadow_is_20_over_tan_elevation_long() {
    // 20 m cube south-east of the area centre; 21 March, mid-afternoon.
    let m = model(vec![box_building(
        "cube", 1000.0, 1000.0, 20.0, 20.0, 0.0, 20.0,
    )]);
    let jena = Observer::jena();
    // The minute of 2026-03-21 afternoon with the sun closest to 30°.
    let t = (0..240)
        .map(|m| 1774094400.0 + 60.0 * m as f64)
        .min_by_key(|&t| {
            let p = pw_sun::position(t, &jena, 69.0).unwrap();
            ((p.elevation() - 30.0).abs() * 1e6) as i64
        })
        .unwrap();
    let mut params = Params::new(
        Area::new(960.0, 960.0, 1060.0, 1060.0),
        vec![at_instant(t)],
        jena,
    );
    params.cell = 0.1;
    params.facades = false;
    let r = pw_shadow::run(&params, &[&m], None, &JobControl::default()).unwrap();
    assert_eq!(r.steps.len(), 1);
    let sun = r.steps[0];
    assert!((sun.elevation - 30.0).abs() < 0.1, "{}", sun.elevation);
    let grid = r.ground.unwrap();
    // From the top corner nearest the shadow's direction: the north-east
    // corner for a south-western sun.
    let reach = shadow_reach(&grid, [1020.0, 1020.0], sun.azimuth, 0.02);
    let expected = 20.0 / sun.elevation.to_radians().tan();
    assert!(
        (reach - expected).abs() < 0.2,
        "shadow {reach:.2} m, geometry says {expected:.2} m"
    );
    println!(
        "20 m box at {:.2}°: shadow {reach:.2} m, expected {expected:.2} m",
        sun.elevation
    );
}

#[test]
fn pole_shadows_at_jena_noon_match_the_pvlib_sun() {
    // Noon rows of crates/pw-sun/tests/data/jena_pvlib.csv (pvlib 0.16.1):
    // (unix, apparent zenith, azimuth).
    let noon = [
        (1774090800.0, 50.767463, 173.283245),
        (1782040500.0, 27.481796, 179.774115),
    ];
    let jena = Observer::jena();
    for (t, zenith, azimuth) in noon {
        // A 1 m × 1 m pole, 10 m high.
        let m = model(vec![box_building("pole", 99.5, 99.5, 1.0, 1.0, 0.0, 10.0)]);
        let mut params = Params::new(
            Area::new(80.0, 80.0, 120.0, 140.0),
            vec![at_instant(t)],
            jena,
        );
        params.cell = 0.05;
        params.facades = false;
        let r = pw_shadow::run(&params, &[&m], None, &JobControl::default()).unwrap();
        let sun = r.steps[0];
        assert!(
            (sun.azimuth - azimuth).abs() < 0.01 && ((90.0 - sun.elevation) - zenith).abs() < 0.01
        );
        let grid = r.ground.unwrap();
        let reach = shadow_reach(&grid, [100.0, 100.0], sun.azimuth, 0.01);
        // From the pole's centre: half its width (near-north shadow), then the
        // top's shadow 10 m / tan(elevation).
        let (s, c) = sun.azimuth.to_radians().sin_cos();
        let exit = 0.5 / s.abs().max(c.abs());
        let expected = exit + 10.0 / (90.0 - zenith).to_radians().tan();
        assert!(
            (reach - expected).abs() < 0.1,
            "t {t}: {reach:.3} vs {expected:.3}"
        );
    }
}

#[test]
fn south_wall_sees_the_sun_while_it_is_south_of_east_west() {
    let m = model(vec![box_building("house", 0.0, 0.0, 10.0, 10.0, 0.0, 6.0)]);
    let jena = Observer::jena();
    // 2026-03-21 local day (CET = UTC+1).
    let day = TimeWindow {
        date: "2026-03-21".into(),
        start: 1774047600.0,
        end: 1774134000.0,
    };
    let mut params = Params::new(Area::new(-20.0, -20.0, 30.0, 30.0), vec![day.clone()], jena);
    params.step = 60.0;
    let r = pw_shadow::run(&params, &[&m], None, &JobControl::default()).unwrap();
    // Reference: minutes with the sun up and in front of each wall.
    let mut south = 0.0;
    let mut north = 0.0;
    let mut up = 0.0;
    let mut t = day.start + 30.0;
    while t < day.end {
        let p = pw_sun::position(t, &jena, pw_sun::delta_t(pw_sun::decimal_year(t))).unwrap();
        if p.elevation() > 0.0 {
            up += 1.0 / 60.0;
            let d = p.direction_enu();
            if d[1] < 0.0 {
                south += 1.0 / 60.0;
            }
            if d[1] > 0.0 {
                north += 1.0 / 60.0;
            }
        }
        t += 60.0;
    }
    let f = &r.facades;
    let mean = |normal_y: f32| {
        let v: Vec<f32> = f
            .samples
            .iter()
            .filter(|s| {
                f.surfaces[s.surface as usize].normal[1] == normal_y
                    && f.surfaces[s.surface as usize].normal[2].abs() < 0.1
            })
            .map(|s| s.hours)
            .collect();
        assert_eq!(v.len(), 60, "10 × 6 samples on the wall");
        v.iter().sum::<f32>() / v.len() as f32
    };
    let (s, n) = (mean(-1.0), mean(1.0));
    assert!((s as f64 - south).abs() < 0.02, "south {s} vs {south}");
    assert!((n as f64 - north).abs() < 0.02, "north {n} vs {north}");
    // An unobstructed flat roof sees the sun all day.
    let roof: Vec<f32> = f
        .samples
        .iter()
        .filter(|s| f.surfaces[s.surface as usize].normal[2] > 0.9)
        .map(|s| s.hours)
        .collect();
    assert_eq!(roof.len(), 100);
    assert!(
        roof.iter().all(|h| (*h as f64 - up).abs() < 0.02),
        "roof vs {up}"
    );
    // Equinox: about 12 h of sun, the south wall most of it, the north wall
    // only the minutes after sunrise and before sunset.
    assert!((11.9..12.5).contains(&up), "{up}");
    assert!(s > 11.0 && n < 0.5, "south {s} north {n}");
}

#[test]
fn a_tall_neighbour_shades_the_lower_facade_in_winter() {
    // A 6 m house; 12 m to its south a 20 m block.
    let m = model(vec![
        box_building("house", 0.0, 0.0, 10.0, 10.0, 0.0, 6.0),
        box_building("block", -10.0, -32.0, 30.0, 20.0, 0.0, 20.0),
    ]);
    let jena = Observer::jena();
    // 2026-12-21 local day: noon sun ~15.6°, the block's shadow reaches 70 m.
    let day = TimeWindow {
        date: "2026-12-21".into(),
        start: 1798412400.0,
        end: 1798498800.0,
    };
    let params = Params::new(Area::new(-5.0, -5.0, 15.0, 15.0), vec![day], jena);
    let south_wall = |r: &pw_shadow::SunHours| -> Vec<f32> {
        let f = &r.facades;
        f.samples
            .iter()
            .filter(|s| {
                let surface = &f.surfaces[s.surface as usize];
                f.object_ids[surface.object as usize] == "house" && surface.normal[1] == -1.0
            })
            .map(|s| s.hours)
            .collect()
    };
    let shaded = south_wall(&pw_shadow::run(&params, &[&m], None, &JobControl::default()).unwrap());
    let alone = model(vec![box_building("house", 0.0, 0.0, 10.0, 10.0, 0.0, 6.0)]);
    let free =
        south_wall(&pw_shadow::run(&params, &[&alone], None, &JobControl::default()).unwrap());
    assert_eq!((shaded.len(), free.len()), (60, 60));
    // Alone, the south wall sees the whole short winter day (~7.9 h).
    assert!(free.iter().all(|h| (7.6..8.2).contains(h)), "{free:?}");
    // Behind the block: the middle of the wall gets no sun at all; only the
    // edges catch low morning/evening sun passing the block's corners.
    for (k, h) in shaded.iter().enumerate() {
        let column = k % 10;
        if (3..7).contains(&column) {
            assert!(*h < 0.4, "column {column}: {h}");
        }
        assert!(*h < 1.0, "sample {k}: {h}");
    }
}

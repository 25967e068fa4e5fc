//! The static water level against GRASS `r.lake` (Debian `grass-core`)
//! on the same grids: a made-up case where two hollows touch only at a
//! corner, and the Vinschgau valley DEM.

use pw_flood::{Connectivity, WaterSurface, flood};
use pw_terrain::Grid;
use std::path::{Path, PathBuf};

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/peers/flood");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn grid(width: usize, height: usize, cell: f64, values: Vec<f32>) -> Grid {
    Grid {
        width,
        height,
        x0: 600_000.0,
        y0: 5_600_000.0 + height as f64 * cell,
        dx: cell,
        dy: cell,
        values,
        crs: None,
    }
}

/// Two hollows that touch only at a corner: water passes with eight
/// neighbours (as `r.lake` lets it), not with four.
fn corner_case() -> Grid {
    #[rustfmt::skip]
    let z = vec![
        9.0, 9.0, 9.0, 9.0,
        9.0, 1.0, 9.0, 9.0,
        9.0, 9.0, 2.0, 9.0,
        9.0, 9.0, 9.0, 9.0,
    ];
    grid(4, 4, 10.0, z)
}

#[test]
fn diagonal_neighbours_connect_with_eight_not_four() {
    let dem = corner_case();
    let gauge = dem.cell_centre(1, 1);
    let surface = WaterSurface::flat(5.0, [gauge.0, gauge.1]);
    let eight = flood(&dem, &surface, Connectivity::Eight).unwrap();
    let four = flood(&dem, &surface, Connectivity::Four).unwrap();
    assert_eq!(eight.cells, 2);
    assert_eq!(eight.depth.value(2, 2), Some(3.0));
    assert_eq!(four.cells, 1);
    assert_eq!(four.depth.value(1, 1), Some(4.0));
    assert_eq!(four.depth.value(2, 2), None);
    assert_eq!(eight.volume, (4.0 + 3.0) * 100.0);
}

#[test]
fn a_sloped_surface_falls_downstream() {
    // A flat valley floor at 0 m; the river runs west → east along the
    // middle row; the level is 2 m at the gauge in the west and falls 1 m
    // per 100 m.
    let (w, h) = (50usize, 3usize);
    let dem = grid(w, h, 10.0, vec![0.0; w * h]);
    let (x0, y) = dem.cell_centre(0, 1);
    let (x1, _) = dem.cell_centre(w - 1, 1);
    let surface = WaterSurface {
        level: 2.0,
        gauge: [x0, y],
        river: vec![[x0, y], [x1, y]],
        slope: 0.01,
    };
    let lake = flood(&dem, &surface, Connectivity::Eight).unwrap();
    // Water stands where the level is above 0: the first 200 m.
    assert_eq!(lake.cells, 3 * 20);
    assert!((lake.depth.value(0, 1).unwrap() - 2.0).abs() < 1e-6);
    assert!((lake.depth.value(10, 0).unwrap() - 1.0).abs() < 1e-6);
    assert_eq!(lake.depth.value(20, 1), None);
}

#[test]
fn bad_gauges_and_levels_are_said_clearly() {
    let dem = corner_case();
    let outside = flood(
        &dem,
        &WaterSurface::flat(5.0, [0.0, 0.0]),
        Connectivity::Eight,
    )
    .unwrap_err();
    assert!(
        outside.to_string().contains("outside the terrain"),
        "{outside}"
    );
    let c = dem.cell_centre(1, 1);
    let low = flood(
        &dem,
        &WaterSurface::flat(0.5, [c.0, c.1]),
        Connectivity::Eight,
    )
    .unwrap_err();
    assert!(
        low.to_string()
            .contains("below the ground at the gauge (1.00 m)"),
        "{low}"
    );
    let mut holes = dem.clone();
    holes.values[5] = f32::NAN;
    let nodata = flood(
        &holes,
        &WaterSurface::flat(5.0, [c.0, c.1]),
        Connectivity::Eight,
    )
    .unwrap_err();
    assert!(
        nodata.to_string().contains("no data at the gauge"),
        "{nodata}"
    );
}

fn vinschgau() -> Grid {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dem/vinschgau/elev_vinschgau.tif");
    pw_terrain::geotiff::read_file(&path).unwrap().0
}

/// The lowest cell of the valley off the grid's edge (`r.lake` does not
/// spread from a seed in the outermost row or column) and its height.
fn vinschgau_case(dem: &Grid) -> ([f64; 2], f64) {
    let inner = |k: usize| {
        let (c, r) = (k % dem.width, k / dem.width);
        c > 0 && r > 0 && c + 1 < dem.width && r + 1 < dem.height
    };
    let (k, z) = dem
        .values
        .iter()
        .enumerate()
        .filter(|(k, z)| z.is_finite() && inner(*k))
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    let (x, y) = dem.cell_centre(k % dem.width, k / dem.width);
    ([x, y], *z as f64)
}

/// Runs `r.lake` on a GeoTIFF and reads its lake (depths; nodata = dry).
fn r_lake(name: &str, dem: &Grid, gauge: [f64; 2], level: f64) -> Grid {
    let dir = out_dir();
    let input = dir.join(format!("{name}_dem.tif"));
    let output = dir.join(format!("{name}_r_lake.tif"));
    pw_terrain::geotiff_write::write_file(dem, &input, &[]).unwrap();
    let script = format!(
        "r.in.gdal -o input={} output=dem --quiet --overwrite && g.region raster=dem \
         && r.lake elevation=dem water_level={level} lake=lake coordinates={},{} --quiet --overwrite \
         && r.out.gdal input=lake output={} type=Float32 -c --quiet --overwrite",
        input.display(),
        gauge[0],
        gauge[1],
        output.display()
    );
    pw_testkit::grass(&script);
    pw_terrain::geotiff::read_file(&output).unwrap().0
}

fn compare_with_r_lake(name: &str, dem: &Grid, gauge: [f64; 2], level: f64) -> (usize, usize) {
    let ours = flood(dem, &WaterSurface::flat(level, gauge), Connectivity::Eight).unwrap();
    let theirs = r_lake(name, dem, gauge, level);
    assert_eq!((theirs.width, theirs.height), (dem.width, dem.height));
    let wet = |v: f32| v.is_finite() && v > 0.0;
    let (mut differ, mut worst) = (0usize, 0.0f32);
    let mut theirs_wet = 0;
    for (a, b) in ours.depth.values.iter().zip(&theirs.values) {
        if wet(*b) {
            theirs_wet += 1;
        }
        if wet(*a) != wet(*b) {
            differ += 1;
        } else if wet(*a) {
            worst = worst.max((a - b).abs());
        }
    }
    println!(
        "{name} (gauge {gauge:?}, level {level}): ours {} flooded cells ({:.2} km², {:.3} km³ … deepest {:.1} m), r.lake {theirs_wet}; {differ} differ; depths within {worst} m",
        ours.cells,
        ours.area / 1e6,
        ours.volume / 1e9,
        ours.deepest
    );
    assert!(worst < 1e-3, "{name}: depths differ by {worst} m");
    (differ, ours.cells)
}

#[test]
fn the_same_cells_flood_as_with_grass_r_lake() {
    let corner = corner_case();
    let c = corner.cell_centre(1, 1);
    assert_eq!(
        compare_with_r_lake("corner", &corner, [c.0, c.1], 5.0),
        (0, 2)
    );
    let dem = vinschgau();
    let (gauge, bottom) = vinschgau_case(&dem);
    for (rise, at_least) in [(150.0, 150), (600.0, 2_000)] {
        let name = format!("vinschgau_{rise}");
        let (differ, cells) = compare_with_r_lake(&name, &dem, gauge, bottom + rise);
        assert!(cells > at_least, "only {cells} cells flooded");
        assert_eq!(differ, 0);
    }
}

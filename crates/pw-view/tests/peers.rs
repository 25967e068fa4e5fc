//! The viewshed beside the peers on the same DEM, observer, heights and
//! curvature/refraction: `gdal_viewshed` (Debian `gdal-bin`) and GRASS
//! `r.viewshed -c -r` (`grass-core`). The peers model the line of sight
//! differently and disagree with each other where the terrain is steep and
//! coarse; ours must agree with each at least as well as they agree with
//! each other, and where we differ, mostly on the edge of what is seen.

use pw_terrain::Grid;
use pw_view::{Sight, exact, rays, sweep};
use std::path::{Path, PathBuf};

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/peers/view");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn vinschgau() -> (Grid, PathBuf) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dem/vinschgau/elev_vinschgau.tif");
    (pw_terrain::geotiff::read_file(&path).unwrap().0, path)
}

fn gdal_viewshed(name: &str, dem: &Path, eye: [f64; 2], height: f64) -> Grid {
    let out = out_dir().join(format!("{name}_gdal.tif"));
    let status = std::process::Command::new("gdal_viewshed")
        .args([
            "-q",
            "-oz",
            &height.to_string(),
            "-tz",
            "0",
            "-cc",
            "0.85714",
        ])
        .args(["-ox", &eye[0].to_string(), "-oy", &eye[1].to_string()])
        .args(["-vv", "1", "-iv", "0"])
        .arg(dem)
        .arg(&out)
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot start gdal_viewshed ({e}): install Debian's gdal-bin (tools/test does)")
        });
    assert!(status.success());
    pw_terrain::geotiff::read_file(&out).unwrap().0
}

fn r_viewshed(name: &str, dem: &Path, eye: [f64; 2], height: f64) -> Grid {
    let out = out_dir().join(format!("{name}_grass.tif"));
    pw_testkit::grass(&format!(
        "r.in.gdal -o input={} output=dem --quiet --overwrite && g.region raster=dem \
         && r.viewshed -c -r -b input=dem output=vs coordinates={},{} observer_elevation={height} \
            target_elevation=0 refraction_coeff=0.14286 --quiet --overwrite \
         && r.out.gdal input=vs output={} type=Float32 --quiet --overwrite",
        dem.display(),
        eye[0],
        eye[1],
        out.display()
    ));
    pw_terrain::geotiff::read_file(&out).unwrap().0
}

/// Cells where both answer (1 or 0; nodata and the eye's cell left out):
/// (compared, the same, of the differing ones on an edge of `a`'s or
/// `b`'s viewshed, i.e. with both answers among its 8 neighbours).
fn agreement(a: &Grid, b: &Grid, eye: (usize, usize)) -> (usize, usize, usize) {
    let answer = |g: &Grid, c: usize, r: usize| g.value(c, r).map(|v| v >= 0.5);
    let edge = |g: &Grid, c: usize, r: usize| {
        let mut seen = [false; 2];
        for dr in -1..=1isize {
            for dc in -1..=1isize {
                let (cc, rr) = (c as isize + dc, r as isize + dr);
                if cc >= 0 && rr >= 0 {
                    if let Some(v) = answer(g, cc as usize, rr as usize) {
                        seen[v as usize] = true;
                    }
                }
            }
        }
        seen[0] && seen[1]
    };
    let (mut n, mut same, mut on_edge) = (0, 0, 0);
    for r in 0..a.height {
        for c in 0..a.width {
            if (c, r) == eye {
                continue;
            }
            let (Some(x), Some(y)) = (answer(a, c, r), answer(b, c, r)) else {
                continue;
            };
            n += 1;
            if x == y {
                same += 1;
            } else if edge(a, c, r) || edge(b, c, r) {
                on_edge += 1;
            }
        }
    }
    (n, same, on_edge)
}

/// Totals over all observers of one comparison: cells compared, the
/// same, differing on an edge.
#[derive(Default, Clone, Copy)]
struct Tally {
    cells: usize,
    same: usize,
    on_edge: usize,
}

impl Tally {
    fn add(&mut self, (n, same, edge): (usize, usize, usize)) {
        self.cells += n;
        self.same += same;
        self.on_edge += edge;
    }
    fn agree(&self) -> f64 {
        100.0 * self.same as f64 / self.cells as f64
    }
    fn edge_share(&self) -> f64 {
        let differ = self.cells - self.same;
        100.0 * self.on_edge as f64 / differ.max(1) as f64
    }
}

/// Six observers 1.6 m above a valley floor, a slope, the highest summit
/// and three cells spread over the grid.
///
/// GDAL 3.6 (Debian 12's) takes the eye's own ground as the sight-line
/// height of the cells next to it on its column and diagonals, which hides
/// slopes below the eye (GDAL #10205, fixed in 3.10; the summit
/// "butterfly" of #8291): our sweep with that one rule reproduces GDAL 3.6
/// within 3 cells per observer, so every other difference to it is that
/// defect; our agreement with it is reported. GRASS has no such defect:
/// over all observers each of our methods agrees with it at least as well
/// as the two peers agree with each other, and at least 95 % of the cells
/// where we differ lie on the edge of what is seen.
#[test]
fn viewsheds_agree_with_gdal_and_grass_as_well_as_they_agree_with_each_other() {
    let (dem, path) = vinschgau();
    let inner = |k: &usize| {
        let (c, r) = (k % dem.width, k / dem.width);
        c > 0 && r > 0 && c + 1 < dem.width && r + 1 < dem.height && dem.values[*k].is_finite()
    };
    let lowest = (0..dem.values.len())
        .filter(inner)
        .min_by(|a, b| dem.values[*a].total_cmp(&dem.values[*b]))
        .unwrap();
    let highest = (0..dem.values.len())
        .filter(inner)
        .max_by(|a, b| dem.values[*a].total_cmp(&dem.values[*b]))
        .unwrap();
    let at = |c: usize, r: usize| r * dem.width + c;
    let observers = [
        ("valley", lowest),
        ("slope", at(120, 100)),
        ("summit", highest),
        ("north-west", at(50, 50)),
        ("middle", at(150, 120)),
        ("east", at(200, 60)),
    ];
    let methods = ["sweep", "rays", "exact"];
    let mut peers = Tally::default();
    let mut ours = [[Tally::default(); 2]; 3];
    for (name, k) in observers {
        assert!(inner(&k), "{name} lies on data");
        let cell = (k % dem.width, k / dem.width);
        let (x, y) = dem.cell_centre(cell.0, cell.1);
        let height = 1.6;
        let sight = Sight::new([x, y, dem.values[k] as f64 + height]);
        let grids = [
            sweep::viewshed(&dem, &sight, None).unwrap().grid,
            rays::viewshed(&dem, &sight, None).unwrap().grid,
            exact::viewshed(&dem, &sight, None).unwrap().grid,
        ];
        // The peers get a point a quarter cell off the centre, inside the
        // same cell: GDAL 3.6 rounds the pixel coordinate (the centre would
        // be taken for the next cell), GRASS takes the cell it falls in.
        let peer_eye = [x - 0.25 * dem.dx, y + 0.25 * dem.dy];
        let gdal = gdal_viewshed(name, &path, peer_eye, height);
        let grass = r_viewshed(name, &path, peer_eye, height);
        assert_eq!((gdal.width, gdal.height), (dem.width, dem.height));
        assert_eq!((grass.width, grass.height), (dem.width, dem.height));
        let visible = |g: &Grid| g.values.iter().filter(|v| **v >= 0.5).count();
        // Our sweep with GDAL 3.6's handling of the cells next to the eye
        // is GDAL 3.6.
        let as_gdal = sweep::viewshed_as_gdal_3_6(&dem, &sight).unwrap().grid;
        let same = agreement(&as_gdal, &gdal, cell);
        assert!(
            same.0 - same.1 <= 3,
            "{name}: the sweep as GDAL 3.6 differs from it in {} cells",
            same.0 - same.1
        );
        let pp = agreement(&gdal, &grass, cell);
        peers.add(pp);
        println!(
            "{name} ({x:.0}, {y:.0}, {:.0} m): visible cells — sweep {}, rays {}, exact {}, gdal {}, grass {}; gdal ~ grass {:.2} %",
            dem.values[k],
            visible(&grids[0]),
            visible(&grids[1]),
            visible(&grids[2]),
            visible(&gdal),
            visible(&grass),
            100.0 * pp.1 as f64 / pp.0 as f64,
        );
        for (m, grid) in grids.iter().enumerate() {
            for (p, other) in [&gdal, &grass].into_iter().enumerate() {
                let a = agreement(grid, other, cell);
                ours[m][p].add(a);
                println!(
                    "  {} ~ {}: {:.2} % of {} cells; {} differ, {} of them on a visibility edge",
                    methods[m],
                    ["gdal", "grass"][p],
                    100.0 * a.1 as f64 / a.0 as f64,
                    a.0,
                    a.0 - a.1,
                    a.2
                );
            }
        }
    }
    println!(
        "all observers: gdal ~ grass {:.2} %, {:.0} % of the differences on an edge",
        peers.agree(),
        peers.edge_share()
    );
    let mut failures = Vec::new();
    for (m, method) in methods.iter().enumerate() {
        for (p, peer) in ["gdal", "grass"].iter().enumerate() {
            let t = ours[m][p];
            println!(
                "all observers: {method} ~ {peer} {:.2} %, {:.0} % of the differences on an edge",
                t.agree(),
                t.edge_share()
            );
            // GDAL 3.6's own differences are its defect (reproduced above);
            // GRASS is held to both criteria.
            if *peer == "gdal" {
                continue;
            }
            if t.agree() < peers.agree() {
                failures.push(format!(
                    "{method} ~ {peer}: {:.2} % < {:.2} %",
                    t.agree(),
                    peers.agree()
                ));
            }
            if t.edge_share() < 95.0 {
                failures.push(format!(
                    "{method} ~ {peer}: only {:.0} % of the differences on an edge",
                    t.edge_share(),
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

//! Our ground shadows against two peers on the same height grid (the NRW
//! LoD2 tile 280/5657 rasterised at 1 m): GRASS GIS `r.sunmask` (Debian
//! `grass-core`) and SOLWEIG's shadow routine (PyPI `solweig`, UMEP). At
//! least 99 % of the cells must agree for every sun position; the
//! disagreement maps are written to target/peers/ (0 agree, 1 only we see
//! shadow, 2 only the peer does).
//!
//! Needs `grass` on PATH and a Python with `solweig` (PW_SOLWEIG_PYTHON, or
//! the venv `.ci/peers-setup` makes); `.ci/run` installs both.

use pw_geo::Crs;
use pw_shadow::sweep::{self, SunDirection};
use pw_shadow::{Area, height_model, obstacles};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Morning, noon and evening sun (azimuth, elevation in degrees). GRASS's
/// r.sunmask marches every cell towards the sun, minutes per low position,
/// so the low ones are kept to the fast SOLWEIG comparison.
const POSITIONS: [(f64, f64); 3] = [(135.0, 35.0), (180.0, 60.0), (250.0, 20.0)];
const LOW_POSITIONS: [(f64, f64); 2] = [(95.0, 12.0), (300.0, 8.0)];
/// r.sunmask is slow (single-threaded; measured: 24 s a position on the
/// village strip, 115 s on the 400 m square of blocks): it gets the two
/// positions with the longest shadows, one on each side of noon, on the
/// village and on the blocks' densest 150 m square (31 % built, the
/// south-east corner), all four side by side; SOLWEIG gets all five on
/// both whole grids.
const GRASS_POSITIONS: [(f64, f64); 2] = [(135.0, 35.0), (250.0, 20.0)];
/// The blocks' squares (west, south, east, north) around their centre (m).
const BLOCKS: [f64; 4] = [-200.0, -200.0, 200.0, 200.0];
const GRASS_BLOCKS: [f64; 4] = [50.0, -200.0, 200.0, -50.0];

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn solweig_python() -> PathBuf {
    std::env::var_os("PW_SOLWEIG_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".ci/peers-venv/bin/python"))
}

struct Dsm {
    name: &'static str,
    width: usize,
    height: usize,
    x0: f64,
    y0: f64,
    values: Vec<f32>,
    /// Building cells (vertical sides) — our sweep's only extra input.
    blocks: Vec<bool>,
    path: PathBuf,
}

/// A real building set rasterised at 1 m over `area` (EPSG:25832), written
/// as GeoTIFF for the peers.
fn dsm(name: &'static str, model: &pw_city::CityModel, area: Area, dir: &Path) -> Dsm {
    let o = obstacles::collect(&[model], &area, &area);
    let hm = height_model::build(&area, 1.0, 0.0, None, &o);
    // r.sunmask skips cells of height 0 (Karlsruhe's ground): lift every
    // set by 100 m, which moves no shadow.
    let grid = hm.surface_grid(o.origin.world[2] + 100.0, Some(Crs::epsg(25832)));
    let path = dir.join(format!("{name}_dsm.tif"));
    pw_terrain::geotiff_write::write_file(&grid, &path, &[]).unwrap();
    Dsm {
        name,
        width: hm.width,
        height: hm.height,
        x0: grid.x0,
        y0: grid.y0,
        values: grid.values,
        blocks: hm.building,
        path,
    }
}

/// Two real building sets: the village strip of the NRW tile (absolute
/// heights, ground from the building bases) and the dense Karlsruhe
/// Innenstadt-Ost blocks (heights above ground 0, reprojected from degrees).
fn datasets(dir: &Path) -> Vec<Dsm> {
    datasets_with(dir, "karlsruhe", BLOCKS)
}

/// The same with another square of the blocks.
fn datasets_with(dir: &Path, blocks: &'static str, square: [f64; 4]) -> Vec<Dsm> {
    let data = workspace().join("../shared/data/citygml");
    let nrw =
        pw_city::citygml::read_file(&data.join("nrw/LoD2_32_280_5657_1_NW.gml"), None).unwrap();
    let mut ka =
        pw_city::citygml::read_file(&data.join("karlsruhe/innenstadt_ost_4326_lod2.gml"), None)
            .unwrap();
    let utm = Crs::epsg(25832);
    ka.settle_axis_order(utm, [457_000.0, 5_429_000.0, 0.0])
        .unwrap();
    ka.reproject(utm).unwrap();
    let c = ka.extent().center();
    vec![
        dsm(
            "nrw",
            &nrw,
            Area::new(280_840.0, 5_657_110.0, 281_010.0, 5_657_740.0),
            dir,
        ),
        // 15 % of the cells and more are in shadow at noon.
        dsm(
            blocks,
            &ka,
            Area::new(
                c[0] + square[0],
                c[1] + square[1],
                c[0] + square[2],
                c[1] + square[3],
            ),
            dir,
        ),
    ]
}

fn ours(dsm: &Dsm, az: f64, el: f64) -> Vec<bool> {
    let mut ceiling = vec![0.0; dsm.values.len()];
    sweep::shadow_ceiling(
        &dsm.values,
        Some(&dsm.blocks),
        dsm.width,
        dsm.height,
        1.0,
        SunDirection {
            azimuth: az,
            elevation: el,
        },
        &mut ceiling,
    );
    let mut lit = Vec::new();
    sweep::lit(&dsm.values, &ceiling, &mut lit);
    lit.iter().map(|l| !l).collect()
}

/// Agreement fraction, and the disagreement map written as GeoTIFF.
/// Share of all cells that agree, and of the cells either side shadows.
fn compare(name: &str, dsm: &Dsm, ours: &[bool], peer: &[bool], out: &Path) -> (f64, f64) {
    assert_eq!(ours.len(), peer.len());
    let mut map = vec![0f32; ours.len()];
    let mut agree = 0usize;
    let mut union = 0usize;
    let mut both = 0usize;
    for (k, (a, b)) in ours.iter().zip(peer).enumerate() {
        union += (*a || *b) as usize;
        both += (*a && *b) as usize;
        map[k] = match (a, b) {
            (x, y) if x == y => {
                agree += 1;
                0.0
            }
            (true, false) => 1.0,
            _ => 2.0,
        };
    }
    let grid = pw_terrain::Grid {
        width: dsm.width,
        height: dsm.height,
        x0: dsm.x0,
        y0: dsm.y0,
        dx: 1.0,
        dy: 1.0,
        values: map,
        crs: Some(Crs::epsg(25832)),
    };
    pw_terrain::geotiff_write::write_file(&grid, &out.join(format!("{name}.tif")), &[]).unwrap();
    (
        agree as f64 / ours.len() as f64,
        both as f64 / union.max(1) as f64,
    )
}

fn out_dir() -> PathBuf {
    let d = workspace().join("target/peers");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn report(peer: &str, dsm: &Dsm, az: f64, el: f64, mine: &[bool], theirs: &[bool], dir: &Path) {
    let (cells, shadow) = compare(
        &format!("disagreement_{peer}_{}_{az}_{el}", dsm.name),
        dsm,
        mine,
        theirs,
        dir,
    );
    let (n_ours, n_peer) = (
        mine.iter().filter(|x| **x).count(),
        theirs.iter().filter(|x| **x).count(),
    );
    println!(
        "{peer} {} az {az} el {el}: {:.3} % of {} cells agree; shadow cells ours {n_ours}, {peer} {n_peer}, \
         {:.1} % of the shadowed cells shadowed by both",
        dsm.name,
        cells * 100.0,
        mine.len(),
        shadow * 100.0
    );
    assert!(
        n_peer > 1_000,
        "{peer} found almost no shadow ({n_peer}): wrong input?"
    );
    assert!(
        cells >= 0.99,
        "{} az {az} el {el}: only {:.3} % agree",
        dsm.name,
        cells * 100.0
    );
}

#[test]
fn ground_shadows_agree_with_grass_r_sunmask() {
    let dir = out_dir().join("grass");
    std::fs::create_dir_all(&dir).unwrap();
    let sets = datasets_with(&dir, "karlsruhe_southeast", GRASS_BLOCKS);
    // Each grid its own saved region, which WIND_OVERRIDE gives each
    // r.sunmask: all four run side by side.
    let mut script = String::from("true");
    for d in &sets {
        script += &format!(
            " && r.in.gdal -o input={} output={n} --quiet --overwrite \
             && g.region raster={n} save={n}_region --overwrite --quiet",
            d.path.display(),
            n = d.name
        );
    }
    script += " && {";
    let mut waits = Vec::new();
    for d in &sets {
        for (k, (az, el)) in GRASS_POSITIONS.iter().enumerate() {
            script += &format!(
                " (export WIND_OVERRIDE={n}_region; \
                 r.sunmask elevation={n} output={n}_sh{k} altitude={el} azimuth={az} --quiet --overwrite \
                 && r.out.gdal input={n}_sh{k} output={}/{n}_grass_{k}.tif type=Byte -c --quiet --overwrite) \
                 & p_{n}_{k}=$!;",
                dir.display(),
                n = d.name
            );
            waits.push(format!("wait $p_{}_{k}", d.name));
        }
    }
    script += &format!(" {}; }}", waits.join(" && "));
    pw_testkit::grass(&script);
    for d in &sets {
        for (k, (az, el)) in GRASS_POSITIONS.iter().enumerate() {
            let (grass, _) =
                pw_terrain::geotiff::read_file(&dir.join(format!("{}_grass_{k}.tif", d.name)))
                    .unwrap();
            assert_eq!((grass.width, grass.height), (d.width, d.height));
            // r.sunmask: 1 = shadow, null (nodata) = sun.
            let peer: Vec<bool> = grass.values.iter().map(|v| *v == 1.0).collect();
            report("grass", d, *az, *el, &ours(d, *az, *el), &peer, &dir);
        }
    }
}

#[test]
fn ground_shadows_agree_with_solweig() {
    let dir = out_dir().join("solweig");
    std::fs::create_dir_all(&dir).unwrap();
    let python = solweig_python();
    let all: Vec<(f64, f64)> = POSITIONS.iter().chain(&LOW_POSITIONS).copied().collect();
    let positions: Vec<String> = all.iter().map(|(a, e)| format!("{a},{e}")).collect();
    for d in datasets(&dir) {
        let sub = dir.join(d.name);
        std::fs::create_dir_all(&sub).unwrap();
        let out = Command::new(&python)
            .arg(workspace().join("tools/solweig_shadows.py"))
            .arg(&d.path)
            .arg(&sub)
            .arg(positions.join(";"))
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} ({e}): run .ci/peers-setup or set PW_SOLWEIG_PYTHON",
                    python.display()
                )
            });
        assert!(
            out.status.success(),
            "solweig failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (k, (az, el)) in all.iter().enumerate() {
            let bytes = std::fs::read(sub.join(format!("solweig_{k}.bin"))).unwrap();
            assert_eq!(bytes.len(), d.width * d.height);
            let peer: Vec<bool> = bytes.iter().map(|b| *b == 1).collect();
            report("solweig", &d, *az, *el, &ours(&d, *az, *el), &peer, &dir);
        }
    }
}

//! The scenario of the flood tests and bench: the OpenStreetMap extract
//! of north Bayreuth (ODbL) on the SRTM terrain of its tile.

use pw_analysis::Scenario;
use pw_analysis::scenario::{InputStamp, ScenarioLayer, Site};
use pw_geo::elevation::Elevation;
use pw_geo::transform::Reprojector;
use pw_terrain::Grid;
use std::path::PathBuf;
use std::sync::Arc;

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
}

/// SRTM heights (WGS 84) answering scene coordinates (EPSG:25832).
#[derive(Debug)]
struct Srtm {
    grid: Grid,
    to_grid: Reprojector,
}

impl Elevation for Srtm {
    fn height_at(&self, x: f64, y: f64) -> Option<f64> {
        let p = self.to_grid.apply([x, y, 0.0]).ok()?;
        self.grid.height(p[0], p[1])
    }
}

pub fn scenario(name: &str) -> Scenario {
    let crs = pw_geo::Crs::epsg(25832);
    let srtm = Arc::new(Srtm {
        grid: pw_terrain::srtm::read_file(&data("dem/srtm/N49E011.hgt.zip")).unwrap(),
        to_grid: Reprojector::new(crs, pw_geo::Crs::WGS84).unwrap(),
    });
    let site = Site {
        crs: Some(crs),
        origin: [685_700.0, 5_538_700.0, 350.0],
        latitude: 49.95,
        longitude: 11.58,
        time_zone: "Europe/Berlin".into(),
    };
    let osm = data("osm/north-bayreuth.osm.gz");
    let mut map = pw_vector::read_file(&osm, &Default::default()).unwrap();
    map.reproject(crs).unwrap();
    let style = pw_vector::osm::map_style();
    let symbology = pw_vector::style::symbolize(&map, &style);
    let ground = srtm.clone();
    let model = pw_vector::to_city::city_model(
        &map,
        &osm,
        &move |x, y| ground.height_at(x, y).unwrap_or(350.0),
        &style,
        &symbology,
    )
    .model;
    let mut s = Scenario::new(name, site);
    s.layers.push(ScenarioLayer {
        name: "OSM".into(),
        model: Arc::new(model),
        input: Some(InputStamp::of(&osm)),
    });
    s.terrain = Some(srtm);
    s
}

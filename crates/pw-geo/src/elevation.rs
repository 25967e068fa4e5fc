//! Terrain heights for the rest of the program: anything that can say how
//! high the ground is at a point of the scene CRS (a TIN relief from
//! CityGML now, DEM grids later). Buildings with ground-relative heights
//! stand on it, points are clamped to it.

use std::sync::Arc;

pub trait Elevation: Send + Sync + std::fmt::Debug {
    /// Ground height at easting/northing of the scene CRS, `None` outside.
    fn height_at(&self, x: f64, y: f64) -> Option<f64>;
}

/// Several terrains; the first that covers a point answers.
#[derive(Debug, Clone, Default)]
pub struct TerrainStack {
    pub layers: Vec<Arc<dyn Elevation>>,
}

impl TerrainStack {
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

impl Elevation for TerrainStack {
    fn height_at(&self, x: f64, y: f64) -> Option<f64> {
        self.layers.iter().find_map(|l| l.height_at(x, y))
    }
}

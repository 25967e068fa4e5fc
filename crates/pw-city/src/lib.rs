//! City models: buildings with semantic surfaces and attributes, the readers
//! that fill them from real files, and triangulation for display and analysis.
//! Engine-free: the app turns [`CityModel`] into batched meshes.

pub mod appearance;
pub mod atlas;
pub mod batch;
pub mod citygml;
pub mod cityjson;
pub mod codes;
pub mod export;
pub mod export_citygml;
pub mod gltf_reader;
pub mod kml_model;
pub mod mesh;
pub mod model;
pub mod pick;
pub mod placement;
pub mod terrain;
pub mod tiles3d;
pub mod triangulate;

pub use model::*;

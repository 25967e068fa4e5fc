//! Planwerkstatt: a desktop GIS and 3D planning workbench (Bevy + egui).
//! The engine-free work lives in `crates/`; this crate is the app: Bevy
//! plugins, egui panels and the command line.

pub mod app;
pub mod basemap_layer;
pub mod camera;
pub mod city_layer;
pub mod cli;
pub mod clock;
pub mod flight_bench;
pub mod frame;
pub mod ground;
pub mod i18n;
pub mod jobs;
pub mod layers;
pub mod picking;
pub mod point_symbols;
pub mod screenshot;
pub mod sensor_markers;
pub mod sensor_sources;
pub mod sensors_cli;
pub mod sensors_layer;
pub mod settings;
pub mod sun;
pub mod sun_cli;
pub mod sunhours;
pub mod sunhours_layer;
pub mod terrain_layer;
pub mod terrain_lod;
pub mod tiles_layer;
pub mod ui;
pub mod vector_layer;

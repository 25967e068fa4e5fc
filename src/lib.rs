//! Planwerkstatt: a desktop GIS and 3D planning workbench (Bevy + egui).
//! The engine-free work lives in `crates/`; this crate is the app: Bevy
//! plugins, egui panels and the command line.

pub mod analysis;
pub mod app;
pub mod base;
pub mod cli;
pub mod layers;
pub mod participation;
pub mod picture;
pub mod plan;
pub mod scenario;
pub mod sensors;
pub mod ui;
pub mod view;

//! Traffic change (issue 19). Today: `planwerkstatt traffic assign` — a
//! road network (TNTP, or OpenStreetMap with zones and a gravity model)
//! assigned to its user equilibrium by `pw-traffic`, written as GeoJSON
//! lines or a CSV table with the run stamp. The workbench's form, the
//! variant's road edits and the map layer come when a scene names its road
//! network and zones.

pub mod cli;

//! Views (issue 16): `pw_view`'s `ViewAnalysis` registered with the
//! framework — what an observer picked on the ground, a roof or a wall sees
//! over the scenario's terrain, buildings and trees (the visible ground
//! draped, the walls and roofs seen), and lines of sight with their
//! section; the framework gives it the form (points picked on the map),
//! B − A (what a variant newly hides or opens), the exports and
//! `planwerkstatt analysis run view` (`view` in `cli/view.rs`).

use super::RegisterAnalysis;
use bevy::prelude::*;
use std::sync::Arc;

pub struct ViewPlugin;

impl Plugin for ViewPlugin {
    fn build(&self, app: &mut App) {
        app.register_analysis(Arc::new(pw_view::ViewAnalysis));
    }
}

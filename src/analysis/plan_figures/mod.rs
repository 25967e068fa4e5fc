//! The plan's key figures (new buildings, footprint, gross floor area,
//! height, demolitions, GRZ/GFZ) as an analysis: `pw_plan`'s
//! `PlanFiguresAnalysis` registered with the framework, which gives it the
//! form, the table, B − A between variants and the CSV export.

use super::RegisterAnalysis;
use bevy::prelude::*;
use std::sync::Arc;

pub struct PlanFiguresPlugin;

impl Plugin for PlanFiguresPlugin {
    fn build(&self, app: &mut App) {
        app.register_analysis(Arc::new(pw_plan::PlanFiguresAnalysis));
    }
}

//! The order of things lying on the ground, seen from any distance: the
//! ground plane, then basemap tiles (0.15 m up), draped vector features
//! (0.3 m), analysis rasters (0.6 m). Fixed lifts that size hold up close;
//! from kilometres away the depth buffer and the terrain's coarser far
//! meshes need more, so draped things are raised further in proportion to
//! the camera's distance — invisible at that distance, but a stable order.
//! (A constant depth bias does not do it: on a float depth buffer it scales
//! with a triangle's nearest depth, and a district-sized triangle reaching
//! the camera was pulled metres in front of the buildings.)

use crate::view::camera::OrbitCamera;
use bevy::prelude::*;

/// What lies on the ground, lowest first.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Draped {
    /// Basemap imagery.
    Basemap,
    /// Vector features laid on the ground (land use, roads, districts).
    Feature,
    /// An analysis result's ground raster.
    Result,
}

/// Extra lift per metre of camera distance, per rank.
const LIFT_PER_METRE: f32 = 2.0e-4;
/// The most extra lift per rank (at 1,000 km and more).
const MAX_LIFT_M: f32 = 200.0;

impl Draped {
    /// Extra height (m) at a camera distance: grows with distance and with
    /// the rank, so higher ranks stay above lower ones.
    pub fn lift(self, distance: f32) -> f32 {
        let rank = match self {
            Draped::Basemap => 0.5,
            Draped::Feature => 1.0,
            Draped::Result => 2.0,
        };
        rank * (distance * LIFT_PER_METRE).clamp(0.0, MAX_LIFT_M)
    }
}

pub struct DrapePlugin;

impl Plugin for DrapePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(PostUpdate, lift_draped.before(TransformSystems::Propagate));
    }
}

/// Draped things keep an identity transform but for this lift (their
/// vertices are in the scene frame already).
fn lift_draped(
    orbit: Query<&OrbitCamera>,
    mut draped: Query<(&Draped, &mut Transform)>,
    added: Query<(), Added<Draped>>,
    mut last: Local<Option<f32>>,
) {
    let Some(distance) = orbit.iter().next().map(|o| o.distance) else {
        return;
    };
    if *last == Some(distance) && added.is_empty() {
        return;
    }
    *last = Some(distance);
    for (rank, mut t) in &mut draped {
        let y = rank.lift(distance);
        if t.translation.y != y {
            t.translation.y = y;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_stay_above_features_and_both_rise_with_distance() {
        for d in [10.0, 800.0, 10_000.0, 2_500_000.0] {
            assert!(Draped::Result.lift(d) > Draped::Feature.lift(d), "{d}");
            assert!(Draped::Feature.lift(d) > Draped::Basemap.lift(d), "{d}");
        }
        assert!(
            Draped::Feature.lift(800.0) < 0.2,
            "close up the drape is as laid"
        );
        assert!(Draped::Feature.lift(10_000.0) > Draped::Feature.lift(800.0));
        assert_eq!(Draped::Result.lift(5e6), 2.0 * MAX_LIFT_M);
    }

    #[test]
    fn the_lift_follows_the_camera() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins).add_plugins(DrapePlugin);
        let cam = app
            .world_mut()
            .spawn(OrbitCamera {
                distance: 10_000.0,
                ..default()
            })
            .id();
        let raster = app
            .world_mut()
            .spawn((Draped::Result, Transform::IDENTITY))
            .id();
        app.update();
        let y = |app: &App| app.world().get::<Transform>(raster).unwrap().translation.y;
        assert_eq!(y(&app), Draped::Result.lift(10_000.0));
        app.world_mut()
            .get_mut::<OrbitCamera>(cam)
            .unwrap()
            .distance = 500.0;
        app.update();
        assert_eq!(y(&app), Draped::Result.lift(500.0));
    }
}

//! The view someone had when they said something — camera, variant, visible
//! layers, the analysis result on screen, the clock — taken from the app,
//! and given back to it ("show me what they saw").

use pw_participation::{Camera, ViewState};
use pw_scene::Bookmark;

use crate::analysis::AnalysisState;
use crate::layers::Layers;
use crate::view::camera::OrbitCamera;
use crate::view::clock::SceneClock;
use crate::view::frame::SceneFrame;

/// The view as it is now.
pub fn capture(
    orbit: Option<&OrbitCamera>,
    frame: &SceneFrame,
    variant: Option<&str>,
    layers: &Layers,
    analysis: Option<&AnalysisState>,
    clock: &SceneClock,
) -> ViewState {
    let zoned = clock.local();
    ViewState {
        camera: orbit.map(|o| Camera {
            eye: frame.bevy_to_world(o.eye()),
            target: frame.bevy_to_world(o.target),
        }),
        variant: variant.map(String::from),
        layers: layers
            .entries
            .iter()
            .filter(|e| e.shown() && !layers.generated.contains(&e.id))
            .map(|e| e.def.name.clone())
            .collect(),
        analysis: analysis.and_then(shown_result),
        clock: Some(
            zoned
                .timestamp()
                .display_with_offset(zoned.offset())
                .to_string(),
        ),
    }
}

/// The label of the result whose ground raster is on screen (else the
/// newest with something shown).
fn shown_result(state: &AnalysisState) -> Option<String> {
    state
        .results
        .iter()
        .rev()
        .find(|r| r.show_ground && r.result.ground.is_some())
        .or_else(|| {
            state
                .results
                .iter()
                .rev()
                .find(|r| r.show_facades || r.show_features)
        })
        .map(|r| r.result.label.clone())
}

/// The orbit camera's bookmark that looks from `eye` at `target`
/// (heading clockwise from grid north, pitch below the horizon).
pub fn bookmark(camera: &Camera, name: String) -> Option<Bookmark> {
    let d = [
        camera.target[0] - camera.eye[0],
        camera.target[1] - camera.eye[1],
        camera.target[2] - camera.eye[2],
    ];
    let distance = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
    if !(distance.is_finite() && distance > 0.01) {
        return None;
    }
    Some(Bookmark {
        name,
        target: camera.target,
        distance,
        heading: d[0].atan2(d[1]).to_degrees().rem_euclid(360.0),
        pitch: (-d[2] / distance).asin().to_degrees(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::prelude::Vec3;

    /// Eye and target from the orbit camera, back to the same camera.
    #[test]
    fn a_camera_goes_round_through_eye_and_target() {
        let frame = SceneFrame::new(pw_geo::Crs::epsg(25832), [681_000.0, 5_644_000.0, 150.0]);
        let orbit = OrbitCamera {
            target: Vec3::new(120.0, 10.0, -340.0),
            distance: 420.0,
            heading: 233.0,
            pitch: 31.0,
        };
        let camera = Camera {
            eye: frame.bevy_to_world(orbit.eye()),
            target: frame.bevy_to_world(orbit.target),
        };
        let b = bookmark(&camera, "x".into()).unwrap();
        assert!((b.distance - 420.0).abs() < 0.01, "{}", b.distance);
        assert!((b.heading - 233.0).abs() < 0.01, "{}", b.heading);
        assert!((b.pitch - 31.0).abs() < 0.01, "{}", b.pitch);
        let again = OrbitCamera::from_bookmark(&b, &frame);
        assert!((again.target - orbit.target).length() < 0.01);
        assert!(
            bookmark(
                &Camera {
                    eye: [1.0; 3],
                    target: [1.0; 3]
                },
                "x".into()
            )
            .is_none()
        );
    }
}

//! Contributions as pins in the view: a post from the ground (or the tapped
//! point) up, a ring at its head in the category's colour; the one whose
//! view is shown stands taller.

use bevy::prelude::*;

use super::Participation;
use crate::view::frame::SceneFrame;
use crate::view::ground::GroundLevel;

pub struct ParticipationPinsPlugin;

impl Plugin for ParticipationPinsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, draw_pins);
    }
}

fn draw_pins(
    mut gizmos: Gizmos,
    participation: Res<Participation>,
    frame: Res<SceneFrame>,
    ground: Option<Res<GroundLevel>>,
) {
    let ground = ground.map(|g| g.height).unwrap_or(frame.origin.world[2]);
    let mut pin = |anchor: &pw_participation::Anchor, rgb: [u8; 3], tall: bool| {
        let foot = anchor.z.unwrap_or(ground);
        let height = if tall { 30.0 } else { 15.0 };
        let colour = Color::srgb_u8(rgb[0], rgb[1], rgb[2]);
        let bottom = frame.world_to_bevy([anchor.x, anchor.y, foot]);
        let top = frame.world_to_bevy([anchor.x, anchor.y, foot + height]);
        gizmos.line(bottom, top, colour);
        gizmos.circle(
            Isometry3d::new(top, Quat::from_rotation_x(std::f32::consts::FRAC_PI_2)),
            if tall { 4.0 } else { 2.5 },
            colour,
        );
        gizmos.sphere(Isometry3d::from_translation(top), 1.2, colour);
    };
    for c in participation.listed() {
        if c.hidden {
            continue;
        }
        if let Some(anchor) = &c.anchor {
            pin(
                anchor,
                c.category.colour(),
                participation.selected == Some(c.id),
            );
        }
    }
    if let Some(anchor) = &participation.draft.anchor {
        pin(anchor, [255, 255, 255], true);
    }
}

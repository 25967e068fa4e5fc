//! Who is looking: the planners at their desk, or the public (a workshop at
//! the touch table, the showroom). Layers marked `restricted` in the scene
//! are withheld from the public everywhere.

use bevy::prelude::*;

#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    /// Workshop or showroom: restricted layers are withheld.
    pub public: bool,
    /// The showroom (kiosk mode): the tour runs, idle resets.
    pub kiosk: bool,
}

/// The workshop's pictures are being taken: they are for the public (the
/// phones, the report), so restricted layers are withheld meanwhile,
/// whatever the mode.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PicturesForThePublic(pub bool);

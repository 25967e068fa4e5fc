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

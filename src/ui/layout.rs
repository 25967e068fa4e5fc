//! How the window is shared at any size and control size. The 3D view
//! keeps at least half the width: side panels are limited to the other
//! half, and where the window is narrow in points (a small screen, or
//! controls at 2–3×) they become drawers, one open at a time over the
//! side of the view.

/// Below this window width (points) the side panels become drawers.
pub const NARROW_WINDOW_PT: f32 = 1000.0;

/// Side panels are not dragged narrower than this (points): their
/// headings ("Eigenschaften" in bold, large type) stay whole words.
pub const MIN_SIDE_PT: f32 = 220.0;

/// Which drawer is open on a narrow window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Drawer {
    #[default]
    Closed,
    Layers,
    Inspector,
}

/// The widths the side panels may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sides {
    /// Drawers instead of panels.
    pub narrow: bool,
    pub left_max: f32,
    pub right_max: f32,
}

impl Sides {
    pub fn for_window(width_pt: f32) -> Sides {
        if width_pt < NARROW_WINDOW_PT {
            // One drawer at a time, at most half the window.
            Sides {
                narrow: true,
                left_max: width_pt * 0.5,
                right_max: width_pt * 0.5,
            }
        } else {
            Sides {
                narrow: false,
                left_max: width_pt * 0.28,
                right_max: (width_pt * 0.22).min(460.0),
            }
        }
    }

    pub fn shows_layers(&self, drawer: Drawer) -> bool {
        !self.narrow || drawer == Drawer::Layers
    }

    pub fn shows_inspector(&self, drawer: Drawer) -> bool {
        !self.narrow || drawer == Drawer::Inspector
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_3d_view_keeps_half_the_width_at_every_control_size() {
        // 1600 px wide at the sizes the settings offer.
        for scale in [1.0, 1.25, 1.5, 2.0, 2.5, 3.0] {
            let w = 1600.0 / scale;
            let sides = Sides::for_window(w);
            let open = if sides.narrow {
                sides.left_max.max(sides.right_max)
            } else {
                sides.left_max + sides.right_max
            };
            assert!(w - open >= w * 0.5 - 0.01, "{scale}: {sides:?}");
            assert_eq!(sides.narrow, scale >= 2.0, "{scale}");
        }
        let s = Sides::for_window(800.0);
        assert!(!s.shows_layers(Drawer::Closed) && !s.shows_inspector(Drawer::Closed));
        assert!(s.shows_layers(Drawer::Layers) && !s.shows_inspector(Drawer::Layers));
        let s = Sides::for_window(1280.0);
        assert!(s.shows_layers(Drawer::Closed) && s.shows_inspector(Drawer::Closed));
    }
}

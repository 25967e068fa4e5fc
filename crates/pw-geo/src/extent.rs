//! Axis-aligned 3D extent in a projected CRS.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Extent3 {
    pub min: [f64; 3],
    pub max: [f64; 3],
}

impl Extent3 {
    pub const EMPTY: Extent3 = Extent3 {
        min: [f64::INFINITY; 3],
        max: [f64::NEG_INFINITY; 3],
    };

    pub fn is_empty(&self) -> bool {
        (0..3).any(|i| self.min[i] > self.max[i])
    }

    pub fn include(&mut self, p: [f64; 3]) {
        for (i, v) in p.iter().enumerate() {
            if v.is_finite() {
                self.min[i] = self.min[i].min(*v);
                self.max[i] = self.max[i].max(*v);
            }
        }
    }

    pub fn union(&mut self, other: &Extent3) {
        if !other.is_empty() {
            self.include(other.min);
            self.include(other.max);
        }
    }

    pub fn center(&self) -> [f64; 3] {
        [0, 1, 2].map(|i| 0.5 * (self.min[i] + self.max[i]))
    }

    pub fn size(&self) -> [f64; 3] {
        [0, 1, 2].map(|i| self.max[i] - self.min[i])
    }
}

impl Default for Extent3 {
    fn default() -> Self {
        Self::EMPTY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_ignores_nan() {
        let mut e = Extent3::EMPTY;
        assert!(e.is_empty());
        e.include([1.0, 2.0, 3.0]);
        e.include([f64::NAN, 5.0, -1.0]);
        assert_eq!(e.min, [1.0, 2.0, -1.0]);
        assert_eq!(e.max, [1.0, 5.0, 3.0]);
        assert_eq!(e.center(), [1.0, 3.5, 1.0]);
    }
}

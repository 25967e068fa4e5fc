//! A sound path as CNOSSOS-EU sees it: the cut points of the vertical
//! section from source to receiver (unfolded around lateral edges and at
//! reflections), the ground line the mean planes are fitted to, and the
//! ground factor G along it.

use super::plane::Point2;
use crate::bands::Bands;

/// What a cut point of a section is.
#[derive(Clone, Debug, PartialEq)]
pub enum CutKind {
    Source,
    Receiver,
    /// A vertex of the terrain (edge of a terrain triangle or cell).
    Terrain,
    /// The ground factor changes here.
    GroundChange,
    /// A thin wall (noise barrier); `z` is its top.
    Wall,
    /// The section enters a building; `z` is the roof edge.
    BuildingEnter,
    /// The section leaves a building; `z` is the roof edge.
    BuildingExit,
    /// Reflection on a facade or wall: its absorption per band and top.
    Reflection {
        alpha: Bands,
        top: f64,
    },
    /// A vertical edge the path bends around (lateral path).
    LateralEdge,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CutPoint {
    pub kind: CutKind,
    /// Horizontal distance from the source along the (unfolded) path (m).
    pub x: f64,
    /// Altitude of the point: the source/receiver, a wall or roof top, or
    /// the ground.
    pub z: f64,
    /// Altitude of the ground under it.
    pub z_ground: f64,
    /// Ground factor G of the ground after this point (0 hard … 1 soft).
    pub g: f64,
    /// Where it lies in plan (scene coordinates), for the curved rays.
    pub plan: [f64; 2],
}

impl CutPoint {
    /// Tops of walls and buildings stand above the ground.
    pub fn is_obstacle_top(&self) -> bool {
        matches!(
            self.kind,
            CutKind::Wall | CutKind::BuildingEnter | CutKind::BuildingExit
        )
    }

    pub fn at(&self) -> Point2 {
        [self.x, self.z]
    }
}

/// Which kind of path a section describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// In the vertical plane through source and receiver (possibly over
    /// obstacles).
    Direct,
    /// Around vertical edges on one side.
    Lateral,
    /// Via reflections on facades or walls (image sources).
    Reflected,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// G the method takes at the source for G'_path: 0 for a road's
    /// platform (CNOSSOS-EU §2.5.6); `None`: the ground's where the source
    /// stands (as ISO/TR 17534-4 places its sources).
    pub source_ground_factor: Option<f64>,
    pub kind: PathKind,
    /// From the source (first) to the receiver (last).
    pub points: Vec<CutPoint>,
    /// The source and receiver in the scene (x, y, z), for the straight
    /// distance that spreading counts.
    pub source: [f64; 3],
    pub receiver: [f64; 3],
}

/// The ground line of a section and, for every cut point, the index of
/// its ground point on the source side and on the receiver side.
pub(crate) struct GroundLine {
    pub points: Vec<Point2>,
    /// Last ground point belonging to the stretch before cut point i.
    pub before: Vec<usize>,
    /// First ground point belonging to the stretch after cut point i.
    pub after: Vec<usize>,
}

impl Section {
    pub fn source_point(&self) -> Point2 {
        self.points[0].at()
    }

    pub fn receiver_point(&self) -> Point2 {
        self.points[self.points.len() - 1].at()
    }

    /// Straight 3D distance between source and receiver.
    pub fn direct_distance(&self) -> f64 {
        let d: Vec<f64> = (0..3).map(|i| self.receiver[i] - self.source[i]).collect();
        (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
    }

    /// Length of the unfolded path from source to receiver.
    pub fn unfolded_length(&self) -> f64 {
        let (s, r) = (self.source_point(), self.receiver_point());
        ((r[0] - s[0]).powi(2) + (r[1] - s[1]).powi(2)).sqrt()
    }

    /// The path over the lateral edges, S → V1 … Vn → R.
    pub fn lateral_length(&self) -> f64 {
        let pts: Vec<Point2> = self
            .points
            .iter()
            .filter(|p| {
                matches!(
                    p.kind,
                    CutKind::Source | CutKind::Receiver | CutKind::LateralEdge
                )
            })
            .map(|p| p.at())
            .collect();
        pts.windows(2).map(|w| distance(w[0], w[1])).sum()
    }

    /// The ground under the section: terrain, walls as foot–top–foot,
    /// buildings as their outline (the roof between entry and exit).
    pub(crate) fn ground_line(&self) -> GroundLine {
        let mut points: Vec<Point2> = Vec::with_capacity(self.points.len() + 8);
        let mut before = Vec::with_capacity(self.points.len());
        let mut after = Vec::with_capacity(self.points.len());
        let mut inside = false;
        for p in &self.points {
            let foot = [p.x, p.z_ground];
            let top = [p.x, p.z];
            match p.kind {
                CutKind::GroundChange => {
                    let i = points.len().saturating_sub(1);
                    before.push(i);
                    after.push(i);
                }
                CutKind::Terrain if inside => {
                    let i = points.len().saturating_sub(1);
                    before.push(i);
                    after.push(i);
                }
                CutKind::Wall => {
                    points.push(foot);
                    before.push(points.len() - 1);
                    points.push(top);
                    points.push(foot);
                    after.push(points.len() - 1);
                }
                CutKind::BuildingEnter => {
                    points.push(foot);
                    before.push(points.len() - 1);
                    points.push(top);
                    after.push(points.len() - 1);
                    inside = true;
                }
                CutKind::BuildingExit => {
                    points.push(top);
                    before.push(points.len() - 1);
                    points.push(foot);
                    after.push(points.len() - 1);
                    inside = false;
                }
                _ => {
                    points.push(foot);
                    before.push(points.len() - 1);
                    after.push(points.len() - 1);
                }
            }
        }
        GroundLine {
            points,
            before,
            after,
        }
    }

    /// Mean ground factor over [from, to] (horizontal distances); roofs
    /// count as hard ground.
    pub(crate) fn g_path(&self, from: f64, to: f64) -> f64 {
        let mut inside = false;
        let (mut sum, mut length) = (0.0, 0.0);
        for w in self.points.windows(2) {
            match w[0].kind {
                CutKind::BuildingEnter => inside = true,
                CutKind::BuildingExit => inside = false,
                _ => {}
            }
            let (a, b) = (w[0].x.max(from), w[1].x.min(to));
            if b > a {
                let g = if inside { 0.0 } else { w[0].g };
                sum += g * (b - a);
                length += b - a;
            }
        }
        if length > 0.0 {
            sum / length
        } else {
            self.points[0].g
        }
    }
}

pub(crate) fn distance(a: Point2, b: Point2) -> f64 {
    ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt()
}

//! What sound meets on its way, in plan with altitudes: buildings (flat
//! roofs at an altitude), thin walls (barriers), ground zones with their
//! factor G, and the terrain. The scene cuts vertical sections between a
//! source and a receiver, straight or via first-order reflections.

use crate::bands::Bands;
use crate::cnossos::profile::{CutKind, CutPoint, PathKind, Section};
use crate::grid_index::EdgeGrid;
use rstar::primitives::{GeomWithData, Line, Rectangle};
use rstar::{AABB, PointDistance, RTree};

/// Receivers this close to a facade or wall (m) stand on it: its
/// reflection is not theirs.
const OWN_FACADE_M: f64 = 0.5;

/// Absorption of facades without data: Delany–Bazley ground of flow
/// resistivity 20 000 kPa·s/m² at the band centres (as NoiseModelling).
pub const DEFAULT_FACADE_ALPHA: Bands = [
    0.0049, 0.0081, 0.0133, 0.0217, 0.0353, 0.0569, 0.0908, 0.1426,
];

#[derive(Clone, Debug, PartialEq)]
pub struct Building {
    pub id: String,
    /// Footprint ring (x, y), not closed.
    pub footprint: Vec<[f64; 2]>,
    /// Courtyards: rings inside the footprint that are open to the sky.
    pub holes: Vec<Vec<[f64; 2]>>,
    /// Altitude of the (flat) roof.
    pub roof: f64,
    pub alpha: Bands,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Wall {
    pub id: String,
    /// The wall's line with the altitude of its top at each vertex.
    pub line: Vec<[f64; 3]>,
    pub alpha: Bands,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroundZone {
    pub ring: Vec<[f64; 2]>,
    pub g: f64,
}

/// The terrain under the scene.
pub trait Terrain: Send + Sync {
    fn height(&self, p: [f64; 2]) -> f64;
    /// Where along a → b (0…1) the terrain's slope changes.
    fn breaks(&self, a: [f64; 2], b: [f64; 2]) -> Vec<f64>;
}

/// Level ground at one altitude.
pub struct Flat(pub f64);

impl Terrain for Flat {
    fn height(&self, _p: [f64; 2]) -> f64 {
        self.0
    }
    fn breaks(&self, _a: [f64; 2], _b: [f64; 2]) -> Vec<f64> {
        Vec::new()
    }
}

/// Terrain as triangles; outside them the ground is at 0.
pub struct Triangles(pub Vec<[[f64; 3]; 3]>);

impl Terrain for Triangles {
    fn height(&self, p: [f64; 2]) -> f64 {
        for t in &self.0 {
            let (a, b, c) = (t[0], t[1], t[2]);
            let det = (b[1] - c[1]) * (a[0] - c[0]) + (c[0] - b[0]) * (a[1] - c[1]);
            if det.abs() < 1e-12 {
                continue;
            }
            let l1 = ((b[1] - c[1]) * (p[0] - c[0]) + (c[0] - b[0]) * (p[1] - c[1])) / det;
            let l2 = ((c[1] - a[1]) * (p[0] - c[0]) + (a[0] - c[0]) * (p[1] - c[1])) / det;
            let l3 = 1.0 - l1 - l2;
            if l1 >= -1e-9 && l2 >= -1e-9 && l3 >= -1e-9 {
                return l1 * a[2] + l2 * b[2] + l3 * c[2];
            }
        }
        0.0
    }
    fn breaks(&self, a: [f64; 2], b: [f64; 2]) -> Vec<f64> {
        let mut ts: Vec<f64> = Vec::new();
        for t in &self.0 {
            for k in 0..3 {
                let (p, q) = (t[k], t[(k + 1) % 3]);
                if let Some((u, _)) = intersect(a, b, [p[0], p[1]], [q[0], q[1]]) {
                    ts.push(u);
                }
            }
        }
        ts.sort_by(f64::total_cmp);
        ts.dedup_by(|x, y| (*x - *y).abs() < 1e-9);
        ts
    }
}

/// Which obstacle an indexed edge belongs to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Edge {
    Building { building: usize },
    Wall { wall: usize, segment: usize },
}

pub(crate) type IndexedEdge = GeomWithData<Line<[f64; 2]>, Edge>;

pub struct NoiseScene {
    pub buildings: Vec<Building>,
    pub walls: Vec<Wall>,
    pub zones: Vec<GroundZone>,
    /// G where no zone lies.
    pub default_g: f64,
    pub terrain: Box<dyn Terrain>,
    pub(crate) obstacles: RTree<IndexedEdge>,
    /// The same edges in a grid, for the edges a sound path crosses.
    grid: EdgeGrid,
    edge_list: Vec<IndexedEdge>,
    /// Bounding boxes of the footprints: which building a point is in.
    footprints: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    zone_edges: RTree<GeomWithData<Line<[f64; 2]>, usize>>,
    /// Bounding boxes of the zones: which zone a point is in.
    zone_boxes: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

/// Where segments a→b and c→d cross: (t on a→b, u on c→d), both strictly
/// inside their segments.
pub(crate) fn intersect(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> Option<(f64, f64)> {
    let r = [b[0] - a[0], b[1] - a[1]];
    let s = [d[0] - c[0], d[1] - c[1]];
    let denom = r[0] * s[1] - r[1] * s[0];
    if denom.abs() < 1e-12 {
        return None;
    }
    let q = [c[0] - a[0], c[1] - a[1]];
    let t = (q[0] * s[1] - q[1] * s[0]) / denom;
    let u = (q[0] * r[1] - q[1] * r[0]) / denom;
    (t > 1e-9 && t < 1.0 - 1e-9 && (-1e-12..=1.0 + 1e-12).contains(&u)).then_some((t, u))
}

/// Drops what adds nothing to a section: terrain points where the slope
/// does not change (diagonals of planar cells) and repeated ground changes
/// (zones sharing a border).
pub(crate) fn simplify(points: &mut Vec<CutPoint>) {
    let mut keep = vec![true; points.len()];
    for i in 1..points.len().saturating_sub(1) {
        let p = &points[i];
        match p.kind {
            CutKind::GroundChange => {
                let prev = &points[i - 1];
                if prev.kind == CutKind::GroundChange
                    && (prev.x - p.x).abs() < 1e-6
                    && prev.g == p.g
                {
                    keep[i] = false;
                }
            }
            CutKind::Terrain => {
                // Neighbours on the ground, whatever their kind.
                let a = &points[i - 1];
                let b = &points[i + 1];
                let (dx1, dx2) = (p.x - a.x, b.x - p.x);
                if dx1 > 1e-9 && dx2 > 1e-9 {
                    let s1 = (p.z_ground - a.z_ground) / dx1;
                    let s2 = (b.z_ground - p.z_ground) / dx2;
                    if (s1 - s2).abs() < 1e-9 {
                        keep[i] = false;
                    }
                }
            }
            _ => {}
        }
    }
    let mut k = 0;
    points.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// Signed area of a ring (positive counter-clockwise).
pub(crate) use pw_analysis::params::ring_area;
/// Whether a point lies inside a ring (even–odd).
pub(crate) use pw_plan::polygon::contains as ring_contains;

/// Lower-left and upper-right corners of a ring.
pub(crate) fn bounds(ring: &[[f64; 2]]) -> ([f64; 2], [f64; 2]) {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in ring {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    (lo, hi)
}

/// A ring of a file (x, y, z; maybe closed) in plan, open.
pub(crate) fn plan_ring(ring: &[[f64; 3]]) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = ring.iter().map(|p| [p[0], p[1]]).collect();
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

pub(crate) fn lerp2(a: [f64; 2], b: [f64; 2], t: f64) -> [f64; 2] {
    [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
}

pub(crate) fn plan_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt()
}

/// A reflecting edge: a building facade or a wall segment.
#[derive(Clone, Debug)]
pub struct Reflector {
    a: [f64; 2],
    b: [f64; 2],
    top_a: f64,
    top_b: f64,
    alpha: Bands,
    /// The building whose facade this is: sound reflects only outside.
    building: Option<usize>,
}

impl NoiseScene {
    pub fn new(
        buildings: Vec<Building>,
        walls: Vec<Wall>,
        zones: Vec<GroundZone>,
        default_g: f64,
        terrain: Box<dyn Terrain>,
    ) -> NoiseScene {
        let mut edges = Vec::new();
        for (i, b) in buildings.iter().enumerate() {
            // A footprint of fewer than three corners encloses nothing.
            if b.footprint.len() < 3 {
                continue;
            }
            let holes = b.holes.iter().filter(|h| h.len() >= 3);
            for ring in std::iter::once(&b.footprint).chain(holes) {
                let n = ring.len();
                for k in 0..n {
                    let (p, q) = (ring[k], ring[(k + 1) % n]);
                    if p != q {
                        let edge = Edge::Building { building: i };
                        edges.push(GeomWithData::new(Line::new(p, q), edge));
                    }
                }
            }
        }
        for (i, w) in walls.iter().enumerate() {
            for k in 0..w.line.len().saturating_sub(1) {
                let (p, q) = (w.line[k], w.line[k + 1]);
                edges.push(GeomWithData::new(
                    Line::new([p[0], p[1]], [q[0], q[1]]),
                    Edge::Wall {
                        wall: i,
                        segment: k,
                    },
                ));
            }
        }
        let zone_boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = zones
            .iter()
            .enumerate()
            .filter(|(_, z)| z.ring.len() >= 3)
            .map(|(i, z)| {
                let (lo, hi) = bounds(&z.ring);
                GeomWithData::new(Rectangle::from_corners(lo, hi), i)
            })
            .collect();
        let mut zone_edges = Vec::new();
        for (i, z) in zones.iter().enumerate() {
            let n = z.ring.len();
            for k in 0..n {
                zone_edges.push(GeomWithData::new(
                    Line::new(z.ring[k], z.ring[(k + 1) % n]),
                    i,
                ));
            }
        }
        let footprints = buildings
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.footprint.is_empty())
            .map(|(i, b)| {
                let (lo, hi) = bounds(&b.footprint);
                GeomWithData::new(Rectangle::from_corners(lo, hi), i)
            })
            .collect();
        let edge_list = edges.clone();
        let segments: Vec<([f64; 2], [f64; 2])> =
            edges.iter().map(|e| (e.geom().from, e.geom().to)).collect();
        NoiseScene {
            grid: EdgeGrid::new(&segments, 25.0),
            edge_list,
            footprints: RTree::bulk_load(footprints),
            buildings,
            walls,
            zones,
            default_g,
            terrain,
            obstacles: RTree::bulk_load(edges),
            zone_edges: RTree::bulk_load(zone_edges),
            zone_boxes: RTree::bulk_load(zone_boxes),
        }
    }

    /// G of the ground at a point (the last zone containing it wins).
    pub fn g_at(&self, p: [f64; 2]) -> f64 {
        self.zone_boxes
            .locate_all_at_point(&p)
            .map(|z| z.data)
            .filter(|&i| ring_contains(&self.zones[i].ring, p))
            .max()
            .map(|i| self.zones[i].g)
            .unwrap_or(self.default_g)
    }

    /// The building a point lies in, if any.
    pub fn building_at(&self, p: [f64; 2]) -> Option<usize> {
        self.footprints
            .locate_all_at_point(&p)
            .map(|f| f.data)
            .find(|&b| self.building_contains(b, p))
    }

    /// Whether a point lies in a building's footprint and not in one of
    /// its courtyards.
    pub fn building_contains(&self, building: usize, p: [f64; 2]) -> bool {
        let b = &self.buildings[building];
        b.footprint.len() >= 3
            && ring_contains(&b.footprint, p)
            && !b.holes.iter().any(|h| ring_contains(h, p))
    }

    /// Obstacle edges in the grid cells the segment a→b passes.
    pub(crate) fn edges_along(&self, a: [f64; 2], b: [f64; 2]) -> Vec<&IndexedEdge> {
        let mut found = Vec::new();
        self.each_edge_along(a, b, |e| found.push(e));
        found
    }

    /// Calls `visit` with each edge a→b's grid cells hold, once; the ids
    /// gather in a buffer each thread keeps (this runs for every leg of
    /// every path).
    fn each_edge_along<'a>(
        &'a self,
        a: [f64; 2],
        b: [f64; 2],
        mut visit: impl FnMut(&'a IndexedEdge),
    ) {
        thread_local! {
            static IDS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        IDS.with(|ids| {
            let mut ids = ids.borrow_mut();
            self.grid.along(a, b, &mut ids);
            for &i in ids.iter() {
                visit(&self.edge_list[i as usize]);
            }
        });
    }

    /// The cut points strictly between plan points a and b, with x counted
    /// from `x0` (horizontal distance).
    pub(crate) fn cut_between(&self, a: [f64; 2], b: [f64; 2], x0: f64, out: &mut Vec<CutPoint>) {
        let length = plan_distance(a, b);
        if length <= 0.0 {
            return;
        }
        enum Event {
            Enter(usize),
            Exit(usize),
            Wall(f64),
            Zone,
            Terrain,
        }
        let mut events: Vec<(f64, Event)> = Vec::with_capacity(16);
        let mut crossings: Vec<(usize, f64)> = Vec::with_capacity(16);
        let window = AABB::from_corners(a, b);
        self.each_edge_along(a, b, |e| {
            let (c, d) = (e.geom().from, e.geom().to);
            let Some((t, u)) = intersect(a, b, c, d) else {
                return;
            };
            match e.data {
                Edge::Building { building } => crossings.push((building, t)),
                Edge::Wall { wall, segment } => {
                    let line = &self.walls[wall].line;
                    let top = line[segment][2] + u * (line[segment + 1][2] - line[segment][2]);
                    events.push((t, Event::Wall(top)));
                }
            }
        });
        // Whether a crossing enters or leaves a building is decided by what
        // lies on either side of it: a corner only touched, or an edge met
        // twice at a vertex, changes nothing.
        crossings.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
        for group in crossings.chunk_by(|x, y| x.0 == y.0) {
            let building = group[0].0;
            let mut ts: Vec<f64> = group.iter().map(|c| c.1).collect();
            ts.dedup_by(|x, y| (*x - *y) * length < 1e-6);
            // Inside or not between each two crossings: what lies after one
            // crossing lies before the next.
            let inside_between = |k: usize| {
                let before = if k == 0 { 0.0 } else { ts[k - 1] };
                let after = ts.get(k).copied().unwrap_or(1.0);
                self.building_contains(building, lerp2(a, b, (before + after) / 2.0))
            };
            let mut inside_after = inside_between(0);
            for (k, &t) in ts.iter().enumerate() {
                let inside_before = inside_after;
                inside_after = inside_between(k + 1);
                match (inside_before, inside_after) {
                    (false, true) => events.push((t, Event::Enter(building))),
                    (true, false) => events.push((t, Event::Exit(building))),
                    _ => {}
                }
            }
        }
        for e in self.zone_edges.locate_in_envelope_intersecting(&window) {
            if let Some((t, _)) = intersect(a, b, e.geom().from, e.geom().to) {
                events.push((t, Event::Zone));
            }
        }
        for t in self.terrain.breaks(a, b) {
            if t > 1e-9 && t < 1.0 - 1e-9 {
                events.push((t, Event::Terrain));
            }
        }
        events.sort_by(|x, y| x.0.total_cmp(&y.0));
        for (t, event) in events {
            let plan = lerp2(a, b, t);
            let x = x0 + t * length;
            let z_ground = self.terrain.height(plan);
            let after = lerp2(a, b, (t + 1e-7).min(1.0));
            let g = self.g_at(after);
            let point = |kind: CutKind, z: f64| CutPoint {
                kind,
                x,
                z,
                z_ground,
                g,
                plan,
            };
            out.push(match event {
                Event::Enter(building) => {
                    point(CutKind::BuildingEnter, self.buildings[building].roof)
                }
                Event::Exit(building) => {
                    point(CutKind::BuildingExit, self.buildings[building].roof)
                }
                Event::Wall(top) => point(CutKind::Wall, top),
                Event::Zone => point(CutKind::GroundChange, z_ground),
                Event::Terrain => point(CutKind::Terrain, z_ground),
            });
        }
    }

    pub(crate) fn end_point(&self, kind: CutKind, p: [f64; 3], x: f64) -> CutPoint {
        let plan = [p[0], p[1]];
        CutPoint {
            kind,
            x,
            z: p[2],
            z_ground: self.terrain.height(plan),
            g: self.g_at(plan),
            plan,
        }
    }

    /// The section of the straight path from `s` to `r` (altitudes
    /// absolute); `None` when either lies inside a building.
    pub fn direct(&self, s: [f64; 3], r: [f64; 3]) -> Option<Section> {
        if self.building_at([s[0], s[1]]).is_some() || self.building_at([r[0], r[1]]).is_some() {
            return None;
        }
        let (a, b) = ([s[0], s[1]], [r[0], r[1]]);
        let mut points = vec![self.end_point(CutKind::Source, s, 0.0)];
        self.cut_between(a, b, 0.0, &mut points);
        points.push(self.end_point(CutKind::Receiver, r, plan_distance(a, b)));
        simplify(&mut points);
        Some(Section {
            source_ground_factor: None,
            kind: PathKind::Direct,
            points,
            source: s,
            receiver: r,
        })
    }

    /// The street a road point lies in: the nearest facade or wall on
    /// each side across the road within `reach` (m), as (the lower of
    /// their heights above the ground, the distance between them). `None`
    /// unless both sides are built up (RLS-19 D_refl).
    pub fn street_canyon(&self, p: [f64; 2], along: [f64; 2], reach: f64) -> Option<(f64, f64)> {
        let ground = self.terrain.height(p);
        let side = |sign: f64| -> Option<(f64, f64)> {
            let q = [
                p[0] - sign * along[1] * reach,
                p[1] + sign * along[0] * reach,
            ];
            self.edges_along(p, q)
                .into_iter()
                .filter_map(|e| {
                    let (t, u) = intersect(p, q, e.geom().from, e.geom().to)?;
                    let top = match e.data {
                        Edge::Building { building } => self.buildings[building].roof,
                        Edge::Wall { wall, segment } => {
                            let line = &self.walls[wall].line;
                            line[segment][2] + u * (line[segment + 1][2] - line[segment][2])
                        }
                    };
                    Some((t * reach, top - ground))
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
        };
        let (left, right) = (side(1.0)?, side(-1.0)?);
        let height = left.1.min(right.1);
        (height > 0.0).then_some((height, left.0 + right.0))
    }

    /// Facades and walls within `reach` (m) of a point (the receiver):
    /// the surfaces its reflections can come from, found once for all
    /// sources.
    pub fn reflectors_around(&self, p: [f64; 2], reach: f64) -> Vec<Reflector> {
        let window = AABB::from_corners([p[0] - reach, p[1] - reach], [p[0] + reach, p[1] + reach]);
        self.obstacles
            .locate_in_envelope_intersecting(&window)
            // A receiver on a facade hears no reflection from that facade
            // (the level in front of it is the incident one, as mapping
            // rules and the 16. BImSchV have it).
            .filter(|e| {
                let d2 = e.geom().distance_2(&p);
                d2 <= reach * reach && d2 > OWN_FACADE_M * OWN_FACADE_M
            })
            .map(|e| {
                let (a, b) = (e.geom().from, e.geom().to);
                match e.data {
                    Edge::Building { building } => {
                        let bld = &self.buildings[building];
                        Reflector {
                            a,
                            b,
                            top_a: bld.roof,
                            top_b: bld.roof,
                            alpha: bld.alpha,
                            building: Some(building),
                        }
                    }
                    Edge::Wall { wall, segment } => {
                        let w = &self.walls[wall];
                        Reflector {
                            a,
                            b,
                            top_a: w.line[segment][2],
                            top_b: w.line[segment + 1][2],
                            alpha: w.alpha,
                            building: None,
                        }
                    }
                }
            })
            .collect()
    }

    /// First-order reflected paths from `s` to `r` on facades and walls
    /// within `reach` (m) of the receiver.
    pub fn reflections(&self, s: [f64; 3], r: [f64; 3], reach: f64) -> Vec<Section> {
        self.reflections_on(s, r, &self.reflectors_around([r[0], r[1]], reach))
    }

    /// First-order reflected paths from `s` to `r` on the given surfaces:
    /// image source, reflection point on the edge, below its top.
    pub fn reflections_on(
        &self,
        s: [f64; 3],
        r: [f64; 3],
        reflectors: &[Reflector],
    ) -> Vec<Section> {
        let (sp, rp) = ([s[0], s[1]], [r[0], r[1]]);
        let mut found = Vec::new();
        for reflector in reflectors {
            let (a, b) = (reflector.a, reflector.b);
            let d = [b[0] - a[0], b[1] - a[1]];
            let side = |p: [f64; 2]| d[0] * (p[1] - a[1]) - d[1] * (p[0] - a[0]);
            let (side_s, side_r) = (side(sp), side(rp));
            if side_s * side_r <= 0.0 {
                continue; // the edge lies between them or they touch it
            }
            if let Some(building) = reflector.building {
                // The side the source is on must be the outside.
                let mid = lerp2(a, b, 0.5);
                let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
                let normal = [-d[1] / len * side_s.signum(), d[0] / len * side_s.signum()];
                let probe = [mid[0] + 0.01 * normal[0], mid[1] + 0.01 * normal[1]];
                if self.building_contains(building, probe) {
                    continue;
                }
            }
            // Mirror the source in the edge's line.
            let len2 = d[0] * d[0] + d[1] * d[1];
            let k = ((sp[0] - a[0]) * d[0] + (sp[1] - a[1]) * d[1]) / len2;
            let foot = [a[0] + k * d[0], a[1] + k * d[1]];
            let image = [2.0 * foot[0] - sp[0], 2.0 * foot[1] - sp[1]];
            // Where image → receiver crosses the edge.
            let r_minus = [rp[0] - image[0], rp[1] - image[1]];
            let denom = r_minus[0] * d[1] - r_minus[1] * d[0];
            if denom.abs() < 1e-12 {
                continue;
            }
            let q = [a[0] - image[0], a[1] - image[1]];
            let t = (q[0] * d[1] - q[1] * d[0]) / denom;
            let u = (q[0] * r_minus[1] - q[1] * r_minus[0]) / denom;
            if !(t > 0.0 && t < 1.0 && (0.0..=1.0).contains(&u)) {
                continue;
            }
            let p = [a[0] + u * d[0], a[1] + u * d[1]];
            let (leg1, leg2) = (plan_distance(sp, p), plan_distance(p, rp));
            let z = s[2] + (r[2] - s[2]) * leg1 / (leg1 + leg2);
            let top = reflector.top_a + u * (reflector.top_b - reflector.top_a);
            if z > top {
                continue;
            }
            let mut points = vec![self.end_point(CutKind::Source, s, 0.0)];
            self.cut_between(sp, p, 0.0, &mut points);
            let z_ground = self.terrain.height(p);
            points.push(CutPoint {
                kind: CutKind::Reflection {
                    alpha: reflector.alpha,
                    top,
                },
                x: leg1,
                z,
                z_ground,
                g: self.g_at(p),
                plan: p,
            });
            self.cut_between(p, rp, leg1, &mut points);
            points.push(self.end_point(CutKind::Receiver, r, leg1 + leg2));
            simplify(&mut points);
            found.push(Section {
                source_ground_factor: None,
                kind: PathKind::Reflected,
                points,
                source: s,
                receiver: r,
            });
        }
        found
    }
}

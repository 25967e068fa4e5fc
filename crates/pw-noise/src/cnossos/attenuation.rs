//! Attenuation along one sound path by CNOSSOS-EU (Annex II §2.5 as
//! amended by 2021/1226, with the readings ISO/TR 17534-4 fixes):
//! divergence, air absorption, ground in homogeneous and favourable
//! conditions, diffraction over edges in the vertical plane (including
//! grazing terrain by the Rayleigh criterion), around vertical edges, and
//! reflections with their absorption and retro-diffraction.

use super::plane::{MeanPlane, Point2};
use super::profile::{CutKind, GroundLine, PathKind, Section, distance};
use crate::atmosphere::Atmosphere;
use crate::bands::{Bands, NOMINAL_HZ, db_to_power, exact_hz};

/// The speed of sound the method's ground and diffraction terms use (m/s).
/// ISO/TR 17534-4's values need exactly this, not c(T).
pub const SOUND_SPEED: f64 = 340.0;
/// Cap of Δdif(S,R) for diffraction over horizontal edges (dB).
const DIFFRACTION_CAP_DB: f64 = 25.0;
/// Curvature coefficient of favourable rays (m⁻¹), §2.5.19.
const ALPHA_0: f64 = 2e-4;

/// Attenuation of one path per band (dB, positive attenuates), in
/// homogeneous and — where the path exists for curved rays — favourable
/// conditions.
#[derive(Clone, Debug, PartialEq)]
pub struct PathAttenuation {
    pub homogeneous: Bands,
    pub favourable: Option<Bands>,
}

impl PathAttenuation {
    /// The long-term energy this path brings, per band, for source power
    /// `power` and probability `p` of favourable conditions:
    /// p·10^(L_F/10) + (1 − p)·10^(L_H/10). A path without favourable
    /// variant brings only its homogeneous share.
    pub fn energy(&self, power: &Bands, p_favourable: f64) -> Bands {
        self.transmission()
            .energy(&power.map(db_to_power), p_favourable)
    }

    /// The share of the power each band keeps on this path, 10^(−A/10),
    /// in homogeneous and favourable conditions: worked out once per path,
    /// it serves every period.
    pub fn transmission(&self) -> Transmission {
        Transmission {
            homogeneous: self.homogeneous.map(|a| db_to_power(-a)),
            favourable: self.favourable.map(|f| f.map(|a| db_to_power(-a))),
        }
    }
}

/// A path's [`PathAttenuation::transmission`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transmission {
    pub homogeneous: Bands,
    pub favourable: Option<Bands>,
}

impl Transmission {
    /// [`PathAttenuation::energy`] for a power given linearly (pW per band).
    pub fn energy(&self, power: &Bands, p_favourable: f64) -> Bands {
        std::array::from_fn(|i| {
            let kept = (1.0 - p_favourable) * self.homogeneous[i]
                + self.favourable.map_or(0.0, |f| p_favourable * f[i]);
            power[i] * kept
        })
    }
}

/// Ground attenuation of a stretch for a ground factor G_w in the band of
/// nominal frequency f (eq. 2.5.15).
fn ground_formula(z_s: f64, z_r: f64, d_p: f64, f: f64, g_w: f64) -> f64 {
    let k = 2.0 * std::f64::consts::PI * f / SOUND_SPEED;
    // f^2.5, f^1.5, f^0.75 and G_w^2.6 = (G_w^1.3)² by roots and products:
    // powf costs several times as much, and this runs per band and path.
    let root_f = f.sqrt();
    let g13 = match g_w {
        0.0 => 0.0,
        1.0 => 1.0,
        g => g.powf(1.3),
    };
    let g26 = g13 * g13;
    let w = 0.0185 * f * f * root_f * g26
        / (f * root_f * g26 + 1.3e3 * (f * root_f).sqrt() * g13 + 1.16e6);
    let wd = w * d_p;
    let c_f = d_p * (1.0 + 3.0 * wd * (-wd.sqrt()).exp()) / (1.0 + wd);
    let root = (2.0 * c_f / k).sqrt();
    let term = |z: f64| z * z - root * z + c_f / k;
    -10.0 * (4.0 * k * k / (d_p * d_p) * term(z_s) * term(z_r)).log10()
}

/// One stretch of a path over its own mean ground plane.
#[derive(Clone, Copy, Debug)]
struct Stretch {
    z_s: f64,
    z_r: f64,
    d_p: f64,
    g_path: f64,
    g_prime: f64,
    /// The end points mirrored in the plane.
    start_image: Point2,
    end_image: Point2,
    /// Whether the end points lie below the plane.
    start_below: bool,
    end_below: bool,
}

struct Geometry<'a> {
    section: &'a Section,
    ground: GroundLine,
    /// G at the source.
    g_source: f64,
}

impl Geometry<'_> {
    /// The stretch from `start` to `end` over ground points `from..=to`
    /// and horizontal distances [x_from, x_to]. `clamp_below`: a point
    /// under the plane counts as height 0 (S–R of direct and reflected
    /// paths).
    fn stretch(
        &self,
        start: Point2,
        end: Point2,
        from: usize,
        to: usize,
        clamp_below: bool,
    ) -> Stretch {
        let plane = MeanPlane::fit(&self.ground.points[from..=to.max(from)]);
        let (hs, hr) = (plane.height_of(start), plane.height_of(end));
        let (z_s, z_r) = if clamp_below {
            (hs.max(0.0), hr.max(0.0))
        } else {
            (hs.abs(), hr.abs())
        };
        let d_p = plane.projected_distance(start, end);
        let g_path = self
            .section
            .g_path(start[0].min(end[0]), end[0].max(start[0]));
        let test = if z_s + z_r > 0.0 {
            d_p / (30.0 * (z_s + z_r))
        } else {
            f64::INFINITY
        };
        let g_prime = if test <= 1.0 {
            g_path * test + self.g_source * (1.0 - test)
        } else {
            g_path
        };
        Stretch {
            z_s,
            z_r,
            d_p,
            g_path,
            g_prime,
            start_image: plane.mirror(start),
            end_image: plane.mirror(end),
            start_below: hs < 0.0,
            end_below: hr < 0.0,
        }
    }
}

/// A_ground,H of a stretch: G_w = G_m = `g` (G'_path from the source, G_path
/// from an edge), −3 dB over hard ground.
fn ground_homogeneous(s: &Stretch, g: f64) -> Bands {
    std::array::from_fn(|i| {
        if s.g_path == 0.0 || s.d_p <= 0.0 {
            return -3.0;
        }
        ground_formula(s.z_s, s.z_r, s.d_p, NOMINAL_HZ[i], g).max(-3.0 * (1.0 - g))
    })
}

/// A_ground,F of a stretch: heights raised for curved rays and turbulence,
/// G_w = G_path, G_m = `g_m`; lower bound from the unraised heights.
fn ground_favourable(s: &Stretch, g_m: f64) -> Bands {
    let sum = s.z_s + s.z_r;
    let test = if sum > 0.0 {
        s.d_p / (30.0 * sum)
    } else {
        f64::INFINITY
    };
    let floor = if test <= 1.0 {
        -3.0 * (1.0 - g_m)
    } else {
        -3.0 * (1.0 - g_m) * (1.0 + 2.0 * (1.0 - 1.0 / test))
    };
    if s.g_path == 0.0 || sum <= 0.0 || s.d_p <= 0.0 {
        return [floor; 8];
    }
    let turbulence = 6e-3 * s.d_p / sum;
    let z_s = s.z_s + ALPHA_0 * (s.z_s / sum).powi(2) * s.d_p * s.d_p / 2.0 + turbulence;
    let z_r = s.z_r + ALPHA_0 * (s.z_r / sum).powi(2) * s.d_p * s.d_p / 2.0 + turbulence;
    std::array::from_fn(|i| ground_formula(z_s, z_r, s.d_p, NOMINAL_HZ[i], s.g_path).max(floor))
}

/// Δdif for path difference δ (eq. 2.5.21), 0 where the argument is < −2.
fn delta_dif(delta: f64, lambda: f64, c2: f64) -> f64 {
    let arg = 40.0 / lambda * c2 * delta;
    if arg >= -2.0 {
        10.0 * (3.0 + arg).log10()
    } else {
        0.0
    }
}

/// C'' for several edges a total distance e apart (1 for one edge).
fn c_double_prime(edges: usize, e: f64, lambda: f64) -> f64 {
    if edges <= 1 || e <= 0.3 {
        return 1.0;
    }
    let q = (5.0 * lambda / e).powi(2);
    (1.0 + q) / (1.0 / 3.0 + q)
}

/// Length of a chord of length ℓ on a ray of radius Γ.
fn curved(length: f64, gamma: f64) -> f64 {
    2.0 * gamma * (length / (2.0 * gamma)).min(1.0).asin()
}

fn gamma_of(d: f64) -> f64 {
    (8.0 * d).max(1000.0)
}

/// +1 if `o` lies above the line from `a` to `b` (x increasing), −1 below.
fn side(o: Point2, a: Point2, b: Point2) -> f64 {
    let cross = (b[0] - a[0]) * (o[1] - a[1]) - (b[1] - a[1]) * (o[0] - a[0]);
    if cross >= 0.0 { 1.0 } else { -1.0 }
}

/// Path difference from `s` over the edges to `r`; `curved_gamma` for
/// favourable conditions. `below` says the first edge lies under the
/// (curved) ray, so the difference is negative.
fn path_difference(
    s: Point2,
    edges: &[Point2],
    e: f64,
    r: Point2,
    favourable: bool,
    below: bool,
) -> f64 {
    let (first, last) = (edges[0], edges[edges.len() - 1]);
    let (so, or, sr) = (distance(s, first), distance(last, r), distance(s, r));
    if !favourable {
        let sign = if below { -1.0 } else { 1.0 };
        return sign * (so + e + or - sr);
    }
    let gamma = gamma_of(sr);
    let c = |l: f64| curved(l, gamma);
    if !below {
        c(so) + c(e) + c(or) - c(sr)
    } else {
        // A: the point of the straight line S→R at the first edge's distance.
        let t = if r[0] != s[0] {
            (first[0] - s[0]) / (r[0] - s[0])
        } else {
            0.0
        };
        let a = [first[0], s[1] + t * (r[1] - s[1])];
        2.0 * c(distance(s, a)) + 2.0 * c(distance(a, r)) - c(so) - c(e) - c(or) - c(sr)
    }
}

/// The offset curved rays give a point: 0 at source and receiver, most
/// negative midway (obstacles sink under the bulging ray).
fn curved_offset(section: &Section, plan: [f64; 2]) -> f64 {
    curved_ray_offset(section.source, section.receiver, plan)
}

/// How far below the straight line from `s` to `r` the curved ray of
/// favourable conditions (radius max(1000 m, 8 d)) lets a point at `plan`
/// appear: 0 at source and receiver, most negative midway.
pub(crate) fn curved_ray_offset(s: [f64; 3], r: [f64; 3], plan: [f64; 2]) -> f64 {
    let d_h = ((r[0] - s[0]).powi(2) + (r[1] - s[1]).powi(2)).sqrt();
    let gamma = gamma_of(d_h);
    let x_h = ((plan[0] - s[0]).powi(2) + (plan[1] - s[1]).powi(2)).sqrt();
    (gamma * gamma - d_h * d_h / 4.0).max(0.0).sqrt()
        - (gamma * gamma - (x_h - d_h / 2.0).powi(2)).max(0.0).sqrt()
}

/// Conditions a path is computed for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Condition {
    Homogeneous,
    Favourable,
}

/// The edges found for one condition: cut-point indices, and whether they
/// come from the Rayleigh criterion (grazing terrain).
struct Edges {
    indices: Vec<usize>,
    rayleigh: bool,
}

/// The point a cut point offers as a diffraction edge: obstacle tops, the
/// ground elsewhere; source and receiver themselves.
pub(crate) fn edge_point(section: &Section, i: usize) -> Point2 {
    let p = &section.points[i];
    match p.kind {
        CutKind::Source | CutKind::Receiver => p.at(),
        _ if p.is_obstacle_top() => p.at(),
        _ => [p.x, p.z_ground],
    }
}

/// Upper convex hull from S to R over the edge points (with the curved
/// offset in favourable conditions): the diffraction edges between.
pub(crate) fn hull_edges(section: &Section, condition: Condition) -> Vec<usize> {
    let n = section.points.len();
    let lift = |i: usize| -> Point2 {
        let p = edge_point(section, i);
        match condition {
            Condition::Homogeneous => p,
            Condition::Favourable => [p[0], p[1] + curved_offset(section, section.points[i].plan)],
        }
    };
    let mut order: Vec<usize> = (0..n)
        .filter(|&i| section.kind != PathKind::Lateral || !section.points[i].is_obstacle_top())
        .filter(|&i| !matches!(section.points[i].kind, CutKind::Reflection { .. }))
        .collect();
    order.sort_by(|&a, &b| {
        section.points[a]
            .x
            .total_cmp(&section.points[b].x)
            .then(a.cmp(&b))
    });
    let mut hull: Vec<usize> = Vec::new();
    for &i in &order {
        let p = lift(i);
        while hull.len() >= 2 {
            let (a, b) = (lift(hull[hull.len() - 2]), lift(hull[hull.len() - 1]));
            // Pop while b does not make a right turn (keeps the upper hull).
            let cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
            if cross >= -1e-9 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(i);
    }
    hull.into_iter().filter(|&i| i != 0 && i != n - 1).collect()
}

/// Everything a diffracted path needs per condition.
struct Diffraction {
    /// δ, δ(S',R), δ(S,R') and δ' (segment images).
    delta: f64,
    delta_s_image: f64,
    delta_r_image: f64,
    delta_prime: f64,
    e: f64,
    edges: usize,
    source_side: Stretch,
    receiver_side: Stretch,
}

fn diffraction(geometry: &Geometry, found: &Edges, condition: Condition) -> Diffraction {
    let section = geometry.section;
    let ground = &geometry.ground;
    // A grazing (Rayleigh) edge is the ground point the cut point opens:
    // a roof edge where a building is entered, the ground elsewhere.
    let points: Vec<Point2> = if found.rayleigh {
        found
            .indices
            .iter()
            .map(|&i| ground.points[ground.after[i]])
            .collect()
    } else {
        found
            .indices
            .iter()
            .map(|&i| edge_point(section, i))
            .collect()
    };
    let e: f64 = points.windows(2).map(|w| distance(w[0], w[1])).sum();
    let (first_i, last_i) = (found.indices[0], found.indices[found.indices.len() - 1]);
    let (s, r) = (section.source_point(), section.receiver_point());
    let (source_to, receiver_from) = if found.rayleigh {
        (ground.after[first_i], ground.after[last_i])
    } else {
        // The source side ends at the obstacle's foot (or the terrain edge
        // itself), the receiver side starts behind it.
        (ground.before[first_i], ground.after[last_i])
    };
    let source_side = geometry.stretch(s, points[0], 0, source_to, false);
    let receiver_side = geometry.stretch(
        points[points.len() - 1],
        r,
        receiver_from,
        ground.points.len() - 1,
        false,
    );
    let favourable = condition == Condition::Favourable;
    let s_img = source_side.start_image;
    let r_img = receiver_side.end_image;
    // Whether the first edge lies under the straight ray: then curved rays
    // pass over it and the difference is negative.
    let below = |a: Point2, b: Point2| side(points[0], a, b) < 0.0;
    let delta = path_difference(s, &points, e, r, favourable, below(s, r));
    let delta_s_image = {
        let d = path_difference(s_img, &points, e, r, favourable, false);
        if favourable {
            d
        } else {
            side(points[0], s_img, r) * d
        }
    };
    let delta_r_image = {
        let d = path_difference(s, &points, e, r_img, favourable, false);
        if favourable {
            d
        } else {
            // An image before the source reverses the line's direction (as
            // the reference implementation has it; ISO/TR 17534-4 TC14).
            let reversed = if r_img[0] < s[0] { -1.0 } else { 1.0 };
            reversed * side(points[points.len() - 1], s, r_img) * d
        }
    };
    let delta_prime = path_difference(s_img, &points, e, r_img, favourable, below(s_img, r_img));
    Diffraction {
        delta,
        delta_s_image,
        delta_r_image,
        delta_prime,
        e,
        edges: points.len(),
        source_side,
        receiver_side,
    }
}

/// Rayleigh candidates: interior points whose straight-ray difference
/// could make them diffract in some band; the last one found counts.
fn rayleigh_edge(geometry: &Geometry) -> Option<usize> {
    let section = geometry.section;
    let exact = exact_hz();
    let mut found = None;
    for i in 1..section.points.len() - 1 {
        if matches!(section.points[i].kind, CutKind::Reflection { .. }) {
            continue;
        }
        let edges = Edges {
            indices: vec![i],
            rayleigh: true,
        };
        let straight = diffraction(geometry, &edges, Condition::Homogeneous);
        let grazing = exact
            .iter()
            .any(|f| straight.delta > -SOUND_SPEED / f / 20.0);
        let rayleigh = exact
            .iter()
            .any(|f| straight.delta > SOUND_SPEED / f / 4.0 - straight.delta_prime);
        if grazing && rayleigh {
            found = Some(i);
        }
    }
    found
}

/// A_boundary per band of a path in the vertical plane (direct or
/// reflected) for one condition.
fn vertical_plane_boundary(geometry: &Geometry, condition: Condition, whole: &Stretch) -> Bands {
    let section = geometry.section;
    let ground_whole = match condition {
        Condition::Homogeneous => ground_homogeneous(whole, whole.g_prime),
        Condition::Favourable => ground_favourable(whole, whole.g_prime),
    };
    let hull = hull_edges(section, condition);
    let edges = if !hull.is_empty() {
        Edges {
            indices: hull,
            rayleigh: false,
        }
    } else if let Some(i) = rayleigh_edge(geometry) {
        Edges {
            indices: vec![i],
            rayleigh: true,
        }
    } else {
        return ground_whole;
    };
    let d = diffraction(geometry, &edges, condition);
    let (ground_so, ground_or) = match condition {
        Condition::Homogeneous => (
            ground_homogeneous(&d.source_side, d.source_side.g_prime),
            ground_homogeneous(&d.receiver_side, d.receiver_side.g_path),
        ),
        Condition::Favourable => (
            ground_favourable(&d.source_side, d.source_side.g_prime),
            ground_favourable(&d.receiver_side, d.receiver_side.g_path),
        ),
    };
    std::array::from_fn(|i| {
        let lambda = SOUND_SPEED / NOMINAL_HZ[i];
        let diffracts =
            d.delta >= 0.0 || (d.delta > -lambda / 20.0 && d.delta > lambda / 4.0 - d.delta_prime);
        if !diffracts {
            return ground_whole[i];
        }
        let c2 = c_double_prime(d.edges, d.e, lambda);
        let mut dif_sr = delta_dif(d.delta, lambda, c2);
        let dif_s_image = delta_dif(d.delta_s_image, lambda, c2);
        let dif_r_image = delta_dif(d.delta_r_image, lambda, c2);
        let mix = |a_ground: f64, dif_image: f64, dif_sr: f64| {
            -20.0
                * (1.0
                    + (10f64.powf(-a_ground / 20.0) - 1.0)
                        * 10f64.powf(-(dif_image - dif_sr) / 20.0))
                .log10()
        };
        let mut delta_so = mix(ground_so[i], dif_s_image, dif_sr);
        if d.source_side.start_below || !delta_so.is_finite() {
            delta_so = ground_so[i];
            dif_sr = dif_s_image;
        }
        let mut delta_or = mix(ground_or[i], dif_r_image, dif_sr);
        if d.receiver_side.end_below || !delta_or.is_finite() {
            delta_or = ground_or[i];
            dif_sr = dif_r_image;
        }
        dif_sr.min(DIFFRACTION_CAP_DB) + delta_so + delta_or
    })
}

/// A_boundary of a lateral path: ground over its unfolded section plus
/// Δdif around the vertical edges, without cap.
fn lateral_boundary(geometry: &Geometry, condition: Condition, whole: &Stretch) -> Bands {
    let section = geometry.section;
    let ground = match condition {
        Condition::Homogeneous => ground_homogeneous(whole, whole.g_prime),
        Condition::Favourable => ground_favourable(whole, whole.g_prime),
    };
    let corners: Vec<Point2> = section
        .points
        .iter()
        .filter(|p| p.kind == CutKind::LateralEdge)
        .map(|p| p.at())
        .collect();
    if corners.is_empty() {
        return ground;
    }
    let e: f64 = corners.windows(2).map(|w| distance(w[0], w[1])).sum();
    let delta = distance(section.source_point(), corners[0])
        + e
        + distance(corners[corners.len() - 1], section.receiver_point())
        - section.direct_distance();
    std::array::from_fn(|i| {
        let lambda = SOUND_SPEED / NOMINAL_HZ[i];
        ground[i] + delta_dif(delta, lambda, c_double_prime(corners.len(), e, lambda))
    })
}

/// Absorption and retro-diffraction of the reflections on a path, per
/// condition. The retro-diffraction looks from the last edge before the
/// reflection (or the source) to the next edge after it (or the receiver)
/// over the reflector's top.
fn reflections(section: &Section, condition: Condition, edges: &[Point2]) -> Bands {
    let mut total = [0.0; 8];
    let (s0, r0) = (section.source_point(), section.receiver_point());
    for p in &section.points {
        let CutKind::Reflection { alpha, top } = &p.kind else {
            continue;
        };
        let s = edges
            .iter()
            .rev()
            .find(|e| e[0] < p.x)
            .copied()
            .unwrap_or(s0);
        let r = edges.iter().find(|e| e[0] > p.x).copied().unwrap_or(r0);
        let top_point = [p.x, *top];
        let delta = match condition {
            Condition::Homogeneous => {
                distance(s, r) - distance(s, top_point) - distance(top_point, r)
            }
            Condition::Favourable => {
                let gamma = gamma_of(distance(s0, r0));
                let c = |l: f64| curved(l, gamma);
                -(c(distance(s, top_point)) + c(distance(top_point, r)) - c(distance(s, r)))
            }
        };
        for i in 0..8 {
            let lambda = SOUND_SPEED / NOMINAL_HZ[i];
            total[i] += -10.0 * (1.0 - alpha[i]).log10() + delta_dif(delta, lambda, 1.0);
        }
    }
    total
}

/// Whether curved rays still meet every reflecting wall under its top.
fn reflects_for_curved_rays(section: &Section) -> bool {
    section.points.iter().all(|p| match &p.kind {
        CutKind::Reflection { top, .. } => p.z <= top + curved_offset(section, p.plan),
        _ => true,
    })
}

/// How one path attenuates each band. `curved_lateral`: for a lateral
/// path, whether curved rays are blocked too (else it has no favourable
/// variant).
pub fn attenuate(
    section: &Section,
    atmosphere: &Atmosphere,
    curved_lateral: bool,
) -> PathAttenuation {
    let ground = section.ground_line();
    let g_source = section.source_ground_factor.unwrap_or(section.points[0].g);
    let geometry = Geometry {
        section,
        g_source,
        ground,
    };
    let last_ground = geometry.ground.points.len() - 1;
    let clamp = section.kind != PathKind::Lateral;
    let whole = geometry.stretch(
        section.source_point(),
        section.receiver_point(),
        0,
        last_ground,
        clamp,
    );
    let (spreading_distance, absorbing_distance) = match section.kind {
        PathKind::Direct => (section.direct_distance(), section.direct_distance()),
        PathKind::Lateral => (section.direct_distance(), section.lateral_length()),
        PathKind::Reflected => (section.unfolded_length(), section.unfolded_length()),
    };
    let divergence = 20.0 * spreading_distance.log10() + 11.0;
    let alpha = atmosphere.alpha_bands(&exact_hz());
    let base: Bands = std::array::from_fn(|i| divergence + alpha[i] * absorbing_distance);
    let condition_total = |condition: Condition| -> Bands {
        let boundary = match section.kind {
            PathKind::Lateral => lateral_boundary(&geometry, condition, &whole),
            _ => vertical_plane_boundary(&geometry, condition, &whole),
        };
        let edges: Vec<Point2> = match section.kind {
            PathKind::Lateral => Vec::new(),
            _ => hull_edges(section, condition)
                .into_iter()
                .map(|i| edge_point(section, i))
                .collect(),
        };
        let reflection = reflections(section, condition, &edges);
        std::array::from_fn(|i| base[i] + boundary[i] + reflection[i])
    };
    let has_favourable = match section.kind {
        PathKind::Lateral => curved_lateral,
        PathKind::Reflected => reflects_for_curved_rays(section),
        PathKind::Direct => true,
    };
    PathAttenuation {
        homogeneous: condition_total(Condition::Homogeneous),
        favourable: has_favourable.then(|| condition_total(Condition::Favourable)),
    }
}

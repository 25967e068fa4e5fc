//! Water running over the terrain: the local-inertial form of the shallow
//! water equations (Bates, Horritt & Fewtrell 2010, J. Hydrol. 387) with
//! the θ-weighted face fluxes of de Almeida, Bates, Freer & Souvignet
//! (2012, Water Resour. Res. 48) on a regular grid.
//!
//! Depths live in the cells, unit discharges (m²/s) on the faces between
//! them. Each step: an explicit momentum update per face (water-surface
//! slope, semi-implicit Manning friction), then the outflow of every cell
//! limited to the water it holds — so depths never turn negative and no
//! water is made or lost — then continuity with rain, inflows and losses.
//! The step follows the Courant condition Δt = α·Δx/√(g·h_max) every step
//! (capped by `max_step`), and the limiter keeps depths ≥ 0 whatever the
//! settings; θ below ≈ 0.8 can still make thin water swing (see Settings).
//!
//! The scheme leaves out the advection term; it is meant for slow,
//! gradually varied flow (Froude number below ≈ 0.5), which floodplain and
//! urban surface water are (de Almeida & Bates 2013).

use crate::FloodError;
use rayon::prelude::*;

pub const GRAVITY: f64 = 9.81;

/// What happens at one side of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// A wall: nothing leaves.
    Closed,
    /// Water leaves freely, driven by the slope of the ground (or of the
    /// water) just inside; nothing comes in.
    Open,
}

/// The four sides of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edges {
    pub north: Edge,
    pub east: Edge,
    pub south: Edge,
    pub west: Edge,
}

impl Edges {
    pub fn all(edge: Edge) -> Edges {
        Edges {
            north: edge,
            east: edge,
            south: edge,
            west: edge,
        }
    }
}

/// The ground the water runs on. Row 0 is north; cell (col, row) has
/// index `row·width + col`.
#[derive(Debug, Clone)]
pub struct Domain {
    pub width: usize,
    pub height: usize,
    /// Cell size east–west and north–south (m).
    pub dx: f64,
    pub dy: f64,
    /// Ground (m); NaN marks a cell outside (no data): water never enters.
    pub ground: Vec<f32>,
    /// Manning's n per cell (s/m^⅓).
    pub manning: Vec<f32>,
    /// Infiltration and other losses per cell (m/s), taken from the water
    /// standing there.
    pub loss: Vec<f32>,
    pub edges: Edges,
}

impl Domain {
    /// A domain with one roughness, no losses and closed sides.
    pub fn new(
        width: usize,
        height: usize,
        dx: f64,
        dy: f64,
        ground: Vec<f32>,
        manning: f32,
    ) -> Domain {
        let n = width * height;
        Domain {
            width,
            height,
            dx,
            dy,
            ground,
            manning: vec![manning; n],
            loss: vec![0.0; n],
            edges: Edges::all(Edge::Closed),
        }
    }

    pub fn cells(&self) -> usize {
        self.width * self.height
    }

    pub fn cell_area(&self) -> f64 {
        self.dx * self.dy
    }

    fn check(&self) -> Result<(), FloodError> {
        let n = self.cells();
        if self.width == 0 || self.height == 0 {
            return Err(FloodError::EmptyGrid);
        }
        if !(self.dx > 0.0 && self.dy > 0.0) {
            return Err(FloodError::Setting(format!(
                "cell size {} × {} m must be positive",
                self.dx, self.dy
            )));
        }
        for (name, len) in [
            ("ground", self.ground.len()),
            ("manning", self.manning.len()),
            ("loss", self.loss.len()),
        ] {
            if len != n {
                return Err(FloodError::Setting(format!(
                    "{name} has {len} values for {n} cells"
                )));
            }
        }
        if self.ground.iter().all(|z| z.is_nan()) {
            return Err(FloodError::NoGround);
        }
        if let Some(z) = self.ground.iter().find(|z| z.is_infinite()) {
            return Err(FloodError::Setting(format!(
                "ground height {z}: mark cells without data with NaN"
            )));
        }
        if let Some(n) = self.manning.iter().find(|n| !(n.is_finite() && **n >= 0.0)) {
            return Err(FloodError::Setting(format!("Manning's n {n} is not ≥ 0")));
        }
        if let Some(l) = self.loss.iter().find(|l| !(l.is_finite() && **l >= 0.0)) {
            return Err(FloodError::Setting(format!("loss rate {l} m/s is not ≥ 0")));
        }
        Ok(())
    }
}

/// Rain over time: intensities (m/s) each holding from its start (s)
/// until the next one starts; none before the first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hyetograph {
    steps: Vec<(f64, f64)>,
}

impl Hyetograph {
    /// `steps`: (start s, intensity m/s), starts increasing.
    pub fn new(mut steps: Vec<(f64, f64)>) -> Result<Hyetograph, FloodError> {
        steps.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((t, r)) = steps
            .iter()
            .find(|(t, r)| !(t.is_finite() && r.is_finite() && *r >= 0.0))
        {
            return Err(FloodError::Setting(format!(
                "rain of {r} m/s from {t} s: intensities must be ≥ 0"
            )));
        }
        Ok(Hyetograph { steps })
    }

    /// A block of rain: `mm` in `minutes`, starting at 0.
    pub fn block(mm: f64, minutes: f64) -> Hyetograph {
        if mm <= 0.0 || minutes <= 0.0 {
            return Hyetograph::default();
        }
        Hyetograph {
            steps: vec![(0.0, mm / 1000.0 / (minutes * 60.0)), (minutes * 60.0, 0.0)],
        }
    }

    pub fn rate_at(&self, t: f64) -> f64 {
        self.steps
            .iter()
            .rev()
            .find(|(start, _)| *start <= t)
            .map_or(0.0, |(_, r)| *r)
    }

    /// When the intensity next changes after `t`.
    pub fn next_change(&self, t: f64) -> Option<f64> {
        self.steps.iter().map(|(s, _)| *s).find(|s| *s > t)
    }

    /// Total depth of rain (m) over the steps that end; a last step that
    /// rains on forever is left out.
    pub fn total(&self) -> f64 {
        self.steps
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * w[0].1)
            .sum()
    }
}

/// Water let in at some cells: a hydrograph (s, m³/s), linear between its
/// points and zero outside them (a single point: that discharge all the
/// time), shared evenly by the cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Inflow {
    pub cells: Vec<usize>,
    pub hydrograph: Vec<(f64, f64)>,
}

impl Inflow {
    pub fn discharge_at(&self, t: f64) -> f64 {
        let h = &self.hydrograph;
        match h.len() {
            0 => 0.0,
            1 => h[0].1,
            _ => {
                if t < h[0].0 || t > h[h.len() - 1].0 {
                    return 0.0;
                }
                let k = h.partition_point(|(s, _)| *s <= t).clamp(1, h.len() - 1);
                let ((t0, q0), (t1, q1)) = (h[k - 1], h[k]);
                if t1 > t0 {
                    q0 + (q1 - q0) * (t - t0) / (t1 - t0)
                } else {
                    q1
                }
            }
        }
    }
}

/// How the scheme runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// θ of de Almeida et al.: 1 is Bates' original scheme, lower values
    /// damp the checkerboard oscillations of deep, slow water. 0.9: at 0.7
    /// (itzi's choice) thin rain water on a 1 % slope swung from cell to
    /// cell at 5 s steps (the plane case of tests/peers.rs, run at 0.7 and
    /// 0.8 while choosing); 0.8 is landlab's default; 0.9 is stable there
    /// and closest on every analytic case.
    pub theta: f32,
    /// α of the Courant condition (≤ 1; 0.7 by Bates et al.).
    pub courant: f64,
    /// The longest step (s).
    pub max_step: f64,
    /// Faces with less flow depth than this carry nothing (m).
    pub min_flow_depth: f32,
    /// Water this deep counts as "arrived" for the time of first water (m).
    pub arrival_depth: f32,
    /// Speeds are recorded only where at least this deep (m): a film of
    /// rain would otherwise show absurd speeds.
    pub speed_depth: f32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            theta: 0.9,
            courant: 0.7,
            max_step: 5.0,
            min_flow_depth: 1e-4,
            arrival_depth: 0.1,
            speed_depth: 0.05,
        }
    }
}

/// Where the water went (m³): what came in, what left, what is there.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Balance {
    pub initial: f64,
    pub rain: f64,
    pub inflow: f64,
    pub loss: f64,
    pub outflow: f64,
    pub stored: f64,
}

impl Balance {
    /// Water unaccounted for (m³): stored − (initial + in − out).
    pub fn error(&self) -> f64 {
        self.stored - (self.initial + self.rain + self.inflow - self.loss - self.outflow)
    }

    /// The error as a share of all water that was there or came in.
    pub fn relative_error(&self) -> f64 {
        let total = self.initial + self.rain + self.inflow;
        if total > 0.0 {
            self.error() / total
        } else {
            0.0
        }
    }
}

/// Depths and face discharges.
#[derive(Debug, Clone)]
pub struct State {
    /// Depth per cell (m).
    pub depth: Vec<f32>,
    /// Unit discharge on the faces between columns (m²/s, positive east):
    /// `height` rows of `width + 1` faces, face `c` west of cell `c`.
    pub qx: Vec<f32>,
    /// Unit discharge on the faces between rows (m²/s, positive south):
    /// `height + 1` rows of `width` faces, row `r` north of cell row `r`.
    pub qy: Vec<f32>,
}

/// A running simulation with what it records: deepest water, fastest
/// water and when water first stood `arrival_depth` deep, per cell.
pub struct Simulation {
    domain: Domain,
    settings: Settings,
    rain: Hyetograph,
    inflows: Vec<Inflow>,
    state: State,
    next_qx: Vec<f32>,
    next_qy: Vec<f32>,
    limit: Vec<f32>,
    time: f64,
    steps: u64,
    balance: Balance,
    /// The deepest water now (m): the next step's Courant limit.
    deepest: f32,
    pub max_depth: Vec<f32>,
    pub max_speed: Vec<f32>,
    /// Seconds from the start; NaN where water never arrived.
    pub arrival: Vec<f32>,
}

/// Rows handed to one worker at a time.
const ROWS_PER_TASK: usize = 16;

impl Simulation {
    pub fn new(domain: Domain, settings: Settings) -> Result<Simulation, FloodError> {
        domain.check()?;
        if !(settings.courant > 0.0 && settings.courant <= 1.0) {
            return Err(FloodError::Setting(format!(
                "the Courant number {} must lie in (0, 1]",
                settings.courant
            )));
        }
        if !(settings.max_step > 0.0) || !(0.0..=1.0).contains(&settings.theta) {
            return Err(FloodError::Setting(format!(
                "the longest step {} s must be positive and θ {} within [0, 1]",
                settings.max_step, settings.theta
            )));
        }
        let (w, h) = (domain.width, domain.height);
        let n = w * h;
        Ok(Simulation {
            state: State {
                depth: vec![0.0; n],
                qx: vec![0.0; h * (w + 1)],
                qy: vec![0.0; (h + 1) * w],
            },
            next_qx: vec![0.0; h * (w + 1)],
            next_qy: vec![0.0; (h + 1) * w],
            limit: vec![1.0; n],
            time: 0.0,
            steps: 0,
            balance: Balance::default(),
            deepest: 0.0,
            max_depth: vec![0.0; n],
            max_speed: vec![0.0; n],
            arrival: vec![f32::NAN; n],
            domain,
            settings,
            rain: Hyetograph::default(),
            inflows: Vec::new(),
        })
    }

    pub fn with_rain(mut self, rain: Hyetograph) -> Simulation {
        self.rain = rain;
        self
    }

    pub fn with_inflows(mut self, inflows: Vec<Inflow>) -> Result<Simulation, FloodError> {
        for inflow in &inflows {
            if inflow.cells.is_empty() {
                return Err(FloodError::Setting("an inflow has no cell".into()));
            }
            if let Some((t, q)) = inflow
                .hydrograph
                .iter()
                .find(|(t, q)| !(t.is_finite() && q.is_finite() && *q >= 0.0))
            {
                return Err(FloodError::Setting(format!(
                    "inflow of {q} m³/s at {t} s: discharges must be ≥ 0"
                )));
            }
            if let Some(c) = inflow
                .cells
                .iter()
                .find(|c| self.domain.ground.get(**c).is_none_or(|z| z.is_nan()))
            {
                return Err(FloodError::InflowOutside(*c));
            }
        }
        self.inflows = inflows;
        Ok(self)
    }

    /// Water standing at the start (m per cell); counted in the balance.
    pub fn set_depths(&mut self, depth: Vec<f32>) {
        assert_eq!(depth.len(), self.domain.cells());
        self.state.depth = depth
            .into_iter()
            .zip(&self.domain.ground)
            .map(|(h, z)| if z.is_nan() { 0.0 } else { h.max(0.0) })
            .collect();
        self.balance.initial = self.volume();
        self.balance.stored = self.balance.initial;
        self.deepest = self.state.depth.iter().fold(0.0f32, |m, h| m.max(*h));
        self.record_extremes_of_start();
    }

    fn record_extremes_of_start(&mut self) {
        for (k, h) in self.state.depth.iter().enumerate() {
            self.max_depth[k] = self.max_depth[k].max(*h);
            if *h >= self.settings.arrival_depth && self.arrival[k].is_nan() {
                self.arrival[k] = self.time as f32;
            }
        }
    }

    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// For tests that hold a boundary at an analytic solution: what is
    /// changed here is not counted in the balance.
    pub fn state_mut(&mut self) -> &mut State {
        self.deepest = f32::INFINITY;
        &mut self.state
    }

    pub fn time(&self) -> f64 {
        self.time
    }

    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn balance(&self) -> Balance {
        self.balance
    }

    /// Water on the grid (m³).
    pub fn volume(&self) -> f64 {
        let a = self.domain.cell_area();
        self.state
            .depth
            .par_chunks(self.domain.width * ROWS_PER_TASK)
            .map(|c| c.iter().map(|h| *h as f64).sum::<f64>())
            .sum::<f64>()
            * a
    }

    /// The step the Courant condition allows now.
    pub fn stable_step(&self) -> f64 {
        let deepest = if self.deepest.is_finite() {
            self.deepest as f64
        } else {
            // Depths were changed from outside: look again.
            self.state
                .depth
                .par_chunks(self.domain.width * ROWS_PER_TASK)
                .map(|c| c.iter().fold(0.0f32, |m, h| m.max(*h)))
                .reduce(|| 0.0, f32::max) as f64
        };
        let cell = self.domain.dx.min(self.domain.dy);
        if deepest > self.settings.min_flow_depth as f64 {
            (self.settings.courant * cell / (GRAVITY * deepest).sqrt()).min(self.settings.max_step)
        } else {
            self.settings.max_step
        }
    }

    /// Runs until `until` (s), calling `progress(time)` after each step;
    /// it returns false to stop early.
    pub fn run_until(&mut self, until: f64, mut progress: impl FnMut(f64) -> bool) -> bool {
        while self.time < until - 1e-9 {
            let mut dt = self.stable_step().min(until - self.time);
            if let Some(change) = self.rain.next_change(self.time) {
                if change > self.time + 1e-9 {
                    dt = dt.min(change - self.time);
                }
            }
            self.step(dt);
            if !progress(self.time) {
                return false;
            }
        }
        true
    }

    /// One step of `dt` seconds (the caller keeps to [`Self::stable_step`]).
    ///
    /// Three passes over the rows: momentum (old fluxes → new fluxes in
    /// `next_*`), the outflow limit of every cell, and continuity, which
    /// also writes the limited fluxes back into `state` for the next step.
    pub fn step(&mut self, dt: f64) {
        self.update_momentum(dt);
        self.limit_factors(dt);
        self.update_depths(dt);
        self.time += dt;
        self.steps += 1;
    }

    /// New face discharges from the old ones and the water surface.
    fn update_momentum(&mut self, dt: f64) {
        let d = &self.domain;
        let (w, rows) = (d.width, d.height);
        let (dx, dy) = (d.dx as f32, d.dy as f32);
        let s = &self.state;
        let theta = self.settings.theta;
        let hmin = self.settings.min_flow_depth;
        let g_dt = (GRAVITY * dt) as f32;
        let edges = d.edges;
        let (qx_rows, qy_rows) = (&mut self.next_qx, &mut self.next_qy);
        // Row r computes its west–east faces and the faces north of it.
        qx_rows
            .par_chunks_mut(w + 1)
            .zip(qy_rows.par_chunks_mut(w))
            .enumerate()
            .with_min_len(ROWS_PER_TASK)
            .for_each(|(r, (out_x, out_y))| {
                let z = &d.ground[r * w..(r + 1) * w];
                let h = &s.depth[r * w..(r + 1) * w];
                let n = &d.manning[r * w..(r + 1) * w];
                let q = &s.qx[r * (w + 1)..(r + 1) * (w + 1)];
                for c in 1..w {
                    let (a, b) = (c - 1, c);
                    out_x[c] = if z[a].is_nan() || z[b].is_nan() {
                        0.0
                    } else {
                        face_flux(FaceInput {
                            q: q[c],
                            // The faces west and east of this one.
                            q_side: Some((q[c - 1], q[c + 1])),
                            eta_up: z[a] + h[a],
                            eta_down: z[b] + h[b],
                            z_up: z[a],
                            z_down: z[b],
                            manning: 0.5 * (n[a] + n[b]),
                            inverse_spacing: 1.0 / dx,
                            theta,
                            hmin,
                            g_dt,
                        })
                    };
                }
                // West side: outward is negative.
                out_x[0] = if edges.west == Edge::Open && !z[0].is_nan() {
                    let prev = (w >= 2).then_some(1);
                    -open_edge_flux_at((-q[0]).max(0.0), z, h, 0, prev, n[0], dx, hmin, g_dt)
                } else {
                    0.0
                };
                out_x[w] = if edges.east == Edge::Open && !z[w - 1].is_nan() {
                    let prev = if w >= 2 { Some(w - 2) } else { None };
                    open_edge_flux_at(q[w].max(0.0), z, h, w - 1, prev, n[w - 1], dx, hmin, g_dt)
                } else {
                    0.0
                };
                if r == 0 {
                    side_faces(d, s, 0, edges.north == Edge::Open, out_y, hmin, g_dt);
                } else {
                    // This face row and the ones north and south of it (the
                    // sides' face rows included, as in x).
                    let q = &s.qy[r * w..(r + 1) * w];
                    let q_north = &s.qy[(r - 1) * w..r * w];
                    let q_south = &s.qy[(r + 1) * w..(r + 2) * w];
                    let (north, south) = ((r - 1) * w, r * w);
                    for c in 0..w {
                        let (a, b) = (north + c, south + c);
                        let (za, zb) = (d.ground[a], d.ground[b]);
                        out_y[c] = if za.is_nan() || zb.is_nan() {
                            0.0
                        } else {
                            face_flux(FaceInput {
                                q: q[c],
                                q_side: Some((q_north[c], q_south[c])),
                                eta_up: za + s.depth[a],
                                eta_down: zb + s.depth[b],
                                z_up: za,
                                z_down: zb,
                                manning: 0.5 * (d.manning[a] + d.manning[b]),
                                inverse_spacing: 1.0 / dy,
                                theta,
                                hmin,
                                g_dt,
                            })
                        };
                    }
                }
            });
        // The faces along the south side.
        let south = &mut self.next_qy[rows * w..];
        side_faces(d, s, rows, edges.south == Edge::Open, south, hmin, g_dt);
    }

    /// The share of its outflow each cell can give: 1, or less where it
    /// would give more water than it holds.
    fn limit_factors(&mut self, dt: f64) {
        let d = &self.domain;
        let w = d.width;
        let (tx, ty) = ((dt / d.dx) as f32, (dt / d.dy) as f32);
        let (qx, qy) = (&self.next_qx, &self.next_qy);
        let depth = &self.state.depth;
        self.limit
            .par_chunks_mut(w)
            .enumerate()
            .with_min_len(ROWS_PER_TASK)
            .for_each(|(r, limit)| {
                let qx = &qx[r * (w + 1)..(r + 1) * (w + 1)];
                let (north, south) = (&qy[r * w..(r + 1) * w], &qy[(r + 1) * w..(r + 2) * w]);
                let h = &depth[r * w..(r + 1) * w];
                for c in 0..w {
                    let out = tx * ((-qx[c]).max(0.0) + qx[c + 1].max(0.0))
                        + ty * ((-north[c]).max(0.0) + south[c].max(0.0));
                    limit[c] = if out > h[c] { h[c] / out } else { 1.0 };
                }
            });
    }

    /// Continuity with the limited fluxes; rain, losses, inflows; what is
    /// recorded per cell; the limited fluxes kept for the next step.
    fn update_depths(&mut self, dt: f64) {
        let d = &self.domain;
        let (w, rows) = (d.width, d.height);
        let (tx, ty) = ((dt / d.dx) as f32, (dt / d.dy) as f32);
        let rain = (self.rain.rate_at(self.time) * dt) as f32;
        let settings = self.settings;
        let t_end = (self.time + dt) as f32;
        let (qx, qy, limit) = (&self.next_qx, &self.next_qy, &self.limit);
        // A face's discharge scaled by the limit of the cell it leaves.
        let x_face = |r: usize, f: usize| -> f32 {
            let q = qx[r * (w + 1) + f];
            if q > 0.0 && f > 0 {
                q * limit[r * w + f - 1]
            } else if q < 0.0 && f < w {
                q * limit[r * w + f]
            } else {
                q
            }
        };
        let y_face = |f: usize, c: usize| -> f32 {
            let q = qy[f * w + c];
            if q > 0.0 && f > 0 {
                q * limit[(f - 1) * w + c]
            } else if q < 0.0 && f < rows {
                q * limit[f * w + c]
            } else {
                q
            }
        };
        // (rain, loss, water) in m per row, and the deepest water.
        let sums: (f64, f64, f64, f32) = self
            .state
            .depth
            .par_chunks_mut(w)
            .zip(self.max_depth.par_chunks_mut(w))
            .zip(self.max_speed.par_chunks_mut(w))
            .zip(self.arrival.par_chunks_mut(w))
            .zip(self.state.qx.par_chunks_mut(w + 1))
            .zip(self.state.qy.par_chunks_mut(w))
            .enumerate()
            .with_min_len(ROWS_PER_TASK)
            .map(
                |(r, (((((h, deepest), fastest), arrival), kept_x), kept_y))| {
                    let mut rained = 0.0f64;
                    let mut lost = 0.0f64;
                    let mut water = 0.0f64;
                    let mut row_deepest = 0.0f32;
                    kept_x[0] = x_face(r, 0);
                    for c in 0..w {
                        let k = r * w + c;
                        let west = kept_x[c];
                        let east = x_face(r, c + 1);
                        kept_x[c + 1] = east;
                        let north = y_face(r, c);
                        kept_y[c] = north;
                        if d.ground[k].is_nan() {
                            continue;
                        }
                        let south = y_face(r + 1, c);
                        let mut depth = h[c] + tx * (west - east) + ty * (north - south) + rain;
                        rained += rain as f64;
                        let loss = (d.loss[k] * dt as f32).min(depth.max(0.0));
                        depth -= loss;
                        lost += loss as f64;
                        // What rounding leaves below zero after the limiter.
                        let depth = depth.max(0.0);
                        h[c] = depth;
                        water += depth as f64;
                        row_deepest = row_deepest.max(depth);
                        if depth > deepest[c] {
                            deepest[c] = depth;
                        }
                        if depth >= settings.arrival_depth && arrival[c].is_nan() {
                            arrival[c] = t_end;
                        }
                        if depth >= settings.speed_depth {
                            let u = 0.5 * (west + east) / depth;
                            let v = 0.5 * (north + south) / depth;
                            let speed = (u * u + v * v).sqrt();
                            if speed > fastest[c] {
                                fastest[c] = speed;
                            }
                        }
                    }
                    (rained, lost, water, row_deepest)
                },
            )
            .reduce(
                || (0.0, 0.0, 0.0, 0.0),
                |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3.max(b.3)),
            );
        for c in 0..w {
            self.state.qy[rows * w + c] = y_face(rows, c);
        }
        let area = d.cell_area();
        self.balance.rain += sums.0 * area;
        self.balance.loss += sums.1 * area;
        self.balance.stored = sums.2 * area;
        self.deepest = sums.3;
        self.balance.outflow += self.boundary_outflow() * dt;
        // Inflows: few cells, added after the grid's update.
        let t = self.time + 0.5 * dt;
        for inflow in &self.inflows {
            let q = inflow.discharge_at(t);
            if q <= 0.0 {
                continue;
            }
            let per_cell = (q * dt / (inflow.cells.len() as f64 * area)) as f32;
            self.balance.stored += q * dt;
            for &k in &inflow.cells {
                self.state.depth[k] += per_cell;
                self.deepest = self.deepest.max(self.state.depth[k]);
                if self.state.depth[k] > self.max_depth[k] {
                    self.max_depth[k] = self.state.depth[k];
                }
                if self.state.depth[k] >= settings.arrival_depth && self.arrival[k].is_nan() {
                    self.arrival[k] = t_end;
                }
            }
            self.balance.inflow += q * dt;
        }
    }

    /// m³/s leaving through the open sides with the current face fluxes.
    fn boundary_outflow(&self) -> f64 {
        let d = &self.domain;
        let (w, rows) = (d.width, d.height);
        let (qx, qy) = (&self.state.qx, &self.state.qy);
        let mut out = 0.0f64;
        for r in 0..rows {
            out += (-qx[r * (w + 1)]).max(0.0) as f64 * d.dy;
            out += qx[r * (w + 1) + w].max(0.0) as f64 * d.dy;
        }
        for c in 0..w {
            out += (-qy[c]).max(0.0) as f64 * d.dx;
            out += qy[rows * w + c].max(0.0) as f64 * d.dx;
        }
        out
    }
}

/// The north–south faces along the north (`face_row` 0) or south
/// (`face_row` = height) side: outflow where the side is open.
fn side_faces(
    d: &Domain,
    s: &State,
    face_row: usize,
    open: bool,
    out: &mut [f32],
    hmin: f32,
    g_dt: f32,
) {
    let (w, rows) = (d.width, d.height);
    let (inner, beyond, outward) = if face_row == 0 {
        (0, 1, -1.0f32)
    } else {
        (rows - 1, rows.wrapping_sub(2), 1.0f32)
    };
    let q = &s.qy[face_row * w..(face_row + 1) * w];
    for c in 0..w {
        let k = inner * w + c;
        out[c] = if open && !d.ground[k].is_nan() {
            let prev = (beyond < rows).then(|| beyond * w + c);
            outward
                * open_edge_flux_at(
                    (q[c] * outward).max(0.0),
                    &d.ground,
                    &s.depth,
                    k,
                    prev,
                    d.manning[k],
                    d.dy as f32,
                    hmin,
                    g_dt,
                )
        } else {
            0.0
        };
    }
}

/// h^{−7/3} for h > 0 without a division: h^{−1/3} from the bits of h
/// and three Newton steps y ← y·(4 − h·y³)/3 (relative error below 5e-6;
/// libm's cbrtf and the divisions were a third of the run time).
#[inline]
fn pow_minus_7_3(h: f32) -> f32 {
    let mut y = f32::from_bits(1_420_470_955u32.wrapping_sub(h.to_bits() / 3));
    for _ in 0..3 {
        y = y * (4.0 - h * y * y * y) * (1.0 / 3.0);
    }
    let y2 = y * y;
    y2 * y2 * y2 * y
}

struct FaceInput {
    /// This face's discharge at the last step.
    q: f32,
    /// The discharges of the faces on either side along the flow
    /// direction, where both exist (θ-weighting).
    q_side: Option<(f32, f32)>,
    eta_up: f32,
    eta_down: f32,
    z_up: f32,
    z_down: f32,
    manning: f32,
    inverse_spacing: f32,
    theta: f32,
    hmin: f32,
    g_dt: f32,
}

/// de Almeida et al. (2012), eq. 7: q^{n+1} = [θq + (1−θ)/2·(q_l + q_r)
/// − g·h_f·Δt·∂η/∂x] / [1 + g·Δt·n²·|q|/h_f^{7/3}], with the flow depth
/// h_f = max(η) − max(z) of Bates et al. (2010).
fn face_flux(f: FaceInput) -> f32 {
    let flow_depth = f.eta_up.max(f.eta_down) - f.z_up.max(f.z_down);
    if flow_depth <= f.hmin {
        return 0.0;
    }
    let weighted = match f.q_side {
        Some((l, r)) => f.theta * f.q + 0.5 * (1.0 - f.theta) * (l + r),
        None => f.q,
    };
    let slope = (f.eta_down - f.eta_up) * f.inverse_spacing;
    let friction = if f.q == 0.0 {
        0.0
    } else {
        f.g_dt * f.manning * f.manning * f.q.abs() * pow_minus_7_3(flow_depth)
    };
    (weighted - f.g_dt * flow_depth * slope) / (1.0 + friction)
}

/// Outflow (≥ 0, m²/s) through an open side next to cell `k`: the water
/// leaves down the slope of the ground just inside (from `prev` to `k`),
/// or of the water surface where that is steeper — a free outfall.
#[allow(clippy::too_many_arguments)]
fn open_edge_flux_at(
    q: f32,
    ground: &[f32],
    depth: &[f32],
    k: usize,
    prev: Option<usize>,
    manning: f32,
    spacing: f32,
    hmin: f32,
    g_dt: f32,
) -> f32 {
    let h = depth[k];
    if h <= hmin {
        return 0.0;
    }
    let slope = prev
        .filter(|p| !ground[*p].is_nan())
        .map(|p| {
            let bed = (ground[p] - ground[k]) / spacing;
            let surface = (ground[p] + depth[p] - ground[k] - h) / spacing;
            bed.max(surface).max(0.0)
        })
        .unwrap_or(0.0);
    let friction = g_dt * manning * manning * q.abs() * pow_minus_7_3(h);
    ((q + g_dt * h * slope) / (1.0 + friction)).max(0.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fast_power_is_close() {
        for h in [1e-4f32, 3e-3, 0.05, 0.3, 1.0, 2.7, 12.0, 300.0] {
            let exact = (h as f64).powf(-7.0 / 3.0);
            let fast = super::pow_minus_7_3(h) as f64;
            assert!(
                ((fast - exact) / exact).abs() < 5e-6,
                "{h}: {fast} vs {exact}"
            );
        }
    }
}

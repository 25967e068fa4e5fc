//! CNOSSOS-EU road traffic emission (Directive (EU) 2015/996 Annex II §2.2,
//! coefficients of the 2021/1226 amendment or of the original 2015 text):
//! rolling and propulsion noise per vehicle category and octave band, with
//! the corrections for surface, temperature, studded tyres, junctions and
//! gradient, summed into the sound power per metre of a road.

use super::surfaces::{SURFACES_2015, SURFACES_2020, SurfaceTable};
use crate::NoiseError;
use crate::bands::{Bands, db_add, db_to_power, power_to_db};

/// Which edition of the coefficient tables (F-1, F-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Coefficients {
    /// Directive (EU) 2015/996 as published (NoiseModelling's unit tests).
    Directive2015,
    /// As amended by Commission Delegated Directive (EU) 2021/1226, in force
    /// for the strategic noise maps since 2022.
    #[default]
    Directive2021,
}

/// Vehicle categories of CNOSSOS-EU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// 1: passenger cars, vans ≤ 3.5 t.
    Light = 0,
    /// 2: medium heavy vehicles (vans > 3.5 t, buses, two axles).
    Medium = 1,
    /// 3: heavy vehicles (three or more axles).
    Heavy = 2,
    /// 4a: two-wheel mopeds, tricycles, quads ≤ 50 cc.
    Moped = 3,
    /// 4b: motorcycles > 50 cc.
    Motorcycle = 4,
}

pub const CATEGORIES: [Category; 5] = [
    Category::Light,
    Category::Medium,
    Category::Heavy,
    Category::Moped,
    Category::Motorcycle,
];

/// Rolling (A_R, B_R) and propulsion (A_P, B_P) coefficients of one category.
struct CategoryCoefficients {
    a_r: Bands,
    b_r: Bands,
    a_p: Bands,
    b_p: Bands,
}

const NO_ROLLING: Bands = [0.0; 8];

/// Table F-1 as amended by (EU) 2021/1226.
const F1_2021: [CategoryCoefficients; 5] = [
    CategoryCoefficients {
        a_r: [83.1, 89.2, 87.7, 93.1, 100.1, 96.7, 86.8, 76.2],
        b_r: [30.0, 41.5, 38.9, 25.7, 32.5, 37.2, 39.0, 40.0],
        a_p: [97.9, 92.5, 90.7, 87.2, 84.7, 88.0, 84.4, 77.1],
        b_p: [-1.3, 7.2, 7.7, 8.0, 8.0, 8.0, 8.0, 8.0],
    },
    CategoryCoefficients {
        a_r: [88.7, 93.2, 95.7, 100.9, 101.7, 95.1, 87.8, 83.6],
        b_r: [30.0, 35.8, 32.6, 23.8, 30.1, 36.2, 38.3, 40.1],
        a_p: [105.5, 100.2, 100.5, 98.7, 101.0, 97.8, 91.2, 85.0],
        b_p: [-1.9, 4.7, 6.4, 6.5, 6.5, 6.5, 6.5, 6.5],
    },
    CategoryCoefficients {
        a_r: [91.7, 96.2, 98.2, 104.9, 105.1, 98.5, 91.1, 85.6],
        b_r: [30.0, 33.5, 31.3, 25.4, 31.8, 37.1, 38.6, 40.6],
        a_p: [108.8, 104.2, 103.5, 102.9, 102.6, 98.5, 93.8, 87.5],
        b_p: [0.0, 3.0, 4.6, 5.0, 5.0, 5.0, 5.0, 5.0],
    },
    CategoryCoefficients {
        a_r: NO_ROLLING,
        b_r: NO_ROLLING,
        a_p: [93.0, 93.0, 93.5, 95.3, 97.2, 100.4, 95.8, 90.9],
        b_p: [4.2, 7.4, 9.8, 11.6, 15.7, 18.9, 20.3, 20.6],
    },
    CategoryCoefficients {
        a_r: NO_ROLLING,
        b_r: NO_ROLLING,
        a_p: [99.9, 101.9, 96.7, 94.4, 95.2, 94.7, 92.1, 88.6],
        b_p: [3.2, 5.9, 11.9, 11.6, 11.5, 12.6, 11.1, 12.0],
    },
];

/// Table F-1 of 2015/996: only A_R and A_P differ from 2021.
const F1_2015_A: [(Bands, Bands); 5] = [
    (
        [79.7, 85.7, 84.5, 90.2, 97.3, 93.9, 84.1, 74.3],
        [94.5, 89.2, 88.0, 85.9, 84.2, 86.9, 83.3, 76.1],
    ),
    (
        [84.0, 88.7, 91.5, 96.7, 97.4, 90.9, 83.8, 80.5],
        [101.0, 96.5, 98.8, 96.8, 98.6, 95.2, 88.8, 82.7],
    ),
    (
        [87.0, 91.7, 94.1, 100.7, 100.8, 94.3, 87.1, 82.5],
        [104.4, 100.6, 101.7, 101.0, 100.1, 95.9, 91.3, 85.3],
    ),
    (NO_ROLLING, [88.0, 87.5, 89.5, 93.7, 96.6, 98.8, 93.9, 88.7]),
    (NO_ROLLING, [95.0, 97.2, 92.7, 92.9, 94.7, 93.2, 90.1, 86.5]),
];

/// Table F-2: studded tyres (category 1), a_i and b_i.
const STUD_A: Bands = [0.0, 0.0, 0.0, 2.6, 2.9, 1.5, 2.3, 9.2];
const STUD_B: Bands = [0.0, 0.0, 0.0, -3.1, -6.4, -14.0, -22.4, -11.4];

/// Table F-3: junction coefficients (C_R, C_P) for crossings with traffic
/// lights and for roundabouts, per category.
const JUNCTION_LIGHTS: [(f64, f64); 5] = [
    (-4.5, 5.5),
    (-4.0, 9.0),
    (-4.0, 9.0),
    (0.0, 0.0),
    (0.0, 0.0),
];
const JUNCTION_ROUNDABOUT: [(f64, f64); 5] = [
    (-4.4, 3.1),
    (-2.3, 6.7),
    (-2.3, 6.7),
    (0.0, 0.0),
    (0.0, 0.0),
];

/// Temperature coefficient K of rolling noise (dB/°C), categories 1–3.
const TEMPERATURE_K: [f64; 3] = [0.08, 0.04, 0.04];
const REFERENCE_TEMPERATURE_C: f64 = 20.0;
const REFERENCE_SPEED_KMH: f64 = 70.0;
/// Below this speed the emission at 20 km/h is used (§2.2.1).
const LOWEST_SPEED_KMH: f64 = 20.0;
/// Junction effects fade out over this distance (m).
const JUNCTION_REACH_M: f64 = 100.0;
/// Gradients beyond ±12 % are taken as 12 %.
const STEEPEST_PERCENT: f64 = 12.0;

/// Vehicles per hour and their mean speed in one category.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Flow {
    pub vehicles_per_hour: f64,
    pub speed_kmh: f64,
}

/// The nearest junction of a road point.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Junction {
    #[default]
    None,
    TrafficLights {
        distance_m: f64,
    },
    Roundabout {
        distance_m: f64,
    },
}

/// Everything CNOSSOS-EU needs to know about a road to give its emission.
#[derive(Clone, Debug, PartialEq)]
pub struct RoadTraffic {
    /// Flows of categories 1, 2, 3, 4a, 4b.
    pub flows: [Flow; 5],
    /// Surface id (`DEF` = reference surface, `NL01` … `NL14`, `FR_R2`).
    pub surface: String,
    /// Mean air temperature of the period (°C).
    pub temperature_c: f64,
    /// Studded tyres: months per year with them and share of light
    /// vehicles equipped in that time.
    pub studded_months: f64,
    pub studded_share: f64,
    pub junction: Junction,
    /// Gradient in % in the direction the line is drawn (uphill > 0).
    pub slope_percent: f64,
    /// Traffic in both directions: half the flow climbs, half descends,
    /// each with its own propulsion gradient term (as the directive has
    /// it; NoiseModelling's way 3 instead changes the rolling noise).
    pub two_way: bool,
}

impl Default for RoadTraffic {
    fn default() -> Self {
        RoadTraffic {
            flows: [Flow::default(); 5],
            surface: "DEF".into(),
            temperature_c: REFERENCE_TEMPERATURE_C,
            studded_months: 0.0,
            studded_share: 0.0,
            junction: Junction::None,
            slope_percent: 0.0,
            two_way: true,
        }
    }
}

fn surface_table(
    coefficients: Coefficients,
    id: &str,
) -> Result<Option<&'static SurfaceTable>, NoiseError> {
    if id.eq_ignore_ascii_case("DEF") || id.is_empty() {
        return Ok(None);
    }
    let tables = match coefficients {
        Coefficients::Directive2015 => SURFACES_2015,
        Coefficients::Directive2021 => SURFACES_2020,
    };
    tables
        .iter()
        .find(|t| t.id.eq_ignore_ascii_case(id))
        .map(Some)
        .ok_or_else(|| NoiseError::UnknownSurface {
            id: id.to_string(),
            known: std::iter::once("DEF")
                .chain(tables.iter().map(|t| t.id))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Propulsion gradient correction ΔL_WP,grad (dB) of a category at slope
/// `s` (%) in the direction of travel (§2.2.13–2.2.16).
pub fn gradient_correction(category: Category, slope_percent: f64, speed_kmh: f64) -> f64 {
    let s = slope_percent;
    let v = speed_kmh;
    match category {
        Category::Light if s < -6.0 => (-s).min(STEEPEST_PERCENT) - 6.0,
        Category::Light if s > 2.0 => (s.min(STEEPEST_PERCENT) - 2.0) / 1.5 * v / 100.0,
        Category::Medium if s < -4.0 => {
            ((-s).min(STEEPEST_PERCENT) - 4.0) / 0.7 * (v - 20.0) / 100.0
        }
        Category::Medium if s > 0.0 => s.min(STEEPEST_PERCENT) * v / 100.0,
        Category::Heavy if s < -4.0 => {
            ((-s).min(STEEPEST_PERCENT) - 4.0) / 0.5 * (v - 10.0) / 100.0
        }
        Category::Heavy if s > 0.0 => s.min(STEEPEST_PERCENT) / 0.8 * v / 100.0,
        _ => 0.0,
    }
}

/// Sound power per metre of the road, L_W',eq,line per octave band
/// (dB re 1 pW/m, not A-weighted). Categories without vehicles add nothing;
/// a road without any vehicles is −∞ in every band.
pub fn line_emission(road: &RoadTraffic, coefficients: Coefficients) -> Result<Bands, NoiseError> {
    let mut total = [f64::NEG_INFINITY; 8];
    each_part(road, coefficients, |_, _, level| {
        for band in 0..8 {
            total[band] = db_add(total[band], level[band]);
        }
    })?;
    Ok(total)
}

/// Calls `f(category, rolling?, level per metre)` for the rolling and the
/// propulsion noise of every category with vehicles (each direction of a
/// sloped two-way road apart).
fn each_part(
    road: &RoadTraffic,
    coefficients: Coefficients,
    mut f: impl FnMut(Category, bool, Bands),
) -> Result<(), NoiseError> {
    let surface = surface_table(coefficients, &road.surface)?;
    for category in CATEGORIES {
        let flow = road.flows[category as usize];
        if flow.vehicles_per_hour.is_nan() || flow.vehicles_per_hour <= 0.0 {
            continue;
        }
        let v = flow.speed_kmh.max(LOWEST_SPEED_KMH);
        let density = power_to_db(flow.vehicles_per_hour / (1000.0 * v));
        let slopes: &[(f64, f64)] = if road.two_way && road.slope_percent != 0.0 {
            &[(road.slope_percent, 0.5), (-road.slope_percent, 0.5)]
        } else {
            &[(road.slope_percent, 1.0)]
        };
        for &(slope, share) in slopes {
            let (rolling, propulsion) =
                vehicle_parts(road, surface, coefficients, category, v, slope);
            let add = density + power_to_db(share);
            f(category, true, rolling.map(|l| l + add));
            f(category, false, propulsion.map(|l| l + add));
        }
    }
    Ok(())
}

/// A road's emission taken apart by what a junction changes (Table F-3):
/// per band the power per metre (linear, pW/m) of rolling and of
/// propulsion noise of category 1, of categories 2 and 3 (they share their
/// coefficients), and of the rest (4a, 4b: no change). With it the emission
/// at any distance from a junction is exact without reading the tables
/// again — for every point source of a line on its way to a junction.
#[derive(Clone, Debug, PartialEq)]
pub struct JunctionSplit {
    parts: [[f64; 8]; 5],
}

impl JunctionSplit {
    /// The emission (dB per band, as [`line_emission`]) near `junction`.
    pub fn at(&self, junction: Junction) -> Bands {
        self.power_at(junction).map(power_to_db)
    }

    /// The same as power per metre (pW/m per band).
    pub fn power_at(&self, junction: Junction) -> Bands {
        let (table, distance_m) = match junction {
            Junction::None => (None, 0.0),
            Junction::TrafficLights { distance_m } => (Some(&JUNCTION_LIGHTS), distance_m),
            Junction::Roundabout { distance_m } => (Some(&JUNCTION_ROUNDABOUT), distance_m),
        };
        let gamma = (1.0 - distance_m.abs() / JUNCTION_REACH_M).max(0.0);
        let factors: [f64; 5] = match table {
            Some(t) if gamma > 0.0 => [
                db_to_power(t[0].0 * gamma),
                db_to_power(t[0].1 * gamma),
                db_to_power(t[1].0 * gamma),
                db_to_power(t[1].1 * gamma),
                1.0,
            ],
            _ => [1.0; 5],
        };
        std::array::from_fn(|band| {
            (0..5)
                .map(|part| self.parts[part][band] * factors[part])
                .sum()
        })
    }
}

/// [`line_emission`] of a road without its junction, split for
/// [`JunctionSplit::at`].
pub fn junction_split(
    road: &RoadTraffic,
    coefficients: Coefficients,
) -> Result<JunctionSplit, NoiseError> {
    let road = RoadTraffic {
        junction: Junction::None,
        ..road.clone()
    };
    let mut parts = [[0.0; 8]; 5];
    each_part(&road, coefficients, |category, rolling, level| {
        let part = match (category, rolling) {
            (Category::Light, true) => 0,
            (Category::Light, false) => 1,
            (Category::Medium | Category::Heavy, true) => 2,
            (Category::Medium | Category::Heavy, false) => 3,
            _ => 4,
        };
        for band in 0..8 {
            parts[part][band] += db_to_power(level[band]);
        }
    })?;
    Ok(JunctionSplit { parts })
}

/// Sound power of one vehicle of `category` at speed `v` (km/h, already at
/// least 20) on a slope (%), per band: rolling noise (−∞ for 4a/4b) and
/// propulsion noise; L_W,i,m is their sum.
fn vehicle_parts(
    road: &RoadTraffic,
    surface: Option<&SurfaceTable>,
    coefficients: Coefficients,
    category: Category,
    v: f64,
    slope_percent: f64,
) -> (Bands, Bands) {
    let c = category as usize;
    let table = &F1_2021[c];
    let (a_r, a_p) = match coefficients {
        Coefficients::Directive2021 => (table.a_r, table.a_p),
        Coefficients::Directive2015 => F1_2015_A[c],
    };
    let speed_term = (v / REFERENCE_SPEED_KMH).log10();
    let junction_factor = |distance_m: f64| (1.0 - distance_m.abs() / JUNCTION_REACH_M).max(0.0);
    let (c_r, c_p) = match road.junction {
        Junction::None => (0.0, 0.0),
        Junction::TrafficLights { distance_m } => {
            let (r, p) = JUNCTION_LIGHTS[c];
            (
                r * junction_factor(distance_m),
                p * junction_factor(distance_m),
            )
        }
        Junction::Roundabout { distance_m } => {
            let (r, p) = JUNCTION_ROUNDABOUT[c];
            (
                r * junction_factor(distance_m),
                p * junction_factor(distance_m),
            )
        }
    };
    let has_rolling = c < 3;
    let gradient = gradient_correction(category, slope_percent, v);
    let mut rolling_part = [f64::NEG_INFINITY; 8];
    let propulsion_part = std::array::from_fn(|band| {
        // The surface tables give categories 4a/4b no α: 0 for them.
        let (alpha, beta) = match surface {
            Some(s) if has_rolling => (s.categories[c].0[band], s.categories[c].1),
            _ => (0.0, 0.0),
        };
        let propulsion = a_p[band]
            + table.b_p[band] * (v - REFERENCE_SPEED_KMH) / REFERENCE_SPEED_KMH
            + alpha.min(0.0)
            + c_p
            + gradient;
        if !has_rolling {
            return propulsion;
        }
        let rolling = &mut rolling_part[band];
        *rolling = a_r[band] + table.b_r[band] * speed_term + alpha + beta * speed_term + c_r;
        *rolling += TEMPERATURE_K[c] * (REFERENCE_TEMPERATURE_C - road.temperature_c);
        if category == Category::Light && road.studded_months > 0.0 && road.studded_share > 0.0 {
            let vs = v.clamp(50.0, 90.0);
            let stud = STUD_A[band] + STUD_B[band] * (vs / REFERENCE_SPEED_KMH).log10();
            let share = road.studded_share * road.studded_months / 12.0;
            *rolling += power_to_db((1.0 - share) + share * 10f64.powf(stud / 10.0));
        }
        propulsion
    });
    (rolling_part, propulsion_part)
}

//! RLS-19 propagation for one sub-segment (§3.5): divergence, air
//! absorption, ground/meteorology and screening (the larger of the two
//! counts), reflection losses (Tabelle 8).

use std::f64::consts::PI;

/// D_div = 10 lg(2π s²): hemispherical spreading over distance s (m).
pub fn divergence(distance_m: f64) -> f64 {
    10.0 * (2.0 * PI * distance_m * distance_m).log10()
}

/// D_atm = s / 200 m: air absorption at the A-weighted traffic spectrum.
pub fn air_absorption(distance_m: f64) -> f64 {
    distance_m / 200.0
}

/// D_gr = max(4.8 − (h_m / s)(34 + 600 / s), 0), h_m the mean height of
/// the ray above the ground (m).
pub fn ground(mean_height_m: f64, distance_m: f64) -> f64 {
    (4.8 - mean_height_m / distance_m * (34.0 + 600.0 / distance_m)).max(0.0)
}

/// D_z = 10 lg(3 + 80 z K_w) for path difference z = A + B + C − s and the
/// weather correction K_w = exp(−(1/2000) √(A B s / (2 z))). `a` runs from
/// the source to the first edge, `b` from the last edge to the receiver,
/// `c` between the edges (0 for one edge); `s` source to receiver. 0 when
/// the line of sight is free (z ≤ 0).
pub fn screening(a: f64, b: f64, c: f64, s: f64) -> f64 {
    let z = a + b + c - s;
    if z <= 0.0 {
        return 0.0;
    }
    let k_w = (-(a * b * s / (2.0 * z)).sqrt() / 2000.0).exp();
    10.0 * (3.0 + 80.0 * z * k_w).log10()
}

/// Reflecting surfaces and their loss per reflection D_RV (Tabelle 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Reflector {
    /// Building facades and reflecting walls: 0.5 dB.
    #[default]
    Facade,
    /// Absorbing walls: 3 dB.
    Absorbing,
    /// Highly absorbing walls: 5 dB.
    HighlyAbsorbing,
}

pub fn reflection_loss(reflector: Reflector) -> f64 {
    match reflector {
        Reflector::Facade => 0.5,
        Reflector::Absorbing => 3.0,
        Reflector::HighlyAbsorbing => 5.0,
    }
}

/// Level at the receiver of one sub-segment of length `l` (m) with source
/// power L_W' (dB(A)/m), distance s, mean ray height h_m, screening D_z and
/// reflection losses: L_W' + 10 lg l − D_div − D_atm − max(D_gr, D_z) − ΣD_RV.
pub fn segment_level(
    line_power: f64,
    length_m: f64,
    distance_m: f64,
    ground_db: f64,
    screening_db: f64,
    reflection_db: f64,
) -> f64 {
    line_power + 10.0 * length_m.log10()
        - divergence(distance_m)
        - air_absorption(distance_m)
        - ground_db.max(screening_db)
        - reflection_db
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matsim_shielding_reference() {
        // MATSim RLS19ShieldingCorrection: s = 10, A = B = C = 15 → 34.4639… dB.
        assert!((screening(15.0, 15.0, 15.0, 10.0) - 34.463933081239965).abs() < 1e-9);
        assert_eq!(screening(5.0, 5.0, 0.0, 10.0), 0.0, "free line of sight");
    }

    #[test]
    fn spreading_absorption_ground() {
        assert!((divergence(100.0) - (40.0 + 10.0 * (2.0 * PI).log10())).abs() < 1e-12);
        assert_eq!(air_absorption(400.0), 2.0);
        // h_m = 2.5 m at 100 m: 4.8 − 0.025 · 40 = 3.8 dB; high rays: 0.
        assert!((ground(2.5, 100.0) - 3.8).abs() < 1e-12);
        assert_eq!(ground(30.0, 50.0), 0.0);
    }
}

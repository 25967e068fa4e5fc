//! RLS-19 emission: base sound power of one vehicle per group (Gl. 6),
//! corrections for surface (Tab. 4a/4b), gradient (Gl. 7), junctions
//! (Gl. 8) and multiple reflection (Gl. 9), and the length-related sound
//! power L_W' of a source line (Gl. 4), all in dB(A).

/// Vehicle groups. Motorcycles (Krad) count in Lkw2 (RLS-19 §3.3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Pkw: cars, cars with trailers, vans ≤ 3.5 t.
    Car,
    /// Lkw1: lorries > 3.5 t without trailer, buses.
    Lorry,
    /// Lkw2: lorries with trailer, articulated lorries, motorcycles.
    HeavyLorry,
}

/// Speeds the base curves are defined for (km/h); slower traffic counts as
/// 30 km/h.
pub const SPEED_RANGE_KMH: (f64, f64) = (30.0, 130.0);

/// L_W0,FzG(v) = A + 10 lg(1 + (v/B)^C), Tabelle 3.
pub fn base_power(group: Group, speed_kmh: f64) -> f64 {
    let (a, b, c) = match group {
        Group::Car => (88.0, 20.0, 3.06),
        Group::Lorry => (100.3, 40.0, 4.33),
        Group::HeavyLorry => (105.4, 50.0, 4.88),
    };
    let v = speed_kmh.clamp(SPEED_RANGE_KMH.0, SPEED_RANGE_KMH.1);
    a + 10.0 * (1.0 + (v / b).powf(c)).log10()
}

/// Road surfaces of Tabelle 4a (asphalt, concrete) and 4b (paving).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Surface {
    /// Nicht geriffelter Gussasphalt: the reference, 0 dB.
    #[default]
    Reference,
    /// SMA 5/SMA 8 (≤ 60 km/h) and SMA 8/SMA 11 (> 60 km/h).
    StoneMastic,
    /// Asphaltbeton ≤ AC 11.
    AsphaltConcrete,
    /// Offenporiger Asphalt PA 11 (> 60 km/h).
    PorousAsphalt11,
    /// Offenporiger Asphalt PA 8 (> 60 km/h).
    PorousAsphalt8,
    /// Lärmtechnisch optimierter Asphalt AC D LOA (≤ 60 km/h) / SMA 8 LA (> 60).
    NoiseOptimisedAsphalt,
    /// Dünne Asphaltdeckschicht in Heißbauweise auf Versiegelung DSH-V 5.
    ThinHotLayer,
    /// Pflaster mit ebener Oberfläche.
    SmoothPaving,
    /// Sonstiges Pflaster.
    OtherPaving,
}

impl Surface {
    /// Key as the scene and the attribute tables write it.
    pub fn from_key(key: &str) -> Option<Surface> {
        Some(match key.trim().to_ascii_lowercase().as_str() {
            "" | "reference" | "gussasphalt" => Surface::Reference,
            "sma" => Surface::StoneMastic,
            "ac" | "asphaltbeton" => Surface::AsphaltConcrete,
            "pa11" => Surface::PorousAsphalt11,
            "pa8" => Surface::PorousAsphalt8,
            "loa" | "sma-la" => Surface::NoiseOptimisedAsphalt,
            "dsh-v" => Surface::ThinHotLayer,
            "pflaster-eben" | "smooth_paving" => Surface::SmoothPaving,
            "pflaster" | "paving" | "sett" | "cobblestone" => Surface::OtherPaving,
            _ => return None,
        })
    }
}

/// D_SD,SDT,FzG(v): the surface correction (dB). Tabelle 4a splits at
/// 60 km/h and gives values only where the surface is used at that speed;
/// elsewhere 0. Paving depends on the speed (30 / 40 / ≥ 50 km/h).
pub fn surface_correction(surface: Surface, group: Group, speed_kmh: f64) -> f64 {
    let car = group == Group::Car;
    let slow = speed_kmh <= 60.0;
    let pick = |car_slow: f64, car_fast: f64, lorry_slow: f64, lorry_fast: f64| match (car, slow) {
        (true, true) => car_slow,
        (true, false) => car_fast,
        (false, true) => lorry_slow,
        (false, false) => lorry_fast,
    };
    match surface {
        Surface::Reference => 0.0,
        Surface::StoneMastic => pick(-2.6, -1.8, -1.8, -2.0),
        Surface::AsphaltConcrete => pick(-2.7, -1.9, -1.9, -2.1),
        Surface::PorousAsphalt11 => pick(0.0, -4.5, 0.0, -4.4),
        Surface::PorousAsphalt8 => pick(0.0, -5.5, 0.0, -5.4),
        Surface::NoiseOptimisedAsphalt => pick(-3.2, -2.8, -1.0, -4.6),
        Surface::ThinHotLayer => pick(-3.9, -2.8, -0.9, -2.3),
        Surface::SmoothPaving | Surface::OtherPaving => {
            let smooth = surface == Surface::SmoothPaving;
            let (v30, v40, v50) = if smooth {
                (1.0, 2.0, 3.0)
            } else {
                (5.0, 6.0, 7.0)
            };
            if speed_kmh >= 50.0 {
                v50
            } else if speed_kmh >= 40.0 {
                v40
            } else {
                v30
            }
        }
    }
}

/// D_LN,FzG(g, v): the gradient correction (dB) for gradient `g` (%) in
/// the direction of travel, Gl. 7a–7c; gradients beyond ±12 % count as 12 %.
pub fn gradient_correction(group: Group, gradient_percent: f64, speed_kmh: f64) -> f64 {
    let g = gradient_percent.clamp(-12.0, 12.0);
    let v = speed_kmh;
    match group {
        Group::Car if g < -6.0 => (g + 6.0) / -6.0 * (90.0 - v.min(70.0)) / 20.0,
        Group::Car if g > 2.0 => (g - 2.0) / 10.0 * (v + 70.0) / 100.0,
        Group::Lorry if g < -4.0 => (g + 4.0) / -8.0 * (v - 20.0) / 10.0,
        Group::Lorry if g > 2.0 => (g - 2.0) / 10.0 * v / 10.0,
        // Downhill Lkw2 follows Lkw1's form with (v − 10), as CNOSSOS
        // category 3 does.
        Group::HeavyLorry if g < -4.0 => (g + 4.0) / -8.0 * (v - 10.0) / 10.0,
        Group::HeavyLorry if g > 2.0 => (g - 2.0) / 10.0 * (v + 10.0) / 10.0,
        _ => 0.0,
    }
}

/// Junction types of Tabelle 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JunctionKind {
    #[default]
    None,
    TrafficLights,
    Roundabout,
}

/// D_K,KT(x) = K_KT · max(1 − x/120, 0), Gl. 8.
pub fn junction_correction(kind: JunctionKind, distance_m: f64) -> f64 {
    let k = match kind {
        JunctionKind::None => 0.0,
        JunctionKind::TrafficLights => 3.0,
        JunctionKind::Roundabout => 2.0,
    };
    k * (1.0 - distance_m / 120.0).max(0.0)
}

/// D_refl = min(2 h_Beb / w, 1.6) for a street between reflecting facades
/// of mean height h (m) at distance w (m), Gl. 9.
pub fn multiple_reflection(mean_height_m: f64, street_width_m: f64) -> f64 {
    if street_width_m <= 0.0 {
        return 0.0;
    }
    (2.0 * mean_height_m / street_width_m).min(1.6)
}

/// The traffic on one source line in one period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineTraffic {
    /// M: vehicles per hour (all groups).
    pub vehicles_per_hour: f64,
    /// p1, p2: shares of Lkw1 and Lkw2 (incl. Krad) in %.
    pub lorry_percent: f64,
    pub heavy_lorry_percent: f64,
    /// Speeds of Pkw and of Lkw (km/h).
    pub car_speed_kmh: f64,
    pub lorry_speed_kmh: f64,
    pub surface: Surface,
    /// Gradient in % in the direction of travel.
    pub gradient_percent: f64,
}

/// L_W' (dB(A)/m) of a source line, Gl. 4, without the junction and
/// multiple-reflection terms D_K and D_refl (they depend on where along
/// the line a point lies; [`junction_correction`] and
/// [`multiple_reflection`] give them; the maps add D_refl per point, D_K
/// not yet).
/// −∞ without traffic.
pub fn line_power(traffic: &LineTraffic) -> f64 {
    let m = traffic.vehicles_per_hour;
    if m.is_nan() || m <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let p1 = traffic.lorry_percent / 100.0;
    let p2 = traffic.heavy_lorry_percent / 100.0;
    let v_car = traffic.car_speed_kmh.max(SPEED_RANGE_KMH.0);
    let v_lorry = traffic.lorry_speed_kmh.max(SPEED_RANGE_KMH.0);
    let term = |group: Group, share: f64, v: f64| {
        if share <= 0.0 {
            return 0.0;
        }
        let lw = base_power(group, v)
            + surface_correction(traffic.surface, group, v)
            + gradient_correction(group, traffic.gradient_percent, v);
        share * 10f64.powf(0.1 * lw) / v
    };
    let sum = term(Group::Car, 1.0 - p1 - p2, v_car)
        + term(Group::Lorry, p1, v_lorry)
        + term(Group::HeavyLorry, p2, v_lorry);
    10.0 * m.log10() + 10.0 * sum.log10() - 30.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matsim_reference_values() {
        // MATSim NoiseRLS19IT.testEmission.
        assert!((base_power(Group::Car, 40.0) - 97.70334139531323).abs() < 1e-9);
        let traffic = LineTraffic {
            vehicles_per_hour: 1800.0,
            lorry_percent: 0.0,
            heavy_lorry_percent: 0.0,
            car_speed_kmh: 40.0,
            lorry_speed_kmh: 40.0,
            surface: Surface::Reference,
            gradient_percent: 0.0,
        };
        assert!((line_power(&traffic) - 84.23546653306667).abs() < 1e-9);
    }

    #[test]
    fn base_curves_and_corrections() {
        // Values of the base curves (Aconiq's unit tests agree to 1e-6).
        assert!((base_power(Group::Lorry, 50.0) - 105.89664).abs() < 1e-5);
        assert!((base_power(Group::HeavyLorry, 90.0) - 118.09718).abs() < 1e-5);
        assert!(
            (base_power(Group::Car, 10.0) - 94.49151).abs() < 1e-5,
            "slower than 30 counts as 30"
        );
        assert!((gradient_correction(Group::Car, 8.0, 100.0) - 1.02).abs() < 1e-9);
        assert!((gradient_correction(Group::Lorry, -6.0, 80.0) - 1.5).abs() < 1e-9);
        assert!((gradient_correction(Group::HeavyLorry, 8.0, 70.0) - 4.8).abs() < 1e-9);
        assert_eq!(gradient_correction(Group::Car, -5.0, 50.0), 0.0);
        assert_eq!(junction_correction(JunctionKind::TrafficLights, 0.0), 3.0);
        assert!((junction_correction(JunctionKind::Roundabout, 60.0) - 1.0).abs() < 1e-12);
        assert_eq!(junction_correction(JunctionKind::TrafficLights, 150.0), 0.0);
        assert_eq!(multiple_reflection(20.0, 10.0), 1.6);
        assert_eq!(
            surface_correction(Surface::OtherPaving, Group::Lorry, 30.0),
            5.0
        );
        // A worked mixed case: M 1000, 3 % Lkw1, 5 % Lkw2, all at 50 km/h.
        let mixed = LineTraffic {
            vehicles_per_hour: 1000.0,
            lorry_percent: 3.0,
            heavy_lorry_percent: 5.0,
            car_speed_kmh: 50.0,
            lorry_speed_kmh: 50.0,
            surface: Surface::Reference,
            gradient_percent: 0.0,
        };
        assert!((line_power(&mixed) - 84.71195).abs() < 1e-4);
    }
}

//! Air absorption by ISO 9613-1:1993 (pure-tone formula at the band's
//! centre frequency, as CNOSSOS-EU prescribes it).

use crate::bands::Bands;

/// The air the sound travels through.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Atmosphere {
    /// Air temperature (°C).
    pub temperature_c: f64,
    /// Relative humidity (%).
    pub humidity_percent: f64,
    /// Atmospheric pressure (Pa).
    pub pressure_pa: f64,
}

impl Default for Atmosphere {
    /// The conditions of ISO/TR 17534-4 and of CNOSSOS-EU maps: 10 °C,
    /// 70 % relative humidity, 101.325 kPa.
    fn default() -> Self {
        Atmosphere {
            temperature_c: 10.0,
            humidity_percent: 70.0,
            pressure_pa: 101_325.0,
        }
    }
}

const REFERENCE_PRESSURE_PA: f64 = 101_325.0;
const REFERENCE_TEMPERATURE_K: f64 = 293.15;
const TRIPLE_POINT_K: f64 = 273.16;

impl Atmosphere {
    /// Attenuation coefficient α (dB/m) of a pure tone of `frequency` Hz.
    pub fn alpha_db_per_m(&self, frequency: f64) -> f64 {
        let t = self.temperature_c + 273.15;
        let pa = self.pressure_pa / REFERENCE_PRESSURE_PA;
        let t_rel = t / REFERENCE_TEMPERATURE_K;
        // Molar concentration of water vapour (%), from the saturation
        // pressure over liquid water.
        let c = -6.8346 * (TRIPLE_POINT_K / t).powf(1.261) + 4.6151;
        let h = self.humidity_percent * 10f64.powf(c) / pa;
        let f_ro = pa * (24.0 + 4.04e4 * h * (0.02 + h) / (0.391 + h));
        let f_rn = pa
            * t_rel.powf(-0.5)
            * (9.0 + 280.0 * h * (-4.170 * (t_rel.powf(-1.0 / 3.0) - 1.0)).exp());
        let f2 = frequency * frequency;
        8.686
            * f2
            * (1.84e-11 / pa * t_rel.sqrt()
                + t_rel.powf(-2.5)
                    * (0.01275 * (-2239.1 / t).exp() / (f_ro + f2 / f_ro)
                        + 0.1068 * (-3352.0 / t).exp() / (f_rn + f2 / f_rn)))
    }

    /// α per octave band (dB/m) at the given centre frequencies.
    pub fn alpha_bands(&self, frequencies: &Bands) -> Bands {
        std::array::from_fn(|i| self.alpha_db_per_m(frequencies[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_9613_2_table_values() {
        // ISO 9613-2 Table 2, dB/km, computed at the exact mid-band
        // frequencies (3981 Hz for "4 kHz"):
        // 20 °C / 70 %: 1 kHz 5.0, 4 kHz 22.9, 8 kHz 76.6;
        // 10 °C / 70 %: 500 Hz 1.9, 2 kHz 9.7, 8 kHz 117.
        let warm = Atmosphere {
            temperature_c: 20.0,
            ..Atmosphere::default()
        };
        let exact = crate::bands::exact_hz();
        let per_km = |air: &Atmosphere, nominal: f64| {
            let band = crate::bands::NOMINAL_HZ
                .iter()
                .position(|&f| f == nominal)
                .unwrap();
            air.alpha_db_per_m(exact[band]) * 1000.0
        };
        assert!(
            (per_km(&warm, 1000.0) - 5.0).abs() < 0.05,
            "{}",
            per_km(&warm, 1000.0)
        );
        assert!(
            (per_km(&warm, 4000.0) - 22.9).abs() < 0.05,
            "{}",
            per_km(&warm, 4000.0)
        );
        assert!(
            (per_km(&warm, 8000.0) - 76.6).abs() < 0.05,
            "{}",
            per_km(&warm, 8000.0)
        );
        let cool = Atmosphere::default();
        assert!(
            (per_km(&cool, 500.0) - 1.9).abs() < 0.05,
            "{}",
            per_km(&cool, 500.0)
        );
        assert!(
            (per_km(&cool, 2000.0) - 9.7).abs() < 0.05,
            "{}",
            per_km(&cool, 2000.0)
        );
        assert!(
            (per_km(&cool, 8000.0) - 117.0).abs() < 0.5,
            "{}",
            per_km(&cool, 8000.0)
        );
    }
}

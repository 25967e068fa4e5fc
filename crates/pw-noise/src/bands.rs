//! Octave bands 63 Hz … 8 kHz, the A-weighting and energetic sums.

/// Levels or attenuations per octave band, in dB, bands as [`NOMINAL_HZ`].
pub type Bands = [f64; 8];

/// Nominal octave-band centre frequencies (Hz), as CNOSSOS-EU lists them.
pub const NOMINAL_HZ: [f64; 8] = [63.0, 125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0];

/// Exact octave-band mid frequencies 1000 · 10^(3k/10) (IEC 61260), which
/// ISO 9613-1's air absorption is defined on.
pub fn exact_hz() -> Bands {
    std::array::from_fn(|i| 1000.0 * 10f64.powf(0.3 * (i as f64 - 4.0)))
}

/// A-weighting per octave band (dB), rounded to 0.1 dB as CNOSSOS-EU and
/// ISO/TR 17534-4 use it.
pub const A_WEIGHTING: Bands = [-26.2, -16.1, -8.6, -3.2, 0.0, 1.2, 1.0, -1.1];

/// 10 lg Σ 10^(L/10) over the bands; −∞ when every band is −∞.
pub fn energetic_sum(levels: &Bands) -> f64 {
    power_to_db(levels.iter().map(|&l| db_to_power(l)).sum())
}

/// The A-weighted total of a band spectrum, dB(A).
pub fn a_weighted(levels: &Bands) -> f64 {
    let weighted: Bands = std::array::from_fn(|i| levels[i] + A_WEIGHTING[i]);
    energetic_sum(&weighted)
}

pub fn db_to_power(level: f64) -> f64 {
    // e^(x ln 10 / 10): 10^(x/10) to about 1e-15 relative, at half the cost of
    // powf in the maps' innermost loops.
    (level * (std::f64::consts::LN_10 / 10.0)).exp()
}

pub fn power_to_db(power: f64) -> f64 {
    10.0 * power.log10()
}

/// Adds levels energetically: 10 lg (10^(a/10) + 10^(b/10)).
pub fn db_add(a: f64, b: f64) -> f64 {
    power_to_db(db_to_power(a) + db_to_power(b))
}

/// Long-term level from the homogeneous and favourable levels:
/// 10 lg (p · 10^(L_F/10) + (1 − p) · 10^(L_H/10)).
pub fn long_term(homogeneous: f64, favourable: f64, p_favourable: f64) -> f64 {
    power_to_db(
        p_favourable * db_to_power(favourable) + (1.0 - p_favourable) * db_to_power(homogeneous),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_the_long_term_level_of_tc01() {
        // Equal levels in every band: 10 lg 8 = 9.03 dB over one band.
        assert!((energetic_sum(&[60.0; 8]) - 69.0309).abs() < 1e-4);
        assert!((db_add(60.0, 60.0) - 63.0103).abs() < 1e-4);
        // ISO/TR 17534-4 TC01, 63 Hz: L_H 39.21, L_F 40.58, p = 0.5 → 13.75 dB(A).
        let la = long_term(39.21, 40.58, 0.5) + A_WEIGHTING[0];
        assert!((la - 13.75).abs() < 0.01, "{la}");
        assert!((exact_hz()[0] - 63.0957).abs() < 1e-3);
        assert!((exact_hz()[7] - 7943.28).abs() < 1e-2);
    }
}

//! Scale bar lengths people read at a glance: 1, 2 or 5 × 10ⁿ metres.

/// The longest 1/2/5 × 10ⁿ length not above `max_metres` (None for
/// nothing positive and finite).
pub fn nice_length(max_metres: f64) -> Option<f64> {
    if !(max_metres.is_finite() && max_metres > 0.0) {
        return None;
    }
    let decade = 10f64.powf(max_metres.log10().floor());
    // Rounding guards 5 × 10ⁿ computed as 4.999…
    let mantissa = max_metres / decade + 1e-9;
    let step = if mantissa >= 5.0 {
        5.0
    } else if mantissa >= 2.0 {
        2.0
    } else {
        1.0
    };
    Some(step * decade)
}

/// "50 m", "2 km", "0,5 m" (German decimal comma when `comma`).
pub fn format_length(metres: f64, comma: bool) -> String {
    let (value, unit) = if metres >= 1000.0 {
        (metres / 1000.0, "km")
    } else {
        (metres, "m")
    };
    let mut text = if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        let t = format!("{value:.3}");
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if comma {
        text = text.replace('.', ",");
    }
    format!("{text} {unit}")
}

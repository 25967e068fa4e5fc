//! Colour classes of a result and their legend: each class has a lower
//! bound and a colour; values below the first bound take the first class,
//! NaN (no value: under a building) is transparent.

/// One class: values from `lower` up to the next class's bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Class {
    pub lower: f32,
    pub rgb: [u8; 3],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    /// Catalogue key of the legend's title.
    pub title: &'static str,
    pub unit: &'static str,
    pub classes: Vec<Class>,
    /// Diverging (losses and gains around 0): labels carry their sign.
    pub signed: bool,
    /// Values in [from, to) are not drawn nor counted (a film of rain
    /// water, a change too small to matter).
    pub hidden: Option<(f32, f32)>,
}

impl Legend {
    pub fn new(title: &'static str, unit: &'static str, classes: &[(f32, [u8; 3])]) -> Legend {
        Legend {
            title,
            unit,
            classes: classes
                .iter()
                .map(|&(lower, rgb)| Class { lower, rgb })
                .collect(),
            signed: classes.first().is_some_and(|c| c.0 < 0.0),
            hidden: None,
        }
    }

    /// The same legend, leaving values in [from, to) undrawn.
    pub fn hiding(mut self, from: f32, to: f32) -> Legend {
        self.hidden = Some((from, to));
        self
    }

    /// A diverging red (less) – white – blue (more) legend around 0 with
    /// bounds at ±`small`, ±`large`: the default for B − A.
    pub fn difference(title: &'static str, unit: &'static str, small: f32, large: f32) -> Legend {
        Legend::new(
            title,
            unit,
            &[
                (f32::NEG_INFINITY, [165, 0, 38]),
                (-large, [230, 85, 60]),
                (-small, [250, 180, 150]),
                (-small * 0.02, [245, 245, 245]),
                (small * 0.02, [170, 205, 230]),
                (small, [90, 150, 210]),
                (large, [40, 80, 170]),
            ],
        )
    }

    /// The same diverging legend with the colours the other way round:
    /// for quantities where more is worse (traffic, noise), more is red.
    pub fn difference_more_is_worse(
        title: &'static str,
        unit: &'static str,
        small: f32,
        large: f32,
    ) -> Legend {
        let mut legend = Legend::difference(title, unit, small, large);
        let colours: Vec<[u8; 3]> = legend.classes.iter().rev().map(|c| c.rgb).collect();
        for (class, rgb) in legend.classes.iter_mut().zip(colours) {
            class.rgb = rgb;
        }
        legend
    }

    /// The class a value falls in; `None` for NaN and hidden values.
    pub fn class_of(&self, value: f32) -> Option<usize> {
        if value.is_nan() || self.classes.is_empty() {
            return None;
        }
        if self
            .hidden
            .is_some_and(|(from, to)| value >= from && value < to)
        {
            return None;
        }
        Some(
            self.classes
                .iter()
                .rposition(|c| value >= c.lower - 1e-4)
                .unwrap_or(0),
        )
    }

    /// sRGBA of a value; NaN is fully transparent.
    pub fn colour(&self, value: f32) -> [u8; 4] {
        match self.class_of(value) {
            Some(k) => {
                let c = self.classes[k].rgb;
                [c[0], c[1], c[2], 255]
            }
            None => [0; 4],
        }
    }

    /// "2 – 3 h", "≥ 12 h", "< −2 h", "−0.5 … +0.5 h" — one per class.
    pub fn labels(&self) -> Vec<String> {
        self.labels_in(|v| format!("{v}"))
    }

    /// [`Legend::labels`] with the class bounds written by `number` (the
    /// user's decimal comma); signs are added here.
    pub fn labels_in(&self, number: impl Fn(f64) -> String) -> Vec<String> {
        let u = self.unit;
        let num = |v: f32| {
            // Through f32's shortest form: 0.1f32 is 0.1, not 0.10000000149.
            let text = number(format!("{}", v.abs()).parse::<f64>().unwrap_or(f64::NAN));
            match (self.signed, v < 0.0, v > 0.0) {
                (_, true, _) => format!("−{text}"),
                (true, _, true) => format!("+{text}"),
                _ => text,
            }
        };
        (0..self.classes.len())
            .map(|k| {
                let lo = self.classes[k].lower;
                let hi = self.classes.get(k + 1).map(|c| c.lower);
                match (lo.is_finite(), hi) {
                    (false, Some(h)) => format!("< {} {u}", num(h)),
                    (true, Some(h)) if self.signed => format!("{} … {} {u}", num(lo), num(h)),
                    (true, Some(h)) => format!("{} – {} {u}", num(lo), num(h)),
                    (_, None) => format!("≥ {} {u}", num(lo)),
                }
            })
            .collect()
    }

    /// How many of `values` fall in each class (NaN counted nowhere): the
    /// distribution chart's bars.
    pub fn histogram(&self, values: impl IntoIterator<Item = f32>) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        for v in values {
            if let Some(k) = self.class_of(v) {
                counts[k] += 1;
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn more_is_worse_turns_the_colours_round() {
        let usual = Legend::difference("t", "dB", 1.0, 3.0);
        let worse = Legend::difference_more_is_worse("t", "dB", 1.0, 3.0);
        assert_eq!(
            worse.colour(5.0),
            usual.colour(-5.0),
            "more is coloured as the usual less"
        );
        assert_eq!(worse.colour(-5.0), usual.colour(5.0));
        assert_eq!(worse.colour(0.0), usual.colour(0.0));
        assert!(worse.signed);
    }

    use super::*;

    #[test]
    fn classes_colours_labels_and_counts() {
        let l = Legend::new(
            "t",
            "h",
            &[(0.0, [0, 0, 0]), (2.0, [1, 1, 1]), (4.0, [2, 2, 2])],
        );
        assert_eq!(l.colour(f32::NAN), [0; 4]);
        assert_eq!(l.colour(-1.0), [0, 0, 0, 255]);
        assert_eq!(l.colour(1.99995), [1, 1, 1, 255], "bounds forgive rounding");
        assert_eq!(l.colour(9.0), [2, 2, 2, 255]);
        assert_eq!(l.labels(), ["0 – 2 h", "2 – 4 h", "≥ 4 h"]);
        assert_eq!(l.histogram([0.5, 3.0, 3.5, f32::NAN, 7.0]), [1, 2, 1]);
        let d = Legend::difference("d", "h", 0.5, 2.0);
        assert!(d.signed);
        assert_eq!(d.labels()[0], "< −2 h");
        assert_eq!(d.labels()[6], "≥ +2 h");
        assert_eq!(d.colour(-3.0), [165, 0, 38, 255]);
        assert_eq!(d.colour(0.0), [245, 245, 245, 255]);
        assert_eq!(d.colour(1.0), [90, 150, 210, 255]);
        let h = d.hiding(-0.01, 0.01);
        assert_eq!(h.colour(0.005), [0; 4], "hidden");
        assert_eq!(h.colour(0.01), [170, 205, 230, 255]);
        assert_eq!(h.histogram([0.0, 0.5, -0.02]), [0, 0, 1, 0, 0, 1, 0]);
        // Bounds not exact in binary are written as given (the flood's
        // water depths), with the caller's decimal mark.
        let depth = Legend::new(
            "t",
            "m",
            &[(0.05, [0, 0, 0]), (0.1, [1, 1, 1]), (0.3, [2, 2, 2])],
        );
        assert_eq!(depth.labels(), ["0.05 – 0.1 m", "0.1 – 0.3 m", "≥ 0.3 m"]);
        let comma = depth.labels_in(|v| format!("{v}").replace('.', ","));
        assert_eq!(comma[0], "0,05 – 0,1 m");
        let small = Legend::difference("d", "h", 0.01, 0.02);
        assert!(
            small.labels().iter().all(|l| l.chars().count() < 20),
            "{:?}",
            small.labels()
        );
    }
}

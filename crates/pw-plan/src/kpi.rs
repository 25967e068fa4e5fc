//! Key figures of a variant's new buildings, the way a Bebauungsplan asks
//! for them: footprint (Grundfläche), gross floor area (BGF = footprint ×
//! storeys), GRZ and GFZ against a plot, highest point, and what is
//! demolished. Compared between variants as B − A.

use crate::file::Variant;
use crate::polygon::{self, P2};

#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub volumes: usize,
    pub footprint_m2: f64,
    pub gross_floor_m2: f64,
    /// Highest point above its base of any volume.
    pub max_height_m: f64,
    pub removed: usize,
    pub plot_m2: Option<f64>,
    /// Grundflächenzahl: footprint on the plot ÷ plot area.
    pub grz: Option<f64>,
    /// Geschossflächenzahl: gross floor area on the plot ÷ plot area.
    pub gfz: Option<f64>,
    /// Volumes not (wholly) on the plot: their ids.
    pub outside_plot: Vec<String>,
}

/// The figures of a variant; with a plot, GRZ and GFZ count the volumes
/// standing wholly on it and name those that do not.
pub fn figures(variant: &Variant, plot: Option<&[P2]>) -> Figures {
    let ok: Vec<_> = variant
        .volumes
        .iter()
        .filter(|v| v.validate().is_ok())
        .collect();
    let mut f = Figures {
        volumes: ok.len(),
        footprint_m2: ok.iter().map(|v| v.footprint_area()).sum(),
        gross_floor_m2: ok.iter().map(|v| v.gross_floor_area()).sum(),
        max_height_m: ok.iter().map(|v| v.total_height()).fold(0.0, f64::max),
        removed: variant.removed.len(),
        plot_m2: None,
        grz: None,
        gfz: None,
        outside_plot: Vec::new(),
    };
    if let Some(plot) = plot.filter(|p| p.len() >= 3) {
        let area = polygon::area(plot);
        let (mut fp, mut gf) = (0.0, 0.0);
        for v in &ok {
            if v.footprint.iter().all(|p| polygon::contains(plot, *p)) {
                fp += v.footprint_area();
                gf += v.gross_floor_area();
            } else {
                f.outside_plot.push(v.id.clone());
            }
        }
        f.plot_m2 = Some(area);
        if area > 0.0 {
            f.grz = Some(fp / area);
            f.gfz = Some(gf / area);
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::volume::{Roof, Volume};

    #[test]
    fn grz_and_gfz_of_a_house_on_its_plot() {
        let mut v = Variant::new("A");
        v.volumes.push(Volume {
            roof: Roof::Gable {
                pitch: 35.0,
                ridge_edge: 0,
            },
            ..Volume::new(
                "h",
                vec![[0.0, 0.0], [20.0, 0.0], [20.0, 12.0], [0.0, 12.0]],
                4,
            )
        });
        v.removed.push("alt".into());
        let plot = [[-10.0, -10.0], [30.0, -10.0], [30.0, 20.0], [-10.0, 20.0]];
        let f = figures(&v, Some(&plot));
        assert_eq!(
            (f.footprint_m2, f.gross_floor_m2, f.removed),
            (240.0, 960.0, 1)
        );
        assert_eq!(f.plot_m2, Some(1200.0));
        assert_eq!(f.grz, Some(0.2));
        assert_eq!(f.gfz, Some(0.8));
        assert!((f.max_height_m - (12.0 + 6.0 * 35f64.to_radians().tan())).abs() < 1e-9);
        // A plot that does not hold the house: named, not counted.
        let small = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        let f = figures(&v, Some(&small));
        assert_eq!(f.outside_plot, ["h"]);
        assert_eq!(f.grz, Some(0.0));
        assert_eq!(figures(&v, None).grz, None);
    }
}

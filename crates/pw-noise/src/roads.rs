//! Road traffic as noise sources: the flows of a road in each period of
//! the day, from counts or from a traffic model's peak hour, and their
//! sound power by CNOSSOS-EU (day, evening, night) and RLS-19 (Tag, Nacht).

use crate::NoiseError;
use crate::bands::Bands;
use crate::cnossos::emission::{
    Coefficients, Flow, Junction, JunctionSplit, RoadTraffic, junction_split, line_emission,
};
use crate::rls19::emission::{JunctionKind, LineTraffic, Surface, junction_correction, line_power};

/// Vehicles per hour on one road (both directions on a two-way road, one
/// direction on a one-way line) in one period, and their speeds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PeriodFlow {
    /// Cars and vans ≤ 3.5 t (Pkw; CNOSSOS category 1).
    pub cars: f64,
    /// Lorries > 3.5 t without trailer, buses (Lkw1; category 2).
    pub lorries: f64,
    /// Lorries with trailer, articulated (Lkw2; category 3).
    pub heavy_lorries: f64,
    pub car_speed_kmh: f64,
    pub lorry_speed_kmh: f64,
}

impl PeriodFlow {
    pub fn total(&self) -> f64 {
        self.cars + self.lorries + self.heavy_lorries
    }
}

/// A road's flows in the periods both methods use: day 6–18 h, evening
/// 18–22 h, night 22–6 h (RLS-19's Tag is day and evening together).
#[derive(Clone, Debug, PartialEq)]
pub struct RoadFlows {
    pub day: PeriodFlow,
    pub evening: PeriodFlow,
    pub night: PeriodFlow,
    /// CNOSSOS-EU surface id (`DEF` reference, `NL05` …).
    pub cnossos_surface: String,
    pub rls19_surface: Surface,
    /// Gradient in % along the line as drawn (uphill > 0).
    pub slope_percent: f64,
    /// Traffic in both directions (half climbs, half descends) or only in
    /// the line's direction.
    pub two_way: bool,
    /// One junction for the whole road, as a road table gives it
    /// (NoiseModelling's JUNC_TYPE, JUNC_DIST): its kind and distance (m).
    pub junction: Option<(JunctionKind, f64)>,
}

impl RoadFlows {
    /// The gradient of a line from its altitudes at the ends (%).
    pub fn with_slope_of(mut self, line: &[[f64; 3]]) -> RoadFlows {
        let length: f64 = line
            .windows(2)
            .map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt())
            .sum();
        if let (Some(a), Some(b)) = (line.first(), line.last())
            && length > 1.0
            && a[2].is_finite()
            && b[2].is_finite()
        {
            self.slope_percent = 100.0 * (b[2] - a[2]) / length;
        }
        self
    }
}

/// Road classes of RLS-19 Tabelle 2 (shares of the daily traffic per hour
/// and heavy-vehicle shares by day and night).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoadClass {
    Motorway,
    Federal,
    Regional,
    Municipal,
}

impl RoadClass {
    /// From an OpenStreetMap `highway` value.
    pub fn of_osm(highway: &str) -> RoadClass {
        match highway.trim_end_matches("_link") {
            "motorway" | "trunk" => RoadClass::Motorway,
            "primary" => RoadClass::Federal,
            "secondary" | "tertiary" => RoadClass::Regional,
            _ => RoadClass::Municipal,
        }
    }

    /// (M_Tag/DTV, p1 Tag %, p2 Tag %, M_Nacht/DTV, p1 Nacht %, p2 Nacht %).
    fn table_2(self) -> (f64, f64, f64, f64, f64, f64) {
        match self {
            RoadClass::Motorway => (0.0555, 3.0, 11.0, 0.0140, 10.0, 25.0),
            RoadClass::Federal => (0.0575, 3.0, 7.0, 0.0100, 7.0, 13.0),
            RoadClass::Regional => (0.0575, 3.0, 5.0, 0.0100, 5.0, 6.0),
            RoadClass::Municipal => (0.0575, 3.0, 4.0, 0.0100, 3.0, 4.0),
        }
    }
}

/// Flows from the daily traffic (DTV, vehicles per 24 h) of a road by
/// RLS-19 Tabelle 2; the evening carries the day's hourly traffic.
pub fn flows_from_daily(daily: f64, class: RoadClass, speed_kmh: f64) -> RoadFlows {
    let (m_day, p1_day, p2_day, m_night, p1_night, p2_night) = class.table_2();
    let lorry_speed = speed_kmh.min(80.0);
    let period = |m: f64, p1: f64, p2: f64| PeriodFlow {
        cars: daily * m * (100.0 - p1 - p2) / 100.0,
        lorries: daily * m * p1 / 100.0,
        heavy_lorries: daily * m * p2 / 100.0,
        car_speed_kmh: speed_kmh,
        lorry_speed_kmh: lorry_speed,
    };
    let day = period(m_day, p1_day, p2_day);
    RoadFlows {
        day,
        evening: day,
        night: period(m_night, p1_night, p2_night),
        cnossos_surface: "DEF".into(),
        rls19_surface: Surface::Reference,
        slope_percent: 0.0,
        two_way: true,
        junction: None,
    }
}

/// Sound power per metre of a road in CNOSSOS-EU's day, evening and night.
pub fn cnossos_power(
    flows: &RoadFlows,
    temperature_c: f64,
    coefficients: Coefficients,
) -> Result<[Bands; 3], NoiseError> {
    let [day, evening, night] = cnossos_traffic(flows, temperature_c);
    Ok([
        line_emission(&day, coefficients)?,
        line_emission(&evening, coefficients)?,
        line_emission(&night, coefficients)?,
    ])
}

/// [`cnossos_power`] taken apart for point sources at any distance from a
/// junction (the road's own junction, if any, left out).
pub fn cnossos_junction_split(
    flows: &RoadFlows,
    temperature_c: f64,
    coefficients: Coefficients,
) -> Result<Box<[JunctionSplit; 3]>, NoiseError> {
    let [day, evening, night] = cnossos_traffic(flows, temperature_c);
    Ok(Box::new([
        junction_split(&day, coefficients)?,
        junction_split(&evening, coefficients)?,
        junction_split(&night, coefficients)?,
    ]))
}

/// The road as CNOSSOS-EU's emission reads it, by day, evening and night.
fn cnossos_traffic(flows: &RoadFlows, temperature_c: f64) -> [RoadTraffic; 3] {
    let junction = match flows.junction {
        Some((JunctionKind::TrafficLights, distance_m)) => Junction::TrafficLights { distance_m },
        Some((JunctionKind::Roundabout, distance_m)) => Junction::Roundabout { distance_m },
        _ => Junction::None,
    };
    let one = |f: &PeriodFlow| {
        let mut road = RoadTraffic {
            surface: flows.cnossos_surface.clone(),
            temperature_c,
            slope_percent: flows.slope_percent,
            two_way: flows.two_way,
            junction,
            ..RoadTraffic::default()
        };
        road.flows[0] = Flow {
            vehicles_per_hour: f.cars,
            speed_kmh: f.car_speed_kmh,
        };
        road.flows[1] = Flow {
            vehicles_per_hour: f.lorries,
            speed_kmh: f.lorry_speed_kmh,
        };
        road.flows[2] = Flow {
            vehicles_per_hour: f.heavy_lorries,
            speed_kmh: f.lorry_speed_kmh,
        };
        road
    };
    [one(&flows.day), one(&flows.evening), one(&flows.night)]
}

/// L_W' (dB(A)/m) of a road in RLS-19's Tag (6–22 h: day and evening
/// hours together) and Nacht.
pub fn rls19_power(flows: &RoadFlows) -> [f64; 2] {
    let one = |f: &PeriodFlow, gradient: f64| {
        let m = f.total();
        let share = |n: f64| if m > 0.0 { 100.0 * n / m } else { 0.0 };
        line_power(&LineTraffic {
            vehicles_per_hour: m,
            lorry_percent: share(f.lorries),
            heavy_lorry_percent: share(f.heavy_lorries),
            car_speed_kmh: f.car_speed_kmh,
            lorry_speed_kmh: f.lorry_speed_kmh,
            surface: flows.rls19_surface,
            gradient_percent: gradient,
        })
    };
    // Both directions on one line: half the vehicles climb, half descend.
    let both = |f: &PeriodFlow| {
        if flows.two_way && flows.slope_percent != 0.0 {
            let up = one(f, flows.slope_percent);
            let down = one(f, -flows.slope_percent);
            10.0 * (0.5 * 10f64.powf(up / 10.0) + 0.5 * 10f64.powf(down / 10.0)).log10()
        } else {
            one(f, flows.slope_percent)
        }
    };
    // D_K of the road's own junction; one the scene's junctions give is
    // added per point source instead.
    let d_k = flows
        .junction
        .map_or(0.0, |(kind, distance)| junction_correction(kind, distance));
    let both = |f: &PeriodFlow| both(f) + d_k;
    // Tag is 16 h: 12 day hours and 4 evening hours.
    let tag = PeriodFlow {
        cars: (12.0 * flows.day.cars + 4.0 * flows.evening.cars) / 16.0,
        lorries: (12.0 * flows.day.lorries + 4.0 * flows.evening.lorries) / 16.0,
        heavy_lorries: (12.0 * flows.day.heavy_lorries + 4.0 * flows.evening.heavy_lorries) / 16.0,
        ..flows.day
    };
    [both(&tag), both(&flows.night)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_traffic_split_by_table_2() {
        let f = flows_from_daily(10_000.0, RoadClass::Municipal, 50.0);
        assert!((f.day.total() - 575.0).abs() < 1e-9);
        assert!((f.day.heavy_lorries - 23.0).abs() < 1e-9);
        assert!((f.night.total() - 100.0).abs() < 1e-9);
        let [tag, nacht] = rls19_power(&f);
        // M 575, p1 3 %, p2 4 %, 50 km/h on the reference surface.
        let expected = line_power(&LineTraffic {
            vehicles_per_hour: 575.0,
            lorry_percent: 3.0,
            heavy_lorry_percent: 4.0,
            car_speed_kmh: 50.0,
            lorry_speed_kmh: 50.0,
            surface: Surface::Reference,
            gradient_percent: 0.0,
        });
        assert!((tag - expected).abs() < 1e-9);
        assert!(tag - nacht > 7.0, "night much quieter: {tag} {nacht}");
        assert_eq!(RoadClass::of_osm("primary_link"), RoadClass::Federal);
        // A 6 % climb: louder uphill (lorries), the two directions together
        // louder than on the level.
        let steep = flows_from_daily(10_000.0, RoadClass::Municipal, 50.0)
            .with_slope_of(&[[0.0, 0.0, 100.0], [100.0, 0.0, 106.0]]);
        assert!((steep.slope_percent - 6.0).abs() < 1e-9);
        let [steep_tag, _] = rls19_power(&steep);
        assert!(steep_tag > tag + 0.2, "{steep_tag} vs {tag}");
        let one_way = RoadFlows {
            two_way: false,
            ..steep.clone()
        };
        assert!(
            rls19_power(&one_way)[0] > steep_tag,
            "all of it uphill is louder still"
        );
    }
}

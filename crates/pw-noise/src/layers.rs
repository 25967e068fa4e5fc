//! Roads and buildings from GIS layers: road lines whose attributes carry
//! traffic (NoiseModelling's columns TV_D/HV_D/LV_SPD_D/HV_SPD_D/PVMT and
//! their evening/night siblings, or a daily traffic DTV with optional
//! heavy share and speed; a junction per road as JUNC_TYPE/JUNC_DIST),
//! building footprints with a height.

use crate::cnossos::emission::Coefficients;
use crate::map::LineSource;
use crate::rls19::emission::{JunctionKind, Surface};
use crate::roads::{
    PeriodFlow, RoadClass, RoadFlows, cnossos_junction_split, cnossos_power, flows_from_daily,
    rls19_power,
};
use crate::scene::{Building, DEFAULT_FACADE_ALPHA, Terrain, plan_ring};
use pw_vector::{Geometry, VectorData};

/// What a layer's roads gave and what was left out, for the user.
#[derive(Debug, Default)]
pub struct RoadsRead {
    pub sources: Vec<LineSource>,
    /// Features without usable traffic, by id (first few).
    pub without_traffic: Vec<String>,
    pub without_traffic_count: usize,
    /// Roads left out for a surface CNOSSOS-EU does not know: (id, what).
    pub unknown_surface: Vec<(String, String)>,
}

fn number(data: &VectorData, feature: usize, names: &[&str]) -> Option<f64> {
    names
        .iter()
        .find_map(|n| data.value(feature, n).and_then(|v| v.as_f64()))
        .filter(|v| v.is_finite())
}

fn text(data: &VectorData, feature: usize, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| data.value(feature, n).map(|v| v.to_string()))
        .filter(|t| !t.trim().is_empty())
}

/// Whether a layer's fields describe traffic.
pub fn has_traffic(data: &VectorData) -> bool {
    ["TV_D", "LV_D", "DTV", "dtv", "AADT", "aadt"]
        .iter()
        .any(|f| data.field_index(f).is_some())
}

/// A junction the feature's attributes give for the whole road
/// (NoiseModelling's JUNC_TYPE: 1 traffic lights, 2 roundabout; JUNC_DIST
/// in m).
fn junction_of(data: &VectorData, i: usize) -> Option<(JunctionKind, f64)> {
    let kind = match number(data, i, &["JUNC_TYPE", "junc_type"])? as i64 {
        1 => JunctionKind::TrafficLights,
        2 => JunctionKind::Roundabout,
        _ => return None,
    };
    let distance = number(data, i, &["JUNC_DIST", "junc_dist"])?;
    (distance >= 0.0).then_some((kind, distance))
}

/// The flows of one feature, if its attributes give any.
fn flows_of(data: &VectorData, i: usize) -> Option<RoadFlows> {
    let mut flows = traffic_of(data, i)?;
    flows.junction = junction_of(data, i);
    Some(flows)
}

/// The traffic of one feature, if its attributes give any.
fn traffic_of(data: &VectorData, i: usize) -> Option<RoadFlows> {
    if data.field_index("TV_D").is_some() || data.field_index("LV_D").is_some() {
        // NoiseModelling's traffic table: vehicles per hour by day (6–18),
        // evening (18–22) and night (22–6); light = total − heavy.
        let period = |suffix: &str| -> Option<PeriodFlow> {
            let heavy = number(
                data,
                i,
                &[&format!("HV_{suffix}"), &format!("HGV_{suffix}")],
            )
            .unwrap_or(0.0)
            .max(0.0);
            let medium = number(data, i, &[&format!("MV_{suffix}")])
                .unwrap_or(0.0)
                .max(0.0);
            let light = match number(data, i, &[&format!("TV_{suffix}")]) {
                Some(total) => (total - heavy - medium).max(0.0),
                None => number(data, i, &[&format!("LV_{suffix}")])?.max(0.0),
            };
            let car_speed = number(data, i, &[&format!("LV_SPD_{suffix}")]).unwrap_or(50.0);
            let lorry_speed = number(
                data,
                i,
                &[&format!("HV_SPD_{suffix}"), &format!("HGV_SPD_{suffix}")],
            )
            .unwrap_or(car_speed);
            Some(PeriodFlow {
                cars: light,
                lorries: medium,
                heavy_lorries: heavy,
                car_speed_kmh: car_speed,
                lorry_speed_kmh: lorry_speed,
            })
        };
        let day = period("D")?;
        let evening = period("E").unwrap_or(day);
        let night = period("N").unwrap_or(day);
        if day.total() + evening.total() + night.total() <= 0.0 {
            return None;
        }
        // NoiseModelling's default surface when none is given.
        let surface = text(data, i, &["PVMT"]).unwrap_or_else(|| "NL08".into());
        return Some(RoadFlows {
            day,
            evening,
            night,
            cnossos_surface: surface,
            rls19_surface: Surface::Reference,
            slope_percent: 0.0,
            two_way: true,
            junction: None,
        });
    }
    let daily = number(data, i, &["DTV", "dtv", "AADT", "aadt"])?;
    if daily <= 0.0 {
        return None;
    }
    let speed = number(data, i, &["speed", "v", "maxspeed", "V_PKW", "v_pkw"]).unwrap_or(50.0);
    let class = text(data, i, &["highway", "class", "klasse"])
        .map(|c| RoadClass::of_osm(&c))
        .unwrap_or(RoadClass::Municipal);
    let mut flows = flows_from_daily(daily, class, speed);
    if let Some(surface) =
        text(data, i, &["rls19_surface", "surface_rls"]).and_then(|s| Surface::from_key(&s))
    {
        flows.rls19_surface = surface;
    }
    Some(flows)
}

/// Road sources of a line layer; lines get their altitude from the
/// terrain (the road surface).
pub fn roads_from_layer(
    data: &VectorData,
    terrain: &dyn Terrain,
    temperature_c: f64,
    coefficients: Coefficients,
) -> Result<RoadsRead, crate::NoiseError> {
    let mut read = RoadsRead::default();
    // A table that models junctions itself (JUNC_TYPE) takes none from the
    // map, also on its roads without one.
    let own_junctions = ["JUNC_TYPE", "junc_type"]
        .iter()
        .any(|f| data.field_index(f).is_some());
    for (i, feature) in data.features.iter().enumerate() {
        let Some(Geometry::Lines(lines)) = &feature.geometry else {
            continue;
        };
        let id = feature.id.clone().unwrap_or_else(|| format!("{}", i + 1));
        let Some(mut flows) = flows_of(data, i) else {
            read.without_traffic_count += 1;
            if read.without_traffic.len() < 5 {
                read.without_traffic.push(id);
            }
            continue;
        };
        // NoiseModelling's WAY: 1 along the line, 2 against it, 3 both.
        let way = number(data, i, &["WAY", "way"]);
        if let Some(w) = way {
            flows.two_way = w != 1.0 && w != 2.0;
        }
        for (k, line) in lines.iter().enumerate() {
            let mut line: Vec<[f64; 3]> = line
                .iter()
                .map(|p| [p[0], p[1], terrain.height([p[0], p[1]])])
                .collect();
            if line.len() < 2 {
                continue;
            }
            if way == Some(2.0) {
                line.reverse();
            }
            // The gradient from the terrain along the road.
            let flows = flows.clone().with_slope_of(&line);
            // A surface the method does not know leaves this road out and
            // is said; the other roads still count.
            let cnossos = match cnossos_power(&flows, temperature_c, coefficients) {
                Ok(power) => power,
                Err(e) => {
                    read.unknown_surface.push((id.clone(), e.to_string()));
                    continue;
                }
            };
            let rls19 = rls19_power(&flows);
            let junction_split = if own_junctions {
                None
            } else {
                cnossos_junction_split(&flows, temperature_c, coefficients).ok()
            };
            let id = if lines.len() > 1 {
                format!("{id}/{k}")
            } else {
                id.clone()
            };
            read.sources.push(LineSource {
                id,
                line,
                cnossos,
                rls19,
                junction_split,
            });
        }
    }
    Ok(read)
}

/// Building footprints with a height attribute (m above the ground);
/// the roof stands that high above the terrain at the footprint's first
/// corner. Without a height a building counts 10 m and is listed.
pub fn buildings_from_layer(data: &VectorData, terrain: &dyn Terrain) -> (Vec<Building>, usize) {
    let mut out = Vec::new();
    let mut guessed = 0;
    for (i, feature) in data.features.iter().enumerate() {
        let Some(Geometry::Polygons(polygons)) = &feature.geometry else {
            continue;
        };
        let height = number(
            data,
            i,
            &["HEIGHT", "height", "Height", "hoehe", "HOEHE", "height_m"],
        )
        .filter(|h| *h > 0.0);
        if height.is_none() {
            guessed += 1;
        }
        let height = height.unwrap_or(10.0);
        for polygon in polygons {
            let ring = plan_ring(&polygon.exterior);
            if ring.len() < 3 {
                continue;
            }
            let base = terrain.height(ring[0]);
            out.push(Building {
                id: feature.id.clone().unwrap_or_else(|| format!("{}", i + 1)),
                footprint: ring,
                holes: polygon
                    .interiors
                    .iter()
                    .map(|h| plan_ring(h))
                    .filter(|h| h.len() >= 3)
                    .collect(),
                roof: base + height,
                alpha: DEFAULT_FACADE_ALPHA,
            });
        }
    }
    (out, guessed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnossos::emission::{Junction, RoadTraffic, line_emission};
    use crate::scene::Flat;

    /// A road table's own junction (NoiseModelling's JUNC_TYPE 1 = lights,
    /// JUNC_DIST) counts for the whole road in both methods, and such a
    /// road heeds no junction of the map.
    #[test]
    fn a_junction_given_per_road() {
        let road = |id: &str, junction: &str| {
            format!(
                r#"{{"type":"Feature","id":"{id}","properties":{{"DTV":12000,"speed":50{junction}}},"geometry":{{"type":"LineString","coordinates":[[0,0],[100,0]]}}}}"#
            )
        };
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{}]}}"#,
            road("plain", ""),
            road("lights", r#","JUNC_TYPE":1,"JUNC_DIST":30"#),
            road("roundabout", r#","JUNC_TYPE":2,"JUNC_DIST":0"#),
        );
        let data = pw_vector::geojson::read(&text).unwrap();
        let read = roads_from_layer(&data, &Flat(0.0), 20.0, Coefficients::Directive2021).unwrap();
        let [plain, lights, roundabout] = &read.sources[..] else {
            panic!("three roads: {:?}", read.sources.len());
        };
        // RLS-19 D_K: 3 dB · (1 − 30/120), 2 dB at the roundabout itself.
        assert!((lights.rls19[0] - plain.rls19[0] - 2.25).abs() < 1e-9);
        assert!((roundabout.rls19[1] - plain.rls19[1] - 2.0).abs() < 1e-9);
        // CNOSSOS-EU: the directive's junction terms for that distance.
        let flows = flows_of(&data, 1).unwrap();
        let mut day = RoadTraffic {
            surface: "DEF".into(),
            junction: Junction::TrafficLights { distance_m: 30.0 },
            ..RoadTraffic::default()
        };
        day.flows[0].vehicles_per_hour = flows.day.cars;
        day.flows[0].speed_kmh = flows.day.car_speed_kmh;
        day.flows[1].vehicles_per_hour = flows.day.lorries;
        day.flows[1].speed_kmh = flows.day.lorry_speed_kmh;
        day.flows[2].vehicles_per_hour = flows.day.heavy_lorries;
        day.flows[2].speed_kmh = flows.day.lorry_speed_kmh;
        let expected = line_emission(&day, Coefficients::Directive2021).unwrap();
        for (got, expected) in lights.cnossos[0].iter().zip(expected) {
            assert!((got - expected).abs() < 1e-9);
        }
        // The table models its junctions: none of its roads takes the map's.
        assert!(read.sources.iter().all(|s| s.junction_split.is_none()));
        let without: String = text.replace("JUNC_", "X_");
        let read = roads_from_layer(
            &pw_vector::geojson::read(&without).unwrap(),
            &Flat(0.0),
            20.0,
            Coefficients::Directive2021,
        )
        .unwrap();
        assert!(read.sources.iter().all(|s| s.junction_split.is_some()));
    }
}

//! Sensor markers on the map: every placed station's value at the global
//! clock's time — live or historic, the same question — coloured by the
//! scene's classes (the highest class of a station wins), grey when stale,
//! moving stations where they were; updated incrementally (changed
//! stations, moving ones) and drawn as one billboard mesh; picked by
//! distance on screen.

use crate::base::i18n::I18n;
use crate::layers::Layers;
use crate::sensors::sources::SourceRuntime;
use crate::sensors::state::Sensors;
use crate::view::clock::SceneClock;
use crate::view::frame::SceneFrame;
use crate::view::ground::GroundLevel;
use bevy::prelude::*;
use pw_scene::{SensorSource, parse_hex_color};
use pw_sensors::Value;
use pw_sensors::store::Station;
use std::collections::HashMap;

/// Default age after which a value counts as stale.
pub(crate) const STALE_AFTER_MINUTES: f64 = 60.0;
/// Colours (sRGB) of values without classes, stale values and stations
/// without any value yet.
pub(crate) const NEUTRAL: [f32; 4] = [0.17, 0.42, 0.69, 1.0];
pub(crate) const STALE: [f32; 4] = [0.62, 0.62, 0.62, 1.0];
pub(crate) const EMPTY: [f32; 4] = [0.85, 0.85, 0.85, 1.0];
/// Markers stand this far above the ground, metres.
pub(crate) const ABOVE_GROUND: f64 = 2.0;

/// One station drawn on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub source: usize,
    pub station: String,
    /// The station's index in its source's store.
    pub station_index: usize,
    /// Scene CRS, on the ground + [`ABOVE_GROUND`].
    pub world: [f64; 3],
    /// sRGB.
    pub color: [f32; 4],
    /// Value and unit, at the clock's time, of the stream that decides its
    /// colour (see `marker_state`).
    pub value: Option<String>,
    /// Measuring time of that value (Unix ms).
    pub time_ms: Option<i64>,
    pub stale: bool,
}

/// Markers at the clock's time, for the mesh, labels and picking.
#[derive(Resource, Debug, Default)]
pub struct SensorMarkers {
    pub items: Vec<Marker>,
    /// Bumped when the stations shown (not their colours or places) changed.
    pub layout: u64,
    pub(crate) computed_for: Option<(u64, u64, u64)>,
    /// The clock time they were computed for, and the earliest time after
    /// it at which any of them may change: moving the clock within that
    /// span changes nothing but the ages in the labels.
    computed_at: i64,
    next_change: i64,
    /// (source, station index) → index in `items`.
    index: HashMap<(usize, usize), usize>,
    /// Markers of moving stations: (index in `items`, source, station).
    moving: Vec<(usize, usize, usize)>,
}

/// Formats a value with its unit, the user's way ("12,5 °C").
pub fn value_text(value: &Value, unit: Option<&str>, i18n: &I18n) -> String {
    let v = match value {
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e9 => i18n.number(*n, 0),
        Value::Number(n) if n.abs() >= 100.0 => i18n.number(*n, 0),
        Value::Number(n) => i18n.number(*n, 1),
        Value::Text(t) => t.clone(),
    };
    match unit {
        Some(u) if !u.is_empty() => format!("{v} {u}"),
        _ => v,
    }
}

/// The class of a value of `quantity` (numbers by breaks, texts by value)
/// and its colour (sRGB), if the source has classes for it.
pub fn class_of(def: &SensorSource, quantity: &str, value: &Value) -> Option<(usize, [f32; 4])> {
    let c = def.classes.iter().find(|c| c.quantity == quantity)?;
    let class = match value {
        Value::Number(v) if c.values.is_empty() => c.class_of(*v),
        Value::Text(t) => c.class_of_text(t)?,
        Value::Number(_) => return None,
    };
    let [r, g, b] = parse_hex_color(c.colors.get(class)?)?;
    Some((class, [r, g, b, 1.0]))
}

/// The marker of a station at `t`. Of its streams with classes, the one
/// in the highest class decides colour and label (as an air-quality index
/// reports its worst pollutant); without classes, its first stream. A value
/// older than the source's limit is stale: grey.
fn marker_state(
    source: &SourceRuntime,
    station: &Station,
    t: i64,
    i18n: &I18n,
) -> (Option<String>, Option<i64>, [f32; 4], bool) {
    let stale_ms = source
        .def
        .stale_after_minutes
        .unwrap_or(STALE_AFTER_MINUTES)
        * 60_000.0;
    fn fresh<'a>(
        source: &'a SourceRuntime,
        stream: &'a pw_sensors::store::Stream,
        t: i64,
        stale_ms: f64,
    ) -> Option<(&'a pw_sensors::store::Stream, i64, &'a Value)> {
        let (time, value) = source.store.value_at(&stream.key, t)?;
        ((t - time) as f64 <= stale_ms).then_some((stream, *time, value))
    }
    let worst = station
        .streams
        .iter()
        .filter_map(|s| {
            let (stream, time, value) = fresh(source, s, t, stale_ms)?;
            let (class, color) = class_of(&source.def, &s.quantity, value)?;
            Some((class, color, stream, time, value))
        })
        .max_by_key(|(class, ..)| *class);
    if let Some((_, color, stream, time, value)) = worst {
        return (
            Some(value_text(value, stream.unit.as_deref(), i18n)),
            Some(time),
            color,
            false,
        );
    }
    // Nothing fresh with classes: the first stream with classes (else the
    // first) tells what was measured last, grey when stale.
    let Some(first) = station
        .streams
        .iter()
        .find(|s| {
            source.def.classes.iter().any(|c| c.quantity == s.quantity)
                && source.store.value_at(&s.key, t).is_some()
        })
        .or(station.streams.first())
    else {
        return (None, None, EMPTY, true);
    };
    match source.store.value_at(&first.key, t) {
        Some((time, value)) => {
            let stale = (t - time) as f64 > stale_ms;
            (
                Some(value_text(value, first.unit.as_deref(), i18n)),
                Some(*time),
                if stale { STALE } else { NEUTRAL },
                stale,
            )
        }
        None => (None, None, EMPTY, true),
    }
}

/// When the marker of `station` may look different next, after `t`: its
/// next sample in any stream, or a value turning stale.
fn next_change(source: &SourceRuntime, station: &Station, t: i64) -> i64 {
    let stale_ms = (source
        .def
        .stale_after_minutes
        .unwrap_or(STALE_AFTER_MINUTES)
        * 60_000.0) as i64;
    let mut next = i64::MAX;
    for s in &station.streams {
        let Some(series) = source.store.series.get(&s.key) else {
            continue;
        };
        if let Some(n) = series.next_after(t) {
            next = next.min(n);
        }
        if let Some((time, _)) = series.at(t)
            && time + stale_ms >= t
        {
            next = next.min(time + stale_ms + 1);
        }
    }
    next
}

/// The lon/lat bits a place was computed for, and the place.
type Place = ([u64; 2], Option<[f64; 3]>);

/// Per (source, station index): its place in the scene CRS (reprojection
/// and terrain lookup once per place) and its category. Valid for one
/// start of the sources, one frame and one terrain.
#[derive(Default)]
pub(crate) struct PlaceCache {
    valid_for: Option<(u64, [u64; 3], u64)>,
    places: HashMap<(usize, usize), Place>,
    categories: HashMap<(usize, usize), String>,
}

/// Recomputes the markers when data, view or clock changed.
pub(crate) fn compute_markers(
    mut sensors: ResMut<Sensors>,
    clock: Res<SceneClock>,
    frame: Res<SceneFrame>,
    layers: Res<Layers>,
    ground: Option<Res<GroundLevel>>,
    mut markers: ResMut<SensorMarkers>,
    mut positions: Local<PlaceCache>,
    i18n: Res<I18n>,
) {
    let t = clock.instant.as_millisecond();
    let terrain = layers.terrain.len() as u64;
    let layouts = sensors
        .sources
        .iter()
        .map(|s| s.store.layout_version)
        .sum::<u64>();
    // Built only when a place is not cached yet (not every frame).
    let stack = std::cell::OnceCell::new();
    let ground_h = ground.map(|g| g.height).unwrap_or(frame.origin.world[2]);
    let valid_for = (
        sensors.generation,
        frame.origin.world.map(f64::to_bits),
        terrain,
    );
    if positions.valid_for != Some(valid_for) {
        *positions = PlaceCache {
            valid_for: Some(valid_for),
            ..PlaceCache::default()
        };
    }
    let PlaceCache {
        places, categories, ..
    } = &mut *positions;
    // A station's place in the scene, from the cache while it stays put.
    let mut world_of = |i: usize, j: usize, [lon, lat]: [f64; 2]| {
        let bits = [lon.to_bits(), lat.to_bits()];
        let place_of = || {
            frame.wgs84_to_world(lon, lat).map(|[x, y]| {
                let h = pw_geo::elevation::Elevation::height_at(
                    stack.get_or_init(|| layers.terrain_stack()),
                    x,
                    y,
                )
                .unwrap_or(ground_h);
                [x, y, h + ABOVE_GROUND]
            })
        };
        let place = places.entry((i, j)).or_insert_with(|| (bits, place_of()));
        if place.0 != bits {
            *place = (bits, place_of());
        }
        place.1
    };
    let key = (sensors.version, terrain, layouts);
    let same_time = (markers.computed_at..markers.next_change).contains(&t);
    // Another language writes the values anew.
    if markers.computed_for == Some(key) && same_time && !i18n.is_changed() {
        // Same view and stations: only stations with new values, and the
        // moving ones where they are now.
        let mut updated = Vec::new();
        let mut moved = Vec::new();
        for (i, source) in sensors.sources.iter_mut().enumerate() {
            let changed = std::mem::take(&mut source.store.changed_stations);
            for j in changed {
                if let Some(&k) = markers.index.get(&(i, j)) {
                    let st = &source.store.stations[j];
                    updated.push((
                        k,
                        marker_state(source, st, t, &i18n),
                        next_change(source, st, t),
                    ));
                    // A new fix of a moving station may move it now.
                    if source.store.is_moving(j)
                        && let Some(w) = source.store.place_at(j, t).and_then(|p| world_of(i, j, p))
                    {
                        moved.push((k, w));
                    }
                }
            }
        }
        if t != markers.computed_at {
            for &(k, i, j) in &markers.moving {
                let world = sensors.sources[i]
                    .store
                    .place_at(j, t)
                    .and_then(|p| world_of(i, j, p));
                if let Some(w) = world
                    && w != markers.items[k].world
                {
                    moved.push((k, w));
                }
            }
        }
        if !updated.is_empty() || !moved.is_empty() {
            let markers = &mut *markers;
            markers.computed_at = t;
            for (k, (value, time_ms, color, stale), next) in updated {
                let m = &mut markers.items[k];
                (m.value, m.time_ms, m.color, m.stale) = (value, time_ms, color, stale);
                markers.next_change = markers.next_change.min(next);
            }
            for (k, w) in moved {
                markers.items[k].world = w;
            }
        }
        return;
    }
    markers.computed_for = Some(key);
    for source in &mut sensors.sources {
        source.store.changed_stations.clear();
    }
    let mut items = Vec::new();
    let mut index = HashMap::new();
    let mut moving = Vec::new();
    let mut next = i64::MAX;
    for (i, source) in sensors.sources.iter().enumerate() {
        for (j, st) in source.store.stations.iter().enumerate() {
            let Some(lonlat) = source.store.place_at(j, t) else {
                continue;
            };
            let category = categories
                .entry((i, j))
                .or_insert_with(|| source.category_of(st));
            if sensors.view.hidden_categories.contains(category.as_str()) {
                continue;
            }
            let Some(world) = world_of(i, j, lonlat) else {
                continue;
            };
            if let Some(area) = &sensors.view.area
                && !area.contains([world[0], world[1]])
            {
                continue;
            }
            let (value, time_ms, color, stale) = marker_state(source, st, t, &i18n);
            next = next.min(next_change(source, st, t));
            if source.store.is_moving(j) {
                moving.push((items.len(), i, j));
            }
            index.insert((i, j), items.len());
            items.push(Marker {
                source: i,
                station: st.id.clone(),
                station_index: j,
                world,
                color,
                value,
                time_ms,
                stale,
            });
        }
    }
    // The same stations in the same order: the mesh is updated in place.
    let same_layout = items.len() == markers.items.len()
        && items
            .iter()
            .zip(&markers.items)
            .all(|(a, b)| a.source == b.source && a.station == b.station);
    if !same_layout {
        markers.layout += 1;
    }
    markers.items = items;
    markers.index = index;
    markers.moving = moving;
    markers.computed_at = t;
    markers.next_change = next;
}

/// The marker mesh: one billboard per marker (the point-symbol material).
#[derive(Component)]
pub struct SensorMarkerMesh {
    mesh: Handle<Mesh>,
    layout: u64,
}

fn marker_symbols(markers: &SensorMarkers) -> Vec<pw_vector::to_city::PointSymbol> {
    markers
        .items
        .iter()
        .enumerate()
        .map(|(i, m)| pw_vector::to_city::PointSymbol {
            position: m.world,
            color: m.color,
            object: i,
        })
        .collect()
}

/// Keeps one mesh in step with the markers: rebuilt when the stations
/// shown change, otherwise new colours and places written in place.
fn draw_markers(
    mut commands: Commands,
    markers: Res<SensorMarkers>,
    frame: Res<SceneFrame>,
    mut meshes: ResMut<Assets<Mesh>>,
    materials: Option<ResMut<Assets<crate::layers::point_symbols::PointSymbolMaterial>>>,
    mut existing: Query<(Entity, &mut SensorMarkerMesh)>,
) {
    if !markers.is_changed() {
        return;
    }
    let Some(mut materials) = materials else {
        return;
    };
    if markers.items.is_empty() {
        for (e, _) in &existing {
            commands.entity(e).despawn();
        }
        return;
    }
    let symbols = marker_symbols(&markers);
    if let Ok((_, mut m)) = existing.single_mut()
        && m.layout == markers.layout
        && let Some(mut mesh) = meshes.get_mut(&m.mesh)
    {
        // Same markers: new colours and (moving ones) places in place.
        let fresh = crate::layers::point_symbols::symbol_mesh(&symbols, &frame.origin);
        for attribute in [Mesh::ATTRIBUTE_POSITION, Mesh::ATTRIBUTE_COLOR] {
            if let Some(values) = fresh.attribute(attribute) {
                mesh.insert_attribute(attribute, values.clone());
            }
        }
        m.layout = markers.layout;
        return;
    }
    for (e, _) in &existing {
        commands.entity(e).despawn();
    }
    let handle = meshes.add(crate::layers::point_symbols::symbol_mesh(
        &symbols,
        &frame.origin,
    ));
    commands.spawn((
        Name::new("Sensoren"),
        Transform::default(),
        Visibility::Visible,
        Mesh3d(handle.clone()),
        MeshMaterial3d(
            materials.add(crate::layers::point_symbols::PointSymbolMaterial {
                params: Vec4::new(
                    crate::layers::point_symbols::SYMBOL_PX * 1.25,
                    2.0,
                    0.0,
                    0.0,
                ),
            }),
        ),
        bevy::light::NotShadowCaster,
        SensorMarkerMesh {
            mesh: handle,
            layout: markers.layout,
        },
    ));
}

/// The marker nearest to a screen position within `radius` (pixels).
pub fn marker_at(
    markers: &SensorMarkers,
    frame: &SceneFrame,
    to_screen: impl Fn(Vec3) -> Option<Vec2>,
    pos: Vec2,
    radius: f32,
) -> Option<usize> {
    markers
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let p = to_screen(frame.world_to_bevy(m.world))?;
            let d = p.distance(pos);
            (d <= radius).then_some((i, d))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// A click on a marker opens its station (and takes the selection from
/// whatever building lies behind it).
#[allow(clippy::too_many_arguments)]
fn pick_marker(
    mut clicks: MessageReader<crate::view::picking::WorldClick>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    cameras: Query<(&Camera, &GlobalTransform), With<crate::view::camera::OrbitCamera>>,
    markers: Res<SensorMarkers>,
    frame: Res<SceneFrame>,
    mut sensors: ResMut<Sensors>,
    mut selection: ResMut<crate::layers::city_draw::Selection>,
    touches: Option<Res<bevy::input::touch::Touches>>,
    mut last_touch: Local<Option<Vec2>>,
) {
    // Where the last finger was: a tap has no cursor.
    if let Some(t) = touches
        .as_ref()
        .and_then(|t| t.iter().chain(t.iter_just_released()).last())
    {
        *last_touch = Some(t.position());
    }
    let Some(_) = clicks.read().last() else {
        return;
    };
    let (Ok(window), Ok((camera, transform))) = (windows.single(), cameras.single()) else {
        return;
    };
    // A finger is wider than a mouse pointer.
    let (pos, radius) = match window.cursor_position() {
        Some(p) => (p, crate::layers::point_symbols::SYMBOL_PX * 0.75 + 4.0),
        None => match *last_touch {
            Some(p) => (p, 24.0),
            None => return,
        },
    };
    let hit = marker_at(
        &markers,
        &frame,
        |p| camera.world_to_viewport(transform, p).ok(),
        pos,
        radius,
    );
    if let Some(i) = hit {
        let m = &markers.items[i];
        sensors.view.selected = Some((m.source, m.station.clone()));
        sensors.view.plotted.clear();
        selection.picked = None;
    }
}

/// Drawing and picking of the markers (windowed app).
pub struct SensorMarkersRenderPlugin;

impl Plugin for SensorMarkersRenderPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, draw_markers.after(compute_markers))
            .add_systems(PostUpdate, pick_marker.after(TransformSystems::Propagate));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_picks_the_nearest_marker_within_reach() {
        let frame = SceneFrame::new(pw_geo::Crs::ETRS89_UTM32, [0.0, 0.0, 0.0]);
        let marker = |x: f64| Marker {
            source: 0,
            station: format!("s{x}"),
            station_index: 0,
            world: [x, 0.0, 0.0],
            color: NEUTRAL,
            value: None,
            time_ms: None,
            stale: false,
        };
        let markers = SensorMarkers {
            items: vec![marker(0.0), marker(10.0), marker(100.0)],
            ..default()
        };
        // A top view: 1 px per metre, east to the right.
        let screen = |p: Vec3| Some(Vec2::new(p.x, -p.z));
        let at = |x: f32| marker_at(&markers, &frame, screen, Vec2::new(x, 0.0), 16.0);
        assert_eq!(at(3.0), Some(0));
        assert_eq!(at(7.0), Some(1));
        assert_eq!(at(60.0), None);
        assert_eq!(at(95.0), Some(2));
    }
}

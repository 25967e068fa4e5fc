//! What is under the pointer: the building (exact, through the pick index)
//! or the ground. Feeds the status bar readout and, on a click that was not
//! a drag, the selection shown in the inspector.

use crate::layers::city_draw::{CityLayer, CityLayers, Selection};
use crate::layers::{LayerId, Layers};
use crate::view::camera::{OrbitCamera, PointerHeld, PointerOverUi};
use crate::view::frame::{SceneFrame, bevy_to_enu};
use crate::view::ground::GroundLevel;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use pw_city::pick::Ray;

/// The world point under the pointer, if any (scene CRS).
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct CursorWorld {
    pub world: Option<[f64; 3]>,
    pub object: Option<(LayerId, usize)>,
}

/// A click or tap on the 3D view (not a drag): where it landed. Selection
/// and tools that take points on the map (the analysis area) read it.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct WorldClick {
    pub world: Option<[f64; 3]>,
    pub object: Option<(LayerId, usize)>,
}

#[derive(Resource, Debug, Default)]
struct ClickTracker {
    pressed_at: Option<Vec2>,
    dragged: bool,
    /// A tool held the pointer since it came down (an analysis point
    /// dragged): letting go is no click.
    held: bool,
}

pub struct PickingPlugin;

impl Plugin for PickingPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<CursorWorld>()
            .init_resource::<ClickTracker>()
            .add_message::<WorldClick>()
            .add_systems(
                PostUpdate,
                (update_cursor, select_on_click)
                    .chain()
                    .after(TransformSystems::Propagate),
            );
    }
}

/// Casts a render-frame ray against all visible city layers, their point
/// symbols (hit within `symbol_angle` radians of the ray: they keep their
/// size on screen) and the ground.
pub fn cast(
    ray: Ray3d,
    city: &CityLayers,
    layers: &Layers,
    frame: &SceneFrame,
    ground: &GroundLevel,
    symbol_angle: f32,
) -> CursorWorld {
    let enu = Ray {
        origin: bevy_to_enu(ray.origin),
        dir: bevy_to_enu(*ray.direction),
    };
    // Distance along the ray, hit point, and the object if it is selectable.
    type Best<'a> = (f32, [f32; 3], Option<(LayerId, usize)>, &'a CityLayer);
    let mut best: Option<Best> = None;
    for (id, layer) in &city.layers {
        if !layer.shown || !layers.get(layer.owner).is_some_and(|l| l.shown()) {
            continue;
        }
        if let Some(hit) = layer
            .city
            .index
            .pick(&layer.city.batches, &enu, &layer.hidden)
            && best.is_none_or(|b| hit.distance < b.0)
        {
            let object = layer.city.selectable.then_some((*id, hit.object));
            best = Some((hit.distance, hit.point, object, layer));
        }
        for s in layer.city.vector.iter().flat_map(|v| &v.symbols) {
            if layer.hidden.contains(&s.object) {
                continue;
            }
            let p = frame.origin.to_local(s.position);
            let v = [0, 1, 2].map(|a| p[a] - enu.origin[a]);
            let t = v[0] * enu.dir[0] + v[1] * enu.dir[1] + v[2] * enu.dir[2];
            let off = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - t * t)
                .max(0.0)
                .sqrt();
            // Drawn 1 % nearer than they are (see the shader): so is the test.
            if t > 0.0 && off <= t * symbol_angle && best.is_none_or(|b| t * 0.99 < b.0) {
                best = Some((t * 0.99, p, Some((*id, s.object)), layer));
            }
        }
    }
    if let Some((_, point, object, layer)) = best {
        let mut world = frame.origin.to_world(point);
        // A DEM's pick mesh is thinned: the height comes from the grid.
        if layer.city.terrain_lod.is_some()
            && let Some(h) = layer
                .city
                .terrain
                .as_ref()
                .and_then(|t| t.height_at(world[0], world[1]))
        {
            world[2] = h;
        }
        return CursorWorld {
            world: Some(world),
            object,
        };
    }
    // The ground plane until terrain exists.
    let ground_y = frame
        .world_to_bevy([frame.origin.world[0], frame.origin.world[1], ground.height])
        .y;
    if ray.direction.y < -1e-4 {
        let t = (ground_y - ray.origin.y) / ray.direction.y;
        if t > 0.0 && t < 200_000.0 {
            let p = ray.origin + *ray.direction * t;
            return CursorWorld {
                world: Some(frame.bevy_to_world(p)),
                object: None,
            };
        }
    }
    CursorWorld::default()
}

#[allow(clippy::too_many_arguments)]
fn update_cursor(
    windows: Query<&Window, With<PrimaryWindow>>,
    cameras: Query<(&Camera, &GlobalTransform), With<OrbitCamera>>,
    city: Res<CityLayers>,
    layers: Res<Layers>,
    frame: Res<SceneFrame>,
    ground: Res<GroundLevel>,
    over_ui: Res<PointerOverUi>,
    mut cursor: ResMut<CursorWorld>,
) {
    let Ok(window) = windows.single() else { return };
    let Ok((camera, transform)) = cameras.single() else {
        return;
    };
    let result = match window.cursor_position() {
        Some(pos) if !over_ui.0 => match camera.viewport_to_world(transform, pos) {
            Ok(ray) => cast(
                ray,
                &city,
                &layers,
                &frame,
                &ground,
                crate::layers::point_symbols::pick_angle(window.height()),
            ),
            Err(_) => CursorWorld::default(),
        },
        _ => CursorWorld::default(),
    };
    if *cursor != result {
        *cursor = result;
    }
}

#[allow(clippy::too_many_arguments)]
fn select_on_click(
    buttons: Option<Res<ButtonInput<MouseButton>>>,
    windows: Query<&Window, With<PrimaryWindow>>,
    touches: Option<Res<bevy::input::touch::Touches>>,
    over_ui: Res<PointerOverUi>,
    held: Option<Res<PointerHeld>>,
    cursor: Res<CursorWorld>,
    mut tracker: ResMut<ClickTracker>,
    mut selection: ResMut<Selection>,
    mut clicks: MessageWriter<WorldClick>,
) {
    let pos = windows.single().ok().and_then(|w| w.cursor_position());
    let Some(buttons) = buttons else { return };
    if buttons.just_pressed(MouseButton::Left) && !over_ui.0 {
        tracker.pressed_at = pos;
        tracker.dragged = false;
    }
    if let (Some(start), Some(now)) = (tracker.pressed_at, pos)
        && start.distance(now) > 5.0
    {
        tracker.dragged = true;
    }
    // A tap on a touch screen selects too.
    let tapped = touches
        .as_ref()
        .is_some_and(|t| t.iter_just_released().count() == 1 && t.iter().count() == 0);
    let clicked = buttons.just_released(MouseButton::Left)
        && tracker.pressed_at.is_some()
        && !tracker.dragged;
    if buttons.just_released(MouseButton::Left) {
        tracker.pressed_at = None;
    }
    if held.is_some_and(|h| h.0) {
        tracker.held = true;
    }
    if (clicked || tapped) && tracker.held {
        tracker.held = false;
        return;
    }
    if !buttons.pressed(MouseButton::Left) && touches.as_ref().is_none_or(|t| t.iter().count() == 0)
    {
        tracker.held = false;
    }
    if (clicked || tapped) && !over_ui.0 {
        clicks.write(WorldClick {
            world: cursor.world,
            object: cursor.object,
        });
        if selection.picked != cursor.object {
            selection.picked = cursor.object;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Letting go after a tool held the pointer (an analysis point dragged
    /// without moving it far) is no click; the next plain click is one.
    #[test]
    fn letting_go_of_a_held_point_is_no_click() {
        #[derive(Resource, Default)]
        struct Clicks(usize);
        fn count(mut reader: MessageReader<WorldClick>, mut n: ResMut<Clicks>) {
            n.0 += reader.read().count();
        }
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .init_resource::<ButtonInput<MouseButton>>()
            .init_resource::<PointerOverUi>()
            .init_resource::<PointerHeld>()
            .init_resource::<CursorWorld>()
            .init_resource::<ClickTracker>()
            .init_resource::<Selection>()
            .init_resource::<Clicks>()
            .add_message::<WorldClick>()
            .add_systems(Update, (select_on_click, count).chain());
        let mut window = Window::default();
        window.set_physical_cursor_position(Some(bevy::math::DVec2::new(400.0, 300.0)));
        app.world_mut().spawn((window, PrimaryWindow));
        let clicks =
            |app: &mut App| std::mem::take(&mut app.world_mut().resource_mut::<Clicks>().0);
        let press = |app: &mut App, held: bool| {
            app.world_mut()
                .resource_mut::<ButtonInput<MouseButton>>()
                .press(MouseButton::Left);
            app.world_mut().resource_mut::<PointerHeld>().0 = held;
            app.update();
            let mut buttons = app.world_mut().resource_mut::<ButtonInput<MouseButton>>();
            buttons.clear();
            buttons.release(MouseButton::Left);
            app.world_mut().resource_mut::<PointerHeld>().0 = false;
            app.update();
            app.world_mut()
                .resource_mut::<ButtonInput<MouseButton>>()
                .clear();
        };
        press(&mut app, false);
        assert_eq!(clicks(&mut app), 1, "a plain click");
        press(&mut app, true);
        assert_eq!(clicks(&mut app), 0, "letting go of a held point");
        press(&mut app, false);
        assert_eq!(clicks(&mut app), 1, "the next plain click");
    }
    use crate::layers::city_draw::CityLayer;
    use crate::layers::{LayerEntry, LayerStatus};
    use std::collections::{HashMap, HashSet};
    use std::path::PathBuf;
    use std::sync::Arc;

    #[test]
    fn a_bevy_ray_through_the_frame_picks_the_building_and_its_roof_height() {
        let frame = SceneFrame::new(pw_geo::Crs::ETRS89_UTM32, [280_926.0, 5_657_425.0, 36.0]);
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("assets/demo/nrw/LoD2_32_280_5657_1_NW.gml");
        let job = pw_job::JobControl::new();
        let def = pw_scene::Layer::new("x", pw_scene::LayerKind::Citygml, "");
        let city = crate::layers::city::load_city(
            &def,
            &source,
            frame.crs,
            &frame.origin,
            &job,
            &Default::default(),
        )
        .unwrap();
        let target = city.model.objects[0].extent().center();
        let id = LayerId(1);
        let mut layers = Layers::default();
        layers.entries.push(LayerEntry {
            id,
            def,
            source,
            status: LayerStatus::Ready,
            extent: None,
            summary: None,
            issues: vec![],
            relative_heights: false,
            withheld: false,
            draped_on: None,
            has_attributes: true,
            asked_box: None,
        });
        let mut city_layers = CityLayers::default();
        city_layers.layers.insert(
            id,
            CityLayer {
                owner: id,
                shown: true,
                city: Arc::new(city),
                meshes: vec![],
                entities: vec![],
                material: Handle::default(),
                palette: crate::layers::city_draw::SurfacePalette::from_style(&Default::default()),
                hidden: HashSet::new(),
                slots: HashMap::new(),
            },
        );
        let ground = GroundLevel { height: 35.9 };
        // From 300 m above the building's centre, straight down (Bevy −Y).
        let above = frame.world_to_bevy([target[0], target[1], 300.0]);
        let ray = Ray3d {
            origin: above,
            direction: Dir3::NEG_Y,
        };
        let hit = cast(ray, &city_layers, &layers, &frame, &ground, 0.01);
        assert_eq!(hit.object, Some((id, 0)));
        let world = hit.world.unwrap();
        assert!(
            (world[2] - 39.68).abs() < 0.01,
            "roof of DENW43AL00001j2W is at 39.68 m: {world:?}"
        );
        assert!((world[0] - target[0]).abs() < 0.01 && (world[1] - target[1]).abs() < 0.01);
        // Withheld from the public (restricted, workshop mode): not picked.
        layers.entries[0].withheld = true;
        let hit = cast(ray, &city_layers, &layers, &frame, &ground, 0.01);
        assert_eq!(hit.object, None);
        layers.entries[0].withheld = false;
        // Hidden layer: the ray reaches the ground plane instead.
        layers.entries[0].def.visible = false;
        let hit = cast(ray, &city_layers, &layers, &frame, &ground, 0.01);
        assert_eq!(hit.object, None);
        assert!((hit.world.unwrap()[2] - 35.9).abs() < 0.01);
    }
}

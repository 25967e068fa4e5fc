//! The sun in the 3D view: the global clock and the scene's city give the
//! sun's position (NREL SPA via `pw-sun`); the directional light, its
//! shadows, the sky colour and the ambient light follow it, and a sun-path
//! arc shows the day's course around the point the camera looks at.

use crate::layers::ActiveScene;
use crate::view::camera::OrbitCamera;
use crate::view::clock::SceneClock;
use crate::view::frame::{SceneFrame, enu_dir_to_bevy};
use bevy::light::{CascadeShadowConfigBuilder, DirectionalLightShadowMap};
use bevy::prelude::*;
use pw_sun::{Observer, SunPosition};

/// The sun now, for the scene's city (None until computed or on error).
#[derive(Resource, Debug, Default, Clone)]
pub struct Sun {
    pub position: Option<SunPosition>,
    /// Unix seconds the position is for.
    pub instant: f64,
    pub error: Option<String>,
    /// Today's course for the arc: (unix seconds, position) every 15 min
    /// while the sun is up.
    pub path: Vec<(f64, SunPosition)>,
    path_day: Option<(i64, i64)>,
}

/// Show the day's sun path in the view.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct SunPathVisible(pub bool);

impl Default for SunPathVisible {
    fn default() -> Self {
        SunPathVisible(true)
    }
}

/// Marks the directional light that plays the sun.
#[derive(Component)]
pub struct SunLight;

/// Light levels: full daylight on a clear day, and what is left at night
/// (so that a night scene stays readable in a workshop).
pub const DAYLIGHT_LUX: f32 = 10_000.0;
const DAY_AMBIENT: f32 = 900.0;
const NIGHT_AMBIENT: f32 = 160.0;

/// Sky colours (sRGB) by sun elevation.
pub const SKY_DAY: [f32; 3] = crate::view::ground::SKY;
const SKY_TWILIGHT: [f32; 3] = [0.93, 0.62, 0.45];
const SKY_NIGHT: [f32; 3] = [0.07, 0.09, 0.17];

pub struct SunPlugin;

impl Plugin for SunPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Sun>()
            .init_resource::<SunPathVisible>()
            .insert_resource(DirectionalLightShadowMap { size: 4096 })
            .add_systems(Startup, spawn_sun_light)
            .add_systems(
                Update,
                (follow_clock, light_the_scene, fit_shadows, draw_sun_path).chain(),
            );
    }
}

/// Sun position logic without rendering (tests use it with MinimalPlugins).
pub struct SunLogicPlugin;

impl Plugin for SunLogicPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Sun>()
            .init_resource::<SunPathVisible>()
            .add_systems(Update, follow_clock);
    }
}

fn spawn_sun_light(mut commands: Commands) {
    commands.spawn((
        Name::new("Sonne"),
        SunLight,
        DirectionalLight {
            illuminance: DAYLIGHT_LUX,
            shadow_maps_enabled: true,
            // Metres: enough against acne on large flat LoD2 roofs, small
            // enough that shadows do not detach from walls.
            shadow_depth_bias: 0.04,
            shadow_normal_bias: 1.2,
            ..default()
        },
        Transform::from_xyz(-0.6, 1.0, 0.8).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// The observer: the scene's city, at the height of the scene origin.
pub fn observer(active: &ActiveScene, frame: &SceneFrame) -> Observer {
    let c = &active.scene.city;
    Observer::standard(c.latitude, c.longitude, frame.origin.world[2])
}

fn unix(t: jiff::Timestamp) -> f64 {
    t.as_millisecond() as f64 / 1000.0
}

/// Recomputes the sun when the clock or the place changes.
fn follow_clock(
    clock: Res<SceneClock>,
    active: Res<ActiveScene>,
    frame: Res<SceneFrame>,
    mut sun: ResMut<Sun>,
) {
    let now = unix(clock.instant);
    if sun.position.is_some() && now == sun.instant && !active.is_changed() && !frame.is_changed() {
        return;
    }
    let o = observer(&active, &frame);
    let delta_t = pw_sun::delta_t(pw_sun::decimal_year(now));
    match pw_sun::position(now, &o, delta_t) {
        Ok(p) => {
            sun.position = Some(p);
            sun.error = None;
        }
        Err(e) => {
            sun.position = None;
            sun.error = Some(e.to_string());
        }
    }
    sun.instant = now;
    // The arc: the local day of the clock, recomputed when the day changes.
    let local = clock.instant.to_zoned_datetime(clock.time_zone.clone());
    let start = local
        .date()
        .to_datetime(jiff::civil::time(0, 0, 0, 0))
        .to_zoned_datetime(clock.time_zone.clone())
        .map(|z| z.timestamp().as_second());
    let Ok(start) = start else { return };
    let key = (
        start,
        (o.latitude * 1e4) as i64 ^ (o.longitude * 1e4) as i64,
    );
    if sun.path_day != Some(key) {
        sun.path = (0..=96)
            .map(|k| start as f64 + k as f64 * 900.0)
            .filter_map(|t| pw_sun::position(t, &o, delta_t).ok().map(|p| (t, p)))
            .filter(|(_, p)| p.elevation() > -1.0)
            .collect();
        sun.path_day = Some(key);
    }
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

/// Daylight by sun elevation: full above 10°, fading to nothing at −6°
/// (end of civil twilight); the sky goes from blue through dusk to night.
pub fn light_levels(elevation: f64) -> (f32, f32, [f32; 3]) {
    let e = elevation as f32;
    let direct = ((e + 0.5) / 10.5).clamp(0.0, 1.0);
    let ambient =
        NIGHT_AMBIENT + (DAY_AMBIENT - NIGHT_AMBIENT) * ((e + 6.0) / 16.0).clamp(0.0, 1.0);
    let sky = if e >= 6.0 {
        SKY_DAY
    } else if e >= -1.0 {
        mix(SKY_TWILIGHT, SKY_DAY, (e + 1.0) / 7.0)
    } else {
        mix(SKY_NIGHT, SKY_TWILIGHT, (e + 8.0) / 7.0)
    };
    (DAYLIGHT_LUX * direct, ambient, sky)
}

fn light_the_scene(
    sun: Res<Sun>,
    mut lights: Query<(&mut DirectionalLight, &mut Transform), With<SunLight>>,
    mut ambient: ResMut<GlobalAmbientLight>,
    mut clear: ResMut<ClearColor>,
) {
    if !sun.is_changed() {
        return;
    }
    let Some(p) = sun.position else { return };
    let (lux, ambient_level, sky) = light_levels(p.elevation());
    for (mut light, mut t) in &mut lights {
        light.illuminance = lux;
        light.shadow_maps_enabled = lux > 0.0;
        // The light shines from the sun: along minus its direction.
        let to_sun = enu_dir_to_bevy(p.direction_enu().map(|v| v as f32));
        let up = if to_sun.y.abs() > 0.99 {
            Vec3::Z
        } else {
            Vec3::Y
        };
        *t = Transform::IDENTITY.looking_to(-to_sun, up);
    }
    ambient.brightness = ambient_level;
    clear.0 = Color::srgb(sky[0], sky[1], sky[2]);
}

/// Shadow cascades follow the camera distance: crisp near the target,
/// still present towards the horizon of a city view.
fn fit_shadows(
    mut commands: Commands,
    cameras: Query<&OrbitCamera, Changed<OrbitCamera>>,
    lights: Query<Entity, With<SunLight>>,
) {
    let Ok(orbit) = cameras.single() else { return };
    let d = orbit.distance.max(1.0);
    let config = CascadeShadowConfigBuilder {
        num_cascades: 4,
        minimum_distance: 0.5,
        first_cascade_far_bound: (d * 1.2).clamp(20.0, 2_000.0),
        maximum_distance: (d * 6.0).clamp(300.0, 12_000.0),
        overlap_proportion: 0.2,
    }
    .build();
    for e in &lights {
        commands.entity(e).insert(config.clone());
    }
}

/// Draws the day's sun path on a dome around the camera's target.
pub fn draw_sun_path(
    mut gizmos: Gizmos,
    sun: Res<Sun>,
    visible: Res<SunPathVisible>,
    cameras: Query<&OrbitCamera>,
) {
    if !visible.0 || sun.path.len() < 2 {
        return;
    }
    let Ok(orbit) = cameras.single() else { return };
    let radius = orbit.distance * 0.3;
    let at = |p: &SunPosition| {
        orbit.target + enu_dir_to_bevy(p.direction_enu().map(|v| v as f32)) * radius
    };
    let line = Color::srgb(1.0, 0.72, 0.1);
    gizmos.linestrip(sun.path.iter().map(|(_, p)| at(p)), line);
    // Full hours as small rings, the current sun as a bigger one.
    for (t, p) in &sun.path {
        if (*t as i64).rem_euclid(3600) == 0 {
            gizmos.sphere(Isometry3d::from_translation(at(p)), radius * 0.012, line);
        }
    }
    if let Some(p) = sun.position.filter(|p| p.elevation() > -1.0) {
        gizmos.sphere(
            Isometry3d::from_translation(at(&p)),
            radius * 0.035,
            Color::srgb(1.0, 0.9, 0.2),
        );
    }
    // The horizon circle the arc stands on.
    gizmos.circle(
        Isometry3d::new(
            orbit.target,
            Quat::from_rotation_x(std::f32::consts::FRAC_PI_2),
        ),
        radius,
        Color::srgba(1.0, 1.0, 1.0, 0.35),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_fades_through_twilight_into_night() {
        let (day, amb_day, sky_day) = light_levels(40.0);
        assert_eq!(
            (day, amb_day, sky_day),
            (DAYLIGHT_LUX, DAY_AMBIENT, SKY_DAY)
        );
        let (low, _, _) = light_levels(3.0);
        assert!(low > 0.0 && low < DAYLIGHT_LUX);
        let (dusk, amb_dusk, _) = light_levels(-3.0);
        assert_eq!(dusk, 0.0, "no direct sun below the horizon");
        assert!(amb_dusk > NIGHT_AMBIENT && amb_dusk < DAY_AMBIENT);
        let (night, amb_night, sky_night) = light_levels(-20.0);
        assert_eq!(
            (night, amb_night, sky_night),
            (0.0, NIGHT_AMBIENT, SKY_NIGHT)
        );
    }

    #[test]
    fn the_sun_follows_the_scene_clock_in_jena() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .init_resource::<ActiveScene>()
            .init_resource::<SceneFrame>()
            .add_plugins(crate::view::clock::ClockPlugin)
            .add_plugins(SunLogicPlugin);
        app.world_mut().resource_mut::<ActiveScene>().scene.city = Default::default();
        // 21 June 2026, 13:15 CEST: Jena's solar noon, sun due south, high.
        let mut clock = SceneClock::for_city("Europe/Berlin", Some("2026-06-21T13:15")).unwrap();
        clock.playing = false;
        app.insert_resource(clock);
        app.update();
        let sun = app.world().resource::<Sun>().clone();
        let p = sun.position.unwrap();
        // pvlib (tests/data/jena_pvlib.csv in pw-sun): zenith 27.4818°, azimuth 179.7741° at 155 m.
        assert!((p.azimuth - 179.774).abs() < 0.05, "{p:?}");
        assert!((p.zenith - 27.48).abs() < 0.05, "{p:?}");
        // The arc spans the day, sunrise to sunset, from the north-east to the north-west.
        assert!(sun.path.len() > 60, "{} quarter hours", sun.path.len());
        assert!(sun.path.first().unwrap().1.azimuth < 60.0);
        assert!(sun.path.last().unwrap().1.azimuth > 300.0);
        // Midnight: below the horizon.
        app.insert_resource(
            SceneClock::for_city("Europe/Berlin", Some("2026-06-21T00:30")).unwrap(),
        );
        app.update();
        assert!(app.world().resource::<Sun>().position.unwrap().elevation() < 0.0);
    }
}

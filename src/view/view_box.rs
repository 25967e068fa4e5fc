//! The ground in view once the camera has settled: a square around what
//! the camera looks at, as wide as it is far, written to
//! `Layers::view_box` when the camera has held still for a few frames —
//! what service layers ask their features for (`layers::services`).
//! Here, in the view, so that the layers need not know the camera.

use crate::layers::Layers;
use crate::view::camera::OrbitCamera;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;

/// Frames the camera must stay still before the view counts as settled
/// (no request per frame while the user drags).
pub const SETTLED_FRAMES: u32 = 12;

pub struct ViewBoxPlugin;

impl Plugin for ViewBoxPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            settle_view_box
                .before(crate::layers::services::follow_view)
                .before(crate::layers::LayersSystems),
        );
    }
}

/// The ground in view: a square around what the camera looks at, as wide
/// as the camera is far (200 m to 8 km across).
pub fn view_box_of(orbit: &OrbitCamera, frame: &SceneFrame) -> [f64; 4] {
    let c = frame.bevy_to_world(orbit.target);
    let half = (orbit.distance as f64).clamp(100.0, 4000.0);
    [c[0] - half, c[1] - half, c[0] + half, c[1] + half]
}

/// Keeps `Layers::view_box` on the settled view.
fn settle_view_box(
    orbit: Query<&OrbitCamera>,
    frame: Res<SceneFrame>,
    mut layers: ResMut<Layers>,
    mut still: Local<(Option<OrbitCamera>, u32)>,
) {
    let Some(camera) = orbit.iter().next().copied() else {
        return;
    };
    if still.0 != Some(camera) {
        *still = (Some(camera), 0);
    } else {
        still.1 = still.1.saturating_add(1);
    }
    let settled = still.1 >= SETTLED_FRAMES;
    if layers.view_settled != settled {
        layers.view_settled = settled;
    }
    if !settled {
        return;
    }
    let view = view_box_of(&camera, &frame);
    if layers.view_box != Some(view) {
        layers.view_box = Some(view);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::services::app_opening;
    use crate::layers::{LayerStatus, Layers};
    use pw_testkit::{HttpFixture, Reply};

    fn fixture(rel: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("crates/pw-services/tests/data")
            .join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn param(target: &str, key: &str) -> Option<String> {
        pw_services::http::query_value(&format!("http://x{target}"), key)
    }

    /// geOrchestra's recorded carpool areas (Lille, OGC API – Features),
    /// its host pointing at this server.
    fn georchestra() -> HttpFixture {
        let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
        let b = base.clone();
        let server = HttpFixture::start(move |target, _| {
            let host = b.get().cloned().unwrap_or_default();
            let body = |rel: &str| {
                fixture(rel).replace(
                    "https://my.server.org/sample-data-2",
                    &format!("{host}/sample-data-2"),
                )
            };
            match target.split('?').next().unwrap_or("") {
                "/sample-data-2/collections/aires-covoiturage" => {
                    Reply::json(body("ogcapi/georchestra_collection_aires.json"))
                }
                "/sample-data-2/collections/aires-covoiturage/items" => {
                    // One page: the recording's first, without its `next` link.
                    let mut v: serde_json::Value =
                        serde_json::from_str(&body("ogcapi/georchestra_items_aires.json")).unwrap();
                    v["links"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|l| l["rel"] != "next");
                    Reply::ok("application/geo+json", v.to_string())
                }
                _ => Reply::status("404 Not Found", "text/plain", ""),
            }
        });
        base.set(server.base.clone()).unwrap();
        server
    }

    #[test]
    fn a_service_layer_loads_the_view_once_settled_and_again_where_the_view_goes() {
        let server = georchestra();
        let dir = std::env::temp_dir().join(format!("pw-service-layer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let scene = dir.join("lille.scene");
        // Roncq, north of Lille, in UTM 31N (the first carpool area:
        // gdaltransform gives 509576.9 5622583.3). The bookmark makes the
        // view jump there and stay (nothing framed once loaded).
        std::fs::write(
            &scene,
            format!(
                r#"name = "Lille"
crs = "EPSG:32631"
origin = [509500.0, 5622500.0, 30.0]

[[layers]]
name = "Covoiturage"
kind = "vector"
path = "{}/sample-data-2"
service = {{ protocol = "ogcapi", name = "aires-covoiturage" }}

[[bookmarks]]
name = "Roncq"
target = [509500.0, 5622500.0, 30.0]
distance = 800.0
heading = 0.0
pitch = 45.0
"#,
                server.base
            ),
        )
        .unwrap();
        let mut app = app_opening(&scene, dir.join("copies"));
        crate::app::run_until(&mut app, |app| {
            app.world()
                .resource::<Layers>()
                .entries
                .first()
                .is_some_and(|e| e.status == LayerStatus::Ready)
        });
        let items = |server: &HttpFixture| -> Vec<String> {
            server
                .seen()
                .into_iter()
                .filter(|t| t.contains("/items"))
                .collect()
        };
        let bbox_of = |target: &str| -> Vec<f64> {
            param(target, "bbox")
                .unwrap()
                .split(',')
                .map(|v| v.parse().unwrap())
                .collect()
        };
        let camera = |app: &mut App| -> OrbitCamera {
            *app.world_mut()
                .query::<&OrbitCamera>()
                .single(app.world())
                .unwrap()
        };
        let settled = camera(&mut app);
        let layers = app.world().resource::<Layers>();
        let entry = &layers.entries[0];
        assert_eq!(entry.summary.as_ref().unwrap().features, Some(10));
        assert!(entry.has_attributes);
        // Asked for the view (800 m around the bookmark) and a quarter more
        // on each side, in CRS84 (the collection offers no UTM).
        let view = layers.view_box.unwrap();
        assert_eq!(view, [508_700.0, 5_621_700.0, 510_300.0, 5_623_300.0]);
        let asked = entry.asked_box.unwrap();
        assert_eq!(asked, [508_300.0, 5_621_300.0, 510_700.0, 5_623_700.0]);
        let first = items(&server);
        assert_eq!(first.len(), 1, "{first:?}");
        let bbox = bbox_of(&first[0]);
        assert_eq!(bbox.len(), 4);
        // gdaltransform -s_srs EPSG:32631 -t_srs EPSG:4326 of the asked
        // corners: SW 3.117637 50.743425, SE 3.151653 50.743386,
        // NW 3.117691 50.765008, NE 3.151722 50.764969.
        for (got, want) in bbox.iter().zip([3.117637, 50.743386, 3.151722, 50.765008]) {
            assert!((got - want).abs() < 2e-6, "{bbox:?}");
        }
        // The areas lie where their coordinates say, in the scene CRS: the
        // ten points through gdaltransform to EPSG:32631 span
        // 488552.902 5598963.557 – 511556.977 5622716.977.
        let city = app
            .world()
            .resource::<crate::layers::city_draw::CityLayers>();
        let e = city.layers.values().next().unwrap().city.model.extent();
        for (got, want) in [e.min[0], e.min[1], e.max[0], e.max[1]].iter().zip([
            488_552.902,
            5_598_963.557,
            511_556.977,
            5_622_716.977,
        ]) {
            assert!((got - want).abs() < 0.01, "{e:?}");
        }
        // Nothing moved the camera once the layer had loaded.
        for _ in 0..10 {
            app.update();
        }
        assert_eq!(camera(&mut app), settled);

        // A small pan stays inside what was asked: no request, even after
        // time enough for one to reach the server.
        app.world_mut()
            .query::<&mut OrbitCamera>()
            .single_mut(app.world_mut())
            .unwrap()
            .target
            .x += 100.0;
        let until = std::time::Instant::now() + std::time::Duration::from_millis(700);
        while std::time::Instant::now() < until {
            app.update();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(items(&server).len(), 1);
        assert_eq!(
            app.world().resource::<Layers>().entries[0].asked_box,
            Some(asked)
        );

        // Five kilometres on: asked again, for there.
        app.world_mut()
            .query::<&mut OrbitCamera>()
            .single_mut(app.world_mut())
            .unwrap()
            .target
            .x += 5000.0;
        crate::app::run_until(&mut app, |_| items(&server).len() == 2);
        let again = app.world().resource::<Layers>().entries[0]
            .asked_box
            .unwrap();
        assert_eq!(again, [513_400.0, 5_621_300.0, 515_800.0, 5_623_700.0]);
        // gdaltransform of the new box's south-west corner 513400 5621300:
        // 3.189920 50.743330.
        let bbox = bbox_of(&items(&server)[1]);
        assert_eq!(bbox.len(), 4);
        assert!((bbox[0] - 3.189920).abs() < 2e-6, "{bbox:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}

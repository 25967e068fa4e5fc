//! Vector layers from the web: a WFS or OGC API – Features layer asks for
//! the ground in view once the camera has settled, and again when the view
//! leaves the box it asked for (or zooms into a box that held more than
//! was loaded); a file at a web address (a catalogue's GeoJSON) is fetched
//! once. Answers are kept on disk, so a workshop offline still sees them.

use super::registry::LoadRequest;
use super::{LayerStatus, Layers, LoadError, SceneCommand};
use crate::view::camera::OrbitCamera;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;
use pw_scene::Layer;
use pw_services::{Fetch, Http};
use std::time::Duration;

/// Frames the camera must stay still before the view counts as settled
/// (no request per frame while the user drags).
pub const SETTLED_FRAMES: u32 = 12;

pub struct ServiceLayersPlugin;

impl Plugin for ServiceLayersPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, follow_view.before(super::LayersSystems));
    }
}

/// The ground in view: a square around what the camera looks at, as wide
/// as the camera is far (200 m to 8 km across).
pub fn view_box_of(orbit: &OrbitCamera, frame: &SceneFrame) -> [f64; 4] {
    let c = frame.bevy_to_world(orbit.target);
    let half = (orbit.distance as f64).clamp(100.0, 4000.0);
    [c[0] - half, c[1] - half, c[0] + half, c[1] + half]
}

/// What is asked for a view: the view and a quarter of it on every side,
/// so that a small pan needs no new request.
pub fn asked_box(view: [f64; 4]) -> [f64; 4] {
    let (w, h) = (view[2] - view[0], view[3] - view[1]);
    [
        view[0] - w / 4.0,
        view[1] - h / 4.0,
        view[2] + w / 4.0,
        view[3] + h / 4.0,
    ]
}

fn covers(outer: [f64; 4], inner: [f64; 4]) -> bool {
    outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
}

fn area(b: [f64; 4]) -> f64 {
    (b[2] - b[0]) * (b[3] - b[1])
}

/// Keeps `Layers::view_box` on the settled view and asks service layers
/// for features where the view has gone beyond what they asked for.
pub fn follow_view(
    orbit: Query<&OrbitCamera>,
    frame: Res<SceneFrame>,
    mut layers: ResMut<Layers>,
    mut still: Local<(Option<OrbitCamera>, u32)>,
    mut commands: MessageWriter<SceneCommand>,
) {
    let Some(camera) = orbit.iter().next().copied() else {
        return;
    };
    if still.0 != Some(camera) {
        *still = (Some(camera), 0);
        return;
    }
    still.1 = still.1.saturating_add(1);
    if still.1 < SETTLED_FRAMES {
        return;
    }
    let view = view_box_of(&camera, &frame);
    if layers.view_box != Some(view) {
        layers.view_box = Some(view);
    }
    for entry in &layers.entries {
        if entry.def.service.is_none() || !entry.shown() {
            continue;
        }
        let due = match entry.asked_box {
            // Waiting for a view since the scene opened (or it was switched on).
            None => true,
            Some(asked) => {
                // Zoomed well in: worth asking again where the last answer
                // held less than the view has, or failed (too large, too many).
                let wanting = match &entry.status {
                    LayerStatus::Ready => entry
                        .issues
                        .iter()
                        .any(|i| i.message.key.starts_with("services.issue.truncated")),
                    LayerStatus::Failed(_) => true,
                    _ => false,
                };
                !covers(asked, view) || (wanting && area(view) * 4.0 < area(asked))
            }
        };
        if due {
            commands.write(SceneCommand::LoadForView(entry.id));
        }
    }
}

/// A vector layer whose path is a web address of a file (not a service).
pub fn is_download(layer: &Layer) -> bool {
    layer.kind == pw_scene::LayerKind::Vector
        && layer.service.is_none()
        && pw_scene::is_web_address(&layer.path)
}

/// A layer whose loading waits on the network (its own thread, so that
/// file layers never queue behind a slow server).
pub fn waits_on_network(layer: &Layer) -> bool {
    layer.service.is_some() || is_download(layer)
}

/// Features read from the web, and where from (for messages).
pub struct Online {
    pub data: pw_vector::VectorData,
    pub label: String,
    pub bytes: u64,
    pub started: std::time::Instant,
}

/// Answers larger than this are refused: a feature page that big would
/// become several times that in memory.
const PAGE_LIMIT_BYTES: u64 = 64 << 20;

fn http(copies: Option<&std::path::Path>) -> Result<Http, LoadError> {
    let mut http =
        Http::new(Duration::from_secs(60)).map_err(|e| LoadError::Failed(e.message()))?;
    http.limit_bytes = PAGE_LIMIT_BYTES;
    Ok(http.with_offline_copies(copies.map_or_else(Http::default_copies_dir, |c| c.to_path_buf())))
}

/// Reads a service layer's features for the asked box, or a file at a web
/// address (runs off the frame).
pub fn read_online(r: &LoadRequest) -> Result<Online, LoadError> {
    let started = std::time::Instant::now();
    let http = http(r.service_copies.as_deref())?;
    let url = r.layer.path.trim();
    let label = pw_services::shown(url).to_string();
    r.control.set_stage("download");
    let Some(service) = &r.layer.service else {
        let answer = http.get(url, "*/*").map_err(service_error)?;
        let bytes = answer.bytes.len() as u64;
        let mut data = read_downloaded(url, &answer.bytes, r.service_copies.as_deref())?;
        if let Some(why) = &answer.stale_because {
            data.issues.push(pw_services::wfs::stale_issue(why));
        }
        return Ok(Online {
            data,
            label,
            bytes,
            started,
        });
    };
    let Some(bbox) = r.view else {
        return Err(LoadError::Failed(
            pw_text::Message::new("services.error.no_view")
                .arg("url", &label)
                .english("{url}: no view yet to ask features for"),
        ));
    };
    let mut query = pw_services::wfs::Query::new(bbox, r.scene_crs);
    if let Some(max) = service.max_features {
        query.max_features = max.max(1);
    }
    let data = match service.protocol.as_str() {
        "ogcapi" => {
            pw_services::ogcapi::get_features(&http, url, &service.name, &query, Some(&r.control))
        }
        _ => pw_services::wfs::get_features(&http, url, &service.name, &query, Some(&r.control)),
    }
    .map_err(service_error)?;
    Ok(Online {
        data,
        label: format!("{label} ({})", service.name),
        bytes: 0,
        started,
    })
}

fn service_error(e: pw_services::ServiceError) -> LoadError {
    LoadError::Failed(e.message())
}

/// A downloaded file read by the reader its name (or content) calls for:
/// written beside the other copies under its own ending.
fn read_downloaded(
    url: &str,
    bytes: &[u8],
    copies: Option<&std::path::Path>,
) -> Result<pw_vector::VectorData, LoadError> {
    let name = pw_services::shown(url)
        .rsplit('/')
        .next()
        .unwrap_or("download")
        .to_ascii_lowercase();
    let starts_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let ext = match name.rsplit_once('.') {
        Some((_, e)) if pw_vector::format_of(std::path::Path::new(&name)).is_some() => {
            e.to_string()
        }
        _ if starts_json => "geojson".into(),
        _ => "gml".into(),
    };
    // In the user's own cache folder, under a name no other load uses at
    // the same time (a reload may overlap the load it replaces).
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = copies
        .map_or_else(Http::default_copies_dir, |c| c.to_path_buf())
        .join("reading");
    std::fs::create_dir_all(&dir).map_err(crate::layers::system_error)?;
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!(
        "{}-{}-{n}.{ext}",
        pw_services::http::file_name_for(url),
        std::process::id()
    ));
    std::fs::write(&path, bytes).map_err(crate::layers::system_error)?;
    let read = pw_vector::read_file(&path, &Default::default());
    let _ = std::fs::remove_file(&path);
    read.map_err(|e| {
        // The temporary file's name means nothing to the user: the address does.
        let mut message = e.message();
        for (name, value) in &mut message.args {
            if name == "path" {
                *value = pw_services::shown(url);
            }
        }
        LoadError::Failed(message)
    })
}

/// A headless app opening `scene`, with service answers kept in `copies`
/// (never the user's cache folder).
#[cfg(test)]
pub(crate) fn app_opening(scene: &std::path::Path, copies: std::path::PathBuf) -> App {
    let mut app = crate::app::headless_core_app();
    app.world_mut().resource_mut::<Layers>().service_copies = Some(copies);
    app.world_mut()
        .write_message(SceneCommand::Open(scene.to_path_buf()));
    app
}

#[cfg(test)]
mod tests {
    use super::*;
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

//! Vector layers from the web: a WFS or OGC API – Features layer asks for
//! the ground in view once the camera has settled (the view sets
//! `Layers::view_box`, see `view::view_box`), and again when the view
//! leaves the box it asked for (or zooms into a box that held more than
//! was loaded); a file at a web address (a catalogue's GeoJSON) is fetched
//! once. Answers are kept on disk, so a workshop offline still sees them.

use super::registry::LoadRequest;
use super::{LayerStatus, Layers, LoadError, SceneCommand};
use bevy::prelude::*;
use pw_scene::Layer;
use pw_services::{Fetch, Http};
use std::time::Duration;

pub struct ServiceLayersPlugin;

impl Plugin for ServiceLayersPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, follow_view.before(super::LayersSystems));
    }
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

/// Asks service layers for features where the settled view
/// (`Layers::view_box`) has gone beyond what they asked for.
pub fn follow_view(layers: Res<Layers>, mut commands: MessageWriter<SceneCommand>) {
    let Some(view) = layers.view_box.filter(|_| layers.view_settled) else {
        return;
    };
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

//! Layers from the web, found by the user: a search of the scene's
//! open-data catalogues (`[[catalogs]]`), or an address typed in; what a
//! resource or address offers is asked in the background, and the offer
//! chosen (or the only one) becomes a scene layer with the dataset's credit.

use super::{Layers, SceneCommand};
use crate::base::jobs::Notices;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;
use pw_services::catalog::{self, Catalog, CatalogKind, Dataset, ResourceKind, SearchResult};
use pw_services::offer::{self, Offer};
use pw_services::{Http, Message};
use std::time::Duration;

/// Datasets shown per search.
pub const SEARCH_ROWS: usize = 40;

#[derive(Message, Debug, Clone, PartialEq)]
pub enum OnlineCommand {
    /// Search the scene's catalogue number `catalog` for `text`.
    Search { catalog: usize, text: String },
    /// What a found dataset's resource offers.
    Discover { dataset: usize, resource: usize },
    /// What a typed address offers (WMS, WFS, OGC API, a file).
    DiscoverAddress(String),
    /// Add the offer shown at this place as a layer.
    Add(usize),
}

/// A search's answer, for the catalogue and words it was asked with.
#[derive(Debug, Clone, PartialEq)]
pub struct Searched {
    pub catalog: String,
    pub text: String,
    pub result: SearchResult,
}

/// What an address offers, the best fit for the dataset first.
#[derive(Debug, Clone, PartialEq)]
pub struct Offers {
    pub title: String,
    pub dataset: Option<Dataset>,
    pub list: Vec<Offer>,
}

/// A request on a thread of its own (blocking HTTP, up to half a minute:
/// never on Bevy's task pools, which load assets and layers).
type Pending<T> = std::sync::Mutex<std::sync::mpsc::Receiver<Result<T, Message>>>;

fn on_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Message> + Send + 'static,
) -> Pending<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("data from the web".into())
        .spawn(move || {
            let _ = tx.send(work());
        });
    if let Err(e) = spawned {
        let (tx, rx2) = std::sync::mpsc::channel();
        let _ = tx.send(Err(Message::text(e.to_string())));
        return std::sync::Mutex::new(rx2);
    }
    std::sync::Mutex::new(rx)
}

/// The answer if it has come (or the thread is gone).
fn answered<T>(pending: &Pending<T>) -> Option<Result<T, Message>> {
    let rx = pending.lock().ok()?;
    match rx.try_recv() {
        Ok(r) => Some(r),
        Err(std::sync::mpsc::TryRecvError::Empty) => None,
        Err(std::sync::mpsc::TryRecvError::Disconnected) => {
            Some(Err(Message::new("online.error.no_answer")
                .english("the request ended without an answer")))
        }
    }
}

#[derive(Resource, Default)]
pub struct OnlineData {
    pub search: Option<Searched>,
    pub offers: Option<Offers>,
    /// The last failure (a search or an address), said in the window.
    pub error: Option<Message>,
    /// The request under way and its job in the status bar (cancel there).
    search_task: Option<(Pending<Searched>, crate::base::jobs::JobEntry)>,
    offer_task: Option<(Pending<Offers>, crate::base::jobs::JobEntry)>,
    /// The scene these belong to (another scene starts afresh).
    scene: Option<std::path::PathBuf>,
}

impl OnlineData {
    pub fn searching(&self) -> bool {
        self.search_task.is_some()
    }
    pub fn discovering(&self) -> bool {
        self.offer_task.is_some()
    }
}

pub struct OnlinePlugin;

impl Plugin for OnlinePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<OnlineData>()
            .add_message::<OnlineCommand>()
            .add_systems(
                Update,
                (handle_online_commands, poll_online_tasks)
                    .chain()
                    .before(super::LayersSystems),
            );
    }
}

fn http(layers: &Layers) -> Result<Http, Message> {
    let http = Http::new(Duration::from_secs(30)).map_err(|e| e.message())?;
    Ok(http.with_offline_copies(
        layers
            .service_copies
            .clone()
            .unwrap_or_else(Http::default_copies_dir),
    ))
}

#[allow(clippy::too_many_arguments)]
fn handle_online_commands(
    mut reader: MessageReader<OnlineCommand>,
    mut online: ResMut<OnlineData>,
    mut scene_commands: MessageWriter<SceneCommand>,
    active: Res<super::ActiveScene>,
    layers: Res<Layers>,
    frame: Res<SceneFrame>,
    i18n: Res<crate::base::i18n::I18n>,
    mut jobs: ResMut<crate::base::jobs::Jobs>,
) {
    if online.scene != active.path {
        let search = online.search_task.as_ref().map(|(_, j)| j.id);
        let offer = online.offer_task.as_ref().map(|(_, j)| j.id);
        for id in search.into_iter().chain(offer) {
            jobs.finish(id);
        }
        *online = OnlineData {
            scene: active.path.clone(),
            ..Default::default()
        };
    }
    for cmd in reader.read() {
        match cmd {
            OnlineCommand::Search { catalog, text } => {
                let Some(settings) = active.scene.catalogs.get(*catalog) else {
                    continue;
                };
                let Some(kind) = CatalogKind::parse(&settings.kind) else {
                    continue;
                };
                let http = match http(&layers) {
                    Ok(h) => h,
                    Err(e) => {
                        online.error = Some(e);
                        continue;
                    }
                };
                let catalog = Catalog {
                    kind,
                    url: settings.url.clone(),
                };
                let (name, text) = (settings.name.clone(), text.trim().to_string());
                let language = i18n.language.code().to_string();
                online.error = None;
                if let Some((_, old)) = online.search_task.take() {
                    jobs.finish(old.id);
                }
                let job = jobs
                    .start(i18n.trf("online.job.search", &[("text", &text), ("catalog", &name)]));
                let pending = on_thread(move || {
                    catalog::search(&http, &catalog, &text, SEARCH_ROWS, &language)
                        .map(|result| Searched {
                            catalog: name,
                            text,
                            result,
                        })
                        .map_err(|e| e.message())
                });
                online.search_task = Some((pending, job));
            }
            OnlineCommand::Discover { dataset, resource } => {
                let Some(d) = online
                    .search
                    .as_ref()
                    .and_then(|s| s.result.datasets.get(*dataset))
                    .cloned()
                else {
                    continue;
                };
                let Some(r) = d.resources.get(*resource).cloned() else {
                    continue;
                };
                let job = jobs.start(i18n.trf("online.job.discover", &[("title", &d.title)]));
                discover(
                    &mut online,
                    &layers,
                    &mut jobs,
                    frame.crs,
                    r.url,
                    r.kind,
                    Some(d),
                    job,
                );
            }
            OnlineCommand::DiscoverAddress(address) => {
                let address = address.trim().to_string();
                if !offer::is_web_address(&address) {
                    online.error = Some(
                        Message::new("online.not_an_address")
                            .arg("text", &address)
                            .english(
                                "\"{text}\" is no web address: give one starting with https://",
                            ),
                    );
                    continue;
                }
                let job = jobs.start(i18n.trf(
                    "online.job.discover",
                    &[("title", &pw_services::shown(&address))],
                ));
                discover(
                    &mut online,
                    &layers,
                    &mut jobs,
                    frame.crs,
                    address,
                    ResourceKind::Other,
                    None,
                    job,
                );
            }
            OnlineCommand::Add(i) => {
                if let Some(offers) = &online.offers
                    && let Some(o) = offers.list.get(*i)
                {
                    scene_commands.write(SceneCommand::AddLayer(Box::new(
                        o.to_layer(offers.dataset.as_ref()),
                    )));
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn discover(
    online: &mut OnlineData,
    layers: &Layers,
    jobs: &mut crate::base::jobs::Jobs,
    scene_crs: pw_geo::Crs,
    url: String,
    kind: ResourceKind,
    dataset: Option<Dataset>,
    job: crate::base::jobs::JobEntry,
) {
    // A new question replaces the one under way (its answer is not waited for).
    if let Some((_, old)) = online.offer_task.take() {
        jobs.finish(old.id);
    }
    let http = match http(layers) {
        Ok(h) => h,
        Err(e) => {
            jobs.finish(job.id);
            online.error = Some(e);
            return;
        }
    };
    online.error = None;
    online.offers = None;
    let pending = on_thread(move || {
        let mut list = offer::discover(&http, &url, kind, scene_crs).map_err(|e| e.message())?;
        let title = dataset
            .as_ref()
            .map(|d| d.title.clone())
            .unwrap_or_else(|| pw_services::shown(&url).to_string());
        // The best fit for the dataset first; the rest as the service lists them.
        if let Some(best) = dataset
            .as_ref()
            .and_then(|d| offer::best_for(&list, &d.title))
            .cloned()
            && let Some(at) = list.iter().position(|o| *o == best)
        {
            let b = list.remove(at);
            list.insert(0, b);
        }
        Ok(Offers {
            title,
            dataset,
            list,
        })
    });
    online.offer_task = Some((pending, job));
}

fn poll_online_tasks(
    mut online: ResMut<OnlineData>,
    mut scene_commands: MessageWriter<SceneCommand>,
    mut notices: ResMut<Notices>,
    mut jobs: ResMut<crate::base::jobs::Jobs>,
    i18n: Res<crate::base::i18n::I18n>,
) {
    // Cancelled in the status bar: the answer is not waited for.
    if let Some((_, job)) = &online.search_task
        && job.control.is_cancelled()
    {
        jobs.finish(job.id);
        online.search_task = None;
    }
    if let Some((_, job)) = &online.offer_task
        && job.control.is_cancelled()
    {
        jobs.finish(job.id);
        online.offer_task = None;
    }
    if let Some(result) = online.search_task.as_ref().and_then(|(p, _)| answered(p)) {
        if let Some((_, job)) = online.search_task.take() {
            jobs.finish(job.id);
        }
        match result {
            Ok(s) => online.search = Some(s),
            Err(e) => online.error = Some(e),
        }
    }
    if let Some(result) = online.offer_task.as_ref().and_then(|(p, _)| answered(p)) {
        if let Some((_, job)) = online.offer_task.take() {
            jobs.finish(job.id);
        }
        match result {
            // One layer only: no choice to make.
            Ok(o) if o.list.len() == 1 => {
                scene_commands.write(SceneCommand::AddLayer(Box::new(
                    o.list[0].to_layer(o.dataset.as_ref()),
                )));
                online.offers = Some(o);
            }
            Ok(o) if o.list.is_empty() => {
                let m = Message::new("online.nothing_offered")
                    .arg("title", &o.title)
                    .english("{title} offers no layer to show");
                notices.error(i18n.render(&m));
                online.error = Some(m);
            }
            Ok(o) => online.offers = Some(o),
            Err(e) => online.error = Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::LayerStatus;
    use pw_testkit::{HttpFixture, Reply};

    #[test]
    fn a_jena_dataset_found_in_the_catalogue_becomes_a_credited_layer() {
        let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
        let b = base.clone();
        let server = HttpFixture::start(move |target, _| {
            let host = b.get().cloned().unwrap_or_default();
            let path = target.split('?').next().unwrap_or("");
            match path {
                // Jena's CKAN answer (2021), its file addresses on this server.
                "/api/3/action/package_search" => Reply::json(
                    std::fs::read_to_string(
                        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                            .join("crates/pw-services/tests/data/ckan/jena_package_search.json"),
                    )
                    .unwrap()
                    .replace("https://opendata.jena.de/data/", &format!("{host}/data/")),
                ),
                // The portal's parken.geojson is not in the recording: Jena's
                // parks from OpenStreetMap (../shared/data) stand in for it.
                "/data/parken.geojson" => Reply::ok(
                    "application/geo+json",
                    std::fs::read(
                        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                            .join("../shared/data/vector/jena_osm/jena_parks_2021.geojson"),
                    )
                    .unwrap(),
                ),
                _ => Reply::status("404 Not Found", "text/plain", ""),
            }
        });
        base.set(server.base.clone()).unwrap();
        let dir = std::env::temp_dir().join(format!("pw-online-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let scene = dir.join("jena.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"Jena\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5644000.0, 150.0]\n\n[[catalogs]]\nname = \"Jena (CKAN)\"\nkind = \"ckan\"\nurl = \"{}\"\n",
                server.base
            ),
        )
        .unwrap();
        let mut app = crate::layers::services::app_opening(&scene, dir.join("copies"));
        app.update();
        app.world_mut().write_message(OnlineCommand::Search {
            catalog: 0,
            text: "Parken".into(),
        });
        crate::app::run_until(&mut app, |app| {
            app.world().resource::<OnlineData>().search.is_some()
        });
        let online = app.world().resource::<OnlineData>();
        let found = &online.search.as_ref().unwrap().result;
        let asked = server.seen()[0].clone();
        assert!(
            asked.contains("q=Parken") && asked.contains(&format!("rows={SEARCH_ROWS}")),
            "{asked}"
        );
        // The recording holds all 70 datasets (its rows were 9999): shown as sent.
        assert_eq!(found.datasets.len(), 70);
        let d = found
            .datasets
            .iter()
            .position(|d| d.title == "Parken")
            .unwrap();
        let r = found.datasets[d]
            .resources
            .iter()
            .position(|r| r.url.ends_with("/data/parken.geojson"))
            .unwrap();
        app.world_mut().write_message(OnlineCommand::Discover {
            dataset: d,
            resource: r,
        });
        crate::app::run_until(&mut app, |app| {
            app.world()
                .resource::<Layers>()
                .entries
                .first()
                .is_some_and(|e| e.status == LayerStatus::Ready)
        });
        let layers = app.world().resource::<Layers>();
        let e = &layers.entries[0];
        assert_eq!(e.def.name, "Parken");
        assert_eq!(e.def.path, format!("{}/data/parken.geojson", server.base));
        assert_eq!(
            e.def.attribution.as_deref(),
            Some("© Stadt Jena, Datenlizenz Deutschland - Namensnenung 2.0")
        );
        // All 608 parks of the file (counted with Python).
        assert_eq!(e.summary.as_ref().unwrap().features, Some(608));
        assert!(app.world().resource::<crate::layers::ActiveScene>().dirty);
        std::fs::remove_dir_all(&dir).ok();
    }
}

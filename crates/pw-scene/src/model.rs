use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One scene: everything needed to reopen the same view on the same data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    pub name: String,
    /// Scene CRS, e.g. "EPSG:25832". All layers are reprojected into it.
    #[serde(default = "default_crs")]
    pub crs: String,
    /// Easting, northing, height (scene CRS) of the local render origin.
    pub origin: [f64; 3],
    #[serde(default)]
    pub city: CitySettings,
    #[serde(default)]
    pub time: TimeSettings,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<Layer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bookmarks: Vec<Bookmark>,
    /// Protected views (Sichtachsen) every variant is checked against.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub view_corridors: Vec<ViewCorridor>,
    /// Live and recorded sensor sources of the urban data platform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensors: Vec<SensorSource>,
    /// What the traffic analysis takes besides the map: zones, trips,
    /// a road network from a line layer, road classes, counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<TrafficSettings>,
    /// Data credits shown in the About dialog and on screen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attribution: Vec<String>,
    /// How a participation workshop on this scene runs: the phones' port,
    /// the area they point at, the short questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workshop: Option<WorkshopSettings>,
    /// The showroom's guided tour, shown in kiosk mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk: Option<KioskSettings>,
    /// The city's look: its accent colour and logo in the top bar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look: Option<LookSettings>,
    /// Open-data catalogues searched for layers (the city's portal).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalogs: Vec<CatalogSettings>,
}

/// `[[catalogs]]`: an open-data portal whose datasets become layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSettings {
    pub name: String,
    /// "ckan" (the action API) or "piveau" (the hub search API).
    pub kind: String,
    /// CKAN: the portal's address; piveau: the hub search API's
    /// (`…/api/hub/search`).
    pub url: String,
}

/// A vector layer read from an online service: the layer's `path` is the
/// service's address; features are asked for the area in view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureService {
    /// "wfs" (WFS 2.0, 1.1) or "ogcapi" (OGC API – Features).
    pub protocol: String,
    /// The WFS feature type ("ns:name") or the OGC API collection id.
    pub name: String,
    /// The most features loaded for a view (default 20 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_features: Option<usize>,
}

/// `[look]`: what makes the workbench the city's own without code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LookSettings {
    /// "#rrggbb": selected controls, links, the top bar's edge. The
    /// high-contrast theme keeps its yellow (readability comes first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent: Option<String>,
    /// A PNG or JPEG (path relative to the scene file) shown at the top
    /// bar's left, as high as a row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

/// `[kiosk]`: the showroom. After `idle_seconds` without a touch the tour
/// starts again from its first station and plays by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSettings {
    #[serde(default = "default_idle_seconds")]
    pub idle_seconds: f64,
    /// Digits the staff type to leave the kiosk (holding the title); without
    /// one, holding the title leaves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stations: Vec<TourStation>,
}

pub fn default_idle_seconds() -> f64 {
    90.0
}

/// `[[kiosk.stations]]`: one step of the tour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TourStation {
    /// The saved view the camera flies to (a `[[bookmarks]]` name).
    pub bookmark: String,
    /// The variant shown; Bestand when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The clock, local time ("2026-06-21T15:00").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// An analysis shown at this station (its id, e.g. "sunhours",
    /// "noise", "flood", "view"): run with its defaults over the saved
    /// view's area once, the first time the station is shown, then kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
    /// How long the tour stays when it plays by itself.
    #[serde(default = "default_station_seconds")]
    pub seconds: f64,
    /// The caption in simple German.
    pub de: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
}

pub fn default_station_seconds() -> f64 {
    15.0
}

/// `[workshop]`: the participation workshop of a scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkshopSettings {
    /// Title on phones; the scene's name when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The title in English (the German one where empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title_en: String,
    /// One of several workshops on this scene (e.g. "abend-2"): its own
    /// file `<scene>-<session>.werkstatt.sqlite`, its own link and results.
    /// Empty: the scene's one workshop, `<scene>.werkstatt.sqlite`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub session: String,
    /// The port the phones' page is served on (0: any free one).
    #[serde(default = "default_workshop_port")]
    pub port: u16,
    /// The area phones can point at (min E, min N, max E, max N); the
    /// extent of the city layers when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<[f64; 4]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<WorkshopQuestion>,
}

pub fn default_workshop_port() -> u16 {
    8765
}

/// `[[workshop.questions]]`: a short question, answered once per person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkshopQuestion {
    /// Letters, digits, `-` or `_`; stays the same when the wording changes.
    pub id: String,
    pub de: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
    /// "yesno", "stars" (1–5) or "choice" (one of `options`).
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<WorkshopOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkshopOption {
    pub de: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
}

fn default_crs() -> String {
    "EPSG:25832".into()
}

/// Where the city is: drives the sun position and local time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitySettings {
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
    /// IANA time zone, e.g. "Europe/Berlin".
    pub time_zone: String,
}

impl Default for CitySettings {
    fn default() -> Self {
        // Jena, Markt.
        CitySettings {
            name: "Jena".into(),
            latitude: 50.927,
            longitude: 11.589,
            time_zone: "Europe/Berlin".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TimeSettings {
    /// Local date and time the scene opens with, "YYYY-MM-DDTHH:MM"; empty means now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    Citygml,
    Cityjson,
    Gltf,
    Tiles3d,
    Dem,
    Vector,
    Basemap,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub name: String,
    pub kind: LayerKind,
    /// File path relative to the scene file, or a URL.
    pub path: String,
    #[serde(default = "yes")]
    pub visible: bool,
    #[serde(default = "one")]
    pub opacity: f32,
    /// Overrides the CRS written in the data (for files that state it wrongly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crs: Option<String>,
    #[serde(default, skip_serializing_if = "Style::is_default")]
    pub style: Style,
    /// Where a glTF model in local metres stands (origin in `crs`, or in the
    /// scene CRS). Without it a KML `<Model>` next to the file is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub georeference: Option<Georeference>,
    /// Appearance theme to show (CityGML `app:theme`, e.g. "rgbTexture");
    /// unset: the theme with the most textures; "" shows colours by semantics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance_theme: Option<String>,
    /// 3D Tiles: refine tiles until their screen-space error is below this
    /// many pixels (default 16; lower is sharper and slower).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_screen_space_error: Option<f32>,
    /// Basemaps: which service `path` is and how to ask it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basemap: Option<BasemapSettings>,
    /// Credit shown on screen while the layer is visible (required by most
    /// tile services, e.g. "© OpenStreetMap-Mitwirkende").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// Data not for the public (e.g. under data protection): never drawn,
    /// listed, picked, exported or served to phones in workshop mode.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub restricted: bool,
    /// Data the user adds later (e.g. LoD2 tiles that may not be bundled):
    /// where to get it and where to put it. While `path` does not exist
    /// the layer says so with this text instead of failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_missing: Option<String>,
    /// Vector layers from a WFS or OGC API – Features: which and how much.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<FeatureService>,
}

/// A raster basemap service. `path` of the layer is the URL: an XYZ/TMS
/// template with {z}/{x}/{y}, a WMS base URL, or a WMTS GetCapabilities URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BasemapSettings {
    pub service: BasemapService,
    /// WMS/WMTS layer name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<String>,
    /// Image format asked for (default image/png).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// WMS: the CRS to ask in (default: the scene CRS, so no resampling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crs: Option<String>,
    /// WMTS: the tile matrix set (default: the first of the layer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_matrix_set: Option<String>,
    /// WMTS style (default: the layer's default style).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// XYZ/TMS: the highest zoom level the service has (default 19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_zoom: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BasemapService {
    #[default]
    Xyz,
    /// Like XYZ with rows counted from the south.
    Tms,
    Wms,
    Wmts,
}

/// Placement of a model given in local metres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Georeference {
    /// The model's (0, 0, 0): easting/northing/height, or longitude/latitude/
    /// height for a geographic CRS.
    pub origin: [f64; 3],
    /// Degrees clockwise from north that the model's north axis is turned.
    #[serde(default)]
    pub heading: f64,
    #[serde(default = "one_f64")]
    pub scale: f64,
    /// The model's up axis: "y" (the glTF standard) or "z". Unset: "y",
    /// unless the model's base clearly lies on its z = 0 plane.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_axis: Option<String>,
}

fn one_f64() -> f64 {
    1.0
}

impl Layer {
    /// A visible, opaque layer with nothing else set.
    pub fn new(name: impl Into<String>, kind: LayerKind, path: impl Into<String>) -> Layer {
        Layer {
            name: name.into(),
            kind,
            path: path.into(),
            visible: true,
            opacity: 1.0,
            crs: None,
            style: Style::default(),
            georeference: None,
            max_screen_space_error: None,
            basemap: None,
            attribution: None,
            appearance_theme: None,
            restricted: false,
            if_missing: None,
            service: None,
        }
    }
}

fn yes() -> bool {
    true
}
fn one() -> f32 {
    1.0
}

/// How a layer is drawn. Colours are "#rrggbb" strings. The roof/wall/
/// ground colours are for city models; the rest for vector layers, as
/// planners know it from QGIS: one symbol, categories of an attribute, or
/// graduated classes of a number, with labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Style {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roof_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_color: Option<String>,
    /// Vector symbology; unset is one symbol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<SymbolMode>,
    /// The attribute categories or classes are taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Colour of the single symbol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Colour ramp for classes and categories ("viridis", "YlOrRd", "Blues",
    /// "Greens", "RdYlGn", "Spectral", "Set3" …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp: Option<String>,
    /// Number of graduated classes (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<ClassMethod>,
    /// Upper bounds of the graduated classes, when set by hand (the last
    /// class takes everything above the last bound).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<f64>,
    /// Colours chosen per category value; values not listed get ramp colours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    /// Attribute shown as a label at each feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_field: Option<String>,
    /// Width of line ribbons in metres (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_width: Option<f64>,
    /// Polygons are extruded by this attribute (default: a height or
    /// storeys attribute when the data has one) …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_field: Option<String>,
    /// … times this factor (3.0 for storeys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_scale: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolMode {
    Single,
    Categorized,
    Graduated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClassMethod {
    EqualInterval,
    /// Equal count: each class holds about as many features.
    #[default]
    Quantile,
    /// Natural breaks (Jenks): classes with the least spread inside.
    Jenks,
}

/// One category of a categorized style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub value: String,
    pub color: String,
    /// Legend text (default: the value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Style {
    fn is_default(&self) -> bool {
        self == &Style::default()
    }
}

/// A saved viewpoint: the camera looks at `target` from `distance` metres,
/// `heading` degrees clockwise from north, `pitch` degrees below the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bookmark {
    pub name: String,
    pub target: [f64; 3],
    pub distance: f64,
    pub heading: f64,
    pub pitch: f64,
}

/// A protected view (Sichtachse): from an eye to a target (scene CRS,
/// absolute heights), `width` metres wide at the target (0: one line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewCorridor {
    pub name: String,
    pub from: [f64; 3],
    pub to: [f64; 3],
    #[serde(default)]
    pub width: f64,
}

/// `[traffic]`: the traffic analysis' inputs beyond the scene's
/// OpenStreetMap layer. Everything is optional: without it the map's
/// roads carry trips between its homes and workplaces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficSettings {
    /// The layer (by name) whose objects are the traffic zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<String>,
    /// The zones' attribute that names them as the demand file does
    /// (default: the object's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    /// Trips between the zones: an origin–destination CSV file (relative
    /// to the scene), as `traffic assign --demand` reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<String>,
    /// The period of the demand file to take (its `period` column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Roads from a line layer instead of OpenStreetMap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<LineNetworkSettings>,
    /// The city's own values for road classes (speed, lanes, capacity).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<RoadClassSettings>,
    /// Traffic counts the simulated volumes are checked against (GEH).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<TrafficCountSettings>,
}

/// `[traffic.network]`: a line layer as the road network. Lines meet where
/// they share a vertex; the attributes named here give each line its road
/// class, direction, speed, lanes and capacity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineNetworkSettings {
    /// The layer's name in `[[layers]]`.
    pub layer: String,
    /// The attribute holding the road class.
    pub class: String,
    /// The layer's class values → OpenStreetMap road classes ("primary",
    /// "residential" …); values already named so need no entry. Lines of
    /// other classes are left out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<String, String>,
    /// One-way attribute: "yes"/"1"/"true" along the line, "-1" against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oneway: Option<String>,
    /// Speed limit attribute, km/h.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<String>,
    /// Lanes attribute (both directions together).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lanes: Option<String>,
    /// Capacity attribute, vehicles per hour and direction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
    /// Street name attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `[[traffic.classes]]`: a road class's values where the data give none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadClassSettings {
    /// OpenStreetMap's name of the class ("residential").
    pub class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Lanes per direction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lanes: Option<f64>,
    /// Vehicles per hour and lane.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_per_lane: Option<f64>,
}

/// `[[traffic.counts]]`: a counting point. The count is a number (a manual
/// count, vehicles per hour) or a sensor's datastream (the hour up to the
/// clock's time, live or from the history).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficCountSettings {
    pub name: String,
    /// Where it counts (scene CRS, E and N); default: the sensor's place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<[f64; 2]>,
    /// Direction of travel counted, degrees from north clockwise; none:
    /// both directions together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<f64>,
    /// Vehicles per hour, counted by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<f64>,
    /// The `[[sensors]]` source (by name) and its datastream (station or
    /// datastream name, or its id as "sta:17").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
}

/// Where sensor values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensorSourceKind {
    /// A SensorThings API service root (v1.0 or v1.1).
    Sensorthings,
    /// An MQTT broker, "host:port" (SensorThings topics, ChirpStack, TTS, FIWARE).
    Mqtt,
    /// A recording made with `planwerkstatt sensors record`, played in a loop.
    Replay,
    /// A FIWARE NGSI-LD context broker (Orion-LD, Scorpio, Stellio): its
    /// entities, asked again every minute; `filter` holds the query, e.g.
    /// "type=AirQualityObserved".
    NgsiLd,
}

/// One sensor source. Credentials never live here: `token_env` names the
/// environment variable that holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorSource {
    pub name: String,
    pub kind: SensorSourceKind,
    /// Service root, broker ("host:port", "mqtts://host:8883" for TLS), or
    /// recording file (relative to the scene).
    pub url: String,
    /// Layer group in the layer tree, e.g. "Bodenfeuchte", "Verkehr".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// MQTT topic filters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// SensorThings sources: the service's MQTT broker, "host:port", for
    /// live push (topics default to every datastream's observations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mqtt: Option<String>,
    /// SensorThings `$filter` choosing the datastreams; NGSI-LD: the query
    /// (`type=…`, `q=…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// Name of the bearer token in the OS keyring (stored with
    /// `planwerkstatt sensors token NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_keyring: Option<String>,
    /// MQTT brokers that want a login: the username; the password (API key)
    /// comes from `token_env` or `token_keyring`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// MQTT over TLS: a PEM file with the CA of the city's own broker
    /// (relative to the scene), trusted besides the operating system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// Payload decoder per device EUI, device id or application id.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub decoders: std::collections::BTreeMap<String, String>,
    /// Replay speed (recorded time per wall-clock time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Traffic-light classes per quantity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ValueClasses>,
    /// SensorThings and NGSI-LD: ask again after this many seconds (default
    /// 300 and 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_seconds: Option<f64>,
    /// A value older than this (at the shown time) is drawn as stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_after_minutes: Option<f64>,
    /// Layer group per station: the first key found in a station's id, name
    /// or application ("ICE-" = "Luftqualität"); unmatched ones take
    /// `category`, else what the message says.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub categories: std::collections::BTreeMap<String, String>,
}

/// Classes of one quantity's values, e.g. soil moisture: below 10 dry,
/// below 30 good, above wet — or, for states, one class per value, e.g. a
/// signal group's colour: red / yellow / green.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueClasses {
    /// The quantity as the source names it ("water_SOIL", "no2", "color").
    pub quantity: String,
    /// Ascending class limits: n limits make n + 1 classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<f64>,
    /// Or: the text values, one class each, in rising order of concern
    /// (the highest class among a station's values colours its marker).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    pub labels: Vec<String>,
    /// "#rrggbb" per class.
    pub colors: Vec<String>,
}

impl ValueClasses {
    /// The class of a number: the number of limits it reaches.
    pub fn class_of(&self, value: f64) -> usize {
        self.breaks.iter().take_while(|b| value >= **b).count()
    }

    /// The class of a text value (compared without case), if listed.
    pub fn class_of_text(&self, value: &str) -> Option<usize> {
        self.values
            .iter()
            .position(|v| v.eq_ignore_ascii_case(value.trim()))
    }

    /// Why these classes cannot be used, if so (its `Display` gives the
    /// English words).
    pub fn problem(&self) -> Option<pw_text::Message> {
        use pw_text::Message;
        let said = |m: Message| Some(m.arg("quantity", &self.quantity));
        if !self.breaks.is_empty() && !self.values.is_empty() {
            return said(Message::new("scene.error.classes_both").english(
                "'{quantity}': give either breaks (numbers) or values (texts), not both",
            ));
        }
        if self.breaks.iter().any(|b| !b.is_finite())
            || self.breaks.windows(2).any(|w| w[0] >= w[1])
        {
            return said(
                Message::new("scene.error.classes_breaks")
                    .english("'{quantity}': breaks must be finite and ascending"),
            );
        }
        let n = if self.values.is_empty() {
            self.breaks.len() + 1
        } else {
            self.values.len()
        };
        if self.labels.len() != n || self.colors.len() != n {
            return said(if self.values.is_empty() {
                Message::new("scene.error.classes_count_breaks")
                    .arg("breaks", self.breaks.len())
                    .arg("n", n)
                    .english("'{quantity}': {breaks} breaks make {n} classes, so give {n} labels and {n} colors")
            } else {
                Message::new("scene.error.classes_count_values")
                    .arg("n", n)
                    .english("'{quantity}': {n} values make {n} classes, so give {n} labels and {n} colors")
            });
        }
        self.colors
            .iter()
            .find(|c| parse_hex_color(c).is_none())
            .and_then(|c| {
                said(
                    Message::new("scene.error.classes_color")
                        .arg("color", format!("{c:?}"))
                        .english("'{quantity}': color {color} is not #rrggbb"),
                )
            })
    }
}

/// Parses "#rrggbb" into linear-free sRGB components 0..1.
pub fn parse_hex_color(s: &str) -> Option<[f32; 3]> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some([
        ((v >> 16) & 255) as f32 / 255.0,
        ((v >> 8) & 255) as f32 / 255.0,
        (v & 255) as f32 / 255.0,
    ])
}

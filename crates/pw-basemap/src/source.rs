//! A basemap layer of the scene as a tile grid plus the URL of each tile.

use crate::grid::{TileGrid, TileId};
use crate::wmts::Capabilities;
use pw_scene::{BasemapService, BasemapSettings};
use pw_text::Message;

#[derive(Debug, Clone, PartialEq)]
pub struct Basemap {
    pub grid: TileGrid,
    request: Request,
}

#[derive(Debug, Clone, PartialEq)]
enum Request {
    /// {z}/{x}/{y} template; `tms` counts rows from the south.
    Xyz {
        template: String,
        tms: bool,
    },
    Wms {
        base: String,
        query: String,
        geographic: bool,
    },
    /// RESTful template with {TileMatrix}/{TileRow}/{TileCol}.
    WmtsRest {
        template: String,
    },
    WmtsKvp {
        base: String,
        query: String,
    },
}

fn join_query(base: &str) -> String {
    let b = base.trim_end_matches(['?', '&']);
    if b.contains('?') {
        format!("{b}&")
    } else {
        format!("{b}?")
    }
}

/// Query value escaping for the few characters layer names and MIME types
/// carry.
fn esc(v: &str) -> String {
    v.replace('%', "%25")
        .replace(' ', "%20")
        .replace('&', "%26")
        .replace('/', "%2F")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

impl Basemap {
    /// XYZ, TMS or WMS from the scene's settings (`scene_crs` is what a WMS
    /// is asked in unless the settings name another CRS).
    pub fn new(
        url: &str,
        settings: &BasemapSettings,
        scene_crs: pw_geo::Crs,
    ) -> Result<Basemap, Message> {
        if !(url.starts_with("http://")
            || url.starts_with("https://")
            || url.starts_with("file://"))
        {
            return Err(Message::new("basemap.error.not_web")
                .arg("url", url)
                .english("\"{url}\" is not an http(s) address"));
        }
        match settings.service {
            BasemapService::Xyz | BasemapService::Tms => {
                if !(url.contains("{z}")
                    && url.contains("{x}")
                    && (url.contains("{y}") || url.contains("{-y}")))
                {
                    return Err(Message::new("basemap.error.xyz_template")
                        .arg("url", url)
                        .english(
                            "{url}: an XYZ address needs {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                        ));
                }
                Ok(Basemap {
                    grid: TileGrid::web_mercator(settings.max_zoom.unwrap_or(19)),
                    request: Request::Xyz {
                        template: url.to_string(),
                        tms: settings.service == BasemapService::Tms,
                    },
                })
            }
            BasemapService::Wms => {
                let crs = match &settings.crs {
                    Some(c) => pw_geo::Crs::parse(c).map_err(|e| e.message())?,
                    None => scene_crs,
                };
                let layers = settings.layers.as_deref().ok_or_else(|| {
                    Message::new("basemap.error.wms_layers")
                        .arg("url", url)
                        .english("{url}: a WMS needs layers = \"…\"")
                })?;
                let format = settings.format.as_deref().unwrap_or("image/png");
                let query = format!(
                    "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={}&STYLES=&CRS={}&WIDTH=256&HEIGHT=256&FORMAT={}&TRANSPARENT=TRUE",
                    esc(layers),
                    esc(&crs.to_string()),
                    esc(format)
                );
                Ok(Basemap {
                    grid: TileGrid::for_wms(crs),
                    request: Request::Wms {
                        base: join_query(url),
                        query,
                        geographic: crs.is_geographic(),
                    },
                })
            }
            // Callers set a WMTS up with `from_wmts`; reaching this is our slip.
            BasemapService::Wmts => Err(Message::text("a WMTS is set up from its capabilities")),
        }
    }

    /// A WMTS from its GetCapabilities answer.
    pub fn from_wmts(
        url: &str,
        capabilities: &Capabilities,
        settings: &BasemapSettings,
    ) -> Result<Basemap, Message> {
        let layer = match &settings.layers {
            Some(id) => capabilities.layers.iter().find(|l| &l.id == id),
            None => capabilities.layers.first(),
        }
        .ok_or_else(|| {
            let known: Vec<&str> = capabilities.layers.iter().map(|l| l.id.as_str()).collect();
            Message::new("basemap.error.no_wmts_layer")
                .arg("layer", settings.layers.as_deref().unwrap_or(""))
                .arg("known", known.join(", "))
                .english("no WMTS layer \"{layer}\"; the service has: {known}")
        })?;
        let set = match &settings.tile_matrix_set {
            Some(s) => s.clone(),
            None => layer.matrix_sets.first().cloned().ok_or_else(|| {
                Message::new("basemap.error.no_set_linked")
                    .arg("layer", &layer.id)
                    .english("WMTS layer {layer} links no tile matrix set")
            })?,
        };
        let grid = capabilities.grid(&set)?;
        let style = settings
            .style
            .clone()
            .or_else(|| layer.default_style.clone())
            .unwrap_or_else(|| "default".into());
        let format = settings
            .format
            .clone()
            .or_else(|| layer.formats.first().cloned())
            .unwrap_or_else(|| "image/png".into());
        let request = match &layer.template {
            Some(t) => Request::WmtsRest {
                template: t
                    .replace("{Style}", &style)
                    .replace("{style}", &style)
                    .replace("{TileMatrixSet}", &set)
                    .replace("{Layer}", &layer.id),
            },
            None => {
                let base = capabilities
                    .get_tile_kvp
                    .clone()
                    .unwrap_or_else(|| url.split('?').next().unwrap_or(url).to_string());
                Request::WmtsKvp {
                    base: join_query(&base),
                    query: format!(
                        "SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={}&STYLE={}&FORMAT={}&TILEMATRIXSET={}",
                        esc(&layer.id),
                        esc(&style),
                        esc(&format),
                        esc(&set)
                    ),
                }
            }
        };
        // A service on the web names tiles on the web: its capabilities must
        // not make the app read the user's disk (`file:`).
        let web = |u: &str| u.starts_with("http://") || u.starts_with("https://");
        let tiles_at = match &request {
            Request::WmtsRest { template } => template.as_str(),
            Request::WmtsKvp { base, .. } => base.as_str(),
            _ => "",
        };
        if web(url) && !web(tiles_at) {
            return Err(Message::new("basemap.error.tiles_not_web")
                .arg("at", tiles_at)
                .english(
                    "the capabilities name tiles at \"{at}\", which is no web address; not used",
                ));
        }
        Ok(Basemap { grid, request })
    }

    pub fn url(&self, t: TileId) -> Option<String> {
        let m = self.grid.levels.get(t.level as usize)?;
        Some(match &self.request {
            Request::Xyz { template, tms } => {
                let y = if *tms {
                    m.matrix_height - 1 - t.row
                } else {
                    t.row
                };
                template
                    .replace("{z}", &m.id)
                    .replace("{x}", &t.col.to_string())
                    .replace("{-y}", &(m.matrix_height - 1 - t.row).to_string())
                    .replace("{y}", &y.to_string())
                    .replace("{s}", ["a", "b", "c"][(t.col + t.row) as usize % 3])
            }
            Request::Wms {
                base,
                query,
                geographic,
            } => {
                let b = self.grid.bounds(t)?;
                // WMS 1.3.0 with EPSG:4326 wants latitude first.
                let bbox = if *geographic {
                    format!("{},{},{},{}", b[1], b[0], b[3], b[2])
                } else {
                    format!("{},{},{},{}", b[0], b[1], b[2], b[3])
                };
                format!("{base}{query}&BBOX={bbox}")
            }
            Request::WmtsRest { template } => template
                .replace("{TileMatrix}", &m.id)
                .replace("{TileRow}", &t.row.to_string())
                .replace("{TileCol}", &t.col.to_string()),
            Request::WmtsKvp { base, query } => format!(
                "{base}{query}&TILEMATRIX={}&TILEROW={}&TILECOL={}",
                esc(&m.id),
                t.row,
                t.col
            ),
        })
    }
}

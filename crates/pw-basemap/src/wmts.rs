//! WMTS GetCapabilities (OGC 07-057r7): layers with their styles, formats,
//! tile matrix set links and RESTful URL templates; tile matrix sets with
//! their CRS and matrices; the KVP GetTile address.

use crate::grid::{OGC_PIXEL, TileGrid, TileMatrix};
use quick_xml::Reader;
use quick_xml::events::Event;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct WmtsLayer {
    pub id: String,
    pub title: String,
    pub default_style: Option<String>,
    pub formats: Vec<String>,
    pub matrix_sets: Vec<String>,
    /// RESTful tile URL template, if the service offers one.
    pub template: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Capabilities {
    pub layers: Vec<WmtsLayer>,
    /// (identifier, CRS text, matrices as read: id, scale denominator,
    /// top-left as written, tile w/h, matrix w/h).
    pub matrix_sets: Vec<(String, String, Vec<TileMatrix>)>,
    /// GetTile KVP endpoint.
    pub get_tile_kvp: Option<String>,
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or("").to_string()
}

/// Capabilities from the server's bytes, in the encoding they declare.
pub fn parse_bytes(bytes: &[u8]) -> Result<Capabilities, String> {
    parse(&pw_xml::decode(bytes).text)
}

pub fn parse(xml: &str) -> Result<Capabilities, String> {
    let mut r = Reader::from_str(xml);
    r.config_mut().trim_text(true);
    let mut caps = Capabilities::default();
    let mut path: Vec<String> = Vec::new();
    let mut layer: Option<WmtsLayer> = None;
    let mut set: Option<(String, String, Vec<TileMatrix>)> = None;
    let mut matrix: Option<(TileMatrix, f64)> = None;
    let mut style_default = false;
    let mut in_get_tile = false;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", r.buffer_position()))?;
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            {
                let name = local(e.name().as_ref());
                let attr = |key: &str| pw_xml::attribute(&e, key);
                let parent = path.last().map(String::as_str).unwrap_or("");
                match (parent, name.as_str()) {
                    ("Contents", "Layer") => layer = Some(WmtsLayer::default()),
                    ("Contents", "TileMatrixSet") => {
                        set = Some((String::new(), String::new(), Vec::new()))
                    }
                    ("TileMatrixSet", "TileMatrix") if set.is_some() => {
                        matrix = Some((
                            TileMatrix {
                                id: String::new(),
                                resolution: 0.0,
                                top_left: [0.0, 0.0],
                                tile_width: 256,
                                tile_height: 256,
                                matrix_width: 1,
                                matrix_height: 1,
                            },
                            0.0,
                        ))
                    }
                    ("Layer", "Style") => {
                        style_default = attr("isDefault").is_some_and(|v| v == "true")
                    }
                    ("Layer", "ResourceURL") => {
                        if let Some(l) = layer.as_mut()
                            && attr("resourceType").as_deref() == Some("tile")
                            && l.template.is_none()
                        {
                            l.template = attr("template");
                        }
                    }
                    (_, "Operation") => {
                        in_get_tile = attr("name").as_deref() == Some("GetTile");
                    }
                    _ => {}
                }
                if name == "Get" && in_get_tile && caps.get_tile_kvp.is_none() {
                    caps.get_tile_kvp = attr("href");
                }
                if !empty {
                    path.push(name);
                } else if name == "Style" {
                    style_default = false;
                }
            }
            continue;
        }
        match ev {
            Event::Text(t) => {
                let text = t.xml10_content().trim().to_string();
                let n = path.len();
                let here = path.last().map(String::as_str).unwrap_or("");
                let parent = if n >= 2 { path[n - 2].as_str() } else { "" };
                if let Some((m, scale)) = matrix.as_mut() {
                    match here {
                        "Identifier" => m.id = text,
                        "ScaleDenominator" => *scale = text.parse().unwrap_or(0.0),
                        "TopLeftCorner" => {
                            let v: Vec<f64> = text
                                .split_whitespace()
                                .filter_map(|s| s.parse().ok())
                                .collect();
                            if v.len() >= 2 {
                                m.top_left = [v[0], v[1]];
                            }
                        }
                        "TileWidth" => m.tile_width = text.parse().unwrap_or(256),
                        "TileHeight" => m.tile_height = text.parse().unwrap_or(256),
                        "MatrixWidth" => m.matrix_width = text.parse().unwrap_or(1),
                        "MatrixHeight" => m.matrix_height = text.parse().unwrap_or(1),
                        _ => {}
                    }
                } else if let Some(s) = set.as_mut() {
                    match (parent, here) {
                        ("TileMatrixSet", "Identifier") => s.0 = text,
                        ("TileMatrixSet", "SupportedCRS") => s.1 = text,
                        _ => {}
                    }
                } else if let Some(l) = layer.as_mut() {
                    match (parent, here) {
                        ("Layer", "Identifier") => l.id = text,
                        ("Layer", "Title") => l.title = text,
                        ("Layer", "Format") => l.formats.push(text),
                        ("Style", "Identifier") if style_default || l.default_style.is_none() => {
                            l.default_style = Some(text);
                        }
                        ("TileMatrixSetLink", "TileMatrixSet") => l.matrix_sets.push(text),
                        _ => {}
                    }
                }
            }
            Event::End(e) => {
                let name = local(e.name().as_ref());
                path.pop();
                match name.as_str() {
                    "TileMatrix" if matrix.is_some() => {
                        let (mut m, scale) = matrix.take().unwrap();
                        // Keep the scale for now; resolution needs the CRS.
                        m.resolution = scale;
                        if let Some(s) = set.as_mut() {
                            s.2.push(m);
                        }
                    }
                    "TileMatrixSet"
                        if set.is_some()
                            && matrix.is_none()
                            && path.last().is_some_and(|p| p == "Contents") =>
                    {
                        caps.matrix_sets.push(set.take().unwrap());
                    }
                    "Layer" if path.last().is_some_and(|p| p == "Contents") => {
                        if let Some(l) = layer.take() {
                            caps.layers.push(l);
                        }
                    }
                    "Operation" => in_get_tile = false,
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if caps.layers.is_empty() {
        return Err(
            "no WMTS layers in the capabilities (is this a WMTS GetCapabilities answer?)".into(),
        );
    }
    Ok(caps)
}

impl Capabilities {
    /// The tile grid of a matrix set: scale denominators become ground
    /// resolutions (0.28 mm pixels), corners in the CRS's axis order are
    /// turned to x/y.
    pub fn grid(&self, set_id: &str) -> Result<TileGrid, pw_text::Message> {
        use pw_text::Message;
        let (_, crs_text, matrices) = self
            .matrix_sets
            .iter()
            .find(|(id, _, _)| id == set_id)
            .ok_or_else(|| {
                let known: Vec<&str> = self.matrix_sets.iter().map(|s| s.0.as_str()).collect();
                Message::new("basemap.error.no_matrix_set")
                    .arg("set", set_id)
                    .arg("known", known.join(", "))
                    .english("no tile matrix set \"{set}\"; the service has: {known}")
            })?;
        let crs = pw_geo::Crs::parse(crs_text).map_err(|e| {
            Message::new("basemap.error.set_crs")
                .arg("set", set_id)
                .arg_message("why", e.message())
                .english("{set}: {why}")
        })?;
        let geographic = crs.is_geographic();
        // Metres per CRS unit: a degree of the equator for geographic CRS.
        let per_unit = if geographic {
            111_319.490_793_273_6
        } else {
            1.0
        };
        let mut levels: Vec<TileMatrix> = matrices
            .iter()
            .map(|m| TileMatrix {
                resolution: m.resolution * OGC_PIXEL / per_unit,
                // EPSG:4326 and friends write latitude first.
                top_left: if geographic {
                    [m.top_left[1], m.top_left[0]]
                } else {
                    m.top_left
                },
                ..m.clone()
            })
            .collect();
        levels.sort_by(|a, b| b.resolution.total_cmp(&a.resolution));
        if levels.is_empty() {
            return Err(Message::new("basemap.error.empty_set")
                .arg("set", set_id)
                .english("tile matrix set \"{set}\" has no matrices"));
        }
        Ok(TileGrid { crs, levels })
    }
}

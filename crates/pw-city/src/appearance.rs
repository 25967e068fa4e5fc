//! CityGML appearances: themes, X3D materials and parameterized textures
//! (image + texture coordinates per linear ring), CityGML 1.0/2.0
//! (`target`/`textureCoordinates ring=`) and 3.0 (`TextureAssociation`,
//! `ring` elements). Read in a quick pass before the geometry so that the
//! geometry reader can attach looks to the rings and polygons it builds.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;

/// One theme's look of a ring: which image, and a texture coordinate per
/// ring point as written (closing point included).
#[derive(Debug, Clone, PartialEq)]
pub struct RingTexture {
    pub theme: u16,
    pub image: u32,
    pub uv: Vec<[f32; 2]>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppearanceIndex {
    pub themes: Vec<String>,
    /// Image URIs as written, relative to the CityGML file.
    pub images: Vec<String>,
    pub ring_textures: HashMap<String, Vec<RingTexture>>,
    /// X3D material diffuse colour + opacity per polygon id and theme.
    pub polygon_colors: HashMap<String, Vec<(u16, [f32; 4])>>,
    pub warnings: Vec<pw_text::Message>,
}

impl AppearanceIndex {
    pub fn is_empty(&self) -> bool {
        self.ring_textures.is_empty() && self.polygon_colors.is_empty()
    }
}

/// What a surface-data element (texture or material) says, kept by gml:id
/// so that `surfaceDataMember xlink:href` in another theme can reuse it.
#[derive(Debug, Clone, Default)]
struct SurfaceData {
    image: Option<u32>,
    /// (ring id, uv) pairs of a texture.
    rings: Vec<(String, Vec<[f32; 2]>)>,
    color: Option<[f32; 4]>,
    /// Polygon ids a material applies to.
    targets: Vec<String>,
}

fn numbers(text: &str) -> Vec<f32> {
    text.split_ascii_whitespace()
        .filter_map(|t| t.parse::<f32>().ok())
        .collect()
}

/// Reads the appearances of a CityGML document. Cheap when there are none.
pub fn read(data: &[u8]) -> AppearanceIndex {
    let mut index = AppearanceIndex::default();
    // Namespace declarations mention "appearance" everywhere; only real
    // surface data is worth a second pass over a large file.
    let has = |needle: &[u8]| memchr::memmem::find(data, needle).is_some();
    if !(has(b"ParameterizedTexture") || has(b"X3DMaterial") || has(b"GeoreferencedTexture")) {
        return index;
    }
    let mut reader = Reader::from_reader(data);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut theme: Option<u16> = None;
    let mut current: Option<(Option<String>, SurfaceData)> = None;
    let mut by_id: HashMap<String, SurfaceData> = HashMap::new();
    // Per theme: surface data in use (inline or by reference).
    let mut uses: Vec<(u16, SurfaceData)> = Vec::new();
    let mut pending_theme_refs: Vec<(u16, String)> = Vec::new();
    // CityGML 1/2: ring attribute on textureCoordinates; 3.0: <ring> after.
    let mut coords: Vec<Vec<[f32; 2]>> = Vec::new();
    let mut ring_refs: Vec<String> = Vec::new();
    let mut text_ring_attr: Option<String> = None;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                // The geometry reader reports the broken XML itself; say
                // only what it means for the looks.
                if !index.themes.is_empty() {
                    index.warnings.push(
                        pw_text::Message::new("city.issue.appearances_cut")
                            .arg("byte", reader.buffer_position())
                            .arg("detail", e)
                            .english("appearances after byte {byte} not read: {detail}"),
                    );
                }
                break;
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = pw_xml::local_name(e).to_owned();
                let is_empty = matches!(event, Event::Empty(_));
                let attr = |key: &str| pw_xml::attribute(e, key);
                match name.as_str() {
                    "Appearance" => theme = None,
                    "ParameterizedTexture" | "X3DMaterial" => {
                        current = Some((attr("id"), SurfaceData::default()));
                    }
                    "GeoreferencedTexture" => index.warnings.push(
                        pw_text::Message::new("city.issue.georeferenced_texture").english(
                            "georeferenced textures (GeoreferencedTexture) are not shown yet",
                        ),
                    ),
                    "surfaceDataMember" | "surfaceData" if is_empty => {
                        if let (Some(t), Some(href)) = (theme, attr("href")) {
                            pending_theme_refs.push((t, href.trim_start_matches('#').to_string()));
                        }
                    }
                    "textureCoordinates" => text_ring_attr = attr("ring"),
                    "TexCoordList" => {
                        coords.clear();
                        ring_refs.clear();
                    }
                    _ => {}
                }
                if !is_empty {
                    path.push(name);
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                let text = text.trim();
                let leaf = path.last().map(String::as_str).unwrap_or("");
                match leaf {
                    "theme" => {
                        let i = match index.themes.iter().position(|x| x == text) {
                            Some(i) => i,
                            None => {
                                index.themes.push(text.to_string());
                                index.themes.len() - 1
                            }
                        };
                        theme = Some(i as u16);
                    }
                    "imageURI" => {
                        if let Some((_, d)) = current.as_mut() {
                            let i = match index.images.iter().position(|x| x == text) {
                                Some(i) => i,
                                None => {
                                    index.images.push(text.to_string());
                                    index.images.len() - 1
                                }
                            };
                            d.image = Some(i as u32);
                        }
                    }
                    "textureCoordinates" => {
                        let n = numbers(text);
                        let uv: Vec<[f32; 2]> = n.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
                        match text_ring_attr.take() {
                            Some(ring) => {
                                if let Some((_, d)) = current.as_mut() {
                                    d.rings.push((ring.trim_start_matches('#').to_string(), uv));
                                }
                            }
                            None => coords.push(uv),
                        }
                    }
                    "ring" => ring_refs.push(text.trim_start_matches('#').to_string()),
                    "diffuseColor" => {
                        if let Some((_, d)) = current.as_mut()
                            && let [r, g, b] = numbers(text)[..]
                        {
                            let a = d.color.map(|c| c[3]).unwrap_or(1.0);
                            d.color = Some([r, g, b, a]);
                        }
                    }
                    "transparency" => {
                        if let Some((_, d)) = current.as_mut()
                            && let Ok(t) = text.parse::<f32>()
                        {
                            let mut c = d.color.unwrap_or([0.8, 0.8, 0.8, 1.0]);
                            c[3] = (1.0 - t).clamp(0.0, 1.0);
                            d.color = Some(c);
                        }
                    }
                    "target" if !text.is_empty() => {
                        // X3DMaterial: <target>#polygon</target>.
                        if let Some((_, d)) = current.as_mut() {
                            d.targets.push(text.trim_start_matches('#').to_string());
                        }
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                match name.as_str() {
                    "TexCoordList" => {
                        // 3.0: coordinates and <ring> references pair up in order.
                        if let Some((_, d)) = current.as_mut() {
                            for (uv, ring) in coords.drain(..).zip(ring_refs.drain(..)) {
                                d.rings.push((ring, uv));
                            }
                        }
                    }
                    "ParameterizedTexture" | "X3DMaterial" => {
                        if let Some((id, data)) = current.take() {
                            if let Some(id) = id {
                                by_id.insert(id, data.clone());
                            }
                            if let Some(t) = theme {
                                uses.push((t, data));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    for (t, id) in pending_theme_refs {
        match by_id.get(&id) {
            Some(d) => uses.push((t, d.clone())),
            None => index.warnings.push(
                pw_text::Message::new("city.issue.dangling_appearance")
                    .arg("id", id)
                    .english("appearance reference #{id} points nowhere"),
            ),
        }
    }
    for (theme, data) in uses {
        if let Some(image) = data.image {
            for (ring, uv) in data.rings {
                let list = index.ring_textures.entry(ring).or_default();
                if !list.iter().any(|r| r.theme == theme) {
                    list.push(RingTexture { theme, image, uv });
                }
            }
        }
        if let Some(color) = data.color {
            for polygon in data.targets {
                let list = index.polygon_colors.entry(polygon).or_default();
                if !list.iter().any(|(t, _)| *t == theme) {
                    list.push((theme, color));
                }
            }
        }
    }
    index
}

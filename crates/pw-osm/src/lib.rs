//! OpenStreetMap data as it is in the file: nodes with their positions,
//! ways with their node lists, relations with their members, all with
//! tags. Read from `.osm` XML, gzip-compressed `.osm.gz` and `.osm.pbf`.
//! What the data means (buildings, roads, water, a road network) is
//! decided by the readers that use it (pw-vector, pw-traffic).

mod model;
mod pbf;
mod xml;

pub use model::*;

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    #[error("{}: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}, near byte {position}: {what}", file.display())]
    Xml {
        file: PathBuf,
        position: u64,
        what: String,
    },
    #[error("{}: {what}", file.display())]
    Pbf { file: PathBuf, what: String },
}

/// The file's encoding, from its first bytes (names lie: a `.osm` may be
/// gzipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Xml,
    GzipXml,
    Pbf,
}

pub fn sniff(head: &[u8]) -> Option<Encoding> {
    if head.starts_with(&[0x1f, 0x8b]) {
        return Some(Encoding::GzipXml);
    }
    // A PBF starts with the 4-byte length of its first BlobHeader, which
    // names the blob type "OSMHeader".
    if head.len() >= 18 && head[..2] == [0, 0] && head[4..18].windows(9).any(|w| w == b"OSMHeader")
    {
        return Some(Encoding::Pbf);
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]);
    text.contains("<osm").then_some(Encoding::Xml)
}

/// Whether a file name looks like OSM data.
pub fn is_osm_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".osm") || name.ends_with(".osm.gz") || name.ends_with(".osm.pbf")
}

pub fn read_file(path: &Path) -> Result<OsmData, OsmError> {
    let io = |source| OsmError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    // Enough for an XML prologue (declaration, comments, a BOM) before <osm.
    let mut head = [0u8; 1024];
    let n = read_head(&mut file, &mut head).map_err(io)?;
    let file = std::fs::File::open(path).map_err(io)?;
    match sniff(&head[..n]) {
        Some(Encoding::Pbf) => pbf::read(file, path),
        Some(Encoding::GzipXml) => xml::read(
            BufReader::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))),
            path,
        ),
        Some(Encoding::Xml) => xml::read(BufReader::new(file), path),
        None => Err(OsmError::Xml {
            file: path.to_path_buf(),
            position: 0,
            what: "neither OSM XML (<osm …>), gzipped OSM XML nor an OSM PBF file".into(),
        }),
    }
}

fn read_head(file: &mut std::fs::File, head: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Reads OSM XML from memory (tests, fuzzing).
pub fn read_xml(bytes: &[u8]) -> Result<OsmData, OsmError> {
    xml::read(bytes, Path::new("(memory)"))
}

/// Reads an OSM PBF from memory (tests, fuzzing).
pub fn read_pbf(bytes: &[u8]) -> Result<OsmData, OsmError> {
    pbf::read(std::io::Cursor::new(bytes.to_vec()), Path::new("(memory)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_members_and_deleted_elements() {
        let xml = br#"<?xml version="1.0"?><osm version="0.6">
<node id="1" lat="50.9" lon="11.5"><tag k="natural" v="tree"/><tag k="name" v="Linde &amp; Eiche"/></node>
<node id="2" lat="50.91" lon="11.51"/>
<node id="3" lat="50.92" lon="11.52" action="delete"/>
<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
<relation id="20"><member type="way" ref="10" role="outer"/><tag k="type" v="multipolygon"/></relation>
</osm>"#;
        let change = br#"<osmChange version="0.6"><create><node id="4" lat="1" lon="2"/></create>
<delete><node id="5" lat="1" lon="2"/></delete></osmChange>"#;
        let c = read_xml(change).unwrap();
        assert_eq!(c.nodes.iter().map(|n| n.id).collect::<Vec<_>>(), vec![4]);
        let d = read_xml(xml).unwrap();
        assert_eq!(d.nodes.len(), 2);
        assert_eq!(tag(&d.nodes[0].tags, "name"), Some("Linde & Eiche"));
        assert_eq!(d.ways[0].nodes, vec![1, 2]);
        assert_eq!(
            d.relations[0].members,
            vec![Member {
                kind: MemberKind::Way,
                id: 10,
                role: "outer".into()
            }]
        );
    }

    #[test]
    fn bad_files_say_what_and_where() {
        let e = |t: &[u8]| read_xml(t).unwrap_err().to_string();
        assert_eq!(
            e(br#"<osm><node id="x" lat="1" lon="2"/></osm>"#),
            "(memory), near byte 5: <node id=\"x\">: not a whole number"
        );
        assert_eq!(
            e(br#"<osm><node id="1" lat="91" lon="2"/></osm>"#),
            "(memory), near byte 5: node 1: lat 91, lon 2 is not a place on earth"
        );
        assert_eq!(
            e(br#"<osm><relation id="1"><member type="area" ref="2"/></relation></osm>"#),
            "(memory), near byte 22: relation 1: member type “area” (node, way or relation expected)"
        );
        assert_eq!(
            e(b"<gpx></gpx>"),
            "(memory), near byte 0: no <osm> element: this is not OSM XML"
        );
        assert!(e(br#"<osm><node id="1" lat="1" lon="2"></way></osm>"#).contains("broken XML"));
        assert!(read_pbf(b"\0\0\0\x0dnot really a pbf file").is_err());
    }

    #[test]
    fn the_encoding_is_known_from_the_first_bytes() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Some(Encoding::GzipXml));
        assert_eq!(
            sniff(b"<?xml version='1.0'?>\n<osm version=\"0.6\">"),
            Some(Encoding::Xml)
        );
        assert_eq!(sniff(b"{\"type\":\"FeatureCollection\"}"), None);
        let mut long_prologue = b"<?xml version='1.0'?>\n<!-- ".to_vec();
        long_prologue.extend(std::iter::repeat_n(b'x', 600));
        long_prologue.extend(b" -->\n<osm version=\"0.6\">");
        assert_eq!(sniff(&long_prologue), Some(Encoding::Xml));
    }
}

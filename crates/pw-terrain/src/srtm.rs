//! SRTM height tiles (`N50E011.hgt`, also zipped as `N50E011.hgt.zip`, as
//! they are handed out): a square of big-endian 16-bit heights in metres
//! above the EGM96 geoid, 1201 × 1201 (3″) or 3601 × 3601 (1″) samples,
//! row 0 at the tile's north edge, samples on whole arc-seconds (the edge
//! rows and columns are shared with the neighbours). The place comes from
//! the name alone: N/S latitude and E/W longitude of the south-west corner.
//! −32768 marks a void.

use crate::grid::{DemError, Grid, file_error, said, system};
use std::io::Read;
use std::path::Path;

const VOID: i16 = -32768;

/// Whether a file name is an SRTM tile (`.hgt`, `.hgt.zip`).
pub fn is_srtm(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".hgt") || name.ends_with(".hgt.zip")
}

/// South-west corner (lat, lon) from a tile name such as `N50E011.hgt`.
pub fn corner_of(name: &str) -> Option<(f64, f64)> {
    let name = name.to_ascii_uppercase();
    let b = name.as_bytes();
    if b.len() < 7 {
        return None;
    }
    let sign = |c: u8, plus: u8, minus: u8| match c {
        c if c == plus => Some(1.0),
        c if c == minus => Some(-1.0),
        _ => None,
    };
    let lat = sign(b[0], b'N', b'S')? * name.get(1..3)?.parse::<f64>().ok()?;
    let lon = sign(b[3], b'E', b'W')? * name.get(4..7)?.parse::<f64>().ok()?;
    ((-90.0..90.0).contains(&lat) && (-180.0..180.0).contains(&lon)).then_some((lat, lon))
}

pub fn read_file(path: &Path) -> Result<Grid, DemError> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| file_error(path, system(e)))?;
    read_bytes(&file_name, bytes).map_err(|m| file_error(path, m))
}

/// A tile from a file's bytes: `file_name` says whether it is zipped and,
/// for a bare `.hgt`, where the tile lies.
pub fn read_bytes(file_name: &str, bytes: Vec<u8>) -> Result<Grid, pw_text::Message> {
    if !file_name.to_ascii_lowercase().ends_with(".zip") {
        return parse(file_name, &bytes);
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        pw_text::Message::new("terrain.srtm.not_zip")
            .arg("detail", e)
            .english("not a readable zip: {detail}")
    })?;
    let entry = (0..archive.len())
        .find(|&i| {
            archive.by_index(i).is_ok_and(|f| {
                f.name()
                    .is_ok_and(|n| n.to_ascii_lowercase().ends_with(".hgt"))
            })
        })
        .ok_or_else(|| said("terrain.srtm.no_hgt", "the zip holds no .hgt file"))?;
    let mut f = archive.by_index(entry).map_err(system)?;
    let name = f
        .name()
        .map_err(system)?
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string();
    // A tile is at most 3601² samples: refuse to unpack more.
    let mut data = Vec::new();
    (&mut f)
        .take(3601 * 3601 * 2 + 1)
        .read_to_end(&mut data)
        .map_err(system)?;
    parse(&name, &data)
}

/// The tile named `name` from its raw bytes.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Grid, pw_text::Message> {
    let (lat, lon) = corner_of(name).ok_or_else(|| {
        pw_text::Message::new("terrain.srtm.name")
            .arg("name", name)
            .english("“{name}” does not name an SRTM tile (e.g. N50E011.hgt): its place is unknown")
    })?;
    let side = match bytes.len() {
        n if n == 1201 * 1201 * 2 => 1201,
        n if n == 3601 * 3601 * 2 => 3601,
        n => {
            return Err(pw_text::Message::new("terrain.srtm.size")
                .arg("n", n)
                .english("{n} bytes: an SRTM tile has 1201² or 3601² samples of 2 bytes"));
        }
    };
    let values = bytes
        .chunks_exact(2)
        .map(|b| match i16::from_be_bytes([b[0], b[1]]) {
            VOID => f32::NAN,
            h => f32::from(h),
        })
        .collect();
    // Samples lie on the whole arc-seconds; a cell is centred on each.
    let step = 1.0 / (side - 1) as f64;
    Ok(Grid {
        width: side,
        height: side,
        x0: lon - step / 2.0,
        y0: lat + 1.0 + step / 2.0,
        dx: step,
        dy: step,
        values,
        crs: Some(pw_geo::Crs::WGS84),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tile_name_gives_the_corner() {
        assert_eq!(corner_of("N50E011.hgt"), Some((50.0, 11.0)));
        assert_eq!(corner_of("s33w071.hgt"), Some((-33.0, -71.0)));
        assert_eq!(corner_of("X50E011.hgt"), None);
        assert_eq!(corner_of("N9"), None);
    }

    #[test]
    fn a_wrong_size_or_name_is_said() {
        assert!(
            parse("N50E011.hgt", &[0; 10])
                .unwrap_err()
                .to_string()
                .contains("1201²")
        );
        assert!(
            parse("hoehen.hgt", &[0; 1201 * 1201 * 2])
                .unwrap_err()
                .to_string()
                .contains("N50E011")
        );
    }
}

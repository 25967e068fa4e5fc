//! A city of any size from the real NRW LoD2 tile (assets/demo): the tile
//! copied side by side, every copy shifted by whole kilometres and its ids
//! made unique — the 40,000-building city of the load and edit benchmarks.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The demo tile (83 buildings, 50 parts).
pub fn tile_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/demo/nrw/LoD2_32_280_5657_1_NW.gml")
}

/// Buildings per copy of the tile.
pub const BUILDINGS_PER_TILE: usize = 83;

/// Shifts every coordinate triple inside posList/pos/lowerCorner/upperCorner.
fn shift_coordinates(body: &str, dx: f64, dy: f64) -> String {
    let mut out = String::with_capacity(body.len() + body.len() / 10);
    let mut rest = body;
    let tags = [
        "<gml:posList",
        "<gml:pos",
        "<gml:lowerCorner",
        "<gml:upperCorner",
    ];
    while let Some(start) = tags.iter().filter_map(|t| rest.find(t)).min() {
        let open_end = start + rest[start..].find('>').unwrap() + 1;
        out.push_str(&rest[..open_end]);
        let close = open_end + rest[open_end..].find('<').unwrap();
        let nums: Vec<f64> = rest[open_end..close]
            .split_ascii_whitespace()
            .map(|t| t.parse().unwrap())
            .collect();
        let mut first = true;
        for (i, v) in nums.iter().enumerate() {
            if !first {
                out.push(' ');
            }
            first = false;
            let shifted = match i % 3 {
                0 => v + dx,
                1 => v + dy,
                _ => *v,
            };
            out.push_str(&format!("{shifted:.3}"));
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// Writes `copies` of the tile into one CityGML file; returns (buildings,
/// bytes).
pub fn generate(out: &Path, copies: usize) -> std::io::Result<(usize, u64)> {
    let text = std::fs::read_to_string(tile_path())?;
    let first = text.find("<core:cityObjectMember>").unwrap();
    let last = text.rfind("</core:cityObjectMember>").unwrap() + "</core:cityObjectMember>".len();
    let (head, body, tail) = (&text[..first], &text[first..last], &text[last..]);
    let per_row = (copies as f64).sqrt().ceil() as usize;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    f.write_all(head.as_bytes())?;
    for k in 0..copies {
        let dx = 1000.0 * (k % per_row) as f64;
        let dy = 1000.0 * (k / per_row) as f64;
        let unique = body
            .replace("gml:id=\"", &format!("gml:id=\"c{k}_"))
            .replace("xlink:href=\"#", &format!("xlink:href=\"#c{k}_"));
        f.write_all(shift_coordinates(&unique, dx, dy).as_bytes())?;
    }
    f.write_all(tail.as_bytes())?;
    f.flush()?;
    Ok((copies * BUILDINGS_PER_TILE, std::fs::metadata(out)?.len()))
}

/// The tiled city in `target/bench-data/nrw_x{copies}.gml`, written once.
pub fn tiled_city(copies: usize) -> std::io::Result<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir)?;
    let big = dir.join(format!("nrw_x{copies}.gml"));
    if !big.exists() {
        let part = big.with_extension("gml.part");
        generate(&part, copies)?;
        std::fs::rename(&part, &big)?;
    }
    Ok(big)
}

//! GeoTIFF DEMs: any sample type, strips or tiles, uncompressed, LZW or
//! Deflate (the `tiff` crate decodes); georeference from the GeoTIFF tags
//! (pixel scale + tie point, or an unrotated transformation matrix, pixel-
//! is-area or pixel-is-point) or from a world file next to it; CRS from the
//! GeoKeys; nodata from GDAL's tag.

use crate::grid::{DemError, Grid, file_error, said, system};
use pw_geo::Crs;
use std::path::{Path, PathBuf};
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;

/// Problems that do not stop the read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Notes {
    pub warnings: Vec<pw_text::Message>,
}

/// Largest grid we read into memory (cells); 400 M cells = 1.6 GB as f32.
const MAX_CELLS: u64 = 400_000_000;

pub fn read_file(path: &Path) -> Result<(Grid, Notes), DemError> {
    let file = std::fs::File::open(path).map_err(|e| file_error(path, system(e)))?;
    let mut decoder = Decoder::new(std::io::BufReader::new(file))
        .map_err(|e| {
            file_error(
                path,
                pw_text::Message::new("terrain.error.not_tiff")
                    .arg("detail", e)
                    .english("not a readable TIFF: {detail}"),
            )
        })?
        .with_limits(Limits::unlimited());
    let (width, height) = decoder
        .dimensions()
        .map_err(|e| file_error(path, system(e)))?;
    if width as u64 * height as u64 > MAX_CELLS {
        return Err(file_error(
            path,
            pw_text::Message::new("terrain.error.too_many_cells")
                .arg("width", width)
                .arg("height", height)
                .english(
                    "{width} × {height} cells is more than this version reads at once; cut the DEM into tiles",
                ),
        ));
    }
    let mut notes = Notes::default();
    let samples = decoder
        .find_tag_unsigned::<u16>(Tag::SamplesPerPixel)
        .ok()
        .flatten()
        .unwrap_or(1)
        .max(1) as usize;
    if samples > 1 {
        notes.warnings.push(
            pw_text::Message::new("terrain.issue.bands")
                .arg("n", samples)
                .english("{n} bands: the first is read as height"),
        );
    }
    let nodata: Option<f64> = decoder
        .get_tag_ascii_string(Tag::GdalNodata)
        .ok()
        .and_then(|s| s.trim_matches(char::from(0)).trim().parse().ok());
    let geo = georeference(&mut decoder, path, width, height, &mut notes)?;
    let data = decoder.read_image().map_err(|e| {
        file_error(
            path,
            pw_text::Message::new("terrain.error.decode")
                .arg("detail", e)
                .english("cannot decode the image: {detail}"),
        )
    })?;
    let mut values = to_f32(data, samples).ok_or_else(|| {
        file_error(
            path,
            said("terrain.error.sample_type", "unsupported sample type"),
        )
    })?;
    if let Some(nd) = nodata {
        let nd32 = nd as f32;
        for v in &mut values {
            if *v == nd32 || (*v as f64 - nd).abs() < 1e-6 * nd.abs().max(1.0) {
                *v = f32::NAN;
            }
        }
    }
    if values.len() != width as usize * height as usize {
        return Err(file_error(
            path,
            said(
                "terrain.error.size_mismatch",
                "image size does not match its dimensions",
            ),
        ));
    }
    let grid = Grid {
        width: width as usize,
        height: height as usize,
        x0: geo.x0,
        y0: geo.y0,
        dx: geo.dx,
        dy: geo.dy,
        values,
        crs: geo.crs,
    };
    if grid.values.iter().all(|v| !v.is_finite()) {
        notes.warnings.push(
            pw_text::Message::new("terrain.issue.all_nodata")
                .english("every cell is nodata: the DEM holds no heights"),
        );
    }
    Ok((grid, notes))
}

fn to_f32(data: DecodingResult, samples: usize) -> Option<Vec<f32>> {
    let first = |v: Vec<f32>| v.into_iter().step_by(samples).collect::<Vec<f32>>();
    Some(first(match data {
        DecodingResult::U8(v) => v.into_iter().map(f32::from).collect(),
        DecodingResult::I8(v) => v.into_iter().map(f32::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f32::from).collect(),
        DecodingResult::I16(v) => v.into_iter().map(f32::from).collect(),
        DecodingResult::U32(v) => v.into_iter().map(|x| x as f32).collect(),
        DecodingResult::I32(v) => v.into_iter().map(|x| x as f32).collect(),
        DecodingResult::F32(v) => v,
        DecodingResult::F64(v) => v.into_iter().map(|x| x as f32).collect(),
        _ => return None,
    }))
}

struct Georef {
    x0: f64,
    y0: f64,
    dx: f64,
    dy: f64,
    crs: Option<Crs>,
}

fn georeference<R: std::io::Read + std::io::Seek>(
    decoder: &mut Decoder<R>,
    path: &Path,
    width: u32,
    height: u32,
    notes: &mut Notes,
) -> Result<Georef, DemError> {
    let keys = decoder
        .get_tag_u16_vec(Tag::GeoKeyDirectoryTag)
        .unwrap_or_default();
    let key = |id: u16| -> Option<u16> {
        keys.get(4..)?
            .chunks_exact(4)
            .find(|k| k[0] == id && k[1] == 0)
            .map(|k| k[3])
    };
    let crs = match key(3072).or_else(|| key(2048)) {
        Some(32767) => {
            notes.warnings.push(
                pw_text::Message::new("terrain.issue.user_crs")
                    .english("user-defined CRS in the GeoKeys: set the layer's CRS in the scene"),
            );
            None
        }
        Some(code) => Some(Crs::epsg(code as u32)),
        None => None,
    };
    let pixel_is_point = key(1025) == Some(2);
    let scale = decoder.get_tag_f64_vec(Tag::ModelPixelScaleTag).ok();
    let tie = decoder.get_tag_f64_vec(Tag::ModelTiepointTag).ok();
    let matrix = decoder.get_tag_f64_vec(Tag::ModelTransformationTag).ok();
    let (mut x0, mut y0, dx, dy) = match (scale, tie, matrix) {
        (Some(s), Some(t), _) if s.len() >= 2 && t.len() >= 6 => {
            (t[3] - t[0] * s[0], t[4] + t[1] * s[1], s[0], s[1])
        }
        (_, _, Some(m)) if m.len() == 16 => {
            if m[1].abs() > 1e-12 || m[4].abs() > 1e-12 {
                return Err(file_error(
                    path,
                    said(
                        "terrain.error.rotated",
                        "the grid is rotated; rotated DEMs are not supported",
                    ),
                ));
            }
            (m[3], m[7], m[0], -m[5])
        }
        _ => match world_file(path) {
            Some((wf, [a, d, b, e, c, f])) => {
                if d.abs() > 1e-12 || b.abs() > 1e-12 {
                    return Err(file_error(
                        &wf,
                        said(
                            "terrain.error.world_file_rotated",
                            "the world file rotates the grid; not supported",
                        ),
                    ));
                }
                // World files give the centre of the upper-left pixel.
                (c - a / 2.0, f - e / 2.0, a, -e)
            }
            None => {
                return Err(file_error(
                    path,
                    said(
                        "terrain.error.no_georeference",
                        "no georeference: neither GeoTIFF tags nor a world file (.tfw) next to it",
                    ),
                ));
            }
        },
    };
    if pixel_is_point {
        x0 -= dx / 2.0;
        y0 += dy / 2.0;
    }
    if !(dx > 0.0 && dy > 0.0 && x0.is_finite() && y0.is_finite()) {
        return Err(file_error(
            path,
            pw_text::Message::new("terrain.error.cell_size")
                .arg("dx", dx)
                .arg("dy", dy)
                .english("invalid cell size {dx} × {dy}"),
        ));
    }
    let _ = (width, height);
    Ok(Georef {
        x0,
        y0,
        dx,
        dy,
        crs,
    })
}

/// `x.tfw`, `x.tifw` or `x.wld`: six numbers A D B E C F.
fn world_file(path: &Path) -> Option<(PathBuf, [f64; 6])> {
    for ext in ["tfw", "tifw", "wld", "TFW"] {
        let wf = path.with_extension(ext);
        let Ok(text) = std::fs::read_to_string(&wf) else {
            continue;
        };
        let v: Vec<f64> = text
            .split_ascii_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        if v.len() >= 6 {
            return Some((wf, [v[0], v[1], v[2], v[3], v[4], v[5]]));
        }
    }
    None
}

//! Writing a grid as a Float32 GeoTIFF that GDAL, QGIS and GRASS read:
//! pixel scale + tie point, GeoKeys with the EPSG code, GDAL's nodata tag
//! (NaN) and GDAL's metadata tag for key/value stamps (how a result was
//! made shows in `gdalinfo` and QGIS' layer properties).

use crate::grid::Grid;
use std::path::Path;
use tiff::encoder::{TiffEncoder, colortype::Gray32Float};
use tiff::tags::Tag;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
}

const GDAL_METADATA: u16 = 42112;

/// XML-escaped and 7-bit: TIFF ASCII tags allow no other bytes, so "°"
/// becomes a character reference GDAL decodes again.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => out.push_str(&format!("&#x{:X};", c as u32)),
        }
    }
    out
}

/// GeoKey directory: projected by EPSG code, or geographic for degrees.
fn geo_keys(grid: &Grid) -> Vec<u16> {
    // Header: version 1, revision 1.0, key count.
    let mut keys = vec![1u16, 1, 0, 0];
    let mut add = |id: u16, value: u16| {
        keys.extend_from_slice(&[id, 0, 1, value]);
    };
    match grid.crs {
        Some(c) if c.is_geographic() => {
            add(1024, 2); // GTModelType: geographic
            add(1025, 1); // GTRasterType: pixel is area
            add(2048, c.horizontal as u16);
        }
        Some(c) => {
            add(1024, 1); // projected
            add(1025, 1);
            add(3072, c.horizontal as u16);
        }
        None => {
            add(1025, 1);
        }
    }
    if let Some(v) = grid.crs.and_then(|c| c.vertical) {
        add(4096, v as u16);
    }
    keys[3] = ((keys.len() - 4) / 4) as u16;
    keys
}

pub fn write_file(
    grid: &Grid,
    path: &Path,
    metadata: &[(String, String)],
) -> Result<(), WriteError> {
    let err = |m: String| WriteError::File {
        path: path.display().to_string(),
        message: m,
    };
    // Write to a temporary file first: a failed or cancelled export never
    // leaves half a GeoTIFF under the real name.
    let tmp = path.with_extension("tif.part");
    let file = std::fs::File::create(&tmp).map_err(|e| err(e.to_string()))?;
    let write = || -> Result<(), tiff::TiffError> {
        let mut encoder = TiffEncoder::new(std::io::BufWriter::new(file))?;
        let mut image = encoder.new_image::<Gray32Float>(grid.width as u32, grid.height as u32)?;
        let dir = image.encoder();
        dir.write_tag(Tag::ModelPixelScaleTag, &[grid.dx, grid.dy, 0.0][..])?;
        dir.write_tag(
            Tag::ModelTiepointTag,
            &[0.0, 0.0, 0.0, grid.x0, grid.y0, 0.0][..],
        )?;
        dir.write_tag(Tag::GeoKeyDirectoryTag, &geo_keys(grid)[..])?;
        dir.write_tag(Tag::GdalNodata, "nan")?;
        if !metadata.is_empty() {
            let mut xml = String::from("<GDALMetadata>\n");
            for (k, v) in metadata {
                xml.push_str(&format!(
                    "  <Item name=\"{}\">{}</Item>\n",
                    xml_escape(k),
                    xml_escape(v)
                ));
            }
            xml.push_str("</GDALMetadata>");
            dir.write_tag(Tag::Unknown(GDAL_METADATA), xml.as_str())?;
        }
        image.write_data(&grid.values)
    };
    write().map_err(|e| err(format!("cannot write GeoTIFF: {e}")))?;
    std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_geo::Crs;

    #[test]
    fn round_trips_through_our_reader() {
        let grid = Grid {
            width: 3,
            height: 2,
            x0: 280500.0,
            y0: 5658000.0,
            dx: 1.0,
            dy: 1.0,
            values: vec![1.5, f32::NAN, 3.0, 4.0, 5.25, 6.0],
            crs: Some(Crs::epsg(25832)),
        };
        let dir = std::env::temp_dir().join(format!("pw-geotiff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sun.tif");
        write_file(
            &grid,
            &path,
            &[("dates".into(), "2026-03-21 & <x> 11 °C".into())],
        )
        .unwrap();
        let (back, _) = crate::geotiff::read_file(&path).unwrap();
        assert_eq!(
            (back.width, back.height, back.x0, back.y0),
            (3, 2, 280500.0, 5658000.0)
        );
        assert_eq!(back.crs, Some(Crs::epsg(25832)));
        assert!(back.values[1].is_nan());
        assert_eq!(back.values[4], 5.25);
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("<Item name=\"dates\">2026-03-21 &amp; &lt;x&gt; 11 &#xB0;C</Item>"));
        assert!(!path.with_extension("tif.part").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

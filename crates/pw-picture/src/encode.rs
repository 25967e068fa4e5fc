//! PNG with the stamp as UTF-8 text chunks (iTXt), so the provenance stays
//! with the file when it is cut out of a report.

use crate::{PictureError, RgbaImage};
use std::path::Path;

/// PNG bytes; `texts` are (keyword, text) pairs such as ("Title", …),
/// ("Source", …), ("Copyright", …), ("Creation Time", …).
pub fn encode_png(image: &RgbaImage, texts: &[(String, String)]) -> Result<Vec<u8>, PictureError> {
    let png = |e: png::EncodingError| PictureError::Png(e.to_string());
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        // 8K pictures: fast deflate keeps the save to seconds.
        encoder.set_compression(png::Compression::Fast);
        for (keyword, text) in texts {
            encoder
                .add_itxt_chunk(keyword.clone(), text.clone())
                .map_err(png)?;
        }
        let mut writer = encoder.write_header().map_err(png)?;
        writer.write_image_data(&image.data).map_err(png)?;
        writer.finish().map_err(png)?;
    }
    Ok(out)
}

/// Writes the PNG next to `path` first and renames it into place, so no
/// half-written picture is ever seen under the name.
pub fn save_png(
    path: &Path,
    image: &RgbaImage,
    texts: &[(String, String)],
) -> Result<(), PictureError> {
    let io = |source| PictureError::Io {
        path: path.display().to_string(),
        source,
    };
    let bytes = encode_png(image, texts)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let part = path.with_extension("png.part");
    std::fs::write(&part, bytes).map_err(io)?;
    std::fs::rename(&part, path).map_err(io)
}

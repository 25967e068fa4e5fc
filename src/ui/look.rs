//! The city's look from the scene's `[look]`: the accent colour and the
//! logo, read once per scene. A logo that cannot be read is said once and
//! the bar goes on without it.

use crate::base::i18n::I18n;
use crate::base::jobs::Notices;
use crate::layers::ActiveScene;
use bevy::prelude::*;
use bevy_egui::egui;
use pw_text::Message;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Logos larger than this are refused: a logo is a small picture, and the
/// file is read on the frame.
const MAX_LOGO_BYTES: u64 = 4 << 20;
/// Logos are kept at most this many pixels high (a row is ~26–60 px, on a
/// 4K screen twice that).
const LOGO_PIXELS_HIGH: u32 = 192;

#[derive(Resource, Default)]
pub struct SceneLook {
    pub accent: Option<egui::Color32>,
    /// The logo file read, and its pixels.
    read: Option<PathBuf>,
    pub logo: Option<Arc<egui::ColorImage>>,
    /// Uploaded by the UI pass for [`Self::logo`].
    pub texture: Option<egui::TextureHandle>,
}

/// The accent and logo of the open scene, when it (or its look) changed.
pub fn follow_scene(
    active: Res<ActiveScene>,
    mut look: ResMut<SceneLook>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
) {
    if !active.is_changed() {
        return;
    }
    let settings = active.scene.look.clone().unwrap_or_default();
    let accent = settings
        .accent
        .as_deref()
        .and_then(pw_scene::parse_hex_color)
        .map(|c| {
            let [r, g, b] = c.map(|v| (v * 255.0).round() as u8);
            egui::Color32::from_rgb(r, g, b)
        });
    if look.accent != accent {
        look.accent = accent;
    }
    let file = settings.logo.as_deref().map(|logo| {
        let base = active.path.as_deref().and_then(Path::parent);
        base.map_or_else(|| PathBuf::from(logo), |b| b.join(logo))
    });
    if look.read == file {
        return;
    }
    look.read = file.clone();
    look.texture = None;
    look.logo = None;
    if let Some(file) = file {
        match read_logo(&file) {
            Ok(image) => look.logo = Some(Arc::new(image)),
            Err(why) => notices.error(i18n.trf(
                "look.logo_unreadable",
                &[("file", &file.display()), ("why", &i18n.render(&why))],
            )),
        }
    }
}

/// A PNG or JPEG as egui pixels, scaled down to [`LOGO_PIXELS_HIGH`].
pub fn read_logo(file: &Path) -> Result<egui::ColorImage, Message> {
    // The system's and the image library's own words stay as they are.
    let said = |e: &dyn std::fmt::Display| Message::text(e.to_string());
    let size = std::fs::metadata(file).map_err(|e| said(&e))?.len();
    if size > MAX_LOGO_BYTES {
        return Err(Message::new("look.logo_too_large")
            .arg("size", size >> 20)
            .arg("limit", MAX_LOGO_BYTES >> 20)
            .english("{size} MB; a logo may have at most {limit} MB"));
    }
    let bytes = std::fs::read(file).map_err(|e| said(&e))?;
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(extension.as_str(), "png" | "jpg" | "jpeg") {
        return Err(Message::new("look.logo_format")
            .arg("extension", &extension)
            .english("\"{extension}\" is no PNG or JPEG; save the logo as one of them"));
    }
    let image = bevy::image::Image::from_buffer(
        &bytes,
        bevy::image::ImageType::Extension(&extension),
        bevy::image::CompressedImageFormats::NONE,
        true,
        bevy::image::ImageSampler::Default,
        bevy::asset::RenderAssetUsages::default(),
    )
    .map_err(|e| said(&e))?;
    let mut pixels = image.try_into_dynamic().map_err(|e| said(&e))?;
    // At most 192 px high and 4 × that wide (the bar shows no wider), the
    // shape kept: `thumbnail` fits into the box.
    if pixels.height() > LOGO_PIXELS_HIGH || pixels.width() > 4 * LOGO_PIXELS_HIGH {
        pixels = pixels.thumbnail(4 * LOGO_PIXELS_HIGH, LOGO_PIXELS_HIGH);
    }
    let rgba = pixels.to_rgba8();
    let (w, h) = (rgba.width() as usize, rgba.height() as usize);
    Ok(egui::ColorImage::from_rgba_unmultiplied(
        [w, h],
        rgba.as_raw(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(dir: &Path, name: &str, w: u32, h: u32) -> PathBuf {
        let file = dir.join(name);
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        let mut writer = enc.write_header().unwrap();
        // Left half the city's blue, right half transparent.
        let data: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                if i % w < w / 2 {
                    [10, 95, 140, 255]
                } else {
                    [0, 0, 0, 0]
                }
            })
            .collect();
        writer.write_image_data(&data).unwrap();
        drop(writer);
        std::fs::write(&file, out).unwrap();
        file
    }

    #[test]
    fn a_logo_is_read_and_scaled_and_a_wrong_file_is_named() {
        let dir = std::env::temp_dir().join(format!("pw-logo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = read_logo(&png(&dir, "klein.png", 40, 20)).unwrap();
        assert_eq!(small.size, [40, 20]);
        assert_eq!(small.pixels[0], egui::Color32::from_rgb(10, 95, 140));
        assert_eq!(small.pixels[39].a(), 0);
        let large = read_logo(&png(&dir, "gross.png", 1200, 600)).unwrap();
        assert_eq!(large.size, [384, 192]);
        let wide = read_logo(&png(&dir, "breit.png", 4000, 100)).unwrap();
        assert_eq!(wide.size, [768, 19]);
        let svg = dir.join("logo.svg");
        std::fs::write(&svg, "<svg/>").unwrap();
        let why = read_logo(&svg).unwrap_err();
        assert_eq!(why.key, "look.logo_format");
        assert!(why.to_string().contains("no PNG or JPEG"), "{why}");
        let german = I18n::new(crate::base::i18n::Language::German).render(&why);
        assert!(german.contains("kein PNG oder JPEG"), "{german}");
        let broken = dir.join("kaputt.png");
        std::fs::write(&broken, b"\x89PNG\r\n\x1a\nnot really").unwrap();
        assert!(read_logo(&broken).is_err());
        assert!(read_logo(&dir.join("fehlt.png")).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}

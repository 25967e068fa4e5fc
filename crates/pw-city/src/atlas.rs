//! Texture atlas: all facade/roof images of a layer packed into one RGBA
//! image, so textured buildings still draw in a few batches (one material
//! per layer). Images are scaled down evenly when they would not fit.
//! A white block at the top-left serves untextured surfaces (their vertex
//! colour then shows unchanged).

use std::path::PathBuf;

/// Where one image sits in the atlas, in atlas UV units (0..1, top-left origin).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtlasRect {
    pub u0: f32,
    pub v0: f32,
    pub u1: f32,
    pub v1: f32,
}

impl AtlasRect {
    /// Maps CityGML/CityJSON texture coordinates (origin lower-left, may
    /// run slightly outside 0..1) into the atlas.
    pub fn map(&self, uv: [f32; 2]) -> [f32; 2] {
        let u = uv[0].clamp(0.0, 1.0);
        let v = 1.0 - uv[1].clamp(0.0, 1.0);
        [
            self.u0 + u * (self.u1 - self.u0),
            self.v0 + v * (self.v1 - self.v0),
        ]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Atlas {
    pub width: u32,
    pub height: u32,
    /// sRGB RGBA8, row-major, top row first.
    pub rgba: Vec<u8>,
    /// Per image of the model; `None` when the image could not be read.
    pub rects: Vec<Option<AtlasRect>>,
    /// UV of the white block.
    pub white: [f32; 2],
    /// Images that could not be read, with the reason.
    pub missing: Vec<String>,
    /// Factor all images were scaled by to fit (1 = full size).
    pub scale: f32,
}

/// Largest atlas side; 4096 is safe on every GPU we target (incl. lavapipe).
pub const MAX_SIDE: u32 = 4096;
const WHITE: u32 = 4;
const PAD: u32 = 1;

/// Reads and packs the images (`None`: not needed, gets no place).
/// Unreadable images are listed, not fatal.
pub fn build(images: &[Option<PathBuf>]) -> Atlas {
    let mut decoded: Vec<Option<image::RgbaImage>> = Vec::with_capacity(images.len());
    let mut missing = Vec::new();
    for path in images {
        let Some(path) = path else {
            decoded.push(None);
            continue;
        };
        match image::open(path) {
            Ok(img) => decoded.push(Some(img.to_rgba8())),
            Err(e) => {
                missing.push(format!("{}: {e}", path.display()));
                decoded.push(None);
            }
        }
    }
    pack(decoded, missing)
}

fn pack(decoded: Vec<Option<image::RgbaImage>>, missing: Vec<String>) -> Atlas {
    let area: f64 = decoded
        .iter()
        .flatten()
        .map(|i| ((i.width() + 2 * PAD) as f64) * ((i.height() + 2 * PAD) as f64))
        .sum();
    // Shelf packing wastes some room; aim at 70 % of the atlas.
    let budget = 0.7 * (MAX_SIDE as f64).powi(2);
    let mut scale = if area > budget {
        (budget / area).sqrt() as f32
    } else {
        1.0
    };
    loop {
        if let Some(atlas) = try_pack(&decoded, scale) {
            return Atlas { missing, ..atlas };
        }
        scale *= 0.85;
    }
}

fn try_pack(decoded: &[Option<image::RgbaImage>], scale: f32) -> Option<Atlas> {
    let size = |i: &image::RgbaImage| {
        (
            ((i.width() as f32 * scale).round() as u32).max(1),
            ((i.height() as f32 * scale).round() as u32).max(1),
        )
    };
    // Tallest first onto shelves.
    let mut order: Vec<usize> = (0..decoded.len())
        .filter(|&i| decoded[i].is_some())
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(decoded[i].as_ref().unwrap()).1));
    let mut places = vec![None; decoded.len()];
    let (mut x, mut y, mut shelf) = (WHITE + PAD, 0u32, WHITE + PAD);
    let mut used_w = WHITE + PAD;
    for &i in &order {
        let (w, h) = size(decoded[i].as_ref().unwrap());
        let (w, h) = (w + 2 * PAD, h + 2 * PAD);
        if w > MAX_SIDE {
            return None;
        }
        if x + w > MAX_SIDE {
            y += shelf;
            x = 0;
            shelf = 0;
        }
        if y + h > MAX_SIDE {
            return None;
        }
        places[i] = Some((x + PAD, y + PAD));
        x += w;
        used_w = used_w.max(x);
        shelf = shelf.max(h);
    }
    let width = used_w.next_power_of_two().clamp(WHITE, MAX_SIDE);
    let height = (y + shelf).max(WHITE).next_power_of_two().min(MAX_SIDE);
    let mut rgba = vec![0u8; (width * height * 4) as usize];
    let mut put = |x: u32, y: u32, p: [u8; 4]| {
        let at = ((y * width + x) * 4) as usize;
        rgba[at..at + 4].copy_from_slice(&p);
    };
    for y in 0..WHITE {
        for x in 0..WHITE {
            put(x, y, [255; 4]);
        }
    }
    let mut rects = vec![None; decoded.len()];
    for (i, place) in places.iter().enumerate() {
        let (Some((px, py)), Some(img)) = (place, &decoded[i]) else {
            continue;
        };
        let (w, h) = size(img);
        let scaled;
        let src = if (w, h) == img.dimensions() {
            img
        } else {
            scaled = image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle);
            &scaled
        };
        // Copy with a 1-pixel border repeated, so filtering at the edge
        // does not bleed in the neighbour.
        for yy in 0..h + 2 * PAD {
            for xx in 0..w + 2 * PAD {
                let sx = xx.saturating_sub(PAD).min(w - 1);
                let sy = yy.saturating_sub(PAD).min(h - 1);
                put(px - PAD + xx, py - PAD + yy, src.get_pixel(sx, sy).0);
            }
        }
        rects[i] = Some(AtlasRect {
            u0: *px as f32 / width as f32,
            v0: *py as f32 / height as f32,
            u1: (px + w) as f32 / width as f32,
            v1: (py + h) as f32 / height as f32,
        });
    }
    Some(Atlas {
        width,
        height,
        rgba,
        rects,
        white: [
            (WHITE as f32 * 0.5) / width as f32,
            (WHITE as f32 * 0.5) / height as f32,
        ],
        missing: Vec::new(),
        scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(w: u32, h: u32, c: u8) -> image::RgbaImage {
        image::RgbaImage::from_pixel(w, h, image::Rgba([c, c, c, 255]))
    }

    #[test]
    fn images_land_where_their_rects_say() {
        let atlas = pack(
            vec![Some(solid(10, 20, 50)), None, Some(solid(30, 5, 200))],
            vec![],
        );
        assert!(atlas.rects[1].is_none());
        for (i, c) in [(0, 50u8), (2, 200)] {
            let r = atlas.rects[i].unwrap();
            let centre = r.map([0.5, 0.5]);
            let x = (centre[0] * atlas.width as f32) as u32;
            let y = (centre[1] * atlas.height as f32) as u32;
            let at = ((y * atlas.width + x) * 4) as usize;
            assert_eq!(atlas.rgba[at], c);
        }
        let w = atlas.white;
        let at = (((w[1] * atlas.height as f32) as u32 * atlas.width
            + (w[0] * atlas.width as f32) as u32)
            * 4) as usize;
        assert_eq!(&atlas.rgba[at..at + 4], &[255; 4]);
        assert_eq!(atlas.scale, 1.0);
    }

    #[test]
    fn too_many_pixels_are_scaled_to_fit() {
        let big: Vec<_> = (0..6).map(|_| Some(solid(3000, 2000, 9))).collect();
        let atlas = pack(big, vec![]);
        assert!(atlas.width <= MAX_SIDE && atlas.height <= MAX_SIDE);
        assert!(atlas.scale < 1.0);
        assert!(atlas.rects.iter().all(Option::is_some));
    }

    #[test]
    fn lower_left_texture_origin_flips_to_image_rows() {
        let r = AtlasRect {
            u0: 0.5,
            v0: 0.0,
            u1: 1.0,
            v1: 0.5,
        };
        assert_eq!(r.map([0.0, 0.0]), [0.5, 0.5]);
        assert_eq!(r.map([1.0, 1.0]), [1.0, 0.0]);
        assert_eq!(r.map([2.0, -1.0]), [1.0, 0.5]);
    }
}

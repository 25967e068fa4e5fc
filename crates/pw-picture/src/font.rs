//! Text as outlines: glyphs from the font egui bundles (Ubuntu, Ubuntu Font
//! Licence), laid out by their advances — enough for the stamp's Latin
//! text in German and English.

use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};
use vello_cpu::kurbo::BezPath;

#[derive(Clone, Copy)]
pub struct Font {
    data: &'static [u8],
}

impl Default for Font {
    fn default() -> Self {
        Font {
            data: epaint_default_fonts::UBUNTU_LIGHT,
        }
    }
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Font")
    }
}

impl Font {
    fn font(&self) -> FontRef<'static> {
        FontRef::new(self.data).expect("the bundled font parses")
    }

    fn glyph(font: &FontRef<'_>, c: char) -> GlyphId {
        let map = font.charmap();
        map.map(c)
            .or_else(|| map.map('?'))
            .unwrap_or(GlyphId::NOTDEF)
    }

    /// Advance width of `text` at `px` pixels per em.
    pub fn width(&self, text: &str, px: f32) -> f32 {
        let font = self.font();
        let metrics = font.glyph_metrics(Size::new(px), LocationRef::default());
        text.chars()
            .map(|c| metrics.advance_width(Self::glyph(&font, c)).unwrap_or(0.0))
            .sum()
    }

    /// Height above the baseline of capitals (for centring text in boxes).
    pub fn cap_height(&self, px: f32) -> f32 {
        let m = self.font().metrics(Size::new(px), LocationRef::default());
        m.cap_height.unwrap_or(m.ascent * 0.7)
    }

    /// The outlines of `text` with its baseline starting at (x, y), in
    /// picture pixels (y down).
    pub fn path(&self, text: &str, px: f32, x: f64, y: f64) -> BezPath {
        let font = self.font();
        let size = Size::new(px);
        let metrics = font.glyph_metrics(size, LocationRef::default());
        let outlines = font.outline_glyphs();
        let mut pen = Pen {
            path: BezPath::new(),
            x,
            y,
        };
        for c in text.chars() {
            let id = Self::glyph(&font, c);
            if let Some(glyph) = outlines.get(id) {
                // A glyph that cannot be drawn is left out, not fatal.
                let _ = glyph.draw(
                    DrawSettings::unhinted(size, LocationRef::default()),
                    &mut pen,
                );
            }
            pen.x += f64::from(metrics.advance_width(id).unwrap_or(0.0));
        }
        pen.path
    }

    /// Greedy word wrap to `max_width`; a word wider than a line is cut;
    /// beyond `max_lines` the last line ends in "…".
    pub fn wrap(&self, text: &str, px: f32, max_width: f32, max_lines: usize) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, px) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line: cut it.
            let mut rest = word.to_string();
            while self.width(&rest, px) > max_width && rest.chars().count() > 1 {
                let mut cut = String::new();
                for c in rest.chars() {
                    let mut next = cut.clone();
                    next.push(c);
                    if self.width(&next, px) > max_width && !cut.is_empty() {
                        break;
                    }
                    cut = next;
                }
                rest = rest[cut.len()..].to_string();
                lines.push(cut);
            }
            line = rest;
        }
        if !line.is_empty() {
            lines.push(line);
        }
        if lines.len() > max_lines.max(1) {
            lines.truncate(max_lines.max(1));
            let last = lines.last_mut().expect("one line at least");
            *last = self.ellipsis(last, px, max_width);
        }
        lines
    }

    /// `text` cut so that it and "…" fit in `max_width`.
    pub fn ellipsis(&self, text: &str, px: f32, max_width: f32) -> String {
        let mut out: String = text.trim_end().to_string();
        loop {
            let candidate = format!("{out}…");
            if self.width(&candidate, px) <= max_width || out.is_empty() {
                return candidate;
            }
            out.pop();
            out = out.trim_end().to_string();
        }
    }
}

struct Pen {
    path: BezPath,
    x: f64,
    y: f64,
}

impl Pen {
    fn at(&self, x: f32, y: f32) -> (f64, f64) {
        // Font units are y up; the picture is y down.
        (self.x + f64::from(x), self.y - f64::from(y))
    }
}

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = self.at(x, y);
        self.path.move_to(p);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.at(x, y);
        self.path.line_to(p);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        let (c, p) = (self.at(cx0, cy0), self.at(x, y));
        self.path.quad_to(c, p);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let (c0, c1, p) = (self.at(cx0, cy0), self.at(cx1, cy1), self.at(x, y));
        self.path.curve_to(c0, c1, p);
    }
    fn close(&mut self) {
        self.path.close_path();
    }
}

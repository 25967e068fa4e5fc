//! A report as PDF, top to bottom on A4: headings, wrapped paragraphs,
//! tables, pictures, bar charts; a footer with the title and "page n of N".
//! Text is real text (searchable, copyable) in the font the workbench draws
//! with (Ubuntu, from egui), embedded whole as a CID font with a ToUnicode
//! map; everything people typed is drawn as glyphs, never interpreted.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::ReportError;

const FONT: &[u8] = epaint_default_fonts::UBUNTU_LIGHT;
pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 56.0;
pub const FOOTER: f32 = 36.0;
const LINE: f32 = 1.35;

/// An RGB colour, 0–255.
pub type Rgb = [u8; 3];
pub const INK: Rgb = [17, 17, 17];
pub const GREY: Rgb = [90, 90, 90];
pub const RULE: Rgb = [190, 190, 190];

struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    alpha: Option<Vec<u8>>,
}

struct Page {
    content: Content,
    images: Vec<usize>,
}

pub struct Document {
    title: String,
    footer_left: String,
    /// "Seite {n} von {total}" in the report's language.
    page_label: String,
    pages: Vec<Page>,
    images: Vec<Image>,
    /// From the top of the page, where the next thing goes.
    y: f32,
    glyphs: BTreeMap<u16, char>,
    upem: f32,
    /// The page drawn on (the last, but for the footers at the end).
    current: usize,
}

fn rgb(c: Rgb) -> (f32, f32, f32) {
    (
        c[0] as f32 / 255.0,
        c[1] as f32 / 255.0,
        c[2] as f32 / 255.0,
    )
}

fn font() -> FontRef<'static> {
    FontRef::new(FONT).expect("the bundled font parses")
}

impl Document {
    /// `page_label` holds `{n}` and `{total}`.
    pub fn new(title: &str, footer_left: &str, page_label: &str) -> Document {
        let upem = font()
            .metrics(Size::unscaled(), LocationRef::default())
            .units_per_em as f32;
        let mut doc = Document {
            title: title.into(),
            footer_left: footer_left.into(),
            page_label: page_label.into(),
            pages: Vec::new(),
            images: Vec::new(),
            y: 0.0,
            glyphs: BTreeMap::new(),
            upem,
            current: 0,
        };
        doc.new_page();
        doc
    }

    /// Draws on an earlier page (an agenda filled in at the end), from its
    /// top, and comes back to where it was. `draw` must stay on the page:
    /// text_at and advance_to only, checked against [`Document::room_left`].
    pub fn on_page(&mut self, page: usize, draw: impl FnOnce(&mut Document)) {
        let (current, y) = (self.current, self.y);
        self.current = page;
        self.y = MARGIN;
        draw(self);
        self.current = current;
        self.y = y;
    }

    /// Points left above the footer on the page drawn on.
    pub fn room_left(&self) -> f32 {
        PAGE_HEIGHT - MARGIN - FOOTER - self.y
    }

    pub fn width(&self) -> f32 {
        PAGE_WIDTH - 2.0 * MARGIN
    }

    fn page(&mut self) -> &mut Page {
        &mut self.pages[self.current]
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page {
            content: Content::new(),
            images: Vec::new(),
        });
        self.current = self.pages.len() - 1;
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` still fits on this one.
    pub fn need(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN - FOOTER {
            self.new_page();
        }
    }

    pub fn space(&mut self, points: f32) {
        self.y += points;
    }

    fn glyph(&mut self, c: char) -> u16 {
        let font = font();
        let map = font.charmap();
        // A character the font lacks is printed, and read back, as '?'.
        let (id, c) = match map.map(c) {
            Some(g) => (g.to_u32() as u16, c),
            None => (map.map('?').map(|g| g.to_u32() as u16).unwrap_or(0), '?'),
        };
        self.glyphs.entry(id).or_insert(c);
        id
    }

    /// Width of `text` at `size` points.
    pub fn measure(&self, text: &str, size: f32) -> f32 {
        let font = font();
        let map = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        text.chars()
            .map(|c| {
                let g = map.map(c).or_else(|| map.map('?')).unwrap_or_default();
                metrics.advance_width(g).unwrap_or(0.0)
            })
            .sum::<f32>()
            / self.upem
            * size
    }

    /// `text` broken into lines at most `width` wide (at spaces; a word
    /// longer than a line is broken anywhere); line breaks kept.
    pub fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.measure(&candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: broken where it must be.
                for c in word.chars() {
                    let longer = format!("{line}{c}");
                    if !line.is_empty() && self.measure(&longer, size) > width {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(c);
                }
            }
            lines.push(line);
        }
        lines
    }

    /// One line of text with its baseline at `baseline` (from the top).
    pub fn text_at(&mut self, text: &str, size: f32, x: f32, baseline: f32, colour: Rgb) {
        let glyphs: Vec<u8> = text
            .chars()
            .filter(|c| !c.is_control())
            .flat_map(|c| self.glyph(c).to_be_bytes())
            .collect();
        let (r, g, b) = rgb(colour);
        let content = &mut self.page().content;
        content.begin_text();
        content.set_fill_rgb(r, g, b);
        content.set_font(Name(b"F1"), size);
        content.next_line(x, PAGE_HEIGHT - baseline);
        content.show(Str(&glyphs));
        content.end_text();
    }

    /// A wrapped paragraph across the text width, indented by `indent`.
    pub fn paragraph_with(&mut self, text: &str, size: f32, colour: Rgb, indent: f32) {
        self.paragraph_in(text, size, colour, indent, self.width() - indent);
    }

    /// A wrapped paragraph `width` wide, `indent` from the left margin
    /// (room beside it for a picture).
    pub fn paragraph_in(&mut self, text: &str, size: f32, colour: Rgb, indent: f32, width: f32) {
        let lines = self.wrap(text, size, width);
        for line in lines {
            self.need(size * LINE);
            self.y += size * LINE;
            let baseline = self.y - size * (LINE - 1.0);
            self.text_at(&line, size, MARGIN + indent, baseline, colour);
        }
    }

    pub fn paragraph(&mut self, text: &str) {
        self.paragraph_with(text, 10.5, INK, 0.0);
        self.y += 4.0;
    }

    pub fn small(&mut self, text: &str) {
        self.paragraph_with(text, 8.5, GREY, 0.0);
        self.y += 2.0;
    }

    /// A heading: level 1 on a new page (unless this one is still empty),
    /// level 2 kept with at least three lines below it.
    pub fn heading(&mut self, text: &str, level: u8) {
        let size = if level <= 1 { 18.0 } else { 13.0 };
        if level <= 1 && self.y > MARGIN + 1.0 {
            self.new_page();
        } else {
            self.need(size * 2.0 + 40.0);
        }
        self.y += 6.0;
        self.paragraph_with(text, size, INK, 0.0);
        self.y += 6.0;
    }

    pub fn fill_rect(&mut self, x: f32, top: f32, width: f32, height: f32, colour: Rgb) {
        let (r, g, b) = rgb(colour);
        let content = &mut self.page().content;
        content.set_fill_rgb(r, g, b);
        content.rect(x, PAGE_HEIGHT - top - height, width, height);
        content.fill_nonzero();
    }

    pub fn line(&mut self, from: [f32; 2], to: [f32; 2], width: f32, colour: Rgb) {
        let (r, g, b) = rgb(colour);
        let content = &mut self.page().content;
        content.set_stroke_rgb(r, g, b);
        content.set_line_width(width);
        content.move_to(from[0], PAGE_HEIGHT - from[1]);
        content.line_to(to[0], PAGE_HEIGHT - to[1]);
        content.stroke();
    }

    /// A closed outline (page coordinates from the top), filled and edged.
    pub fn polygon(&mut self, points: &[[f32; 2]], fill: Rgb, edge: Rgb) {
        let Some(first) = points.first() else {
            return;
        };
        let (fr, fg, fb) = rgb(fill);
        let (er, eg, eb) = rgb(edge);
        let content = &mut self.page().content;
        content.set_fill_rgb(fr, fg, fb);
        content.set_stroke_rgb(er, eg, eb);
        content.set_line_width(0.4);
        content.move_to(first[0], PAGE_HEIGHT - first[1]);
        for p in &points[1..] {
            content.line_to(p[0], PAGE_HEIGHT - p[1]);
        }
        content.close_path();
        content.fill_nonzero_and_stroke();
    }

    /// Where the next block starts (from the top of the page).
    pub fn cursor(&self) -> f32 {
        self.y
    }

    /// How many pages there are so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Draws only inside this rectangle until [`Document::unclip`].
    pub fn clip(&mut self, x: f32, top: f32, width: f32, height: f32) {
        let content = &mut self.page().content;
        content.save_state();
        content.rect(x, PAGE_HEIGHT - top - height, width, height);
        content.clip_nonzero();
        content.end_path();
    }

    pub fn unclip(&mut self) {
        self.page().content.restore_state();
    }

    /// Moves the cursor down past a block drawn by hand.
    pub fn advance_to(&mut self, y: f32) {
        self.y = self.y.max(y);
    }

    /// A table across the text width: `widths` are shares of it; cells
    /// wrap; the header comes again on every page the table continues on.
    pub fn table(&mut self, header: &[String], rows: &[Vec<String>], widths: &[f32]) {
        let size = 9.0;
        let pad = 3.0;
        let total: f32 = widths.iter().sum();
        let columns: Vec<f32> = widths.iter().map(|w| w / total * self.width()).collect();
        let layout = |doc: &Document, cells: &[String]| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&columns)
                .map(|(c, w)| doc.wrap(c, size, w - 2.0 * pad))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (wrapped, lines as f32 * size * LINE + 2.0 * pad)
        };
        let draw = |doc: &mut Document, wrapped: &[Vec<String>], height: f32, shaded: bool| {
            let top = doc.y;
            if shaded {
                doc.fill_rect(MARGIN, top, doc.width(), height, [235, 238, 242]);
            }
            let mut x = MARGIN;
            for (cell, w) in wrapped.iter().zip(&columns) {
                for (i, line) in cell.iter().enumerate() {
                    let baseline = top + pad + (i as f32 + 1.0) * size * LINE - size * 0.3;
                    doc.text_at(line, size, x + pad, baseline, INK);
                }
                x += w;
            }
            doc.y = top + height;
            let y = doc.y;
            doc.line([MARGIN, y], [MARGIN + doc.width(), y], 0.4, RULE);
        };
        let (head, head_height) = layout(self, header);
        let first_height = rows.first().map(|r| layout(self, r).1).unwrap_or(0.0);
        // The header with at least its first row.
        self.need(head_height + first_height);
        draw(self, &head, head_height, true);
        for row in rows {
            let (cells, height) = layout(self, row);
            if self.y + height > PAGE_HEIGHT - MARGIN - FOOTER {
                // Continued on the next page, under the header again.
                self.new_page();
                draw(self, &head, head_height, true);
            }
            draw(self, &cells, height, false);
        }
        self.y += 8.0;
    }

    /// How tall [`Document::image`] will draw `png` (from its header), with
    /// the space below it; None when it is no PNG.
    pub fn image_height(&self, png: &[u8], max_height: f32) -> Option<f32> {
        let (w, h) = png_size(png)?;
        let scale = (self.width() / w as f32).min(max_height / h as f32);
        Some(h as f32 * scale + 6.0)
    }

    /// How tall a wrapped paragraph of `text` is at `size` across the width.
    pub fn paragraph_height(&self, text: &str, size: f32) -> f32 {
        self.wrap(text, size, self.width()).len() as f32 * size * LINE
    }

    /// A picture (PNG) across the text width, at most `max_height` tall.
    pub fn image(&mut self, png: &[u8], max_height: f32) -> Result<(), ReportError> {
        let image = decode_png(png)?;
        let scale = (self.width() / image.width as f32).min(max_height / image.height as f32);
        let (w, h) = (image.width as f32 * scale, image.height as f32 * scale);
        self.need(h + 6.0);
        let index = self.images.len();
        self.images.push(image);
        let (x, top) = (MARGIN + (self.width() - w) / 2.0, self.y);
        let page = self.page();
        page.images.push(index);
        let name = format!("Im{index}");
        page.content.save_state();
        page.content
            .transform([w, 0.0, 0.0, h, x, PAGE_HEIGHT - top - h]);
        page.content.x_object(Name(name.as_bytes()));
        page.content.restore_state();
        self.y += h + 6.0;
        Ok(())
    }

    /// Horizontal bars: label, value (0…`max`), colour, and the value as text.
    pub fn bars(&mut self, bars: &[(String, f64, Rgb, String)], max: f64) {
        let size = 9.5;
        let label_width = bars
            .iter()
            .map(|b| self.measure(&b.0, size))
            .fold(0.0f32, f32::max)
            .min(self.width() * 0.4)
            + 8.0;
        let value_width = bars
            .iter()
            .map(|b| self.measure(&b.3, size))
            .fold(0.0f32, f32::max)
            .min(self.width() * 0.35)
            + 8.0;
        let bar_width = self.width() - label_width - value_width;
        for (label, value, colour, text) in bars {
            self.need(18.0);
            let top = self.y;
            let label = self
                .wrap(label, size, label_width - 8.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            self.text_at(&label, size, MARGIN, top + 12.0, INK);
            self.fill_rect(
                MARGIN + label_width,
                top + 3.0,
                bar_width,
                11.0,
                [238, 238, 238],
            );
            let share = if max > 0.0 {
                (value / max).clamp(0.0, 1.0)
            } else {
                0.0
            };
            self.fill_rect(
                MARGIN + label_width,
                top + 3.0,
                bar_width * share as f32,
                11.0,
                *colour,
            );
            self.text_at(
                text,
                size,
                MARGIN + label_width + bar_width + 6.0,
                top + 12.0,
                INK,
            );
            self.y += 18.0;
        }
        self.y += 6.0;
    }

    /// The finished file: every page gets its footer.
    pub fn finish(mut self) -> Vec<u8> {
        let total = self.pages.len();
        let footer_left = format!("{} · {}", self.title, self.footer_left);
        let footer_left = self
            .wrap(&footer_left, 8.0, self.width() - 90.0)
            .into_iter()
            .next()
            .unwrap_or_default();
        for n in 0..total {
            self.current = n;
            let label = self
                .page_label
                .replace("{n}", &(n + 1).to_string())
                .replace("{total}", &total.to_string());
            let baseline = PAGE_HEIGHT - MARGIN + 14.0;
            self.line(
                [MARGIN, baseline - 11.0],
                [PAGE_WIDTH - MARGIN, baseline - 11.0],
                0.4,
                RULE,
            );
            self.text_at(&footer_left, 8.0, MARGIN, baseline, GREY);
            let width = self.measure(&label, 8.0);
            self.text_at(&label, 8.0, PAGE_WIDTH - MARGIN - width, baseline, GREY);
        }
        self.write()
    }

    fn write(self) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let mut next = 1;
        let mut id = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog = id();
        let tree = id();
        let info = id();
        let type0 = id();
        let cid = id();
        let descriptor = id();
        let file = id();
        let cmap = id();
        let page_ids: Vec<(Ref, Ref)> = self.pages.iter().map(|_| (id(), id())).collect();
        let image_ids: Vec<(Ref, Ref)> = self.images.iter().map(|_| (id(), id())).collect();

        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().map(|(p, _)| *p))
            .count(page_ids.len() as i32);
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("Planwerkstatt"));

        for (page, (page_id, content_id)) in self.pages.iter().zip(&page_ids) {
            let mut p = pdf.page(*page_id);
            p.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
            p.parent(tree);
            p.contents(*content_id);
            let mut resources = p.resources();
            resources.fonts().pair(Name(b"F1"), type0);
            if !page.images.is_empty() {
                let mut objects = resources.x_objects();
                for i in &page.images {
                    let name = format!("Im{i}");
                    objects.pair(Name(name.as_bytes()), image_ids[*i].0);
                }
            }
            resources.finish();
            p.finish();
        }
        for (page, (_, content_id)) in self.pages.into_iter().zip(&page_ids) {
            let data = page.content.finish();
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(&data, 6);
            pdf.stream(*content_id, &packed).filter(Filter::FlateDecode);
        }
        for (image, (image_id, mask_id)) in self.images.iter().zip(&image_ids) {
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(&image.rgb, 6);
            let mut x = pdf.image_xobject(*image_id, &packed);
            x.filter(Filter::FlateDecode);
            x.width(image.width as i32);
            x.height(image.height as i32);
            x.color_space().device_rgb();
            x.bits_per_component(8);
            if image.alpha.is_some() {
                x.s_mask(*mask_id);
            }
            x.finish();
            if let Some(alpha) = &image.alpha {
                let packed = miniz_oxide::deflate::compress_to_vec_zlib(alpha, 6);
                let mut m = pdf.image_xobject(*mask_id, &packed);
                m.filter(Filter::FlateDecode);
                m.width(image.width as i32);
                m.height(image.height as i32);
                m.color_space().device_gray();
                m.bits_per_component(8);
            }
        }

        // The font: whole, as a CID font keyed by glyph id (Identity-H), with
        // the widths of the glyphs used and a map back to Unicode.
        let f = font();
        let metrics = f.metrics(Size::unscaled(), LocationRef::default());
        let glyph_metrics = f.glyph_metrics(Size::unscaled(), LocationRef::default());
        let scale = 1000.0 / self.upem;
        let name = Name(b"Ubuntu-Light");
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let mut c = pdf.cid_font(cid);
        c.subtype(CidFontType::Type2)
            .base_font(name)
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(500.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        {
            let mut widths = c.widths();
            for glyph in self.glyphs.keys() {
                let advance = glyph_metrics
                    .advance_width(skrifa::GlyphId::new(*glyph as u32))
                    .unwrap_or(0.0);
                widths.consecutive(*glyph, [advance * scale]);
            }
        }
        c.finish();
        let bounds = metrics.bounds.unwrap_or_default();
        pdf.font_descriptor(descriptor)
            .name(name)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                bounds.x_min * scale,
                bounds.y_min * scale,
                bounds.x_max * scale,
                bounds.y_max * scale,
            ))
            .italic_angle(0.0)
            .ascent(metrics.ascent * scale)
            .descent(metrics.descent * scale)
            .cap_height(metrics.cap_height.unwrap_or(metrics.ascent * 0.7) * scale)
            .stem_v(80.0)
            .font_file2(file);
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(FONT, 6);
        pdf.stream(file, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), FONT.len() as i32);
        let mut unicode = UnicodeCmap::new(Name(b"Planwerkstatt-UCS"), system);
        for (glyph, c) in &self.glyphs {
            unicode.pair(*glyph, *c);
        }
        pdf.cmap(cmap, &unicode.finish());
        pdf.finish()
    }
}

/// Width and height from a PNG's header (IHDR, right after the signature).
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || !png.starts_with(b"\x89PNG\r\n\x1a\n") || &png[12..16] != b"IHDR" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    let (w, h) = (word(16), word(20));
    (w > 0 && h > 0).then_some((w, h))
}

/// The largest picture a report takes (8K UHD fits): a larger header is
/// refused before its pixels are given memory.
const MOST_PIXELS: u64 = 8192 * 8192;

fn decode_png(png: &[u8]) -> Result<Image, ReportError> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder
        .read_info()
        .map_err(|e| ReportError::Picture(e.to_string()))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if u64::from(w) * u64::from(h) > MOST_PIXELS {
        return Err(ReportError::Picture(format!(
            "{w} × {h} pixels is larger than a report takes (8192 × 8192)"
        )));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| ReportError::Picture("the picture is too large".into()))?;
    let mut buffer = vec![0; size];
    let info = reader
        .next_frame(&mut buffer)
        .map_err(|e| ReportError::Picture(e.to_string()))?;
    let pixels = (info.width * info.height) as usize;
    let data = &buffer[..info.buffer_size()];
    let (rgb, alpha) = match info.color_type {
        png::ColorType::Rgb => (data.to_vec(), None),
        png::ColorType::Rgba => {
            let mut rgb = Vec::with_capacity(pixels * 3);
            let mut alpha = Vec::with_capacity(pixels);
            for p in data.chunks_exact(4) {
                rgb.extend_from_slice(&p[..3]);
                alpha.push(p[3]);
            }
            (rgb, Some(alpha))
        }
        png::ColorType::Grayscale => (data.iter().flat_map(|g| [*g, *g, *g]).collect(), None),
        png::ColorType::GrayscaleAlpha => {
            let mut rgb = Vec::with_capacity(pixels * 3);
            let mut alpha = Vec::with_capacity(pixels);
            for p in data.chunks_exact(2) {
                rgb.extend_from_slice(&[p[0], p[0], p[0]]);
                alpha.push(p[1]);
            }
            (rgb, Some(alpha))
        }
        png::ColorType::Indexed => {
            return Err(ReportError::Picture(
                "palette pictures are expanded first".into(),
            ));
        }
    };
    Ok(Image {
        width: info.width,
        height: info.height,
        rgb,
        alpha,
    })
}

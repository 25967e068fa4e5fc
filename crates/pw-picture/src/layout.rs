//! Where everything in the footer goes. The layout depends only on the
//! picture size and what the stamp holds (not on the scale's value), so the
//! app can learn the footer's height before it renders the view above it.

use crate::{Font, LegendStrip, Stamp};

/// Lines of body text at most (after wrapping), and per stamp line.
const MAX_LINES: usize = 8;
const MAX_LINES_EACH: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    /// Pixels per design unit: 1 at 1920 × 1080, 4 at 7680 × 4320.
    pub unit: f32,
    pub footer_height: u32,
    pub pad: f32,
    pub title_px: f32,
    pub body_px: f32,
    pub small_px: f32,
    pub line_height: f32,
    /// The title, cut to the text column.
    pub title: String,
    /// Body lines, wrapped to the text column.
    pub lines: Vec<String>,
    pub text_width: f32,
    pub legend: Option<LegendLayout>,
    /// North arrow: centre and radius.
    pub north: Option<(f32, f32, f32)>,
    /// Scale bar: left end of the bar, its top, the longest bar.
    pub scale: Option<(f32, f32, f32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendLayout {
    pub x: f32,
    pub y: f32,
    pub title: String,
    pub swatch_height: f32,
    /// Per class: left, top, width of its swatch; colour; label.
    pub entries: Vec<(f32, f32, f32, [u8; 3], String)>,
}

/// Height of the footer stamp in a `width` × `height` picture.
pub fn footer_height(width: u32, height: u32, stamp: &Stamp) -> u32 {
    Layout::new(width, height, stamp).footer_height
}

/// Size of each rendered panel: the picture less its footer; half the
/// width each for two views side by side.
pub fn panel_size(width: u32, height: u32, stamp: &Stamp, side_by_side: bool) -> (u32, u32) {
    let h = height - footer_height(width, height, stamp);
    if side_by_side {
        (width / 2, h)
    } else {
        (width, h)
    }
}

impl Layout {
    pub fn new(width: u32, height: u32, stamp: &Stamp) -> Layout {
        let font = Font::default();
        let unit = (width as f32 / 1920.0).min(height as f32 / 1080.0).max(0.6);
        let pad = 16.0 * unit;
        let gap = 28.0 * unit;
        let title_px = 26.0 * unit;
        let body_px = 19.0 * unit;
        let small_px = 16.0 * unit;
        let line_height = body_px * 1.3;
        let w = width as f32;

        let north_w = if stamp.heading_deg.is_some() {
            92.0 * unit
        } else {
            0.0
        };
        let scale_w = if stamp.scale.is_some() {
            240.0 * unit
        } else {
            0.0
        };
        let fixed =
            north_w + scale_w + gap * ((north_w > 0.0) as u8 + (scale_w > 0.0) as u8) as f32;
        // The text column keeps at least 40 % of the width; the legend gets
        // what is left (or nothing).
        let legend_room = w - 2.0 * pad - fixed - gap - 0.4 * w;
        let legend = stamp
            .legend
            .as_ref()
            .and_then(|l| legend_rows(&font, l, legend_room, unit, small_px, body_px));
        let legend_w = legend.as_ref().map_or(0.0, |(w, ..)| *w);
        let right_w = fixed + if legend_w > 0.0 { legend_w + gap } else { 0.0 };
        let text_width = (w - 2.0 * pad - right_w - gap).max(40.0 * unit);

        let title = if font.width(&stamp.title, title_px) > text_width {
            font.ellipsis(&stamp.title, title_px, text_width)
        } else {
            stamp.title.clone()
        };
        let mut lines = Vec::new();
        for line in &stamp.lines {
            let room = MAX_LINES.saturating_sub(lines.len());
            if room == 0 {
                break;
            }
            lines.extend(font.wrap(line, body_px, text_width, MAX_LINES_EACH.min(room)));
        }

        let text_h = 2.0 * pad + title_px * 1.3 + lines.len() as f32 * line_height;
        let swatch_height = 20.0 * unit;
        let row_h = swatch_height + small_px * 1.3 + 6.0 * unit;
        let legend_h = legend.as_ref().map_or(0.0, |(_, rows, _)| {
            2.0 * pad + body_px * 1.4 + *rows as f32 * row_h
        });
        let north_h = if north_w > 0.0 {
            2.0 * pad + 84.0 * unit
        } else {
            0.0
        };
        let scale_h = if scale_w > 0.0 {
            2.0 * pad + 14.0 * unit + 2.0 * small_px * 1.35 + 8.0 * unit
        } else {
            0.0
        };
        let footer = text_h.max(legend_h).max(north_h).max(scale_h).ceil() as u32;
        let footer_height = footer.min(height / 2);
        let top = (height - footer_height) as f32;

        // Right to left: scale bar, north arrow, legend.
        let mut right = w - pad;
        let scale = (scale_w > 0.0).then(|| {
            right -= scale_w;
            let r = (right, top + pad + 6.0 * unit, scale_w - 16.0 * unit);
            right -= gap;
            r
        });
        let north = (north_w > 0.0).then(|| {
            right -= north_w;
            let r = (right + north_w / 2.0, top + pad + 46.0 * unit, 26.0 * unit);
            right -= gap;
            r
        });
        let legend = legend.map(|(lw, _, entries)| {
            let x = right - lw;
            let y = top + pad;
            let title = stamp.legend.as_ref().map_or(String::new(), |l| {
                if font.width(&l.title, body_px) > lw {
                    font.ellipsis(&l.title, body_px, lw)
                } else {
                    l.title.clone()
                }
            });
            let first_row = y + body_px * 1.4;
            LegendLayout {
                x,
                y,
                title,
                swatch_height,
                entries: entries
                    .into_iter()
                    .map(|(ex, row, ew, rgb, label)| {
                        (x + ex, first_row + row as f32 * row_h, ew, rgb, label)
                    })
                    .collect(),
            }
        });

        Layout {
            width,
            height,
            unit,
            footer_height,
            pad,
            title_px,
            body_px,
            small_px,
            line_height,
            title,
            lines,
            text_width,
            legend,
            north,
            scale,
        }
    }

    /// Top of the footer.
    pub fn footer_top(&self) -> f32 {
        (self.height - self.footer_height) as f32
    }
}

type LegendEntries = Vec<(f32, usize, f32, [u8; 3], String)>;

/// Swatches in rows no wider than `room`: (width, rows, entries with their
/// x, row, width). None when not even one swatch fits.
fn legend_rows(
    font: &Font,
    legend: &LegendStrip,
    room: f32,
    unit: f32,
    small_px: f32,
    body_px: f32,
) -> Option<(f32, usize, LegendEntries)> {
    if legend.entries.is_empty() {
        return None;
    }
    let widths: Vec<f32> = legend
        .entries
        .iter()
        .map(|(_, label)| (font.width(label, small_px) + 12.0 * unit).max(52.0 * unit))
        .collect();
    if widths.iter().any(|w| *w > room) {
        return None;
    }
    let mut entries = Vec::new();
    let (mut x, mut row, mut widest) = (0.0f32, 0usize, 0.0f32);
    for ((rgb, label), w) in legend.entries.iter().zip(widths) {
        if x > 0.0 && x + w > room {
            row += 1;
            x = 0.0;
        }
        entries.push((x, row, w, *rgb, label.clone()));
        x += w;
        widest = widest.max(x);
    }
    let title_w = font.width(&legend.title, body_px).min(room);
    Some((widest.max(title_w), row + 1, entries))
}

//! Panels + footer → one picture. The rendered panels are copied in, then
//! everything drawn (footer, panel titles, divider) is rasterised over them.

use crate::layout::Layout;
use crate::scale::{format_length, nice_length};
use crate::{Font, PictureError, RgbaImage, Stamp, check_size};
use vello_cpu::color::{AlphaColor, Srgb};
use vello_cpu::kurbo::{Affine, BezPath, Circle, Point, Rect, RoundedRect, Shape, Stroke};
use vello_cpu::{CompositeMode, Pixmap, RasterizerSettings, RenderContext, Resources};

/// What was rendered above the footer.
#[derive(Debug, Clone)]
pub enum Panels {
    /// One view, the picture's width.
    One(RgbaImage),
    /// Two views side by side, half the width each.
    SideBySide(RgbaImage, RgbaImage),
    /// Two whole views, left of `divider` (share of the width) the first.
    Swipe {
        left: RgbaImage,
        right: RgbaImage,
        divider: f32,
    },
}

const INK: [u8; 4] = [26, 26, 26, 255];
const PAPER: [u8; 4] = [255, 255, 255, 255];
const RULE: [u8; 4] = [120, 120, 120, 255];

fn colour(c: [u8; 4]) -> AlphaColor<Srgb> {
    AlphaColor::from_rgba8(c[0], c[1], c[2], c[3])
}

/// The finished picture: `width` × `height`, panels above the stamp.
pub fn compose(
    width: u32,
    height: u32,
    panels: &Panels,
    stamp: &Stamp,
) -> Result<RgbaImage, PictureError> {
    check_size(width, height)?;
    let layout = Layout::new(width, height, stamp);
    let panel_h = height - layout.footer_height;
    let half = width / 2;
    let check = |img: &RgbaImage, w: u32| {
        if img.width == w && img.height == panel_h && img.data.len() == (w * panel_h * 4) as usize {
            Ok(())
        } else {
            Err(PictureError::Panel {
                got_w: img.width,
                got_h: img.height,
                want_w: w,
                want_h: panel_h,
            })
        }
    };

    let mut pixmap = Pixmap::new(width as u16, height as u16);
    let out = pixmap.data_as_u8_slice_mut();
    let row = (width * 4) as usize;
    let copy_columns = |out: &mut [u8], img: &RgbaImage, from: u32, to: u32, at: u32| {
        for y in 0..panel_h as usize {
            let src = y * (img.width * 4) as usize;
            let dst = y * row + (at * 4) as usize;
            let n = ((to - from) * 4) as usize;
            out[dst..dst + n].copy_from_slice(
                &img.data[src + (from * 4) as usize..src + (from * 4) as usize + n],
            );
        }
    };
    let mut dividers = Vec::new();
    match panels {
        Panels::One(img) => {
            check(img, width)?;
            copy_columns(out, img, 0, width, 0);
        }
        Panels::SideBySide(a, b) => {
            check(a, half)?;
            check(b, half)?;
            copy_columns(out, a, 0, half, 0);
            copy_columns(out, b, 0, half, half);
            if width > 2 * half {
                // Odd width: the last column repeats the right panel's edge.
                copy_columns(out, b, half - 1, half, 2 * half);
            }
            dividers.push(half as f32);
        }
        Panels::Swipe {
            left,
            right,
            divider,
        } => {
            check(left, width)?;
            check(right, width)?;
            let at = ((divider.clamp(0.0, 1.0) * width as f32).round() as u32).min(width);
            copy_columns(out, left, 0, at, 0);
            copy_columns(out, right, at, width, at);
            dividers.push(at as f32);
        }
    }
    // The views are opaque whatever the renderer left in alpha.
    for px in out.chunks_exact_mut(4) {
        px[3] = 255;
    }

    let mut ctx = RenderContext::new(width as u16, height as u16);
    let font = Font::default();
    draw_dividers(&mut ctx, &layout, &dividers);
    draw_panel_titles(&mut ctx, &font, &layout, stamp, panels);
    draw_footer(&mut ctx, &font, &layout, stamp);
    ctx.render_with(
        &mut pixmap,
        &mut Resources::new(),
        RasterizerSettings {
            composite_mode: CompositeMode::SrcOver,
            ..Default::default()
        },
    );
    let data = pixmap
        .take_unpremultiplied()
        .into_iter()
        .flat_map(|p| [p.r, p.g, p.b, p.a])
        .collect();
    Ok(RgbaImage {
        width,
        height,
        data,
    })
}

fn text(ctx: &mut RenderContext, font: &Font, s: &str, px: f32, x: f32, baseline: f32, bold: bool) {
    let path = font.path(s, px, x as f64, baseline as f64);
    ctx.set_paint(colour(INK));
    ctx.fill_path(&path);
    if bold {
        // Ubuntu Light made heavier by tracing its outline.
        ctx.set_stroke(Stroke::new((px * 0.045) as f64));
        ctx.stroke_path(&path);
    }
}

fn draw_dividers(ctx: &mut RenderContext, layout: &Layout, dividers: &[f32]) {
    let u = layout.unit as f64;
    let bottom = layout.footer_top() as f64;
    for &x in dividers {
        let x = x as f64;
        ctx.set_paint(colour(INK));
        ctx.fill_rect(&Rect::new(x - 3.0 * u, 0.0, x + 3.0 * u, bottom));
        ctx.set_paint(colour(PAPER));
        ctx.fill_rect(&Rect::new(x - 1.5 * u, 0.0, x + 1.5 * u, bottom));
    }
}

fn draw_panel_titles(
    ctx: &mut RenderContext,
    font: &Font,
    layout: &Layout,
    stamp: &Stamp,
    panels: &Panels,
) {
    let u = layout.unit;
    let px = layout.title_px;
    let width = layout.width as f32;
    let lefts: Vec<(f32, f32)> = match panels {
        Panels::One(_) => vec![(0.0, width)],
        Panels::SideBySide(..) => vec![(0.0, width / 2.0), (width / 2.0, width)],
        Panels::Swipe { divider, .. } => {
            let d = divider.clamp(0.0, 1.0) * width;
            vec![(0.0, d), (d, width)]
        }
    };
    for ((left, right), title) in lefts.into_iter().zip(&stamp.panel_titles) {
        if title.is_empty() {
            continue;
        }
        let room = right - left - 2.0 * 18.0 * u - 2.0 * 10.0 * u;
        if room < 40.0 * u {
            continue;
        }
        let title = if font.width(title, px) > room {
            font.ellipsis(title, px, room)
        } else {
            title.clone()
        };
        let w = font.width(&title, px);
        let cap = font.cap_height(px);
        let (x, y) = (left + 18.0 * u, 18.0 * u);
        let boxed = RoundedRect::new(
            x as f64,
            y as f64,
            (x + w + 20.0 * u) as f64,
            (y + cap + 24.0 * u) as f64,
            (6.0 * u) as f64,
        );
        ctx.set_paint(colour([255, 255, 255, 235]));
        ctx.fill_path(&boxed.to_path(0.1));
        ctx.set_paint(colour(RULE));
        ctx.set_stroke(Stroke::new(u as f64));
        ctx.stroke_path(&boxed.to_path(0.1));
        text(
            ctx,
            font,
            &title,
            px,
            x + 10.0 * u,
            y + 12.0 * u + cap,
            true,
        );
    }
}

fn draw_footer(ctx: &mut RenderContext, font: &Font, layout: &Layout, stamp: &Stamp) {
    let u = layout.unit;
    let top = layout.footer_top();
    let (w, h) = (layout.width as f64, layout.height as f64);
    ctx.set_paint(colour(PAPER));
    ctx.fill_rect(&Rect::new(0.0, top as f64, w, h));
    ctx.set_paint(colour(RULE));
    ctx.fill_rect(&Rect::new(0.0, top as f64, w, (top + 2.0 * u) as f64));

    let x = layout.pad;
    let mut baseline = top + layout.pad + font.cap_height(layout.title_px) + 4.0 * u;
    text(ctx, font, &layout.title, layout.title_px, x, baseline, true);
    baseline += layout.title_px * 0.35 + layout.line_height;
    for line in &layout.lines {
        text(ctx, font, line, layout.body_px, x, baseline, false);
        baseline += layout.line_height;
    }

    if let Some(legend) = &layout.legend {
        let cap = font.cap_height(layout.body_px);
        text(
            ctx,
            font,
            &legend.title,
            layout.body_px,
            legend.x,
            legend.y + cap + 2.0 * u,
            true,
        );
        for (ex, ey, ew, rgb, label) in &legend.entries {
            let swatch = Rect::new(
                *ex as f64,
                *ey as f64,
                (ex + ew - 4.0 * u) as f64,
                (ey + legend.swatch_height) as f64,
            );
            ctx.set_paint(colour([rgb[0], rgb[1], rgb[2], 255]));
            ctx.fill_rect(&swatch);
            ctx.set_paint(colour(RULE));
            ctx.set_stroke(Stroke::new((0.75 * u) as f64));
            ctx.stroke_rect(&swatch);
            let small_cap = font.cap_height(layout.small_px);
            text(
                ctx,
                font,
                label,
                layout.small_px,
                *ex,
                ey + legend.swatch_height + 5.0 * u + small_cap,
                false,
            );
        }
    }

    if let (Some((cx, cy, r)), Some(heading)) = (layout.north, stamp.heading_deg) {
        draw_north_arrow(ctx, font, layout, cx, cy, r, heading, &stamp.north_letter);
    }
    if let (Some((left, top_y, longest)), Some(scale)) = (layout.scale, &stamp.scale) {
        draw_scale_bar(ctx, font, layout, left, top_y, longest, scale);
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_north_arrow(
    ctx: &mut RenderContext,
    font: &Font,
    layout: &Layout,
    cx: f32,
    cy: f32,
    r: f32,
    heading: f32,
    letter: &str,
) {
    let u = layout.unit as f64;
    let (cx, cy, r) = (cx as f64, cy as f64, r as f64);
    // Screen "up" is where the camera looks; north is turned by −heading
    // (the same as the compass on screen).
    let turn = Affine::rotate_about(-(heading as f64).to_radians(), Point::new(cx, cy));
    let circle = Circle::new((cx, cy), r).to_path(0.1);
    ctx.set_paint(colour(PAPER));
    ctx.fill_path(&circle);
    ctx.set_paint(colour(INK));
    ctx.set_stroke(Stroke::new(1.5 * u));
    ctx.stroke_path(&circle);
    let mut left = BezPath::new();
    left.move_to((cx, cy - 0.9 * r));
    left.line_to((cx - 0.42 * r, cy + 0.6 * r));
    left.line_to((cx, cy + 0.3 * r));
    left.close_path();
    let mut right = BezPath::new();
    right.move_to((cx, cy - 0.9 * r));
    right.line_to((cx + 0.42 * r, cy + 0.6 * r));
    right.line_to((cx, cy + 0.3 * r));
    right.close_path();
    ctx.set_transform(turn);
    ctx.set_paint(colour(INK));
    ctx.fill_path(&left);
    ctx.set_stroke(Stroke::new(1.2 * u));
    ctx.stroke_path(&right);
    ctx.reset_transform();
    // The letter stays upright, beyond the tip.
    let a = -(heading as f64).to_radians();
    let (dx, dy) = (a.sin(), -a.cos());
    let px = layout.body_px;
    let tw = font.width(letter, px) as f64;
    let cap = font.cap_height(px) as f64;
    let (lx, ly) = (cx + dx * (r + 11.0 * u), cy + dy * (r + 11.0 * u));
    text(
        ctx,
        font,
        letter,
        px,
        (lx - tw / 2.0) as f32,
        (ly + cap / 2.0) as f32,
        true,
    );
}

fn draw_scale_bar(
    ctx: &mut RenderContext,
    font: &Font,
    layout: &Layout,
    left: f32,
    top: f32,
    longest: f32,
    scale: &crate::ScaleBar,
) {
    let u = layout.unit;
    let Some(metres) = nice_length(longest as f64 * scale.metres_per_pixel) else {
        return;
    };
    let length = (metres / scale.metres_per_pixel) as f32;
    let bar_h = 10.0 * u;
    // Four segments, black and white, framed.
    let seg = length / 4.0;
    for i in 0..4 {
        let x0 = left + i as f32 * seg;
        ctx.set_paint(colour(if i % 2 == 0 { INK } else { PAPER }));
        ctx.fill_rect(&Rect::new(
            x0 as f64,
            top as f64,
            (x0 + seg) as f64,
            (top + bar_h) as f64,
        ));
    }
    ctx.set_paint(colour(INK));
    ctx.set_stroke(Stroke::new(u as f64));
    ctx.stroke_rect(&Rect::new(
        left as f64,
        top as f64,
        (left + length) as f64,
        (top + bar_h) as f64,
    ));
    let px = layout.small_px;
    let cap = font.cap_height(px);
    let label_y = top + bar_h + 6.0 * u + cap;
    text(
        ctx,
        font,
        "0",
        px,
        left - font.width("0", px) / 2.0,
        label_y,
        false,
    );
    let end = format_length(metres, scale.decimal_comma);
    let end_w = font.width(&end, px);
    text(
        ctx,
        font,
        &end,
        px,
        left + length - end_w / 2.0,
        label_y,
        false,
    );
    let caption_y = label_y + px * 1.35;
    text(ctx, font, &scale.caption, px, left, caption_y, false);
}

//! The composed picture measured pixel by pixel: the footer's size, the
//! scale bar's length against its label, where the north arrow points, the
//! views kept where they belong, the PNG's text chunks.

use pw_picture::{
    Font, Layout, LegendStrip, Panels, RgbaImage, ScaleBar, Stamp, compose, encode_png,
    footer_height, format_length, nice_length, panel_size,
};

const SKY: [u8; 4] = [135, 190, 235, 255];

fn stamp() -> Stamp {
    Stamp {
        title: "Jena Innenstadt — Variante B".into(),
        lines: vec![
            "21.06.2026 14:00 MESZ".into(),
            "Sonnenstunden · Tag 2026-06-21 · Zeitschritt 10 min · Auflösung 1 m".into(),
            "Daten: © GeoBasis-DE / TLBG 2025 (dl-de/by-2-0); © OpenStreetMap-Mitwirkende (ODbL)"
                .into(),
            "Planwerkstatt 0.1.0 · erstellt 2026-12-06 10:20 · EPSG:25832".into(),
        ],
        legend: Some(LegendStrip {
            title: "Sonnenstunden".into(),
            entries: vec![
                ([49, 54, 149], "< 2 h".into()),
                ([116, 173, 209], "2 – 4 h".into()),
                ([254, 224, 144], "4 – 6 h".into()),
                ([244, 109, 67], "6 – 8 h".into()),
                ([165, 0, 38], "≥ 8 h".into()),
            ],
        }),
        heading_deg: Some(0.0),
        north_letter: "N".into(),
        scale: Some(ScaleBar {
            metres_per_pixel: 0.5,
            caption: "Maßstab in Bildmitte".into(),
            decimal_comma: true,
        }),
        panel_titles: vec![],
    }
}

fn is_ink(p: [u8; 4]) -> bool {
    p[0] < 80 && p[1] < 80 && p[2] < 80
}

fn one(width: u32, height: u32, s: &Stamp) -> RgbaImage {
    let (w, h) = panel_size(width, height, s, false);
    compose(width, height, &Panels::One(RgbaImage::filled(w, h, SKY)), s).unwrap()
}

#[test]
fn the_footer_grows_with_the_picture_and_the_views_fill_the_rest() {
    let s = stamp();
    let hd = footer_height(1920, 1080, &s);
    assert!((100..=260).contains(&hd), "footer at 1920 × 1080: {hd} px");
    let uhd8 = footer_height(7680, 4320, &s);
    assert!(
        (uhd8 as i64 - 4 * hd as i64).abs() <= 8,
        "8K footer {uhd8} px is four times {hd} px"
    );
    assert_eq!(panel_size(7680, 4320, &s, false), (7680, 4320 - uhd8));
    assert_eq!(panel_size(7680, 4320, &s, true), (3840, 4320 - uhd8));
    // Without legend, arrow and bar the footer is the text alone, smaller.
    let bare = Stamp {
        legend: None,
        heading_deg: None,
        scale: None,
        ..s.clone()
    };
    assert!(footer_height(1920, 1080, &bare) <= hd);
}

#[test]
fn scale_bar_lengths_are_round_and_read_as_said() {
    assert_eq!(nice_length(112.0), Some(100.0));
    assert_eq!(nice_length(499.0), Some(200.0));
    assert_eq!(nice_length(500.0), Some(500.0));
    assert_eq!(nice_length(7300.0), Some(5000.0));
    assert_eq!(nice_length(0.3), Some(0.2));
    assert_eq!(nice_length(0.0), None);
    assert_eq!(nice_length(f64::NAN), None);
    assert_eq!(format_length(100.0, true), "100 m");
    assert_eq!(format_length(0.5, true), "0,5 m");
    assert_eq!(format_length(2000.0, false), "2 km");
    assert_eq!(format_length(2500.0, true), "2,5 km");
}

#[test]
fn the_scale_bar_is_as_long_as_its_label_says() {
    let s = stamp();
    let picture = one(1920, 1080, &s);
    let layout = Layout::new(1920, 1080, &s);
    let (left, top, longest) = layout.scale.unwrap();
    // 0.5 m per pixel, at most `longest` px → a 100 m bar of 200 px. In
    // the bar's middle row everything not white is the bar (black
    // segments, the frame; the last segment is white inside its frame).
    let metres = nice_length(longest as f64 * 0.5).unwrap();
    assert_eq!(metres, 100.0);
    let y = (top + 5.0 * layout.unit) as u32;
    let dark: Vec<u32> = ((left - 5.0) as u32..(left + longest + 10.0) as u32)
        .filter(|&x| picture.pixel(x, y)[0] < 200)
        .collect();
    let (first, last) = (*dark.first().unwrap(), *dark.last().unwrap());
    assert!(
        (first as f32 - left).abs() <= 1.5,
        "bar starts at {first}, laid out at {left}"
    );
    let measured = (last - first) as f64;
    assert!(
        (measured - 200.0).abs() <= 2.0,
        "bar of {measured} px, 100 m at 0.5 m/px is 200 px"
    );
}

/// Direction from the arrow's centre to the ink outside its circle (the
/// letter N).
fn letter_direction(heading: f32) -> (f32, f32) {
    let s = Stamp {
        heading_deg: Some(heading),
        ..stamp()
    };
    let picture = one(1920, 1080, &s);
    let layout = Layout::new(1920, 1080, &s);
    let (cx, cy, r) = layout.north.unwrap();
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    let reach = r + 24.0 * layout.unit;
    for y in (cy - reach) as u32..(cy + reach) as u32 {
        for x in (cx - reach) as u32..(cx + reach) as u32 {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let d = (dx * dx + dy * dy).sqrt();
            if d > r + 3.0 * layout.unit && d < reach && is_ink(picture.pixel(x, y)) {
                sx += dx;
                sy += dy;
                n += 1.0;
            }
        }
    }
    assert!(n > 20.0, "the letter has ink ({n} px)");
    let len = (sx * sx + sy * sy).sqrt();
    (sx / len, sy / len)
}

#[test]
fn the_north_arrow_turns_against_the_heading() {
    // Looking north: N above. Looking east (90°): north is to the left.
    // Looking south: below. Looking west: right.
    for (heading, want) in [
        (0.0, (0.0, -1.0)),
        (90.0, (-1.0, 0.0)),
        (180.0, (0.0, 1.0)),
        (270.0, (1.0, 0.0)),
    ] {
        let (dx, dy) = letter_direction(heading);
        assert!(
            (dx - want.0).abs() < 0.15 && (dy - want.1).abs() < 0.15,
            "heading {heading}: letter towards ({dx:.2}, {dy:.2}), want {want:?}"
        );
    }
}

#[test]
fn the_title_is_drawn_where_and_as_wide_as_laid_out() {
    let s = stamp();
    let picture = one(1920, 1080, &s);
    let layout = Layout::new(1920, 1080, &s);
    let top = layout.footer_top() as u32;
    // The title's band: the first line of text.
    let band = top + (layout.pad as u32)..top + (layout.pad + layout.title_px * 1.2) as u32;
    let mut xs = vec![];
    for y in band {
        for x in 0..(layout.pad + layout.text_width) as u32 {
            if is_ink(picture.pixel(x, y)) {
                xs.push(x);
            }
        }
    }
    let (min, max) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
    let width = Font::default().width(&s.title, layout.title_px);
    assert!(
        (min as f32 - layout.pad).abs() <= 4.0,
        "title starts at {min}"
    );
    assert!(
        ((max - min) as f32 - width).abs() <= 6.0,
        "title ink {} px wide, laid out {width}",
        max - min
    );
    // Above the footer the view is untouched.
    assert_eq!(picture.pixel(960, top - 10), SKY);
    assert_eq!(picture.pixel(960, 300), SKY);
}

#[test]
fn long_lines_wrap_in_the_text_column_and_end_in_an_ellipsis() {
    let long = (0..200)
        .map(|i| format!("Quelle{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let s = Stamp {
        lines: vec![long],
        ..stamp()
    };
    let layout = Layout::new(1920, 1080, &s);
    assert_eq!(layout.lines.len(), 3);
    assert!(layout.lines[2].ends_with('…'));
    let font = Font::default();
    for line in &layout.lines {
        assert!(font.width(line, layout.body_px) <= layout.text_width + 0.5);
    }
    // A single word wider than the column is cut, not spilled.
    let word = Stamp {
        title: "X".repeat(400),
        lines: vec!["Y".repeat(400)],
        ..stamp()
    };
    let layout = Layout::new(1920, 1080, &word);
    assert!(font.width(&layout.title, layout.title_px) <= layout.text_width + 0.5);
    assert!(layout.title.ends_with('…'));
    for line in &layout.lines {
        assert!(font.width(line, layout.body_px) <= layout.text_width + 0.5);
    }
}

#[test]
fn side_by_side_and_swipe_keep_each_view_on_its_side() {
    let a = [200, 60, 60, 255];
    let b = [60, 60, 200, 255];
    let s = Stamp {
        panel_titles: vec!["Bestand".into(), "Variante B".into()],
        ..stamp()
    };
    let (w, h) = panel_size(1921, 1080, &s, true);
    let picture = compose(
        1921,
        1080,
        &Panels::SideBySide(RgbaImage::filled(w, h, a), RgbaImage::filled(w, h, b)),
        &s,
    )
    .unwrap();
    let y = h - 20;
    assert_eq!(picture.pixel(400, y), a);
    assert_eq!(picture.pixel(1500, y), b);
    assert_eq!(picture.pixel(1920, y), b, "odd width: last column filled");
    assert_eq!(picture.pixel(w, y), [255, 255, 255, 255], "white divider");
    // Each side's title in its corner: ink in the left and right halves' tops.
    let ink_in = |x0: u32, x1: u32| (10..80).any(|y| (x0..x1).any(|x| is_ink(picture.pixel(x, y))));
    assert!(ink_in(0, 400) && ink_in(960, 1400));

    let (w, h) = panel_size(1920, 1080, &s, false);
    let picture = compose(
        1920,
        1080,
        &Panels::Swipe {
            left: RgbaImage::filled(w, h, a),
            right: RgbaImage::filled(w, h, b),
            divider: 0.3,
        },
        &s,
    )
    .unwrap();
    assert_eq!(picture.pixel(300, y), a);
    assert_eq!(picture.pixel(1200, y), b);
    assert_eq!(picture.pixel(576, y), [255, 255, 255, 255]);
}

#[test]
fn wrong_sizes_are_refused_with_what_was_wanted() {
    let s = stamp();
    let err = compose(
        1920,
        1080,
        &Panels::One(RgbaImage::filled(100, 100, SKY)),
        &s,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("100 × 100") && err.contains("1920 ×"), "{err}");
    let err = compose(
        9000,
        1080,
        &Panels::One(RgbaImage::filled(9000, 900, SKY)),
        &s,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("9000 × 1080"), "{err}");
}

#[test]
fn the_png_carries_the_stamp_as_text() {
    let s = stamp();
    let picture = one(1280, 720, &s);
    let texts = vec![
        ("Title".to_string(), s.title.clone()),
        ("Copyright".to_string(), s.lines[2].clone()),
    ];
    let bytes = encode_png(&picture, &texts).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (1280, 720));
    let chunks: Vec<(String, String)> = info
        .utf8_text
        .iter()
        .map(|c| (c.keyword.clone(), c.get_text().unwrap()))
        .collect();
    assert_eq!(chunks, texts, "umlauts and dashes kept");
    let mut data = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut data).unwrap();
    assert_eq!(data, picture.data);
    // A picture to look at when changing the layout.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let _ = pw_picture::save_png(&dir.join("pw-picture-sample.png"), &picture, &texts);
}

#[test]
fn errors_are_said_through_the_catalogue_and_read_as_before_in_english() {
    use pw_picture::PictureError;
    let e = PictureError::Size {
        width: 100,
        height: 9000,
    };
    assert_eq!(
        e.to_string(),
        "a picture of 100 × 9000 pixels is outside 240 … 8192 per side"
    );
    assert_eq!(e.message().key, "picture.error.size");
    assert_eq!(e.message().to_string(), e.to_string());
    let said = [
        PictureError::Panel {
            got_w: 1,
            got_h: 2,
            want_w: 3,
            want_h: 4,
        },
        PictureError::Png("bad chunk".into()),
        PictureError::Io {
            path: "/x/a.png".into(),
            source: std::io::Error::other("disk full"),
        },
    ];
    for e in said {
        assert_eq!(e.message().to_string(), e.to_string());
        assert!(e.message().key.starts_with("picture.error."));
    }
}

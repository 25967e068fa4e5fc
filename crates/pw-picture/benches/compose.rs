//! Putting an 8K picture together after the GPU has drawn it: copying the
//! views in, drawing the footer, writing the PNG (`cargo bench -p
//! pw-picture --bench compose`). This runs in the background; the figures
//! say how long a planner waits for the file after the read-back.

use pw_picture::{
    LegendStrip, Panels, RgbaImage, ScaleBar, Stamp, compose, encode_png, panel_size,
};
use std::time::Instant;

fn main() {
    let stamp = Stamp {
        title: "Jena Innenstadt — Bestand | Variante B".into(),
        lines: vec![
            "Zeitpunkt: 21.06.2026 15:00 CEST".into(),
            "Besonnung (Sonnenstunden) 2026-03-21, 150 × 150 m (Bereich: Fläche gewählt, Tag: 2026-03-21)".into(),
            "Daten: Gebäudemodell LoD2: © Geobasis NRW (dl-de/zero-2-0)".into(),
            "Erstellt mit Planwerkstatt 0.1.0 am 06.12.2026 10:20 · Koordinaten EPSG:25832".into(),
        ],
        legend: Some(LegendStrip {
            title: "Sonnenstunden am Tag".into(),
            entries: (0..9).map(|k| ([20 * k as u8, 100, 200], format!("{k} – {} h", k + 1))).collect(),
        }),
        heading_deg: Some(200.0),
        north_letter: "N".into(),
        scale: Some(ScaleBar {
            metres_per_pixel: 0.05,
            caption: "Maßstab in Bildmitte".into(),
            decimal_comma: true,
        }),
        panel_titles: vec!["Bestand".into(), "Variante B".into()],
    };
    for (w, h) in [(1920u32, 1080u32), (3840, 2160), (7680, 4320)] {
        let (pw, ph) = panel_size(w, h, &stamp, true);
        // A view with detail, so PNG compression has work to do.
        let mut view = RgbaImage::filled(pw, ph, [0, 0, 0, 255]);
        for (i, px) in view.data.chunks_exact_mut(4).enumerate() {
            let (x, y) = ((i as u32 % pw) as u8, (i as u32 / pw) as u8);
            px[0] = x ^ y;
            px[1] = x.wrapping_mul(3);
            px[2] = y.wrapping_mul(5);
        }
        let panels = Panels::SideBySide(view.clone(), view);
        let mut best = (f64::MAX, f64::MAX, 0usize);
        for _ in 0..3 {
            let t = Instant::now();
            let picture = compose(w, h, &panels, &stamp).unwrap();
            let composed = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let png = encode_png(&picture, &[("Title".into(), stamp.title.clone())]).unwrap();
            let encoded = t.elapsed().as_secs_f64();
            if composed + encoded < best.0 + best.1 {
                best = (composed, encoded, png.len());
            }
        }
        println!(
            "{w} × {h}: compose {:.0} ms, PNG {:.0} ms ({:.1} MB) — best of 3",
            best.0 * 1e3,
            best.1 * 1e3,
            best.2 as f64 / 1e6
        );
    }
}

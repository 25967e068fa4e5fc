//! Bottom time bar: the one global date and time, with play, speed, "now"
//! and live. Later the sun, sensor history and simulations follow it.

use crate::base::i18n::I18n;
use crate::view::clock::{SPEEDS, SceneClock};
use bevy_egui::egui;

fn speed_label(speed: f64, i18n: &I18n) -> String {
    match speed {
        s if s >= 86_400.0 => i18n.tr("time.speed_day").to_string(),
        s if s >= 3600.0 => i18n.tr("time.speed_hour").to_string(),
        s if s >= 60.0 => i18n.trf("time.speed_minutes", &[("n", &((s / 60.0) as u32))]),
        _ => i18n.tr("time.speed_realtime").to_string(),
    }
}

/// Compass point names (German/English via the catalogue) for an azimuth.
fn compass_point(azimuth: f64, i18n: &I18n) -> String {
    const KEYS: [&str; 8] = [
        "compass.n",
        "compass.ne",
        "compass.e",
        "compass.se",
        "compass.s",
        "compass.sw",
        "compass.w",
        "compass.nw",
    ];
    let i = ((azimuth.rem_euclid(360.0) + 22.5) / 45.0) as usize % 8;
    i18n.tr(KEYS[i]).to_string()
}

/// `compact` (workshop mode) leaves out speed and live: play, now, date, time.
/// `sun` is the sun now; `sun_path` toggles the day's arc in the view.
pub fn time_bar(
    ui: &mut egui::Ui,
    clock: &mut SceneClock,
    i18n: &I18n,
    compact: bool,
    sun: Option<pw_sun::SunPosition>,
    sun_path: &mut bool,
) {
    // One row at any width and control size: what a narrow bar has no room
    // for goes (title, labels, live and speed, the sun's words), in that order.
    let width = super::theme::room_in_desk_type(ui);
    let wide = width >= 1450.0;
    let compact = compact || width < 1150.0;
    ui.horizontal(|ui| {
        ui.spacing_mut().slider_width = (width * 0.1).clamp(45.0, 160.0);
        if wide {
            ui.label(egui::RichText::new(i18n.tr("time.title")).strong());
        }
        let play_text = if clock.playing {
            i18n.tr("time.pause")
        } else {
            i18n.tr("time.play")
        };
        if ui.button(play_text).clicked() {
            clock.playing = !clock.playing;
            clock.live = false;
        }
        if ui.button(i18n.tr("time.now")).clicked() {
            clock.instant = jiff::Timestamp::now();
            clock.live = false;
        }
        if !compact {
            let mut live = clock.live;
            if ui.checkbox(&mut live, i18n.tr("time.live")).changed() {
                if live {
                    clock.go_live();
                } else {
                    clock.live = false;
                }
            }
            ui.separator();
            if wide {
                ui.label(i18n.tr("time.speed"));
            }
            let selected = if clock.through_year {
                i18n.tr("time.speed_year").to_string()
            } else {
                speed_label(clock.speed, i18n)
            };
            egui::ComboBox::from_id_salt("time_speed")
                .selected_text(selected)
                .show_ui(ui, |ui| {
                    for s in SPEEDS {
                        let current = !clock.through_year && clock.speed == s;
                        if ui.selectable_label(current, speed_label(s, i18n)).clicked() {
                            clock.speed = s;
                            clock.through_year = false;
                        }
                    }
                    if ui
                        .selectable_label(clock.through_year, i18n.tr("time.speed_year"))
                        .clicked()
                    {
                        clock.through_year = true;
                        clock.day_fraction = 0.0;
                    }
                });
        }
        ui.separator();
        let local = clock.local();
        if wide {
            ui.label(i18n.tr("time.date"));
        }
        // Day steps where there is room; the calendar always.
        let steps = width >= 700.0;
        if steps && ui.small_button("◀").clicked() {
            shift_days(clock, -1);
        }
        date_field(ui, clock, i18n);
        if steps && ui.small_button("▶").clicked() {
            shift_days(clock, 1);
        }
        calendar(ui, clock, i18n);
        if wide {
            ui.label(i18n.tr("time.clock"));
        }
        let mut minutes = (local.hour() as i32 * 60 + local.minute() as i32) as f32;
        let slider = egui::Slider::new(&mut minutes, 0.0..=1439.0)
            .step_by(1.0)
            .custom_formatter(|m, _| format!("{:02}:{:02}", (m as i32) / 60, (m as i32) % 60))
            .custom_parser(|s| {
                let (h, m) = s.split_once(':')?;
                Some((h.trim().parse::<f64>().ok()? * 60.0) + m.trim().parse::<f64>().ok()?)
            });
        if ui.add(slider).changed() {
            let text = format!(
                "{}T{:02}:{:02}",
                local.strftime("%Y-%m-%d"),
                (minutes as i32) / 60,
                (minutes as i32) % 60
            );
            let _ = clock.set_local_text(&text);
        }
        if width >= 700.0 {
            ui.label(egui::RichText::new(clock.local().strftime("%Z").to_string()).small());
        }
        if width >= 600.0 {
            ui.checkbox(sun_path, i18n.tr("sun.path"));
        }
        if width < 900.0 {
            return;
        }
        ui.separator();
        match sun {
            Some(p) if p.elevation() > -0.833 => ui.label(i18n.trf(
                "sun.position",
                &[
                    ("elevation", &format!("{:.0}", p.elevation())),
                    ("azimuth", &format!("{:.0}", p.azimuth)),
                    ("direction", &compass_point(p.azimuth, i18n)),
                ],
            )),
            Some(_) => ui.label(i18n.tr("sun.below_horizon")),
            None => ui.label(""),
        };
    });
}

/// The date as a field: type "21.3.2026" (or 2026-03-21) and press Enter
/// to jump there, keeping the time of day; a date that does not exist is
/// refused where it was typed.
fn date_field(ui: &mut egui::Ui, clock: &mut SceneClock, i18n: &I18n) {
    let id = ui.id().with("date_typed");
    let shown = clock.local().strftime("%d.%m.%Y").to_string();
    let mut text = ui
        .data_mut(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| shown.clone());
    // As wide as a date in the type in use (the workshop's is larger).
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let width = ui
        .fonts_mut(|f| f.layout_no_wrap("00.00.0000".into(), font, egui::Color32::WHITE))
        .size()
        .x
        + 8.0;
    let response = ui.add(
        egui::TextEdit::singleline(&mut text)
            .desired_width(width)
            .font(egui::TextStyle::Monospace),
    );
    if response.has_focus() || response.changed() {
        ui.data_mut(|d| d.insert_temp(id, text.clone()));
    }
    if response.lost_focus() {
        ui.data_mut(|d| d.remove::<String>(id));
        if text.trim() != shown {
            match parse_day(&text) {
                Some((y, m, d)) => {
                    let local = clock.local();
                    let typed = format!(
                        "{y:04}-{m:02}-{d:02}T{:02}:{:02}",
                        local.hour(),
                        local.minute()
                    );
                    let _ = clock.set_local_text(&typed);
                }
                None => {
                    response.on_hover_text(i18n.tr("time.bad_date"));
                }
            }
        }
    }
}

/// A month to pick a day from, opened beside the date: any day in two
/// taps (the solstice, a workshop's date), not day by day.
fn calendar(ui: &mut egui::Ui, clock: &mut SceneClock, i18n: &I18n) {
    let button = ui.button(i18n.tr("time.calendar"));
    let shown_id = ui.id().with("calendar_month");
    let today = clock.local().date();
    if button.clicked() {
        // Opened: the clock's month, not the one last browsed.
        ui.data_mut(|d| d.remove::<jiff::civil::Date>(shown_id));
    }
    egui::Popup::from_toggle_button_response(&button)
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
        .show(|ui| {
            let first = ui
                .data(|d| d.get_temp::<jiff::civil::Date>(shown_id))
                .unwrap_or_else(|| today.first_of_month());
            let mut month = first;
            ui.horizontal(|ui| {
                if ui.small_button("◀").clicked() {
                    month = first.saturating_sub(jiff::Span::new().months(1));
                }
                ui.label(
                    egui::RichText::new(format!(
                        "{} {}",
                        i18n.tr(MONTHS[first.month() as usize - 1]),
                        first.year()
                    ))
                    .strong(),
                );
                if ui.small_button("▶").clicked() {
                    month = first.saturating_add(jiff::Span::new().months(1));
                }
            });
            egui::Grid::new("calendar_days").show(ui, |ui| {
                for key in WEEKDAYS {
                    ui.label(egui::RichText::new(i18n.tr(key)).small());
                }
                ui.end_row();
                // Weeks start on Monday.
                let lead = first.weekday().to_monday_zero_offset() as usize;
                for _ in 0..lead {
                    ui.label("");
                }
                for day in 1..=first.days_in_month() {
                    let date = first.with().day(day).build().unwrap_or(first);
                    if ui
                        .selectable_label(date == today, format!("{day}"))
                        .clicked()
                    {
                        let local = clock.local();
                        let text = format!(
                            "{}T{:02}:{:02}",
                            date.strftime("%Y-%m-%d"),
                            local.hour(),
                            local.minute()
                        );
                        let _ = clock.set_local_text(&text);
                        clock.live = false;
                        ui.close();
                    }
                    if (lead + day as usize) % 7 == 0 {
                        ui.end_row();
                    }
                }
            });
            ui.data_mut(|d| d.insert_temp(shown_id, month));
        });
}

const MONTHS: [&str; 12] = [
    "month.1", "month.2", "month.3", "month.4", "month.5", "month.6", "month.7", "month.8",
    "month.9", "month.10", "month.11", "month.12",
];
const WEEKDAYS: [&str; 7] = [
    "weekday.mo",
    "weekday.tu",
    "weekday.we",
    "weekday.th",
    "weekday.fr",
    "weekday.sa",
    "weekday.su",
];

/// "21.3.2026", "21.03.2026" or "2026-03-21" → (year, month, day), for a
/// day that exists.
pub fn parse_day(text: &str) -> Option<(i16, i8, i8)> {
    let t = text.trim();
    let (y, m, d) = if let Some((d, rest)) = t.split_once('.') {
        let (m, y) = rest.split_once('.')?;
        (
            y.trim().parse().ok()?,
            m.trim().parse().ok()?,
            d.trim().parse().ok()?,
        )
    } else {
        let mut parts = t.split('-');
        let y = parts.next()?.trim().parse().ok()?;
        let m = parts.next()?.trim().parse().ok()?;
        let d = parts.next()?.trim().parse().ok()?;
        (y, m, d)
    };
    jiff::civil::Date::new(y, m, d).ok().map(|_| (y, m, d))
}

fn shift_days(clock: &mut SceneClock, days: i64) {
    if let Ok(z) = clock.local().checked_add(jiff::Span::new().days(days)) {
        clock.instant = z.timestamp();
        clock.live = false;
    }
}

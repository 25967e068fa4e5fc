//! UI tests without a window: panels in a headless egui harness (clicked by
//! their visible labels), and the action plumbing in a `MinimalPlugins` app
//! that loads the real demo scene.

use super::actions::{AppMode, UiAction};
use super::*;
use crate::base::i18n::Language;
use crate::layers::city_draw::{CityBatch, HIGHLIGHT};
use crate::layers::{LayerEntry, LayerId, LayerStatus, LayerSummary};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;

fn german() -> I18n {
    I18n::new(Language::German)
}

fn layer(id: u32, name: &str, status: LayerStatus) -> LayerEntry {
    LayerEntry {
        id: LayerId(id),
        def: pw_scene::Layer::new(name, pw_scene::LayerKind::Citygml, "x.gml"),
        source: PathBuf::from("x.gml"),
        status,
        extent: None,
        summary: Some(LayerSummary {
            tiles: None,
            themes: Vec::new(),
            theme: None,
            format: "CityGML 1.0".into(),
            source_crs: None,
            buildings: 83,
            parts: 50,
            triangles: 2676,
            batches: 1,
            file_bytes: 1_750_000,
            load_seconds: 0.1,
            features: None,
        }),
        issues: vec![],
        relative_heights: false,
        withheld: false,
        draped_on: None,
        has_attributes: true,
        asked_box: None,
    }
}

#[test]
fn layer_tree_toggles_visibility_flies_and_removes() {
    let layers = vec![
        layer(1, "Gebäude", LayerStatus::Ready),
        layer(2, "Bäume", LayerStatus::Loading),
    ];
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(layer_tree::layer_tree(ui, &layers, &i18n)),
        Vec::new(),
    );
    // The loading spinner repaints forever: step a fixed number of frames.
    h.run_steps(2);
    h.get_by_label("83 Gebäude, 50 Gebäudeteile");
    h.get_by_label("Wird geladen …");
    h.get_by_label("Gebäude").click();
    h.run_steps(2);
    assert!(
        h.state()
            .contains(&UiAction::Scene(SceneCommand::SetVisible(
                LayerId(1),
                false
            ))),
        "{:?}",
        h.state()
    );
    h.state_mut().clear();
    h.get_all_by_label("Hinfliegen").next().unwrap().click();
    h.run_steps(2);
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Scene(SceneCommand::ZoomTo(LayerId(1)))]
    );
    h.state_mut().clear();
    h.get_all_by_label("Entfernen").nth(1).unwrap().click();
    h.run_steps(2);
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Scene(SceneCommand::Remove(LayerId(2)))]
    );
}

#[test]
fn layer_tree_speaks_english_after_switching() {
    let layers = vec![layer(1, "Buildings", LayerStatus::Ready)];
    let i18n = I18n::new(Language::English);
    let mut h = Harness::new_ui(|ui| {
        layer_tree::layer_tree(ui, &layers, &i18n);
    });
    h.run();
    h.get_by_label("Layers");
    h.get_by_label("83 buildings, 50 building parts");
    h.get_by_label("Fly to");
    assert!(h.query_by_label("Ebenen").is_none());
}

/// A road of an OpenStreetMap layer is closed, not removed: the traffic
/// analysis routes around it.
#[test]
fn a_road_of_an_osm_layer_is_closed_in_the_scenario() {
    let osm = pw_osm::read_xml(
        br#"<osm><node id="1" lat="50.0" lon="11.0"/><node id="2" lat="50.0" lon="11.001"/>
<way id="5"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="name" v="Lindenweg"/></way></osm>"#,
    )
    .unwrap();
    let data = pw_vector::osm::to_vector(&osm);
    let scene = pw_vector::to_city::city_model(
        &data,
        std::path::Path::new("x.osm"),
        &|_, _| 0.0,
        &pw_vector::osm::map_style(),
        &pw_vector::style::symbolize(&data, &pw_vector::osm::map_style()),
    );
    let inspected = InspectorData::new(LayerId(3), "OSM", &scene.model, 0, 0).unwrap();
    assert!(inspected.road);
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(inspector::inspector(ui, Some(&inspected), &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_label("way/5");
    h.get_by_label("Lindenweg");
    assert!(h.query_by_label("Im Szenario entfernen").is_none());
    h.get_by_label("Straße im Szenario sperren").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Scenario(
            crate::scenario::ScenarioCommand::Remove {
                layer: LayerId(3),
                object: 0,
            }
        )]
    );
}

/// A road's speed, lanes and capacity change in the variant with one tap
/// each; tapping what is set takes it back.
#[test]
fn a_roads_speed_lanes_and_capacity_change_with_taps() {
    let osm = pw_osm::read_xml(
        br#"<osm><node id="1" lat="50.0" lon="11.0"/><node id="2" lat="50.0" lon="11.001"/>
<way id="5"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way></osm>"#,
    )
    .unwrap();
    let data = pw_vector::osm::to_vector(&osm);
    let scene = pw_vector::to_city::city_model(
        &data,
        std::path::Path::new("x.osm"),
        &|_, _| 0.0,
        &pw_vector::osm::map_style(),
        &pw_vector::style::symbolize(&data, &pw_vector::osm::map_style()),
    );
    let mut inspected = InspectorData::new(LayerId(3), "OSM", &scene.model, 0, 0).unwrap();
    let i18n = german();
    let set = |key: &str, value: Option<&str>| {
        UiAction::Plan(crate::plan::PlanCommand::SetAttribute {
            object: "way/5".into(),
            key: key.into(),
            value: value.map(String::from),
        })
    };
    {
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Vec<UiAction>| {
                out.extend(inspector::inspector(ui, Some(&inspected), &i18n))
            },
            Vec::new(),
        );
        h.run();
        // A residential street: one lane each way at 500 vehicles per hour.
        h.get_by_label("Kapazität je Richtung: 500 Kfz/h");
        assert!(h.query_by_label("wie bisher").is_none());
        h.get_by_label("50 km/h").click();
        h.run();
        // The lanes' "2" (the table may show a 2 as well).
        h.get_by_role_and_label(egui::accesskit::Role::Button, "2")
            .click();
        h.run();
        h.get_by_label("+100").click();
        h.run();
        assert_eq!(
            h.state().as_slice(),
            &[
                set("maxspeed", Some("50")),
                set("lanes:forward", Some("2")),
                set("lanes:backward", Some("2")),
                set("pw:capacity", Some("600")),
            ]
        );
    }
    // In a variant that has them: 2 lanes make 1,000; what is set is
    // taken back with a tap.
    inspected.changes = vec![
        ("maxspeed".into(), "50".into()),
        ("lanes:forward".into(), "2".into()),
        ("lanes:backward".into(), "2".into()),
    ];
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(inspector::inspector(ui, Some(&inspected), &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_label("Kapazität je Richtung: 1000 Kfz/h");
    h.get_by_label("50 km/h").click();
    h.run();
    assert_eq!(h.state().as_slice(), &[set("maxspeed", None)]);
    drop(h);
    // A scene whose [[traffic.classes]] give residential streets 700 per
    // lane: 2 lanes make 1,400, as the analysis takes it.
    inspected.road_classes = vec![pw_analysis::scenario::RoadClass {
        class: "residential".into(),
        speed: None,
        lanes: None,
        capacity_per_lane: Some(700.0),
    }];
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(inspector::inspector(ui, Some(&inspected), &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_label("Kapazität je Richtung: 1400 Kfz/h");
}

fn nrw_model() -> pw_city::CityModel {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/nrw/LoD2_32_280_5657_1_NW.gml");
    pw_city::citygml::read_file(&p, None).unwrap()
}

#[test]
fn inspector_shows_attributes_with_german_code_labels_and_removes_in_the_scenario() {
    let model = nrw_model();
    let data = InspectorData::new(LayerId(7), "LoD2", &model, 0, 0).unwrap();
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(inspector::inspector(ui, Some(&data), &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_label("DENW43AL00001j2W");
    h.get_by_label("Gebäudefunktion");
    h.get_by_label("Schuppen (31001_2723)");
    h.get_by_label("Flachdach (1000)");
    h.get_by_label("1,48 m");
    h.get_by_label("05370024");
    // Nothing removed yet: no way back offered.
    assert!(h.query_by_label("Alle Änderungen zurücknehmen").is_none());
    h.get_by_label("Im Szenario entfernen").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Scenario(
            crate::scenario::ScenarioCommand::Remove {
                layer: LayerId(7),
                object: 0
            }
        )]
    );
    // With removals the inspector says so and offers to undo them all.
    let data = InspectorData::new(LayerId(7), "LoD2", &model, 0, 2).unwrap();
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(inspector::inspector(ui, Some(&data), &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_label("2 Gebäude im Szenario entfernt – Analysen rechnen ohne sie.");
    h.get_by_label("Alle Änderungen zurücknehmen").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Scenario(
            crate::scenario::ScenarioCommand::RestoreAll
        )]
    );
    drop(h);
    // A building the planner drew is deleted from its variant instead.
    let mut data = InspectorData::new(LayerId(9), "Neubauten", &model, 0, 0).unwrap();
    data.planned = true;
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(inspector::inspector(ui, Some(&data), &i18n)),
        Vec::new(),
    );
    h.run();
    assert!(h.query_by_label("Im Szenario entfernen").is_none());
    h.get_by_label("Löschen").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Plan(crate::plan::PlanCommand::Delete(
            "DENW43AL00001j2W".into()
        ))]
    );
}

#[test]
fn inspector_without_selection_explains_what_to_do() {
    let i18n = german();
    let mut h = Harness::new_ui(|ui| {
        inspector::inspector(ui, None, &i18n);
    });
    h.run();
    h.get_by_label("Klicken Sie auf ein Gebäude, um seine Eigenschaften zu sehen.");
}

#[test]
fn time_bar_plays_pauses_and_jumps_to_now() {
    let i18n = german();
    let clock = SceneClock::for_city("Europe/Berlin", Some("2026-06-21T15:00")).unwrap();
    let mut path = true;
    let sun = pw_sun::SunPosition {
        zenith: 27.5,
        azimuth: 179.8,
    };
    // A desk's wide window: everything in the bar.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 120.0))
        .build_ui_state(
            |ui, clock: &mut SceneClock| {
                time_bar::time_bar(ui, clock, &i18n, false, Some(sun), &mut path);
            },
            clock,
        );
    h.run();
    assert_eq!(
        h.get_by_role(egui::accesskit::Role::TextInput)
            .value()
            .as_deref(),
        Some("21.06.2026")
    );
    h.get_by_label("Sonne 62° hoch, 180° (S)");
    h.get_by_label("Abspielen").click();
    h.run();
    assert!(h.state().playing);
    h.get_by_label("Anhalten").click();
    h.run();
    assert!(!h.state().playing);
    h.get_by_label("▶").click();
    h.run();
    assert_eq!(
        h.state().local().strftime("%d.%m.%Y %H:%M").to_string(),
        "22.06.2026 15:00"
    );
    h.get_by_label("Jetzt").click();
    h.run();
    assert!(
        jiff::Timestamp::now()
            .duration_since(h.state().instant)
            .as_secs()
            < 60
    );
}

#[test]
fn the_bundled_scenes_are_one_click_apart() {
    let scenes = top_bar::scenes_beside(&demo_scene());
    let names: Vec<&str> = scenes.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Demo: LoD2-Kachel Heinsberg (NRW)",
            "Demo: Stadtdaten Jena (Aufzeichnung)"
        ]
    );
    let i18n = german();
    let m = top_bar::TopBarModel {
        scene_name: "Demo: LoD2-Kachel Heinsberg (NRW)",
        dirty: false,
        has_path: true,
        mode: AppMode::Planning,
        language: Language::German,
        scenes: &scenes,
        kiosk_pin: false,
        logo: None,
        logo_texture: None,
    };
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(top_bar::top_bar(ui, &m, &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_role(egui::accesskit::Role::ComboBox).click();
    h.run();
    h.get_by_label("Demo: Stadtdaten Jena (Aufzeichnung)")
        .click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Scene(SceneCommand::Open(scenes[1].0.clone()))]
    );
}

#[test]
fn top_bar_switches_mode_and_language() {
    let i18n = german();
    let m = top_bar::TopBarModel {
        scene_name: "Demo",
        dirty: true,
        has_path: true,
        mode: AppMode::Planning,
        language: Language::German,
        scenes: &[],
        kiosk_pin: false,
        logo: None,
        logo_texture: None,
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 120.0))
        .build_ui_state(
            |ui, out: &mut Vec<UiAction>| out.extend(top_bar::top_bar(ui, &m, &i18n)),
            Vec::new(),
        );
    h.run();
    h.get_by_label("Demo •");
    h.get_by_label("Workshop").click();
    h.run();
    // The language is one control: its menu lists each in its own name.
    h.get_by_label("Sprache: Deutsch").click();
    h.run();
    h.get_by_label("English").click();
    h.run();
    // Files are in their menu: the bar keeps one row.
    h.get_by_label("Datei").click();
    h.run();
    h.get_by_label("Speichern").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[
            UiAction::SetMode(AppMode::Workshop),
            UiAction::SetLanguage(Language::English),
            UiAction::Scene(SceneCommand::Save)
        ]
    );
}

#[test]
fn settings_set_high_contrast_and_scale() {
    let i18n = german();
    let settings = UserSettings::default();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| dialogs::settings_contents(ui, &settings, &i18n, out),
        Vec::new(),
    );
    h.run();
    h.get_by_label("Hoher Kontrast").click();
    h.run();
    assert_eq!(h.state().as_slice(), &[UiAction::SetHighContrast(true)]);
}

/// The control size applies when the slider is let go: applied while
/// dragging, the window grew under the pointer and the slider jumped away.
#[test]
fn the_control_size_applies_on_release() {
    let i18n = german();
    let settings = UserSettings::default();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| dialogs::settings_contents(ui, &settings, &i18n, out),
        Vec::new(),
    );
    h.run();
    let rect = h.get_by_role(egui::accesskit::Role::Slider).rect();
    let at = |share: f32| egui::pos2(rect.left() + rect.width() * share, rect.center().y);
    h.event(egui::Event::PointerMoved(at(0.2)));
    h.event(egui::Event::PointerButton {
        pos: at(0.2),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.run();
    for share in [0.4, 0.6, 0.8] {
        h.event(egui::Event::PointerMoved(at(share)));
        h.run();
    }
    assert!(
        h.state().is_empty(),
        "applied while dragging: {:?}",
        h.state()
    );
    h.event(egui::Event::PointerButton {
        pos: at(0.8),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run();
    let [UiAction::SetUiScale(s)] = h.state().as_slice() else {
        panic!("{:?}", h.state())
    };
    assert!(*s > 2.0 && *s <= 3.0, "{s}");
}

/// Top, time and status bar keep one row at every control size on a
/// 1600 px window (1280 points at 1.25×, 533 at 3×); what does not fit
/// moves into menus or is left out.
#[test]
fn the_bars_keep_one_row_at_every_control_size() {
    let i18n = german();
    let scenes = top_bar::scenes_beside(&demo_scene());
    let control = std::sync::Arc::new(pw_job::JobControl::default());
    let jobs = vec![crate::base::jobs::JobEntry {
        id: 1,
        label: "Besonnung".into(),
        control,
    }];
    // The desk at 1.0–3.0×, and the workshop (its larger type) at 1.0–2.0×.
    let cases = [1280.0, 1066.0, 800.0, 640.0, 533.0]
        .map(|w| (AppMode::Planning, w))
        .into_iter()
        .chain([1185.0, 948.0, 790.0, 592.0].map(|w| (AppMode::Workshop, w)));
    let mut problems = Vec::new();
    for (mode, width) in cases {
        let m = top_bar::TopBarModel {
            scene_name: "Demo: LoD2-Kachel Heinsberg (NRW)",
            dirty: true,
            has_path: true,
            mode,
            language: Language::German,
            scenes: &scenes,
            kiosk_pin: false,
            logo: None,
            logo_texture: None,
        };
        let status = status_bar::StatusModel {
            crs_label: "EPSG:25832".into(),
            cursor_world: Some([280_876.36, 5_657_485.68, 35.91]),
            workshop: mode.public(),
            cursor_wgs84: Some((5.875085, 51.027095)),
            metres_per_pixel: 0.5,
            jobs: &jobs,
        };
        let mut clock = SceneClock::for_city("Europe/Berlin", Some("2026-06-21T15:00")).unwrap();
        let sun = pw_sun::SunPosition {
            zenith: 32.0,
            azimuth: 217.0,
        };
        let mut path = true;
        // The workshop's own zoom (1.35×) on top: the window in pixels.
        let one = UserSettings {
            ui_scale: 1.0,
            ..Default::default()
        };
        let zoom = super::theme::zoom_factor(&one, mode);
        let folds = std::cell::RefCell::new(Vec::new());
        let mut h = Harness::builder()
            .with_size(egui::vec2(width * zoom, 400.0))
            .build_ui_state(
                |ui, rows: &mut Vec<(String, egui::Rect, f32)>| {
                    rows.clear();
                    // The app's type and spacing (the width is in points).
                    super::theme::apply(ui.ctx(), &one, mode, None);
                    let row = ui.spacing().interact_size.y;
                    let r = ui.scope(|ui| top_bar::top_bar(ui, &m, &i18n)).response.rect;
                    rows.push(("top".into(), r, row));
                    // Left and right groups must not run into each other:
                    // what the chosen fold needs fits the room.
                    let (fold, need) = top_bar::fold_for(ui, &m, &i18n, ui.available_width());
                    folds.borrow_mut().push(fold);
                    let mut fits = r;
                    fits.set_right(r.left() + need);
                    rows.push((format!("top ({fold:?}, needs)"), fits, row));
                    let r = ui
                        .scope(|ui| {
                            let compact = mode.public();
                            time_bar::time_bar(ui, &mut clock, &i18n, compact, Some(sun), &mut path)
                        })
                        .response
                        .rect;
                    rows.push(("time".into(), r, row));
                    let r = ui
                        .scope(|ui| status_bar::status_bar(ui, &status, &i18n))
                        .response
                        .rect;
                    rows.push(("status".into(), r, row));
                },
                Vec::new(),
            );
        h.run();
        h.run();
        for (bar, rect, row) in h.state() {
            if rect.height() >= row * 1.7 {
                problems.push(format!(
                    "{mode:?} {bar} bar at {width} pt: {} pt high (a row is {row})",
                    rect.height()
                ));
            }
            // And all of it on screen, nothing cut off at the right.
            if rect.right() > width + 0.5 {
                problems.push(format!(
                    "{mode:?} {bar} bar at {width} pt reaches {}",
                    rect.right()
                ));
            }
        }
        // From 1280 points every control with its words; at the desk's
        // 2× and more, language, settings and sources in "Mehr".
        let narrow = h.query_by_label("Mehr").is_some();
        let fold = *folds.borrow().last().unwrap();
        if mode == AppMode::Planning
            && (width >= 1280.0 && fold > top_bar::Fold::Title || width <= 640.0 && !narrow)
        {
            problems.push(format!("{mode:?} at {width}: {fold:?}"));
        }
        // At the table controls keep their words.
        if mode.public() && matches!(fold, top_bar::Fold::Title | top_bar::Fold::Icons) {
            problems.push(format!("{mode:?} at {width}: icons without words"));
        }
        if h.query_by_label("Einstellungen").is_some() == narrow
            || h.query_by_label("Mehr").is_some() != narrow
        {
            problems.push(format!(
                "{mode:?} at {width}: narrow {narrow}, settings {:?} more {:?}",
                h.query_by_label("Einstellungen").map(|n| n.rect()),
                h.query_by_label("Mehr").map(|n| n.rect())
            ));
        }
        assert_eq!(
            h.query_by_label("Datei").is_some(),
            mode == AppMode::Planning
        );
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn bookmarks_fly_and_remember() {
    let i18n = german();
    let list = vec![pw_scene::Bookmark {
        name: "Markt".into(),
        target: [0.0; 3],
        distance: 100.0,
        heading: 0.0,
        pitch: 40.0,
    }];
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(bookmarks::bookmarks(ui, &list, true, &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_label("Markt").click();
    h.run();
    h.get_by_label("Aktuelle Ansicht merken").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[
            UiAction::Scene(SceneCommand::GoToBookmark(0)),
            UiAction::BookmarkCurrentView
        ]
    );
}

#[test]
fn file_chooser_lists_scenes_and_opens_one() {
    let i18n = german();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let chooser = dialogs::FileChooser::new(Dialog::OpenFile, &dir, "");
    assert!(chooser.entries.iter().any(|(n, d)| n == "demo.scene" && !d));
    assert!(
        !chooser.entries.iter().any(|(n, _)| n == "README.md"),
        "only loadable files are offered"
    );
    let mut h = Harness::new_ui_state(
        |ui, (c, out): &mut (dialogs::FileChooser, Vec<UiAction>)| c.contents(ui, &i18n, out),
        (chooser, Vec::new()),
    );
    h.run();
    h.get_by_label("demo.scene").click();
    h.run();
    h.get_by_label("Öffnen").click();
    h.run();
    assert_eq!(
        h.state().1,
        vec![
            UiAction::Scene(SceneCommand::AddFile(dir.join("demo.scene"))),
            UiAction::Close(Dialog::OpenFile)
        ]
    );
}

// ---- MinimalPlugins: the real plumbing on the real demo scene ----

fn demo_scene() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/demo.scene")
}

fn test_app() -> App {
    let mut app = crate::app::headless_core_app();
    app.add_plugins(UiLogicPlugin);
    app
}

/// Runs frames until the predicate holds (bounded: 20 s).
fn update_until(app: &mut App, what: &str, mut done: impl FnMut(&mut App) -> bool) {
    let start = std::time::Instant::now();
    while !done(app) {
        assert!(
            start.elapsed().as_secs() < 20,
            "timed out waiting for {what}"
        );
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn act(app: &mut App, action: UiAction) {
    app.world_mut()
        .resource_mut::<PendingUiActions>()
        .0
        .push(action);
    app.update();
    app.update();
}

fn open_demo(app: &mut App) -> LayerId {
    app.world_mut()
        .write_message(SceneCommand::Open(demo_scene()));
    update_until(app, "demo layer", |app| {
        app.world()
            .resource::<Layers>()
            .entries
            .first()
            .is_some_and(|l| l.status == LayerStatus::Ready)
            && app.world().resource::<CityLayers>().layers.len() == 1
    });
    app.world().resource::<Layers>().entries[0].id
}

fn batch_entities(app: &mut App) -> Vec<(Entity, Visibility)> {
    let mut q = app.world_mut().query::<(Entity, &CityBatch, &Visibility)>();
    q.iter(app.world()).map(|(e, _, v)| (e, *v)).collect()
}

#[test]
fn demo_scene_loads_in_the_background_into_one_batch() {
    let mut app = test_app();
    let id = open_demo(&mut app);
    let layers = app.world().resource::<Layers>();
    let entry = layers.get(id).unwrap();
    let s = entry.summary.as_ref().unwrap();
    assert_eq!(
        (s.buildings, s.parts, s.triangles, s.batches),
        (83, 50, 2676, 1)
    );
    assert_eq!(entry.source_crs_label(), "EPSG:25832+7837");
    assert!(app.world().resource::<Jobs>().is_idle());
    assert_eq!(
        batch_entities(&mut app).len(),
        1,
        "one draw call for the whole tile"
    );
    let active = app.world().resource::<ActiveScene>();
    assert_eq!(active.scene.bookmarks.len(), 2);
    assert_eq!(
        app.world().resource::<SceneClock>().display_local(),
        "21.06.2026 15:00 CEST"
    );
    // The camera jumped to the first bookmark.
    let orbit = *app
        .world_mut()
        .query::<&OrbitCamera>()
        .single(app.world())
        .unwrap();
    assert_eq!(
        (orbit.distance, orbit.heading, orbit.pitch),
        (420.0, 340.0, 21.0)
    );
}

#[test]
fn visibility_and_opacity_reach_the_batches() {
    let mut app = test_app();
    let id = open_demo(&mut app);
    act(
        &mut app,
        UiAction::Scene(SceneCommand::SetVisible(id, false)),
    );
    assert!(
        batch_entities(&mut app)
            .iter()
            .all(|(_, v)| *v == Visibility::Hidden)
    );
    act(
        &mut app,
        UiAction::Scene(SceneCommand::SetVisible(id, true)),
    );
    assert!(
        batch_entities(&mut app)
            .iter()
            .all(|(_, v)| *v == Visibility::Visible)
    );
    act(&mut app, UiAction::Scene(SceneCommand::SetOpacity(id, 0.5)));
    let handle = app.world().resource::<CityLayers>().layers[&id]
        .material
        .clone();
    let m = app
        .world()
        .resource::<Assets<StandardMaterial>>()
        .get(&handle)
        .unwrap();
    assert_eq!(m.base_color.alpha(), 0.5);
    assert_eq!(m.alpha_mode, AlphaMode::Blend);
    assert!(app.world().resource::<ActiveScene>().dirty);
}

fn object_colors_and_positions(
    app: &App,
    id: LayerId,
    object: usize,
) -> (Vec<[f32; 4]>, Vec<[f32; 3]>) {
    let layer = &app.world().resource::<CityLayers>().layers[&id];
    let (b, slot) = layer.slots[&object];
    let range = layer.city.batches[b].objects[slot].vertices.clone();
    let mesh = app
        .world()
        .resource::<Assets<Mesh>>()
        .get(&layer.meshes[b])
        .unwrap();
    let Some(bevy::mesh::VertexAttributeValues::Float32x4(c)) =
        mesh.attribute(Mesh::ATTRIBUTE_COLOR)
    else {
        panic!()
    };
    let Some(bevy::mesh::VertexAttributeValues::Float32x3(p)) =
        mesh.attribute(Mesh::ATTRIBUTE_POSITION)
    else {
        panic!()
    };
    (
        c[range.start as usize..range.end as usize].to_vec(),
        p[range.start as usize..range.end as usize].to_vec(),
    )
}

#[test]
fn selection_highlights_and_hide_show_work_inside_the_batch() {
    let mut app = test_app();
    let id = open_demo(&mut app);
    let (before, positions) = object_colors_and_positions(&app, id, 0);
    app.world_mut().resource_mut::<Selection>().picked = Some((id, 0));
    app.update();
    let (lit, _) = object_colors_and_positions(&app, id, 0);
    let hl = Color::srgb(HIGHLIGHT[0], HIGHLIGHT[1], HIGHLIGHT[2]).to_linear();
    assert!(
        lit.iter()
            .all(|c| (c[0] - hl.red).abs() < 1e-6 && (c[1] - hl.green).abs() < 1e-6)
    );
    act(&mut app, UiAction::ClearSelection);
    assert_eq!(
        object_colors_and_positions(&app, id, 0).0,
        before,
        "colours restored"
    );

    act(&mut app, UiAction::Building(BuildingCommand::Hide(id, 0)));
    let (_, hidden) = object_colors_and_positions(&app, id, 0);
    assert!(hidden.iter().all(|p| *p == hidden[0]), "vertices collapsed");
    assert!(
        app.world().resource::<CityLayers>().layers[&id]
            .hidden
            .contains(&0)
    );
    act(&mut app, UiAction::Building(BuildingCommand::ShowAll(id)));
    assert_eq!(
        object_colors_and_positions(&app, id, 0).1,
        positions,
        "positions restored"
    );
}

#[test]
fn bookmark_current_view_and_save_as_round_trip() {
    let mut app = test_app();
    open_demo(&mut app);
    act(&mut app, UiAction::BookmarkCurrentView);
    let scene = &app.world().resource::<ActiveScene>().scene;
    assert_eq!(scene.bookmarks.len(), 3);
    assert_eq!(scene.bookmarks[2].name, "Ansicht 3");
    assert_eq!(scene.bookmarks[2].heading, 340.0);
    // A layer on a server keeps its web address whatever the folder.
    let url = "https://tiles.example.org/jena/tileset.json?key=abc";
    let mut server = layer(99, "Server", LayerStatus::Ready);
    server.def = pw_scene::Layer::new("Server", pw_scene::LayerKind::Tiles3d, url);
    server.source = PathBuf::from(url);
    app.world_mut()
        .resource_mut::<Layers>()
        .entries
        .push(server);
    let dir = std::env::temp_dir().join(format!("pw-ui-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("copy.scene");
    act(
        &mut app,
        UiAction::Scene(SceneCommand::SaveAs(target.clone())),
    );
    let saved = pw_scene::Scene::load(&target).unwrap();
    assert_eq!(saved.bookmarks.len(), 3);
    // The layer path was re-rooted so the copy still finds the data.
    let resolved = pw_scene::Scene::resolve_path(&target, &saved.layers[0].path);
    assert!(resolved.exists(), "{}", resolved.display());
    assert_eq!(saved.layers.last().unwrap().path, url);
    assert!(!app.world().resource::<ActiveScene>().dirty);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_scene_file_is_reported_and_the_open_scene_kept() {
    let mut app = test_app();
    open_demo(&mut app);
    let dir = std::env::temp_dir().join(format!("pw-ui-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.scene");
    std::fs::write(&bad, "name = \"x\"\norigin = [0, 0, 0]\ncolour = 3\n").unwrap();
    act(
        &mut app,
        UiAction::Scene(SceneCommand::AddFile(bad.clone())),
    );
    app.update();
    let notices = &app.world().resource::<Notices>().items;
    let last = notices.last().unwrap();
    assert!(
        // Said in the user's language (German here), with the line and column.
        last.error
            && last.text.contains("bad.scene, Zeile 3, Spalte 1")
            && last.text.contains("colour"),
        "{last:?}"
    );
    assert_eq!(
        app.world().resource::<Layers>().entries.len(),
        1,
        "the demo layer is still there"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn language_and_scale_actions_change_settings() {
    let mut app = test_app();
    act(&mut app, UiAction::SetLanguage(Language::English));
    assert_eq!(app.world().resource::<I18n>().tr("layers.title"), "Layers");
    act(&mut app, UiAction::SetUiScale(7.0));
    assert_eq!(
        app.world().resource::<UserSettings>().ui_scale,
        3.0,
        "clamped to 3×"
    );
    act(&mut app, UiAction::SetMode(AppMode::Workshop));
    assert_eq!(app.world().resource::<UiState>().mode, AppMode::Workshop);
}

#[test]
fn removing_the_layer_despawns_its_batches() {
    let mut app = test_app();
    let id = open_demo(&mut app);
    act(&mut app, UiAction::Scene(SceneCommand::Remove(id)));
    assert!(batch_entities(&mut app).is_empty());
    assert!(app.world().resource::<CityLayers>().layers.is_empty());
}

#[test]
fn dropping_an_unknown_file_says_what_is_supported() {
    let mut app = test_app();
    app.world_mut().write_message(FileDragAndDrop::DroppedFile {
        window: Entity::PLACEHOLDER,
        path_buf: PathBuf::from("/tmp/notes.docx"),
    });
    app.update();
    let last = app
        .world()
        .resource::<Notices>()
        .items
        .last()
        .cloned()
        .unwrap();
    assert!(
        last.error && last.text.contains("notes.docx") && last.text.contains(".scene"),
        "{last:?}"
    );
}

#[test]
fn dropping_a_citygml_file_adds_a_layer_that_loads_and_frames() {
    let mut app = test_app();
    open_demo(&mut app);
    let gml = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../shared/data/citygml/sig3d_terrain/Building_and_garage_LOD2-EPSG25832_CityGML2.gml",
    );
    app.world_mut().write_message(FileDragAndDrop::DroppedFile {
        window: Entity::PLACEHOLDER,
        path_buf: gml,
    });
    update_until(&mut app, "dropped layer", |app| {
        app.world()
            .resource::<Layers>()
            .entries
            .get(1)
            .is_some_and(|l| l.status == LayerStatus::Ready)
    });
    let layers = app.world().resource::<Layers>();
    let entry = &layers.entries[1];
    assert_eq!(
        entry.def.name,
        "Building_and_garage_LOD2-EPSG25832_CityGML2"
    );
    assert_eq!(entry.summary.as_ref().unwrap().buildings, 1);
    assert!(app.world().resource::<ActiveScene>().dirty);
    // The camera frames the new layer (SIG3D example near 458 880 E /
    // 5 438 352 N) within a few frames, however busy the machine is.
    let target = |app: &mut App| {
        let orbit = *app
            .world_mut()
            .query::<&OrbitCamera>()
            .single(app.world())
            .unwrap();
        app.world()
            .resource::<SceneFrame>()
            .bevy_to_world(orbit.target)
    };
    update_until(&mut app, "camera on the new layer", |app| {
        let t = target(app);
        (t[0] - 458_881.0).abs() < 10.0 && (t[1] - 5_438_352.0).abs() < 10.0
    });
}

fn analyses(app: &App) -> &crate::analysis::AnalysisState {
    app.world().resource::<crate::analysis::AnalysisState>()
}

fn set_form(app: &mut App, f: impl FnOnce(&mut pw_analysis::ParamValues)) {
    f(app
        .world_mut()
        .resource_mut::<crate::analysis::AnalysisState>()
        .form_mut()
        .expect("sun hours form"));
}

fn text(v: &str) -> pw_analysis::Value {
    pw_analysis::Value::Text(v.into())
}

/// A run with frames (a flood) plays on the global clock: before its
/// start and after its end the worst is drawn, in between the frame of the
/// clock's time.
#[test]
fn a_flood_plays_on_the_clock() {
    use crate::analysis::AnalysisState;
    use crate::view::clock::SceneClock;
    use pw_analysis::{AnalysisResult, Frames, GroundRaster};
    let mut app = test_app();
    app.update();
    let now = app
        .world()
        .resource::<SceneClock>()
        .instant
        .as_millisecond() as f64
        / 1000.0;
    let quantity = pw_flood::framework::depth_quantity();
    let legend = quantity.legend.clone();
    let grid = pw_terrain::Grid {
        width: 2,
        height: 1,
        x0: 0.0,
        y0: 10.0,
        dx: 10.0,
        dy: 10.0,
        values: vec![1.2, 0.7],
        crs: None,
    };
    let result = AnalysisResult {
        label: "Starkregen".into(),
        ground: Some(GroundRaster {
            grid,
            quantity,
            frames: Some(Frames {
                start: now + 300.0,
                step: 300.0,
                values: vec![vec![0.2, 0.0], vec![0.6, 0.4]],
            }),
        }),
        ..Default::default()
    };
    app.world_mut()
        .resource_mut::<AnalysisState>()
        .add("flood", result);
    app.update();
    app.update();
    // The colour of the western cell as drawn now.
    let drawn = |app: &mut App| -> [u8; 4] {
        let entity = app.world().resource::<AnalysisState>().results[0]
            .ground_entity
            .expect("a ground overlay");
        let material = app
            .world()
            .get::<MeshMaterial3d<StandardMaterial>>(entity)
            .unwrap()
            .0
            .clone();
        let texture = app
            .world()
            .resource::<Assets<StandardMaterial>>()
            .get(&material)
            .unwrap()
            .base_color_texture
            .clone()
            .unwrap();
        let image = app
            .world()
            .resource::<Assets<Image>>()
            .get(&texture)
            .unwrap();
        let data = image.data.as_ref().unwrap();
        [data[0], data[1], data[2], data[3]]
    };
    let set_clock = |app: &mut App, t: f64| {
        app.world_mut().resource_mut::<SceneClock>().instant =
            jiff::Timestamp::from_millisecond((t * 1000.0) as i64).unwrap();
        app.update();
    };
    assert_eq!(
        drawn(&mut app),
        legend.colour(1.2),
        "before the run: the worst"
    );
    set_clock(&mut app, now + 310.0);
    assert_eq!(drawn(&mut app), legend.colour(0.2), "the first frame");
    set_clock(&mut app, now + 650.0);
    assert_eq!(drawn(&mut app), legend.colour(0.6), "the second frame");
    set_clock(&mut app, now + 5000.0);
    assert_eq!(
        drawn(&mut app),
        legend.colour(1.2),
        "after the run: the worst again"
    );
}

#[test]
fn sun_hours_run_in_the_background_show_compare_and_cancel() {
    use crate::analysis::{AnalysisCommand, AnalysisOverlay};
    use pw_analysis::Value;
    let mut app = test_app();
    open_demo(&mut app);
    assert_eq!(analyses(&app).selected, "sunhours");
    // Without an area the run says what is missing.
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    let notices = &app.world().resource::<Notices>().items;
    assert!(
        notices
            .last()
            .is_some_and(|n| n.error && n.text == "Noch kein Bereich gewählt."),
        "{notices:?}"
    );
    // Two taps on the map choose the area (the picking plugin's clicks).
    act(&mut app, UiAction::Analysis(AnalysisCommand::PickArea));
    for p in [
        [280_850.0, 5_657_300.0, 40.0],
        [281_000.0, 5_657_450.0, 40.0],
    ] {
        app.world_mut()
            .write_message(crate::view::picking::WorldClick {
                world: Some(p),
                object: None,
            });
        app.update();
    }
    let area = analyses(&app)
        .form()
        .unwrap()
        .area("area")
        .expect("area from two taps");
    assert_eq!((area.width(), area.height()), (150.0, 150.0));
    set_form(&mut app, |f| {
        f.set("date", text("2026-03-21"));
        f.set("facades", Value::Bool(true));
    });
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    assert!(analyses(&app).running.is_some());
    assert_eq!(
        app.world().resource::<Jobs>().running.len(),
        1,
        "progress in the status bar"
    );
    update_until(&mut app, "sun hours", |app| {
        !analyses(app).results.is_empty()
    });
    let entry = &analyses(&app).results[0];
    let grid = &entry.result.ground.as_ref().unwrap().grid;
    assert_eq!((grid.width, grid.height), (150, 150));
    assert!(entry.result.facades.as_ref().unwrap().samples.len() > 1000);
    assert_eq!(
        entry.result.stamp.get("dates").as_deref(),
        Some("2026-03-21")
    );
    assert_eq!(
        entry.result.stamp.get("scenario").as_deref(),
        Some("Bestand")
    );
    assert!(
        entry
            .result
            .stamp
            .get("input_1")
            .unwrap()
            .contains("LoD2_32_280_5657_1_NW.gml")
    );
    assert_eq!(
        entry.label(),
        "Besonnung (Sonnenstunden) 2026-03-21, 150 × 150 m"
    );
    assert!(app.world().resource::<Jobs>().is_idle());
    app.update();
    let overlays = app
        .world_mut()
        .query_filtered::<&Visibility, With<AnalysisOverlay>>()
        .iter(app.world())
        .filter(|v| **v == Visibility::Visible)
        .count();
    assert_eq!(overlays, 2, "ground raster and facade patches shown");

    // A second day, then B − A: June has more sun everywhere.
    set_form(&mut app, |f| {
        f.set("date", text("2026-06-21"));
        f.set("facades", Value::Bool(false));
    });
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "second run", |app| {
        analyses(app).results.len() == 2
    });
    let (a, b) = (analyses(&app).results[0].id, analyses(&app).results[1].id);
    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::Compare { a, b }),
    );
    let diff = analyses(&app).results.last().unwrap();
    assert!(diff.is_difference());
    let d = &diff.result.ground.as_ref().unwrap().grid;
    let gained = d.values.iter().filter(|v| **v > 0.01).count();
    assert!(
        gained > 15_000,
        "{gained} cells gain sun from March to June"
    );
    // Only the newest raster is shown.
    let shown: Vec<bool> = analyses(&app)
        .results
        .iter()
        .map(|e| e.show_ground)
        .collect();
    assert_eq!(shown, vec![false, false, true]);

    // Cancel right away: no half result, a notice says so. (A run of many
    // seconds, so it cannot finish before the cancel arrives.)
    set_form(&mut app, |f| {
        f.set("cell", Value::Number(0.5));
        f.set("step", Value::Number(1.0));
        f.set("facades", Value::Bool(true));
    });
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    let job = app.world().resource::<Jobs>().running[0].id;
    act(&mut app, UiAction::CancelJob(job));
    update_until(&mut app, "cancel", |app| analyses(app).running.is_none());
    assert_eq!(analyses(&app).results.len(), 3);
    let notices = &app.world().resource::<Notices>().items;
    assert!(
        notices.iter().any(|n| n.text.contains("abgebrochen")),
        "{notices:?}"
    );

    // Remove takes the overlays away.
    act(&mut app, UiAction::Analysis(AnalysisCommand::Remove(a)));
    assert_eq!(analyses(&app).results.len(), 2);
    app.update();
    let overlays = app
        .world_mut()
        .query_filtered::<&Visibility, With<AnalysisOverlay>>()
        .iter(app.world())
        .count();
    assert_eq!(
        overlays, 2,
        "the June raster and the difference raster are left"
    );
}

/// The issue's acceptance test: on the NRW tile, the tallest building
/// removed in the scenario (through the inspector's action) disappears,
/// casts no shadow, and the sun hours north of it increase.
#[test]
fn a_building_removed_in_the_scenario_casts_no_shadow() {
    use crate::analysis::AnalysisCommand;
    use crate::scenario::{ScenarioCommand, ScenarioState};
    use pw_analysis::Value;
    let mut app = test_app();
    open_demo(&mut app);
    update_until(&mut app, "demo tile", |app| {
        !app.world().resource::<CityLayers>().layers.is_empty()
    });
    // The tallest building of the tile (with its parts), by its extent.
    let (layer, object, centre, half) = {
        let city = app.world().resource::<CityLayers>();
        let (id, l) = city.layers.iter().next().unwrap();
        let m = &l.city.model;
        let (i, e) = m
            .objects
            .iter()
            .enumerate()
            .filter(|(_, o)| o.parent.is_none())
            .map(|(i, o)| {
                let mut e = o.extent();
                for c in m.objects.iter().filter(|c| c.parent == Some(i)) {
                    e.union(&c.extent());
                }
                (i, e)
            })
            .max_by(|a, b| (a.1.max[2] - a.1.min[2]).total_cmp(&(b.1.max[2] - b.1.min[2])))
            .unwrap();
        let c = [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0];
        (
            *id,
            i,
            c,
            (e.max[0] - e.min[0]).max(e.max[1] - e.min[1]) / 2.0,
        )
    };
    let area = pw_analysis::Area::new(
        centre[0] - 60.0,
        centre[1] - 40.0,
        centre[0] + 60.0,
        centre[1] + 100.0,
    );
    set_form(&mut app, |f| {
        f.set("area", Value::Area(Some(area)));
        f.set("date", text("2026-03-21"));
        f.set("facades", Value::Bool(false));
    });
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "Bestand", |app| analyses(app).results.len() == 1);
    // Remove it from the inspector: the picture and the scenario lose it.
    act(
        &mut app,
        UiAction::Scenario(ScenarioCommand::Remove { layer, object }),
    );
    app.update();
    let removed = &app.world().resource::<ScenarioState>().edits.removed;
    assert_eq!(removed.len(), 1);
    assert!(
        app.world().resource::<CityLayers>().layers[&layer]
            .hidden
            .contains(&object)
    );
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "without it", |app| {
        analyses(app).results.len() == 2
    });
    let after = &analyses(&app).results[1];
    assert!(
        after.label().contains("Bestand mit Änderungen"),
        "{}",
        after.label()
    );
    assert!(
        after
            .result
            .stamp
            .get("edits")
            .unwrap()
            .starts_with("1 removed")
    );
    let (a, b) = (analyses(&app).results[0].id, after.id);
    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::Compare { a, b }),
    );
    let d = &analyses(&app).results[2]
        .result
        .ground
        .as_ref()
        .unwrap()
        .grid;
    let north = d.cell_value_at(centre[0], centre[1] + half + 3.0);
    assert!(
        north.is_some_and(|h| h > 0.5),
        "sun gained just north of it: {north:?}"
    );
    assert_eq!(d.values.iter().filter(|v| **v < -0.01).count(), 0);
    let gained = d.values.iter().filter(|v| **v > 0.01).count();
    assert!(gained > 100, "{gained} m² gain sun");
    // Undo: the building is back, in the picture and for the analyses.
    act(&mut app, UiAction::Scenario(ScenarioCommand::RestoreAll));
    app.update();
    assert!(app.world().resource::<ScenarioState>().edits.is_empty());
    assert!(
        app.world().resource::<CityLayers>().layers[&layer]
            .hidden
            .is_empty()
    );
    // Another scene: the old results, their overlays and the area go.
    let dir = std::env::temp_dir().join(format!("pw-empty-scene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("leer.scene");
    std::fs::write(
        &empty,
        "name = \"Leer\"\ncrs = \"EPSG:25832\"\norigin = [0.0, 0.0, 0.0]\n",
    )
    .unwrap();
    app.world_mut().write_message(SceneCommand::Open(empty));
    update_until(&mut app, "results forgotten", |app| {
        analyses(app).results.is_empty()
    });
    assert_eq!(analyses(&app).form().unwrap().area("area"), None);
    app.update();
    let overlays = app
        .world_mut()
        .query_filtered::<(), With<crate::analysis::AnalysisOverlay>>()
        .iter(app.world())
        .count();
    assert_eq!(overlays, 0);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn analysis_panel_sets_a_preset_day_and_runs() {
    use crate::analysis::{AnalysisCommand, AnalysisState, AreaPick};
    use pw_analysis::{Analysis, Registry, Value};
    let i18n = german();
    let mut registry = Registry::default();
    registry.register(std::sync::Arc::new(pw_shadow::SunHoursAnalysis));
    let state_with = |area: Option<pw_analysis::Area>, pick: AreaPick| {
        let mut s = AnalysisState::default();
        s.selected = "sunhours".into();
        s.pick = pick;
        let mut form = pw_shadow::SunHoursAnalysis.defaults();
        form.set("date", text("2026-05-02"));
        form.set("area", Value::Area(area));
        s.forms.insert("sunhours", form);
        s
    };
    let date = |s: &AnalysisState| s.form().unwrap().text("date").to_string();
    let r = registry.clone();
    let mut h = Harness::new_ui_state(
        move |ui, state: &mut (AnalysisState, Vec<UiAction>)| {
            let acts = analysis_panel::analysis_panel(ui, &r, &mut state.0, &i18n);
            state.1.extend(acts);
        },
        (
            state_with(
                Some(pw_analysis::Area::new(0.0, 0.0, 200.0, 100.0)),
                AreaPick::Off,
            ),
            Vec::new(),
        ),
    );
    h.run();
    h.get_by_label("200 m × 100 m");
    h.get_by_label("21.12.").click();
    h.run();
    assert_eq!(date(&h.state().0), "2026-12-21");
    h.get_by_label("17.01.").click();
    h.run();
    assert_eq!(date(&h.state().0), "2026-01-17");
    h.get_by_label("Berechnen").click();
    h.run();
    assert!(
        h.state()
            .1
            .contains(&UiAction::Analysis(AnalysisCommand::Run))
    );
    h.get_by_label("Auf der Karte wählen").click();
    h.run();
    assert!(
        h.state()
            .1
            .contains(&UiAction::Analysis(AnalysisCommand::PickArea))
    );
    drop(h);
    // Without an area the run button is off, and the panel says why.
    let i18n = german();
    let mut h = Harness::new_ui_state(
        move |ui, state: &mut (AnalysisState, Vec<UiAction>)| {
            let acts = analysis_panel::analysis_panel(ui, &registry, &mut state.0, &i18n);
            state.1.extend(acts);
        },
        (state_with(None, AreaPick::FirstCorner), Vec::new()),
    );
    h.run();
    h.get_by_label("Tippen Sie auf die erste Ecke des Bereichs.");
    assert!(h.query_all_by_label("Noch kein Bereich gewählt.").count() >= 1);
    h.get_by_label("Berechnen").click();
    h.run();
    assert!(h.state().1.is_empty(), "{:?}", h.state().1);
}

#[test]
fn a_vector_layer_in_a_scene_loads_as_pickable_features() {
    let dir = std::env::temp_dir().join(format!("pw-vector-scene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wfs = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/vector/hamburg/wfs_verkehrsnetz_bab_linestring.xml");
    let scene = dir.join("hamburg.scene");
    std::fs::write(
        &scene,
        format!(
            "name = \"Hamburg\"\ncrs = \"EPSG:25832\"\norigin = [565000.0, 5935000.0, 10.0]\n\n[[layers]]\nname = \"Autobahnen\"\nkind = \"vector\"\npath = \"{}\"\n",
            wfs.display()
        ),
    )
    .unwrap();
    let mut app = test_app();
    app.world_mut().write_message(SceneCommand::Open(scene));
    update_until(&mut app, "vector layer", |app| {
        app.world()
            .resource::<Layers>()
            .entries
            .first()
            .is_some_and(|l| l.status == LayerStatus::Ready)
            && app.world().resource::<CityLayers>().layers.len() == 1
    });
    let layers = app.world().resource::<Layers>();
    let s = layers.entries[0].summary.as_ref().unwrap();
    assert_eq!((s.features, s.format.as_str()), (Some(66), "GML"));
    let i18n = german();
    assert_eq!(
        i18n.trf("layers.features", &[("count", &66), ("format", &"GML")]),
        "66 Objekte (GML)"
    );
    // Every motorway is an object with its attributes for the inspector.
    let city = app
        .world()
        .resource::<CityLayers>()
        .layers
        .values()
        .next()
        .unwrap();
    let a7 = city
        .city
        .model
        .objects
        .iter()
        .filter(|o| o.attribute("strassenname") == Some("BAB A7"))
        .count();
    assert!(a7 > 0);
    assert!(!batch_entities(&mut app).is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

/// A city layer styled by roof type from the editor: every drawn building
/// (or part) in its class colour, the legend with the AdV names and the
/// counts of the file, the table listing buildings only, found by name.
#[test]
fn city_buildings_are_styled_by_roof_type_and_listed_in_the_table() {
    let dir = std::env::temp_dir().join(format!("pw-city-style-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gml =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/nrw/LoD2_32_280_5657_1_NW.gml");
    let demo = std::fs::read_to_string(demo_scene()).unwrap().replace(
        "../assets/demo/nrw/LoD2_32_280_5657_1_NW.gml",
        &gml.display().to_string(),
    );
    let scene = dir.join("dach.scene");
    std::fs::write(&scene, &demo).unwrap();
    let mut app = test_app();
    app.world_mut()
        .write_message(SceneCommand::Open(scene.clone()));
    update_until(&mut app, "tile", |app| {
        app.world().resource::<CityLayers>().layers.len() == 1
    });
    let id = *app
        .world()
        .resource::<CityLayers>()
        .layers
        .keys()
        .next()
        .unwrap();
    act(&mut app, UiAction::OpenStyleEditor(id));
    let editor = app
        .world()
        .resource::<UiState>()
        .style_editor
        .clone()
        .expect("editor open for a city layer");
    assert!(editor.city);
    let kind = |name: &str| editor.fields.iter().find(|(n, _)| n == name).map(|f| f.1);
    assert_eq!(kind("roofType"), Some(pw_vector::FieldKind::Integer));
    assert_eq!(kind("measuredHeight"), Some(pw_vector::FieldKind::Real));
    assert_eq!(kind("function"), Some(pw_vector::FieldKind::Text));
    let mut style = editor.draft.clone();
    style.mode = Some(pw_scene::SymbolMode::Categorized);
    style.field = Some("roofType".into());
    let legend = apply_style(&mut app, id, style);
    let entries = legend_rows(&legend);
    // Counted in the file by hand (83 buildings, 50 of them in parts: 113
    // roofs; a part without a roof type takes its building's).
    assert_eq!(
        entries,
        [
            ("Flachdach".to_string(), 50),
            ("Satteldach".to_string(), 43),
            ("Pultdach".to_string(), 11),
            ("Mischform".to_string(), 4),
            ("Sonstiges".to_string(), 3),
            ("Walmdach".to_string(), 2),
        ]
    );
    // The vertices of a gable-roofed building carry the class colour.
    let gable = legend.entries[1].colour.map(|c| (c * 255.0).round() as u8);
    let (id2, layer) = {
        let city = app.world().resource::<CityLayers>();
        let (id2, layer) = city.layers.iter().next().unwrap();
        (*id2, layer.city.clone())
    };
    assert_eq!(id2, id);
    let roofs_of = |o: usize| {
        let mut at = Some(o);
        while let Some(i) = at {
            if let Some(v) = layer.model.objects[i].attribute("roofType") {
                return Some(v.to_string());
            }
            at = layer.model.objects[i].parent;
        }
        None
    };
    let mut painted = 0;
    for batch in &layer.batches {
        for o in &batch.objects {
            let tint = batch.tints[o.vertices.start as usize];
            if roofs_of(o.object).as_deref() == Some("3100") {
                assert_eq!(
                    &tint[..3],
                    &gable[..3],
                    "{}",
                    layer.model.objects[o.object].id
                );
                painted += 1;
            } else {
                assert_ne!(&tint[..3], &gable[..3]);
            }
        }
    }
    assert_eq!(painted, 43);
    // The table lists the 113 buildings and parts, and finds the gable
    // roofs by their name.
    act(&mut app, UiAction::OpenTable(id));
    let mut table = app
        .world()
        .resource::<UiState>()
        .table
        .clone()
        .expect("table open");
    assert!(table.buildings_only);
    assert_eq!(table.rows(&layer.model.objects).len(), 113);
    table.filter = "satteldach".into();
    assert_eq!(table.rows(&layer.model.objects).len(), 43);
    table.filter = "measuredHeight > 10".into();
    let tall = table.rows(&layer.model.objects).len();
    let by_hand = (0..layer.model.objects.len())
        .filter(|&i| {
            let o = &layer.model.objects[i];
            o.is_building()
                && !o.surfaces.is_empty()
                && o.attribute("measuredHeight")
                    .or_else(|| {
                        o.parent
                            .and_then(|p| layer.model.objects[p].attribute("measuredHeight"))
                    })
                    .and_then(|h| h.parse::<f64>().ok())
                    .is_some_and(|h| h > 10.0)
        })
        .count();
    assert!(tall > 0);
    assert_eq!(tall, by_hand);
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader's problem reaches the German UI in German, with its line.
#[test]
fn problems_of_libraries_are_shown_in_the_users_language() {
    let issue = pw_city::Issue {
        severity: pw_city::Severity::Warning,
        line: Some(12),
        id: None,
        message: pw_analysis::Message::new("style.issue.no_numbers")
            .arg("field", "GEN")
            .english("style: \"{field}\" holds no numbers; graduated needs numbers"),
    };
    assert_eq!(
        super::layer_tree::issue_text(&issue, &german()),
        "Zeile 12: Stil: „GEN“ enthält keine Zahlen; Klassen brauchen Zahlen"
    );
    let english = I18n::new(Language::English);
    assert_eq!(
        super::layer_tree::issue_text(&issue, &english),
        "Line 12: Style: \"GEN\" holds no numbers; classes need numbers"
    );
    // A final text (a peer's words) stays as it is.
    let peer = pw_city::Issue::warning(pw_text::Message::text(
        "HTTP 500 from https://example.org/broken/1/2/3.png",
    ));
    assert_eq!(
        super::layer_tree::issue_text(&peer, &german()),
        "HTTP 500 from https://example.org/broken/1/2/3.png"
    );
}

fn districts_app(dir: &std::path::Path) -> (App, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let fgb = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("crates/pw-vector/tests/data/flatgeobuf/thueringen_kreise_gk3.fgb");
    let scene = dir.join("kreise.scene");
    std::fs::write(
        &scene,
        format!(
            "name = \"Kreise\"\ncrs = \"EPSG:25832\"\norigin = [650000.0, 5620000.0, 0.0]\n\n\
             [[layers]]\nname = \"Kreise\"\nkind = \"vector\"\npath = \"{}\"\n",
            fgb.display()
        ),
    )
    .unwrap();
    let mut app = test_app();
    app.world_mut()
        .write_message(SceneCommand::Open(scene.clone()));
    update_until(&mut app, "districts", |app| {
        app.world()
            .resource::<Layers>()
            .entries
            .first()
            .is_some_and(|l| l.status == LayerStatus::Ready)
            && app.world().resource::<CityLayers>().layers.len() == 1
    });
    (app, scene)
}

/// Sends `style` for layer `id` as the editor's "Anwenden" does and waits
/// for the layer drawn again with its legend.
fn apply_style(app: &mut App, id: LayerId, style: pw_scene::Style) -> pw_vector::style::Legend {
    let mode = style.mode.unwrap_or(pw_scene::SymbolMode::Single);
    act(
        app,
        UiAction::Scene(SceneCommand::SetStyle(id, Box::new(style))),
    );
    update_until(app, "restyled", |app| {
        legend_of(app).is_some_and(|l| l.mode == mode)
    });
    legend_of(app).unwrap()
}

/// The legend as the German user reads it: text and count per entry.
fn legend_rows(legend: &pw_vector::style::Legend) -> Vec<(String, usize)> {
    legend
        .entries
        .iter()
        .map(|e| {
            (
                super::vector_style::entry_text(&e.kind, e.label.as_deref(), &german()),
                e.count,
            )
        })
        .collect()
}

fn legend_of(app: &App) -> Option<pw_vector::style::Legend> {
    let city = app.world().resource::<CityLayers>();
    Some(
        city.layers
            .values()
            .next()?
            .city
            .vector
            .as_ref()?
            .legend
            .clone(),
    )
}

#[test]
fn a_style_from_the_editor_redraws_the_layer_and_is_saved() {
    let dir = std::env::temp_dir().join(format!("pw-style-{}", std::process::id()));
    let (mut app, scene) = districts_app(&dir);
    let id = app.world().resource::<Layers>().entries[0].id;
    act(&mut app, UiAction::OpenStyleEditor(id));
    let editor = app
        .world()
        .resource::<UiState>()
        .style_editor
        .clone()
        .expect("editor open");
    assert!(editor.fields.iter().any(|(n, _)| n == "GEN"));
    assert_eq!(legend_of(&app).unwrap().mode, pw_scene::SymbolMode::Single);
    let mut style = editor.draft.clone();
    style.mode = Some(pw_scene::SymbolMode::Categorized);
    style.field = Some("BEZ".into());
    style.label_field = Some("GEN".into());
    let legend = apply_style(&mut app, id, style);
    let counts = legend_rows(&legend);
    // Thuringia: 17 Landkreise, 6 kreisfreie Städte.
    assert_eq!(
        counts,
        [("Landkreis".into(), 17), ("Kreisfreie Stadt".into(), 6)]
    );
    let city = app.world().resource::<CityLayers>();
    let extras = city
        .layers
        .values()
        .next()
        .unwrap()
        .city
        .vector
        .clone()
        .unwrap();
    assert_eq!(extras.labels.len(), 23);
    assert!(extras.labels.iter().any(|l| l.text == "Sömmerda"));
    // Outlines for every ring, in the scene CRS around Thuringia.
    assert!(extras.outlines.len() >= 23);
    let p = extras.outlines[0][0];
    assert!(p[0] > 550_000.0 && p[0] < 780_000.0, "{p:?}");
    assert!(app.world().resource::<ActiveScene>().dirty);
    act(&mut app, UiAction::Scene(SceneCommand::Save));
    let saved = std::fs::read_to_string(&scene).unwrap();
    assert!(saved.contains("mode = \"categorized\""), "{saved}");
    assert!(saved.contains("label_field = \"GEN\""), "{saved}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_csv_without_crs_asks_which_and_the_choice_is_saved_in_the_scene() {
    // Flensburg's tree cadastre: Gauß-Krüger strip 3, the file says nothing.
    let dir = std::env::temp_dir().join(format!("pw-crs-ask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/vector/flensburg/lebende-baeume.csv");
    let scene = dir.join("flensburg.scene");
    std::fs::write(
        &scene,
        "name = \"Flensburg\"\ncrs = \"EPSG:25832\"\norigin = [528500.0, 6073000.0, 20.0]\n",
    )
    .unwrap();
    let mut app = test_app();
    app.world_mut()
        .write_message(SceneCommand::Open(scene.clone()));
    app.update();
    // Added as a user adds it: the layer waits for an answer, the question
    // opens by itself with Gauß-Krüger 3 chosen.
    act(&mut app, UiAction::Scene(SceneCommand::AddFile(csv)));
    update_until(&mut app, "the question", |app| {
        app.world().resource::<UiState>().crs_picker.is_some()
    });
    let layer = app.world().resource::<Layers>().entries[0].clone();
    assert!(
        matches!(layer.status, LayerStatus::NeedsCrs(_)),
        "{:?}",
        layer.status
    );
    let picker = app
        .world()
        .resource::<UiState>()
        .crs_picker
        .clone()
        .unwrap();
    assert_eq!(picker.layer, layer.id);
    assert_eq!(picker.chosen, Some(pw_geo::Crs::epsg(31467)));
    // "Later" closes it for good; the layer tree asks again.
    act(&mut app, UiAction::Close(super::actions::Dialog::CrsPicker));
    app.update();
    assert!(app.world().resource::<UiState>().crs_picker.is_none());
    act(&mut app, UiAction::ChooseCrs(layer.id));
    assert!(app.world().resource::<UiState>().crs_picker.is_some());
    act(
        &mut app,
        UiAction::Scene(SceneCommand::SetCrs(layer.id, Some("EPSG:31467".into()))),
    );
    update_until(&mut app, "the trees", |app| {
        app.world().resource::<Layers>().entries[0].status == LayerStatus::Ready
    });
    let entry = &app.world().resource::<Layers>().entries[0];
    let summary = entry.summary.as_ref().unwrap();
    assert_eq!(summary.features, Some(18_697));
    assert_eq!(summary.source_crs, Some(pw_geo::Crs::epsg(31467)));
    // In the scene CRS around Flensburg (UTM 32: 52x xxx / 607x xxx).
    let e = entry.extent.unwrap();
    assert!(e.min[0] > 520_000.0 && e.max[1] < 6_080_000.0, "{e:?}");
    assert!(app.world().resource::<ActiveScene>().dirty);
    act(&mut app, UiAction::Scene(SceneCommand::Save));
    let saved = std::fs::read_to_string(&scene).unwrap();
    assert!(saved.contains("crs = \"EPSG:31467\""), "{saved}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_table_row_selects_the_feature_and_flies_to_it() {
    let dir = std::env::temp_dir().join(format!("pw-table-{}", std::process::id()));
    let (mut app, _) = districts_app(&dir);
    let id = app.world().resource::<Layers>().entries[0].id;
    act(&mut app, UiAction::OpenTable(id));
    let mut table = app
        .world()
        .resource::<UiState>()
        .table
        .clone()
        .expect("table open");
    assert!(table.columns.contains(&"GEN".to_string()));
    let objects = app.world().resource::<CityLayers>().layers[&id]
        .city
        .model
        .objects
        .clone();
    table.filter = "GEN = Jena".into();
    let rows = table.rows(&objects).to_vec();
    assert_eq!(rows.len(), 1);
    // The window, clicked on the row's name.
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| {
            let (a, _) = attribute_table::table_panel(ui, &mut table, &objects, id, None, &i18n);
            out.extend(a);
        },
        Vec::new(),
    );
    h.run_steps(4);
    h.get_by_label("1 von 23 Objekten");
    // Its first cell (OBJID; the name column lies beyond the window's width).
    h.get_by_label("DEBKGVG500000CRQ").click();
    h.run_steps(2);
    let actions = h.state().clone();
    assert_eq!(actions[0], UiAction::SelectObject(id, rows[0]));
    let UiAction::Camera(crate::view::camera::CameraCommand::FrameExtent(e)) = &actions[1] else {
        panic!("{actions:?}")
    };
    // Jena lies around 681 km E / 5643 km N (UTM 32).
    let c = e.center();
    assert!(
        (c[0] - 681_000.0).abs() < 6_000.0 && (c[1] - 5_644_000.0).abs() < 8_000.0,
        "{c:?}"
    );
    for a in actions {
        act(&mut app, a);
    }
    assert_eq!(
        app.world().resource::<Selection>().picked,
        Some((id, rows[0]))
    );

    drop(h);
    // A first cell of wide letters is cut: the next cell stays under its
    // header instead of being pushed along.
    let mut wide = objects.clone();
    let first = table.columns[0].clone();
    let second = table.columns[1].clone();
    if let Some(a) = wide[rows[0]]
        .attributes
        .iter_mut()
        .find(|(k, _)| *k == first)
    {
        a.1 = "W".repeat(60);
    }
    let next_value = wide[rows[0]].attribute(&second).unwrap_or("").to_string();
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, _: &mut ()| {
            let _ = attribute_table::table_panel(ui, &mut table, &wide, id, None, &i18n);
        },
        (),
    );
    h.run_steps(4);
    let header = h.get_by_label(&second).rect();
    let cell = h
        .query_all_by_label(&attribute_table::fit(&next_value))
        .map(|n| n.rect())
        .find(|r| r.top() > header.bottom())
        .unwrap_or_else(|| panic!("the row's second cell {second:?} = {next_value:?}"));
    assert!(
        (cell.left() - header.left()).abs() < 1.0,
        "cell at {}, header at {}",
        cell.left(),
        header.left()
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 15's first steps on the NRW tile: a variant saved beside the scene
/// builds a 20 × 12 m gable house of 4 storeys; choosing it shows the house
/// and the sun hours of the variant lose sun exactly north of it; saving
/// keeps the house out of the scene file and the variant in its own file.
#[test]
fn a_variant_with_a_new_house_shades_what_bestand_does_not() {
    use crate::analysis::AnalysisCommand;
    use crate::scenario::{ScenarioCommand, ScenarioState};
    use pw_analysis::Value;
    let dir = std::env::temp_dir().join(format!("pw-variant-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gml =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/nrw/LoD2_32_280_5657_1_NW.gml");
    let demo = std::fs::read_to_string(demo_scene()).unwrap();
    let scene = dir.join("plan.scene");
    std::fs::write(
        &scene,
        demo.replace(
            "../assets/demo/nrw/LoD2_32_280_5657_1_NW.gml",
            &gml.display().to_string(),
        ),
    )
    .unwrap();
    let mut variant = pw_plan::Variant::new("Variante A");
    variant.volumes.push(pw_plan::Volume {
        roof: pw_plan::Roof::Gable {
            pitch: 35.0,
            ridge_edge: 0,
        },
        ..pw_plan::Volume::new(
            "neu-1",
            vec![
                [280_930.0, 5_657_330.0],
                [280_950.0, 5_657_330.0],
                [280_950.0, 5_657_342.0],
                [280_930.0, 5_657_342.0],
            ],
            4,
        )
    });
    let plan = pw_plan::PlanFile {
        variants: vec![variant],
    };
    let plan_path = pw_plan::PlanFile::path_for(&scene);
    plan.save(&plan_path).unwrap();

    let mut app = test_app();
    app.world_mut()
        .write_message(SceneCommand::Open(scene.clone()));
    update_until(&mut app, "tile", |app| {
        app.world().resource::<CityLayers>().layers.len() == 1
            && app.world().resource::<ScenarioState>().plan.variants.len() == 1
    });
    let area = pw_analysis::Area::new(280_850.0, 5_657_300.0, 281_000.0, 5_657_450.0);
    set_form(&mut app, |f| {
        f.set("area", Value::Area(Some(area)));
        f.set("date", text("2026-03-21"));
        f.set("facades", Value::Bool(false));
    });
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "Bestand", |app| analyses(app).results.len() == 1);
    // The tile has no terrain: the note says so in the user's language.
    let notes: Vec<String> = analyses(&app).results[0]
        .result
        .notes
        .iter()
        .map(|n| german().render(n))
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("Keine Geländeebene: Bodenhöhen aus ")),
        "{notes:?}"
    );

    act(
        &mut app,
        UiAction::Scenario(ScenarioCommand::Activate(Some("Variante A".into()))),
    );
    let state = app.world().resource::<ScenarioState>();
    let generated = state.volumes_layer.expect("the new buildings are drawn");
    assert_eq!(state.edits.added[0].objects[0].id, "neu-1");
    let layers = app.world().resource::<Layers>();
    assert!(layers.is_generated(generated));
    let house = &app.world().resource::<CityLayers>().layers[&generated]
        .city
        .model;
    // On the ground the buildings stand on, 12 m walls and the ridge above.
    let e = house.objects[0].extent();
    let ridge = 12.0 + 6.0 * 35f64.to_radians().tan();
    assert!((e.max[2] - e.min[2] - ridge).abs() < 1e-6, "{e:?}");
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "Variante A", |app| {
        analyses(app).results.len() == 2
    });
    let after = &analyses(&app).results[1];
    assert!(after.label().contains("Variante A"), "{}", after.label());
    assert_eq!(after.result.stamp.get("edits").as_deref(), Some("1 added"));
    let (a, b) = (analyses(&app).results[0].id, after.id);
    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::Compare { a, b }),
    );
    let d = &analyses(&app).results[2]
        .result
        .ground
        .as_ref()
        .unwrap()
        .grid;
    let lost = d.values.iter().filter(|v| **v < -0.01).count();
    let gained = d.values.iter().filter(|v| **v > 0.01).count();
    // Its equinox shadow: at least its 20 m length times the noon shadow
    // of its 12 m eaves (12 / tan 38.9° ≈ 15 m) loses sun; no one gains.
    assert!(lost > 300, "{lost} m² lose sun");
    assert_eq!(gained, 0);
    assert!(
        d.cell_value_at(280_940.0, 5_657_336.0).is_none(),
        "no ground under the house"
    );
    assert!(
        d.cell_value_at(280_940.0, 5_657_345.0)
            .is_some_and(|v| v < -1.0),
        "north of it"
    );
    assert!(
        d.cell_value_at(280_940.0, 5_657_325.0)
            .is_some_and(|v| v.abs() < 0.01),
        "south of it"
    );

    // Figures per variant: both runs side by side, the difference equal to
    // what the two rasters say (cells of 1 m² with at least 4 h of sun).
    let table = pw_analysis::ScenarioFigures::of(analyses(&app).results.iter().map(|e| &*e.result));
    assert_eq!(table.scenarios, ["Bestand", "Variante A"]);
    assert_eq!(table.groups.len(), 1, "one question, two scenarios");
    assert_eq!(
        table.groups[0].title,
        "Besonnung (Sonnenstunden) 2026-03-21, 150 × 150 m"
    );
    let row = |key: &str| {
        table.groups[0]
            .rows
            .iter()
            .find(|r| r.key == key)
            .unwrap()
            .clone()
    };
    let at_least_4h = |i: usize| {
        let g = &analyses(&app).results[i]
            .result
            .ground
            .as_ref()
            .unwrap()
            .grid;
        g.values.iter().filter(|v| **v >= 4.0).count() as f64
    };
    let (bestand_4h, variant_4h) = (at_least_4h(0), at_least_4h(1));
    let sunny = row("area_4h_m2");
    assert_eq!(sunny.values, [Some(bestand_4h), Some(variant_4h)]);
    let change = sunny.difference(1, 0).unwrap();
    // The house stands on 240 m² of open, sunny ground and shades more.
    assert!(change < -240.0, "{change} m² with ≥ 4 h");
    // Exporting asks where (beside the user's scene), with a name of place,
    // what and day; the answer writes there.
    let today = jiff::ZonedDateTime::now().strftime("%Y-%m-%d").to_string();
    act(
        &mut app,
        UiAction::ChooseExport {
            what: super::actions::ExportTarget::Figures,
            name: format!("kennzahlen_je_variante {today}"),
        },
    );
    let chooser = app
        .world()
        .resource::<UiState>()
        .file_chooser
        .as_ref()
        .unwrap();
    assert_eq!(chooser.purpose, super::actions::Dialog::Export);
    assert_eq!(chooser.dir, dir.join("ergebnisse"));
    let place = pw_analysis::export::file_stem(
        &app.world()
            .resource::<crate::layers::ActiveScene>()
            .scene
            .city
            .name,
    );
    assert!(!place.is_empty());
    assert_eq!(
        chooser.name,
        format!("{place}_kennzahlen_je_variante_{today}")
    );
    let chosen = dir.join("ausgabe");
    std::fs::create_dir_all(&chosen).unwrap();
    act(&mut app, UiAction::ExportTo(chosen.join("tabelle")));
    let csv = std::fs::read_to_string(chosen.join("tabelle.csv")).expect("the table as CSV");
    // The next export offers that folder again.
    act(
        &mut app,
        UiAction::ChooseExport {
            what: super::actions::ExportTarget::Figures,
            name: "x".into(),
        },
    );
    let chooser = app
        .world()
        .resource::<UiState>()
        .file_chooser
        .as_ref()
        .unwrap();
    assert_eq!(chooser.dir, chosen);
    // A result: every part under the name given (an ending typed is left off).
    let id = analyses(&app).results[0].id;
    act(
        &mut app,
        UiAction::ChooseExport {
            what: super::actions::ExportTarget::Result(id),
            name: "Besonnung Bestand".into(),
        },
    );
    act(
        &mut app,
        UiAction::ExportTo(chosen.join("besonnung.geojson")),
    );
    for part in ["besonnung.tif", "besonnung_kennzahlen.csv"] {
        assert!(chosen.join(part).exists(), "{part}");
    }
    assert!(
        csv.starts_with("group,figure,key,unit,Bestand,Variante A,Variante A − Bestand\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "Boden mit mindestens 4 h Sonne,area_4h_m2,m²,{bestand_4h},{variant_4h},{change}\n"
        )),
        "{csv}"
    );

    // Saving: the scene keeps its layers only, the variant its own file.
    act(&mut app, UiAction::Scene(SceneCommand::Save));
    let saved = std::fs::read_to_string(&scene).unwrap();
    assert!(!saved.contains("Neubauten"), "{saved}");
    assert_eq!(pw_plan::PlanFile::load(&plan_path).unwrap(), plan);
    // Back to Bestand: the house is gone again.
    act(
        &mut app,
        UiAction::Scenario(ScenarioCommand::Activate(None)),
    );
    assert!(
        app.world()
            .resource::<ScenarioState>()
            .volumes_layer
            .is_none()
    );
    assert!(!app.world().resource::<Layers>().is_generated(generated));
    assert!(app.world().resource::<Layers>().get(generated).is_none());
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 15's drawing test on the NRW tile, through the taps and buttons
/// a planner uses: four corners of a 20 × 12 m footprint (tapped a little
/// off: the snapping squares it), "Fertig", 4 storeys, a 35° gable roof;
/// BGF 960 m², footprint 240 m², ridge 12 + 6 · tan 35° m; undo and redo
/// every step; a footprint of two corners is refused and stays editable.
#[test]
fn drawing_a_gable_house_of_four_storeys_with_undo_and_redo() {
    use crate::plan::{PlanCommand, PlanEditor, VolumeEdit};
    use crate::scenario::ScenarioState;
    let mut app = test_app();
    open_demo(&mut app);
    let tap = |app: &mut App, x: f64, y: f64| {
        app.world_mut()
            .write_message(crate::view::picking::WorldClick {
                world: Some([x, y, 36.0]),
                object: None,
            });
        app.update();
    };
    act(&mut app, UiAction::Plan(PlanCommand::StartDrawing));
    tap(&mut app, 280_930.2, 5_657_330.3);
    tap(&mut app, 280_950.3, 5_657_329.8);
    // Too few corners: refused with the reason, the corners stay.
    act(&mut app, UiAction::Plan(PlanCommand::FinishDrawing));
    let notices = &app.world().resource::<Notices>().items;
    assert_eq!(
        notices.last().unwrap().text,
        "Ein Grundriss braucht mindestens 3 Ecken."
    );
    assert_eq!(
        app.world()
            .resource::<PlanEditor>()
            .drawing
            .as_ref()
            .unwrap()
            .len(),
        2
    );
    tap(&mut app, 280_951.0, 5_657_342.4);
    tap(&mut app, 280_929.8, 5_657_342.1);
    act(&mut app, UiAction::Plan(PlanCommand::FinishDrawing));
    let state = app.world().resource::<ScenarioState>();
    assert_eq!(
        state.active.as_deref(),
        Some("Variante 1"),
        "{:?} {:?}",
        app.world().resource::<Notices>().items,
        app.world().resource::<PlanEditor>().drawing
    );
    let v = &state.plan.get("Variante 1").unwrap().volumes[0];
    assert_eq!(
        v.footprint,
        [
            [280_930.0, 5_657_330.0],
            [280_950.0, 5_657_330.0],
            [280_950.0, 5_657_342.0],
            [280_930.0, 5_657_342.0]
        ]
    );
    assert_eq!(v.footprint_area(), 240.0);
    let id = v.id.clone();
    assert!(app.world().resource::<PlanEditor>().drawing.is_none());
    let edit = |e| {
        UiAction::Plan(PlanCommand::Edit {
            volume: id.clone(),
            edit: e,
        })
    };
    act(&mut app, edit(VolumeEdit::Storeys(4)));
    act(
        &mut app,
        edit(VolumeEdit::Roof(pw_plan::Roof::Gable {
            pitch: 35.0,
            ridge_edge: 0,
        })),
    );
    let volume = |app: &App| {
        app.world()
            .resource::<ScenarioState>()
            .plan
            .get("Variante 1")
            .map(|v| v.volumes.clone())
    };
    let v = &volume(&app).unwrap()[0];
    assert_eq!(v.gross_floor_area(), 960.0);
    let ridge = 12.0 + 6.0 * 35f64.to_radians().tan();
    assert!((v.total_height() - ridge).abs() < 1e-9);
    // The drawn house is in the picture and in what analyses see.
    let state = app.world().resource::<ScenarioState>();
    let layer = state.volumes_layer.unwrap();
    let drawn = &app.world().resource::<CityLayers>().layers[&layer]
        .city
        .model
        .objects[0];
    let e = drawn.extent();
    assert!((e.max[2] - e.min[2] - ridge).abs() < 1e-6);
    assert_eq!(state.edits.added[0].objects[0].id, id);
    // Undo: flat again, then 3 storeys, then no house (and no variant);
    // redo brings each back.
    act(&mut app, UiAction::Plan(PlanCommand::Undo));
    assert_eq!(volume(&app).unwrap()[0].roof, pw_plan::Roof::Flat);
    act(&mut app, UiAction::Plan(PlanCommand::Undo));
    assert_eq!(volume(&app).unwrap()[0].storeys, 3);
    act(&mut app, UiAction::Plan(PlanCommand::Undo));
    assert!(volume(&app).is_none());
    assert!(
        app.world()
            .resource::<ScenarioState>()
            .volumes_layer
            .is_none()
    );
    for _ in 0..3 {
        act(&mut app, UiAction::Plan(PlanCommand::Redo));
    }
    assert_eq!(volume(&app).unwrap()[0].gross_floor_area(), 960.0);
    assert_eq!(
        app.world().resource::<ScenarioState>().active.as_deref(),
        Some("Variante 1")
    );
    assert!(!app.world().resource::<PlanEditor>().can_redo());
    // Deleting is one more undoable step.
    act(&mut app, UiAction::Plan(PlanCommand::Delete(id)));
    assert!(volume(&app).unwrap().is_empty());
    act(&mut app, UiAction::Plan(PlanCommand::Undo));
    assert_eq!(volume(&app).unwrap().len(), 1);
    // Another scene: no corners, no undo steps of this one.
    act(&mut app, UiAction::Plan(PlanCommand::StartDrawing));
    let dir = std::env::temp_dir().join(format!("pw-plan-scene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("leer.scene");
    std::fs::write(
        &empty,
        "name = \"Leer\"\ncrs = \"EPSG:25832\"\norigin = [0.0, 0.0, 0.0]\n",
    )
    .unwrap();
    app.world_mut().write_message(SceneCommand::Open(empty));
    app.update();
    app.update();
    let editor = app.world().resource::<PlanEditor>();
    assert!(editor.drawing.is_none() && !editor.can_undo() && !editor.can_redo());
    assert!(
        app.world()
            .resource::<ScenarioState>()
            .plan
            .variants
            .is_empty()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plan_panel_draws_edits_and_undoes_by_buttons() {
    use crate::plan::{PlanCommand, PlanEditor};
    let i18n = german();
    let mut variant = pw_plan::Variant::new("Variante 1");
    variant.volumes.push(pw_plan::Volume {
        name: "Neubau 1".into(),
        ..pw_plan::Volume::new(
            "neu-1",
            vec![[0.0, 0.0], [20.0, 0.0], [20.0, 12.0], [0.0, 12.0]],
            4,
        )
    });
    let editor = PlanEditor::default();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| {
            out.extend(plan_panel::plan_panel(ui, &editor, Some(&variant), &i18n))
        },
        Vec::new(),
    );
    h.run();
    h.get_by_label("Grundfläche 240 m², BGF 960 m², Höhe 12,0 m");
    h.get_by_label("Gebäude zeichnen").click();
    h.run();
    h.get_by_label("Löschen").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[
            UiAction::Plan(PlanCommand::StartDrawing),
            UiAction::Plan(PlanCommand::Delete("neu-1".into()))
        ]
    );
    drop(h);
    // While drawing: what to do, and "Fertig" only from three corners on.
    let mut editor = PlanEditor::default();
    editor.drawing = Some(vec![[0.0, 0.0], [20.0, 0.0]]);
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(plan_panel::plan_panel(ui, &editor, None, &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_label("Tippen Sie nacheinander auf die Ecken des Grundrisses; „Fertig“ schließt ihn.");
    h.get_by_label("2 Ecken");
    h.get_by_label("Fertig").click();
    h.run();
    assert!(h.state().is_empty(), "two corners cannot finish");
    h.get_by_label("Letzte Ecke zurück").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Plan(PlanCommand::UndoCorner)]
    );
}

/// Issue 15's editing on the NRW tile through the taps and commands a
/// planner uses: the first corner lands on a real neighbour's corner
/// (tapped 0.6 m off it), two edges typed to length (20 m, then 12 m
/// square to it), a tap closes the rectangle; then the house is moved by a
/// tap, a corner dragged by two taps, turned 90°, and a tree planted,
/// sized and deleted — each step one undo.
#[test]
fn editing_snaps_to_neighbours_and_moves_turns_and_plants() {
    use crate::plan::{PlanCommand, PlanEditor, Tool, VolumeEdit};
    use crate::scenario::ScenarioState;
    let mut app = test_app();
    let layer = open_demo(&mut app);
    let tap = |app: &mut App, p: [f64; 2]| {
        app.world_mut()
            .write_message(crate::view::picking::WorldClick {
                world: Some([p[0], p[1], 36.0]),
                object: None,
            });
        app.update();
        app.update();
    };
    // A corner of the building DENW43AL00001j2W's ground surface.
    let corner = {
        let city = app.world().resource::<CityLayers>();
        let model = &city.layers[&layer].city.model;
        let o = model
            .objects
            .iter()
            .find(|o| o.id == "DENW43AL00001j2W")
            .unwrap();
        let edges = pw_plan::snap::outline_edges(o);
        assert!(!edges.is_empty());
        edges[0][0]
    };
    act(&mut app, UiAction::Plan(PlanCommand::StartDrawing));
    tap(&mut app, [corner[0] + 0.36, corner[1] - 0.48]);
    let drawing = |app: &App| {
        app.world()
            .resource::<PlanEditor>()
            .drawing
            .clone()
            .unwrap_or_default()
    };
    assert_eq!(
        drawing(&app),
        [corner],
        "snapped onto the neighbour's corner"
    );
    // Typed lengths: the pointer shows the direction (east, then north).
    let point =
        |app: &mut App, p: [f64; 2]| app.world_mut().resource_mut::<PlanEditor>().pointer = Some(p);
    point(&mut app, [corner[0] + 50.0, corner[1]]);
    act(&mut app, UiAction::Plan(PlanCommand::CornerAt(20.0)));
    point(&mut app, [corner[0] + 20.4, corner[1] + 30.0]);
    act(&mut app, UiAction::Plan(PlanCommand::CornerAt(12.0)));
    let c = drawing(&app);
    assert_eq!(c.len(), 3);
    assert!((c[1][0] - corner[0] - 20.0).abs() < 1e-9 && (c[1][1] - corner[1]).abs() < 1e-9);
    assert!(
        (c[2][0] - c[1][0]).abs() < 1e-9 && (c[2][1] - c[1][1] - 12.0).abs() < 1e-9,
        "{c:?}"
    );
    // The fourth corner tapped near where it belongs: squared.
    tap(&mut app, [corner[0] - 0.2, corner[1] + 12.3]);
    act(&mut app, UiAction::Plan(PlanCommand::FinishDrawing));
    let volume = |app: &App| {
        let s = app.world().resource::<ScenarioState>();
        s.plan.get(s.active.as_deref()?)?.volumes.first().cloned()
    };
    let v = volume(&app).expect("a house");
    assert!(
        (v.footprint_area() - 240.0).abs() < 0.5,
        "{:?}",
        v.footprint
    );
    let id = v.id.clone();
    let steps = |app: &App| app.world().resource::<PlanEditor>().history_bytes();
    let before_moves = steps(&app);

    // Move: a tap sets its centre (on the metre grid).
    act(
        &mut app,
        UiAction::Plan(PlanCommand::StartMoveVolume(id.clone())),
    );
    let target = [280_960.0, 5_657_400.0];
    tap(&mut app, target);
    let moved = volume(&app).unwrap();
    let c = moved.centre();
    assert!(
        (c[0] - target[0]).abs() < 1e-9 && (c[1] - target[1]).abs() < 1e-9,
        "{c:?}"
    );
    assert!((moved.footprint_area() - v.footprint_area()).abs() < 1e-6);
    assert_eq!(app.world().resource::<PlanEditor>().tool, Tool::None);
    // What analyses see moved with it.
    let seen = app.world().resource::<ScenarioState>().edits.added[0].objects[0].extent();
    assert!((seen.center()[0] - target[0]).abs() < 1e-6);

    // A corner: tap it, tap its new place 3 m further east.
    act(
        &mut app,
        UiAction::Plan(PlanCommand::StartMoveCorner(id.clone())),
    );
    let k = moved.footprint[1];
    tap(&mut app, [k[0] + 0.5, k[1] + 0.5]);
    assert!(matches!(
        app.world().resource::<PlanEditor>().tool,
        Tool::MoveCorner {
            corner: Some(1),
            ..
        }
    ));
    tap(&mut app, [k[0] + 3.0, k[1]]);
    let dragged = volume(&app).unwrap();
    assert_eq!(dragged.footprint[1], [(k[0] + 3.0).round(), k[1].round()]);
    assert_eq!(dragged.footprint[0], moved.footprint[0]);
    act(&mut app, UiAction::Plan(PlanCommand::StopTool));

    // Turned a quarter: the same area, about the same centre.
    act(
        &mut app,
        UiAction::Plan(PlanCommand::Edit {
            volume: id.clone(),
            edit: VolumeEdit::Footprint(dragged.turned(90.0).footprint),
        }),
    );
    let turned = volume(&app).unwrap();
    assert!((turned.footprint_area() - dragged.footprint_area()).abs() < 0.01);
    let drawn_layer = app
        .world()
        .resource::<ScenarioState>()
        .volumes_layer
        .unwrap();
    let drawn = app.world().resource::<CityLayers>().layers[&drawn_layer]
        .city
        .model
        .objects[0]
        .extent();
    let (w, h) = (drawn.max[0] - drawn.min[0], drawn.max[1] - drawn.min[1]);
    let (w0, h0) = (seen.max[0] - seen.min[0], seen.max[1] - seen.min[1]);
    assert!(
        (w - h0).abs() < 3.5 && (h - w0).abs() < 3.5,
        "turned: {w}×{h} from {w0}×{h0}"
    );

    // A tree: planted by a tap, sized, in what analyses see, deleted.
    act(&mut app, UiAction::Plan(PlanCommand::StartPlanting));
    tap(&mut app, [280_940.04, 5_657_352.96]);
    act(&mut app, UiAction::Plan(PlanCommand::StopTool));
    let trees = |app: &App| {
        let s = app.world().resource::<ScenarioState>();
        s.plan
            .get(s.active.as_deref().unwrap())
            .unwrap()
            .trees
            .clone()
    };
    assert_eq!(trees(&app).len(), 1);
    assert_eq!(trees(&app)[0].at, [280_940.0, 5_657_353.0]);
    let tree_id = trees(&app)[0].id.clone();
    act(
        &mut app,
        UiAction::Plan(PlanCommand::EditTree {
            tree: tree_id.clone(),
            height: 20.0,
            crown: 10.0,
        }),
    );
    let added = &app.world().resource::<ScenarioState>().edits.added[0];
    let tree = added.objects.iter().find(|o| o.id == tree_id).unwrap();
    assert_eq!(tree.type_name, "SolitaryVegetationObject");
    assert!((tree.extent().max[0] - tree.extent().min[0] - 10.0).abs() < 1e-9);
    // A tree 0 m tall is refused and nothing changes.
    act(
        &mut app,
        UiAction::Plan(PlanCommand::EditTree {
            tree: tree_id.clone(),
            height: 0.0,
            crown: 10.0,
        }),
    );
    assert_eq!(trees(&app)[0].height, 20.0);
    assert_eq!(
        app.world().resource::<Notices>().items.last().unwrap().text,
        "Ein Baum muss zwischen 1 und 60 m hoch sein."
    );
    act(&mut app, UiAction::Plan(PlanCommand::Delete(tree_id)));
    assert!(trees(&app).is_empty());
    // Undo: the tree back, its size, the planting, the turn, the corner,
    // the move — then the house stands where it was drawn.
    for _ in 0..6 {
        act(&mut app, UiAction::Plan(PlanCommand::Undo));
    }
    assert_eq!(volume(&app).unwrap().footprint, v.footprint);
    assert!(trees(&app).is_empty());
    assert!(steps(&app) > before_moves, "redo steps are kept");
}

#[test]
fn plan_panel_moves_turns_plants_and_takes_typed_lengths() {
    use crate::plan::{PlanCommand, PlanEditor, Tool, VolumeEdit};
    let i18n = german();
    let mut variant = pw_plan::Variant::new("Variante 1");
    let house = pw_plan::Volume::new(
        "neu-1",
        vec![[0.0, 0.0], [20.0, 0.0], [20.0, 12.0], [0.0, 12.0]],
        4,
    );
    variant.volumes.push(house.clone());
    variant
        .trees
        .push(pw_plan::Tree::new("baum-1", [5.0, 20.0]));
    let editor = PlanEditor::default();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| {
            out.extend(plan_panel::plan_panel(ui, &editor, Some(&variant), &i18n))
        },
        Vec::new(),
    );
    h.run();
    h.get_by_label("Verschieben").click();
    h.run();
    h.get_by_label("Ecken verschieben").click();
    h.run();
    h.get_by_label("+15°").click();
    h.run();
    h.get_by_label("Bäume pflanzen").click();
    h.run();
    h.get_by_label("Baum baum-1:");
    assert_eq!(
        h.state().as_slice(),
        &[
            UiAction::Plan(PlanCommand::StartMoveVolume("neu-1".into())),
            UiAction::Plan(PlanCommand::StartMoveCorner("neu-1".into())),
            UiAction::Plan(PlanCommand::Edit {
                volume: "neu-1".into(),
                edit: VolumeEdit::Footprint(house.turned(-15.0).footprint),
            }),
            UiAction::Plan(PlanCommand::StartPlanting),
        ]
    );
    drop(h);
    // A tool says what to tap and how to stop.
    let mut editor = PlanEditor::default();
    editor.tool = Tool::PlantTrees;
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(plan_panel::plan_panel(ui, &editor, None, &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_label("Tippen Sie auf die Karte: dort wird ein Baum gepflanzt.");
    h.get_by_label("Fertig").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Plan(PlanCommand::StopTool)]
    );
    drop(h);
    // Drawing: a typed length sets the next corner.
    let mut editor = PlanEditor::default();
    editor.drawing = Some(vec![[0.0, 0.0]]);
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(plan_panel::plan_panel(ui, &editor, None, &i18n)),
        Vec::new(),
    );
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput).click();
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("20,5");
    h.run();
    h.get_by_label("Ecke setzen").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Plan(PlanCommand::CornerAt(20.5))]
    );
}

/// A design dropped on the map while a variant is shown: placed there on
/// the terrain, read in the background, drawn and seen by analyses with
/// the variant's own buildings; moved, turned, undone; a dropped file in
/// another CRS is brought into the scene's and says so.
#[test]
fn a_dropped_design_joins_the_variant_where_it_was_dropped() {
    use crate::plan::{PlanCommand, PlanEditor};
    use crate::scenario::ScenarioState;
    let mut app = test_app();
    open_demo(&mut app);
    let dir = std::env::temp_dir().join(format!("pw-design-drop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // An architect's tower, 16 × 16 m and 30 m high, georeferenced in
    // Gauss-Krüger zone 2 (EPSG:31466) somewhere else entirely.
    let tower = pw_plan::Volume::new(
        "turm",
        vec![
            [2_520_000.0, 5_660_000.0],
            [2_520_016.0, 5_660_000.0],
            [2_520_016.0, 5_660_016.0],
            [2_520_000.0, 5_660_016.0],
        ],
        10,
    )
    .to_object(0.0);
    let model = pw_city::CityModel {
        crs: Some(pw_geo::Crs::epsg(31466)),
        objects: vec![tower],
        ..Default::default()
    };
    let file = dir.join("turm.city.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&pw_city::export::to_cityjson(&model)).unwrap(),
    )
    .unwrap();
    // First a variant (a drop on Bestand adds a layer, as before).
    act(
        &mut app,
        UiAction::Scenario(crate::scenario::ScenarioCommand::NewVariant),
    );
    let drop_at = [280_950.0, 5_657_400.0];
    app.world_mut()
        .insert_resource(crate::view::picking::CursorWorld {
            world: Some([drop_at[0], drop_at[1], 36.0]),
            object: None,
        });
    app.world_mut().write_message(FileDragAndDrop::DroppedFile {
        window: Entity::PLACEHOLDER,
        path_buf: file.clone(),
    });
    update_until(&mut app, "the design read and placed", |app| {
        app.world()
            .resource::<ScenarioState>()
            .edits
            .added
            .first()
            .is_some_and(|m| m.objects.iter().any(|o| o.id == "entwurf-1/turm"))
    });
    let state = app.world().resource::<ScenarioState>();
    let v = state.plan.get(state.active.as_deref().unwrap()).unwrap();
    assert_eq!(v.designs[0].at, Some(drop_at));
    let placed = state.edits.added[0]
        .objects
        .iter()
        .find(|o| o.id == "entwurf-1/turm")
        .unwrap()
        .extent();
    let c = placed.center();
    assert!(
        (c[0] - drop_at[0]).abs() < 1e-6 && (c[1] - drop_at[1]).abs() < 1e-6,
        "{c:?}"
    );
    assert!((placed.max[2] - placed.min[2] - 30.0).abs() < 1e-3);
    assert!(
        (placed.min[2] - 36.0).abs() < 5.0,
        "on the tile's ground: {placed:?}"
    );
    let notices: Vec<String> = app
        .world()
        .resource::<Notices>()
        .items
        .iter()
        .map(|n| n.text.clone())
        .collect();
    assert!(
        notices.iter().any(|n| n.contains("EPSG:31466")),
        "{notices:?}"
    );
    assert!(
        notices.iter().any(|n| n.contains("Entwurf turm.city.json")),
        "{notices:?}"
    );
    // Drawn with the planned buildings.
    let layer = app
        .world()
        .resource::<ScenarioState>()
        .volumes_layer
        .unwrap();
    assert!(
        app.world().resource::<CityLayers>().layers[&layer]
            .city
            .model
            .objects
            .iter()
            .any(|o| o.id == "entwurf-1/turm")
    );
    // Turned 45° and moved by a tap; undone back to the drop. (The
    // square came out of Gauss-Krüger turned by the grids' convergence,
    // about 2°, so widths are compared with it.)
    let placed_width = placed.max[0] - placed.min[0];
    act(
        &mut app,
        UiAction::Plan(PlanCommand::EditDesign {
            design: "entwurf-1".into(),
            at: Some(drop_at),
            rotate_deg: 45.0,
            scale: 1.0,
        }),
    );
    let width = |app: &App| {
        let e = app.world().resource::<ScenarioState>().edits.added[0]
            .objects
            .iter()
            .find(|o| o.id == "entwurf-1/turm")
            .unwrap()
            .extent();
        e.max[0] - e.min[0]
    };
    assert!(
        (width(&app) - 16.0 * 2f64.sqrt()).abs() < 0.1,
        "{}",
        width(&app)
    );
    assert!((placed_width - width(&app)).abs() > 5.0);
    act(
        &mut app,
        UiAction::Plan(PlanCommand::StartMoveDesign("entwurf-1".into())),
    );
    app.world_mut()
        .write_message(crate::view::picking::WorldClick {
            world: Some([280_930.0, 5_657_380.0, 36.0]),
            object: None,
        });
    app.update();
    app.update();
    let state = app.world().resource::<ScenarioState>();
    let v = state.plan.get(state.active.as_deref().unwrap()).unwrap();
    assert_eq!(v.designs[0].at, Some([280_930.0, 5_657_380.0]));
    act(&mut app, UiAction::Plan(PlanCommand::Undo));
    act(&mut app, UiAction::Plan(PlanCommand::Undo));
    assert!((width(&app) - placed_width).abs() < 1e-6);
    assert!(app.world().resource::<PlanEditor>().can_undo());
    // Deleting an object of the design deletes the design.
    act(
        &mut app,
        UiAction::Plan(PlanCommand::Delete("entwurf-1/turm".into())),
    );
    let state = app.world().resource::<ScenarioState>();
    assert!(
        state
            .plan
            .get(state.active.as_deref().unwrap())
            .unwrap()
            .designs
            .is_empty()
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 15's comparison on the NRW tile: Variante A demolishes one
/// building and builds a house, Variante B demolishes another. Side by
/// side, the shared city hides both; each side gets back (on its own render
/// layer) the building only the other demolishes, and A's house is drawn on
/// A's side only; ending the comparison leaves B as it was.
#[test]
fn comparing_two_variants_gives_each_side_its_own_buildings() {
    use crate::scenario::ScenarioState;
    use crate::scenario::compare::{CompareCommand, CompareLayers};
    use crate::view::compare::{CompareMode, Comparison, LEFT, RIGHT};
    use bevy::camera::visibility::RenderLayers;
    let mut app = test_app();
    let base = open_demo(&mut app);
    let mut a = pw_plan::Variant::new("Variante A");
    a.removed = vec!["DENW43AL00001j2W".into()];
    a.volumes.push(pw_plan::Volume::new(
        "neu-1",
        vec![
            [280_930.0, 5_657_330.0],
            [280_950.0, 5_657_330.0],
            [280_950.0, 5_657_342.0],
            [280_930.0, 5_657_342.0],
        ],
        4,
    ));
    let mut b = pw_plan::Variant::new("Variante B");
    b.removed = vec!["DENW43AL00001j64".into()];
    app.world_mut()
        .resource_mut::<ScenarioState>()
        .plan
        .variants = vec![a, b];
    act(
        &mut app,
        UiAction::Compare(CompareCommand::Start {
            mode: CompareMode::Split,
            left: Some("Variante A".into()),
            right: Some("Variante B".into()),
        }),
    );
    app.update();
    let index_of = |app: &App, id: &str| {
        app.world().resource::<CityLayers>().layers[&base]
            .city
            .model
            .objects
            .iter()
            .position(|o| o.id == id)
            .unwrap()
    };
    let (j2w, j64) = (
        index_of(&app, "DENW43AL00001j2W"),
        index_of(&app, "DENW43AL00001j64"),
    );
    let hidden = app.world().resource::<CityLayers>().layers[&base]
        .hidden
        .clone();
    assert!(
        hidden.contains(&j2w) && hidden.contains(&j64),
        "the shared city hides both"
    );
    let c = app.world().resource::<Comparison>().clone();
    assert_eq!(
        (c.mode, c.left.as_deref(), c.right.as_deref()),
        (CompareMode::Split, Some("Variante A"), Some("Variante B"))
    );
    let state = app.world().resource::<ScenarioState>();
    assert_eq!(
        state.active.as_deref(),
        Some("Variante B"),
        "analyses see the right side"
    );
    let sides = app.world().resource::<CompareLayers>();
    let (left, right) = (sides.left.clone(), sides.right.clone());
    assert_eq!((left.len(), right.len()), (2, 1));
    let ids = |app: &App, layer: LayerId| -> Vec<String> {
        app.world().resource::<CityLayers>().layers[&layer]
            .city
            .model
            .objects
            .iter()
            .filter(|o| o.parent.is_none())
            .map(|o| o.id.clone())
            .collect()
    };
    assert_eq!(
        ids(&app, left[0]),
        ["DENW43AL00001j64"],
        "A keeps what only B demolishes"
    );
    assert_eq!(ids(&app, left[1]), ["neu-1"], "A's new house");
    assert_eq!(
        ids(&app, right[0]),
        ["DENW43AL00001j2W"],
        "B keeps what only A demolishes"
    );
    // Each side's drawings are on its render layer.
    let mut q = app
        .world_mut()
        .query::<(&crate::layers::city_draw::CityBatch, Option<&RenderLayers>)>();
    let mut on = |app: &mut App, layer: LayerId| -> Vec<Option<RenderLayers>> {
        q.iter(app.world())
            .filter(|(b, _)| b.layer == layer)
            .map(|(_, r)| r.cloned())
            .collect()
    };
    for l in &left {
        let r = on(&mut app, *l);
        assert!(
            !r.is_empty() && r.iter().all(|r| r == &Some(RenderLayers::layer(LEFT))),
            "{r:?}"
        );
    }
    let r = on(&mut app, right[0]);
    assert!(
        !r.is_empty() && r.iter().all(|r| r == &Some(RenderLayers::layer(RIGHT))),
        "{r:?}"
    );
    let shared = on(&mut app, base);
    assert!(
        shared
            .iter()
            .all(|r| r == &Some(RenderLayers::from_layers(&[LEFT, RIGHT]))),
        "the city is on both sides: {shared:?}"
    );
    // Showing B again (as an edit of it does) keeps the comparison.
    act(
        &mut app,
        UiAction::Scenario(crate::scenario::ScenarioCommand::Activate(Some(
            "Variante B".into(),
        ))),
    );
    assert_eq!(
        app.world().resource::<Comparison>().mode,
        CompareMode::Split
    );
    assert!(
        app.world().resource::<CityLayers>().layers[&base]
            .hidden
            .contains(&j2w)
    );
    // The swipe divider moves; ending leaves Variante B alone.
    act(&mut app, UiAction::Compare(CompareCommand::Divider(0.3)));
    assert_eq!(app.world().resource::<Comparison>().divider, 0.3);
    act(&mut app, UiAction::Compare(CompareCommand::Stop));
    app.update();
    assert_eq!(app.world().resource::<Comparison>().mode, CompareMode::Off);
    let hidden = app.world().resource::<CityLayers>().layers[&base]
        .hidden
        .clone();
    assert!(
        !hidden.contains(&j2w) && hidden.contains(&j64),
        "{hidden:?}"
    );
    let layers = app.world().resource::<Layers>();
    assert!(left.iter().chain(&right).all(|l| layers.get(*l).is_none()));
    assert!(
        on(&mut app, base).iter().all(|r| r.is_none()),
        "back on the default layer"
    );
    // Showing another scenario while comparing ends the comparison.
    act(
        &mut app,
        UiAction::Compare(CompareCommand::Start {
            mode: CompareMode::Swipe,
            left: None,
            right: Some("Variante B".into()),
        }),
    );
    assert_eq!(
        app.world().resource::<Comparison>().mode,
        CompareMode::Swipe
    );
    act(
        &mut app,
        UiAction::Scenario(crate::scenario::ScenarioCommand::Activate(Some(
            "Variante A".into(),
        ))),
    );
    assert_eq!(app.world().resource::<Comparison>().mode, CompareMode::Off);
    let state = app.world().resource::<ScenarioState>();
    assert_eq!(state.active.as_deref(), Some("Variante A"));
    let hidden = app.world().resource::<CityLayers>().layers[&base]
        .hidden
        .clone();
    assert!(
        hidden.contains(&j2w) && !hidden.contains(&j64),
        "A as it is: {hidden:?}"
    );
}

/// The picture dialog: 4K unless chosen otherwise, 8K for posters, the
/// view's own size; while a picture is made it cannot be asked again; the
/// last picture's place or problem is shown.
#[test]
fn the_picture_dialog_asks_for_the_size_chosen() {
    use crate::picture::PictureCommand;
    let i18n = german();
    let mut dialog = dialogs::PictureDialog::default();
    let model = dialogs::PictureModel {
        view_size: Some((1380, 760)),
        busy: false,
        last: None,
    };
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| {
            dialogs::picture_contents(ui, &mut dialog, &model, &i18n, out)
        },
        Vec::new(),
    );
    h.run();
    h.get_by_label("Bild speichern").click();
    h.run();
    h.get_by_label("8K, für Plakate (7680 × 4320)").click();
    h.run();
    h.get_by_label("Bild speichern").click();
    h.run();
    h.get_by_label("Wie die Ansicht (1380 × 760)").click();
    h.run();
    h.get_by_label("Bild speichern").click();
    h.run();
    let take = |width, height| {
        UiAction::Picture(PictureCommand::Take {
            width,
            height,
            path: None,
        })
    };
    assert_eq!(
        h.state().as_slice(),
        &[take(3840, 2160), take(7680, 4320), take(1380, 760)]
    );
    // Elsewhere: the export chooser is asked, for this size.
    h.get_by_label("Speichern unter …").click();
    h.run();
    let Some(UiAction::ChooseExport { what, .. }) = h.state().last() else {
        panic!("{:?}", h.state())
    };
    assert_eq!(
        *what,
        super::actions::ExportTarget::Picture {
            width: 1380,
            height: 760
        }
    );
    drop(h);

    let busy = dialogs::PictureModel {
        view_size: None,
        busy: true,
        last: Some(Err(
            "Das Bild konnte nicht gespeichert werden: kein Platz".into()
        )),
    };
    let mut dialog = dialogs::PictureDialog::default();
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| dialogs::picture_contents(ui, &mut dialog, &busy, &i18n, out),
        Vec::new(),
    );
    h.run_steps(2);
    h.get_by_label("Bild speichern").click();
    h.run_steps(2);
    assert!(h.state().is_empty(), "no second picture while one is made");
    h.get_by_label("Das Bild wird erstellt …");
    h.get_by_label("Das Bild konnte nicht gespeichert werden: kein Platz");
}

/// The figures of two scenarios side by side in the analysis panel, with
/// the difference written with its sign in the language's numbers, and the
/// button that saves the table.
#[test]
fn figures_per_variant_show_side_by_side_with_their_difference() {
    use crate::analysis::AnalysisState;
    use pw_analysis::{AnalysisResult, Kpi, Message, Registry, RunStamp};
    let i18n = german();
    let mut registry = Registry::default();
    registry.register(std::sync::Arc::new(pw_shadow::SunHoursAnalysis));
    let run = |scenario: &str, edits: &str, m2: f64| AnalysisResult {
        label: format!("Besonnung 2026-03-21 {scenario}"),
        stamp: RunStamp {
            analysis: "sunhours".into(),
            scenario: scenario.into(),
            edits: edits.into(),
            parameters: vec![("date".into(), "2026-03-21".into())],
            ..Default::default()
        },
        kpis: vec![Kpi::new(
            "area_4h_m2",
            Message::new("sunhours.kpi_area").arg("h", 4),
            m2,
            "m²",
            0,
        )],
        ..Default::default()
    };
    let mut state = AnalysisState::default();
    state.selected = "sunhours".into();
    state.add("sunhours", run("Bestand", "none", 12_500.0));
    state.add("sunhours", run("Variante A", "1 added", 12_206.0));
    let mut h = Harness::new_ui_state(
        move |ui, s: &mut (AnalysisState, Vec<UiAction>)| {
            let acts = analysis_panel::analysis_panel(ui, &registry, &mut s.0, &i18n);
            s.1.extend(acts);
        },
        (state, Vec::new()),
    );
    h.run();
    h.get_by_label("Kennzahlen je Variante");
    h.get_by_label("Variante A − Bestand");
    // Once in each result's card, once in the table.
    assert_eq!(h.query_all_by_label("12.500 m²").count(), 2);
    assert_eq!(h.query_all_by_label("12.206 m²").count(), 2);
    h.get_by_label("−294 m²");
    // A card's parameters in words, the raw stamp one level further.
    h.get_all_by_label("Parameter und Eingaben")
        .next()
        .unwrap()
        .click();
    h.run();
    h.get_by_label("Tag: 21.03.2026");
    h.get_by_label("Protokoll des Laufs");
    h.get_by_label("Tabelle als CSV speichern").click();
    h.run();
    let today = jiff::ZonedDateTime::now().strftime("%Y-%m-%d").to_string();
    assert_eq!(
        h.state().1.as_slice(),
        &[UiAction::ChooseExport {
            what: super::actions::ExportTarget::Figures,
            name: format!("kennzahlen_je_variante {today}")
        }]
    );
}

/// Paving a yard and unsealing a corner through the taps a planner uses:
/// both stored in the variant, drawn, seen by analyses (no shadow), and
/// counted in the sealed area; deleting and undoing work as for houses.
/// A road is drawn with taps like a surface, but as an open line that
/// needs two points: it lands in the variant with its class, in what
/// analyses see (a line for the traffic analysis, a ribbon to look at),
/// and goes again with Delete.
#[test]
fn a_road_is_drawn_into_the_variant() {
    use crate::plan::PlanCommand;
    use crate::scenario::ScenarioState;
    let mut app = test_app();
    open_demo(&mut app);
    let tap = |app: &mut App, x: f64, y: f64| {
        app.world_mut()
            .write_message(crate::view::picking::WorldClick {
                world: Some([x, y, 36.0]),
                object: None,
            });
        app.update();
    };
    act(
        &mut app,
        UiAction::Plan(PlanCommand::StartDrawingRoad("secondary".into())),
    );
    tap(&mut app, 280_900.04, 5_657_300.0);
    tap(&mut app, 280_950.0, 5_657_320.0);
    tap(&mut app, 281_000.0, 5_657_320.0);
    act(&mut app, UiAction::Plan(PlanCommand::FinishDrawing));
    let state = app.world().resource::<ScenarioState>();
    let roads = &state.plan.get("Variante 1").unwrap().roads;
    assert_eq!(
        roads.len(),
        1,
        "{:?}",
        app.world().resource::<Notices>().items
    );
    let road = &roads[0];
    assert_eq!(road.name, "Neue Straße 1");
    assert_eq!(road.class, "secondary");
    // Where tapped, to 10 cm: no snapping to buildings.
    assert_eq!(road.points[0], [280_900.0, 5_657_300.0]);
    assert_eq!(road.points.len(), 3);
    assert_eq!(state.edits.roads.len(), 1);
    assert_eq!(
        state.edits.roads[0].tags[0],
        ("highway".into(), "secondary".into())
    );
    let ribbon = state.edits.added[0]
        .objects
        .iter()
        .find(|o| o.id == road.id)
        .unwrap();
    assert_eq!(ribbon.type_name, "Road");
    assert_eq!(ribbon.surfaces.len(), 2);
    // Saved with the variant and read back the same.
    let text = state.plan.to_text();
    assert!(text.contains("[[variant.road]]"), "{text}");
    let again = pw_plan::PlanFile::parse(&text, std::path::Path::new("x.plan.toml")).unwrap();
    assert_eq!(again.get("Variante 1").unwrap().roads, *roads);
    let id = road.id.clone();
    act(&mut app, UiAction::Plan(PlanCommand::Delete(id)));
    let state = app.world().resource::<ScenarioState>();
    assert!(state.plan.get("Variante 1").unwrap().roads.is_empty());
    assert!(state.edits.roads.is_empty());
}

#[test]
fn paved_and_unsealed_surfaces_count_in_the_sealed_area() {
    use crate::analysis::AnalysisCommand;
    use crate::plan::PlanCommand;
    use crate::scenario::ScenarioState;
    use pw_plan::SurfaceKind;
    let mut app = test_app();
    open_demo(&mut app);
    let tap = |app: &mut App, x: f64, y: f64| {
        app.world_mut()
            .write_message(crate::view::picking::WorldClick {
                world: Some([x, y, 36.0]),
                object: None,
            });
        app.update();
    };
    act(
        &mut app,
        UiAction::Plan(PlanCommand::StartDrawingSurface(SurfaceKind::Sealed)),
    );
    for (x, y) in [
        (280_952.0, 5_657_330.0),
        (280_967.0, 5_657_330.0),
        (280_967.0, 5_657_336.0),
        (280_952.0, 5_657_336.0),
    ] {
        tap(&mut app, x, y);
    }
    act(&mut app, UiAction::Plan(PlanCommand::FinishDrawing));
    act(
        &mut app,
        UiAction::Plan(PlanCommand::StartDrawingSurface(SurfaceKind::Unsealed)),
    );
    for (x, y) in [
        (280_952.0, 5_657_340.0),
        (280_962.0, 5_657_340.0),
        (280_962.0, 5_657_344.0),
    ] {
        tap(&mut app, x, y);
    }
    act(&mut app, UiAction::Plan(PlanCommand::FinishDrawing));
    let state = app.world().resource::<ScenarioState>();
    assert_eq!(state.active.as_deref(), Some("Variante 1"));
    let surfaces = &state.plan.get("Variante 1").unwrap().surfaces;
    assert_eq!(
        surfaces.len(),
        2,
        "{:?}",
        app.world().resource::<Notices>().items
    );
    assert_eq!((surfaces[0].area(), surfaces[1].area()), (90.0, 20.0));
    assert_eq!(surfaces[0].name, "Befestigte Fläche 1");
    assert_eq!(surfaces[1].kind, SurfaceKind::Unsealed);
    // In what analyses see, as ground cover (no obstacle) on the ground.
    let added: Vec<&str> = state.edits.added[0]
        .objects
        .iter()
        .map(|o| o.type_name.as_str())
        .collect();
    assert_eq!(added, ["TransportSquare", "PlantCover"]);
    assert!(
        state.volumes_layer.is_some(),
        "drawn as the variant's layer"
    );
    let yard = surfaces[0].id.clone();

    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::Select("plan".into())),
    );
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "figures", |app| !analyses(app).results.is_empty());
    let k = |app: &App, key: &str| {
        analyses(app)
            .results
            .last()
            .unwrap()
            .result
            .kpi(key)
            .unwrap()
            .value
    };
    assert_eq!(k(&app, "paved_m2"), 90.0);
    assert_eq!(k(&app, "unsealed_m2"), 20.0);
    assert_eq!(k(&app, "sealing_change_m2"), 70.0);

    // Deleting the yard, then undoing that.
    act(&mut app, UiAction::Plan(PlanCommand::Delete(yard)));
    let count = |app: &App| {
        app.world()
            .resource::<ScenarioState>()
            .plan
            .get("Variante 1")
            .unwrap()
            .surfaces
            .len()
    };
    assert_eq!(count(&app), 1);
    act(&mut app, UiAction::Plan(PlanCommand::Undo));
    assert_eq!(count(&app), 2);
}

/// Opening another scene over unsaved changes asks first: "Abbrechen"
/// keeps everything, "Nicht speichern" opens, "Speichern und öffnen" saves
/// (the file shows the change) and then opens. A dropped scene file asks
/// the same. The old scene's analysis area does not come along.
#[test]
fn another_scene_over_unsaved_changes_asks_first() {
    use crate::analysis::AnalysisState;
    let dir = std::env::temp_dir().join(format!("pw-unsaved-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gml =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/nrw/LoD2_32_280_5657_1_NW.gml");
    let demo = std::fs::read_to_string(demo_scene()).unwrap().replace(
        "../assets/demo/nrw/LoD2_32_280_5657_1_NW.gml",
        &gml.display().to_string(),
    );
    let first = dir.join("erste.scene");
    let second = dir.join("zweite.scene");
    std::fs::write(&first, &demo).unwrap();
    std::fs::write(&second, &demo).unwrap();
    let mut app = test_app();
    app.world_mut()
        .write_message(SceneCommand::Open(first.clone()));
    update_until(&mut app, "first scene", |app| {
        app.world().resource::<ActiveScene>().path.as_deref() == Some(first.as_path())
            && app.world().resource::<CityLayers>().layers.len() == 1
    });
    let area = pw_analysis::Area::new(280_850.0, 5_657_300.0, 281_000.0, 5_657_450.0);
    set_form(&mut app, |f| {
        f.set("area", pw_analysis::Value::Area(Some(area)));
    });
    // A change: a bookmark.
    act(&mut app, UiAction::BookmarkCurrentView);
    assert!(app.world().resource::<ActiveScene>().dirty);

    let open_second = UiAction::Scene(SceneCommand::Open(second.clone()));
    act(&mut app, open_second.clone());
    assert_eq!(
        app.world().resource::<UiState>().confirm_open.as_deref(),
        Some(second.as_path()),
        "asked"
    );
    act(&mut app, UiAction::Close(Dialog::UnsavedChanges));
    assert_eq!(
        app.world().resource::<ActiveScene>().path.as_deref(),
        Some(first.as_path()),
        "cancel keeps the scene"
    );
    assert!(app.world().resource::<ActiveScene>().dirty);

    // Dropped on the window: the same question.
    app.world_mut().write_message(FileDragAndDrop::DroppedFile {
        window: Entity::PLACEHOLDER,
        path_buf: second.clone(),
    });
    app.update();
    app.update();
    assert_eq!(
        app.world().resource::<UiState>().confirm_open.as_deref(),
        Some(second.as_path())
    );

    // Save and open: the bookmark is in the first file, the second opens.
    act(
        &mut app,
        UiAction::OpenScene {
            path: second.clone(),
            save_first: true,
        },
    );
    update_until(&mut app, "second scene", |app| {
        app.world().resource::<ActiveScene>().path.as_deref() == Some(second.as_path())
    });
    let saved = std::fs::read_to_string(&first).unwrap();
    assert!(saved.contains("Ansicht 3"), "{saved}");
    assert!(app.world().resource::<UiState>().confirm_open.is_none());
    update_until(&mut app, "second scene loaded", |app| {
        app.world().resource::<CityLayers>().layers.len() == 1
    });
    let form = app.world().resource::<AnalysisState>().form().unwrap();
    assert_eq!(
        form.area("area"),
        None,
        "the old area stays with the old scene"
    );

    // Nothing unsaved: no question.
    act(&mut app, UiAction::Scene(SceneCommand::Open(first.clone())));
    assert!(app.world().resource::<UiState>().confirm_open.is_none());
    update_until(&mut app, "first again", |app| {
        app.world().resource::<ActiveScene>().path.as_deref() == Some(first.as_path())
    });
    std::fs::remove_dir_all(&dir).ok();
}

/// "Über / Quellen" names the credit of every loaded layer, hidden ones
/// too; pictures and the screen name the visible ones. Each once.
#[test]
fn credits_of_the_scene_and_every_layer() {
    let mut layers = Layers::default();
    let mut districts = layer(1, "Kreise", LayerStatus::Ready);
    districts.def.attribution = Some("© GeoBasis-DE / BKG 2024 (dl-de/by-2-0)".into());
    districts.def.visible = false;
    let mut lod2 = layer(2, "LoD2", LayerStatus::Ready);
    lod2.def.attribution = Some("© Geobasis NRW (dl-de/zero-2-0)".into());
    let mut again = layer(3, "LoD2 Nachbarkachel", LayerStatus::Ready);
    again.def.attribution = Some(" © Geobasis NRW (dl-de/zero-2-0) ".into());
    layers.entries = vec![districts, lod2, again];
    let scene = pw_scene::Scene {
        attribution: vec!["Stadt Jena, Geodaten (CC BY 4.0)".into()],
        ..ActiveScene::default().scene
    };
    assert_eq!(
        layers.credits(&scene, false),
        [
            "Stadt Jena, Geodaten (CC BY 4.0)",
            "© GeoBasis-DE / BKG 2024 (dl-de/by-2-0)",
            "© Geobasis NRW (dl-de/zero-2-0)"
        ]
    );
    assert_eq!(
        layers.credits(&scene, true),
        [
            "Stadt Jena, Geodaten (CC BY 4.0)",
            "© Geobasis NRW (dl-de/zero-2-0)"
        ]
    );
}

/// "Abgestuft" on a text field no longer fails silently: the text field is
/// let go and the editor says a number field is needed (or that the layer
/// has none).
#[test]
fn graduated_styles_ask_for_a_number_field() {
    use pw_vector::FieldKind;
    let i18n = german();
    let editor = |fields: Vec<(String, FieldKind)>| vector_style::StyleEditor {
        layer: LayerId(1),
        layer_name: "Kreise".into(),
        draft: pw_scene::Style {
            mode: Some(pw_scene::SymbolMode::Graduated),
            field: Some("GEN".into()),
            ..Default::default()
        },
        fields,
        city: false,
    };
    let with_numbers = editor(vec![
        ("GEN".into(), FieldKind::Text),
        ("EWZ".into(), FieldKind::Integer),
    ]);
    let i = i18n.clone();
    let mut h = Harness::new_ui_state(
        move |ui, e: &mut vector_style::StyleEditor| {
            let _ = vector_style::style_window(ui.ctx(), e, &i);
        },
        with_numbers,
    );
    h.run();
    assert_eq!(h.state().draft.field, None, "the text field is let go");
    h.get_by_label("Abgestuft braucht ein Zahlenfeld: bitte eines wählen.");
    drop(h);
    let i = i18n.clone();
    let mut h = Harness::new_ui_state(
        move |ui, e: &mut vector_style::StyleEditor| {
            let _ = vector_style::style_window(ui.ctx(), e, &i);
        },
        editor(vec![("GEN".into(), FieldKind::Text)]),
    );
    h.run();
    h.get_by_label(
        "Diese Ebene hat kein Zahlenfeld. Abgestuft geht nur mit Zahlen; „Nach Kategorien“ färbt nach Text.",
    );
}

/// The German state models' generic attributes read as words, unknown
/// keys at least spaced, the country in German.
#[test]
fn inspector_names_the_state_models_attributes() {
    let i18n = german();
    let rows = inspector::readable_attributes(
        &[
            ("DatenquelleDachhoehe".into(), "1000".into()),
            ("Grundrissaktualitaet".into(), "2019-04-02".into()),
            ("country".into(), "Germany".into()),
            ("SomeNewKey".into(), "x".into()),
            ("roof_material".into(), "Ziegel".into()),
        ],
        &i18n,
    );
    assert_eq!(
        rows,
        [
            ("Datenquelle Dachhöhe".to_string(), "1000".to_string()),
            ("Aktualität des Grundrisses".into(), "02.04.2019".into()),
            ("Land".into(), "Deutschland".into()),
            ("Some New Key".into(), "x".into()),
            ("roof material".into(), "Ziegel".into()),
        ]
    );
}

/// In a workshop the citizens' bar has no "Öffnen …" and no mode switch;
/// the moderator holds the title for two seconds to return to planning
/// (a short tap does nothing). Saved views fly but cannot be deleted.
#[test]
fn the_workshop_bar_keeps_moderation_behind_a_long_press() {
    let i18n = german();
    let m = top_bar::TopBarModel {
        scene_name: "Demo",
        dirty: false,
        has_path: true,
        mode: AppMode::Workshop,
        language: Language::German,
        scenes: &[],
        kiosk_pin: false,
        logo: None,
        logo_texture: None,
    };
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(top_bar::top_bar(ui, &m, &i18n)),
        Vec::new(),
    );
    h.run();
    assert!(h.query_by_label("Öffnen …").is_none());
    assert!(h.query_by_label("Planung").is_none());
    let title = h.get_by_label("Planwerkstatt").rect().center();
    // A tap: nothing.
    h.get_by_label("Planwerkstatt").click();
    h.run();
    assert!(h.state().is_empty(), "{:?}", h.state());
    // Held for 2.5 s (steps of 0.25 s).
    h.hover_at(title);
    h.drag_at(title);
    for _ in 0..10 {
        h.step();
    }
    h.drop_at(title);
    h.step();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::SetMode(AppMode::Planning)]
    );

    let list = vec![pw_scene::Bookmark {
        name: "Markt".into(),
        target: [0.0; 3],
        distance: 100.0,
        heading: 0.0,
        pitch: 40.0,
    }];
    let i = german();
    let mut h = Harness::new_ui_state(
        move |ui, out: &mut Vec<UiAction>| out.extend(bookmarks::bookmarks(ui, &list, false, &i)),
        Vec::new(),
    );
    h.run();
    assert!(h.query_by_label("✖").is_none());
    assert!(h.query_by_label("Aktuelle Ansicht merken").is_none());
    h.get_by_label("Markt").click();
    h.run();
    assert_eq!(
        h.state().as_slice(),
        &[UiAction::Scene(SceneCommand::GoToBookmark(0))]
    );
}

/// A tapped NRW building as citizens see it: its use in words, storeys
/// and height in German numbers — no codes, no ids.
#[test]
fn a_tapped_building_reads_as_plain_words() {
    let i18n = german();
    let model = nrw_model();
    let (index, o) = model
        .objects
        .iter()
        .enumerate()
        .find(|(_, o)| {
            o.attribute("function").is_some()
                && o.attribute("measuredHeight").is_some()
                && o.parent.is_none()
        })
        .expect("a building with use and height");
    let d = InspectorData::new(LayerId(1), "LoD2", &model, index, 0).unwrap();
    let (title, lines) = inspector::citizen_lines(&d, &i18n);
    let function = o.attribute("function").unwrap();
    assert_eq!(
        title,
        pw_city::codes::building_function_label(function).unwrap()
    );
    let h: f64 = o.attribute("measuredHeight").unwrap().parse().unwrap();
    assert!(
        lines.contains(&format!("{} m hoch", i18n.number(h, 1))),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| !l.contains(function) && !l.contains(&o.id))
    );
}

/// A day from the calendar beside the date, the time of day kept; the
/// month steps.
#[test]
fn the_calendar_jumps_to_a_day() {
    let i18n = german();
    let clock = SceneClock::for_city("Europe/Berlin", Some("2026-06-21T15:00")).unwrap();
    let mut path = false;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 500.0))
        .build_ui_state(
            |ui, clock: &mut SceneClock| {
                time_bar::time_bar(ui, clock, &i18n, false, None, &mut path);
            },
            clock,
        );
    h.run();
    h.get_by_label("Kalender …").click();
    h.run();
    h.get_by_label("Juni 2026");
    // June 2026 starts on a Monday: no empty cells before the 1st.
    h.get_by_label("1").click();
    h.run();
    assert_eq!(
        h.state().local().strftime("%d.%m.%Y %H:%M").to_string(),
        "01.06.2026 15:00"
    );
    // Chosen: closed. Opened again, the next month.
    assert!(h.query_by_label("Juni 2026").is_none());
    h.get_by_label("Kalender …").click();
    h.run();
    h.get_all_by_label("▶").last().unwrap().click();
    h.run();
    h.get_by_label("Juli 2026");
}

/// An analysis' day is shown and typed as the user writes days; the
/// analysis gets ISO days.
#[test]
fn the_analysis_day_reads_and_writes_german_days() {
    let i18n = german();
    let mut h = Harness::new_ui_state(
        |ui, iso: &mut String| analysis_panel::day_field(ui, "date", iso, &i18n),
        "2026-03-21".to_string(),
    );
    h.run();
    let field = |h: &Harness<String>| {
        h.get_by_role(egui::accesskit::Role::TextInput)
            .value()
            .unwrap_or_default()
    };
    assert_eq!(field(&h), "21.03.2026");
    h.get_by_role(egui::accesskit::Role::TextInput).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("1.7.2026 21.12.2026");
    h.run();
    assert_eq!(h.state(), "2026-07-01 2026-12-21");
    // Not a day: the field keeps it, the analysis keeps the last good one.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("31.02.2026");
    h.run();
    assert_eq!(h.state(), "2026-07-01 2026-12-21");
    assert_eq!(field(&h), "31.02.2026");
}

/// The date is typed, not stepped day by day: "21.3.2026" + Enter jumps
/// there at the same time of day; a day that does not exist changes nothing.
#[test]
fn a_date_is_typed_in_the_time_bar() {
    assert_eq!(time_bar::parse_day("21.3.2026"), Some((2026, 3, 21)));
    assert_eq!(time_bar::parse_day(" 2026-12-21 "), Some((2026, 12, 21)));
    assert_eq!(time_bar::parse_day("31.02.2026"), None);
    assert_eq!(time_bar::parse_day("morgen"), None);
    let i18n = german();
    let clock = SceneClock::for_city("Europe/Berlin", Some("2026-06-21T15:00")).unwrap();
    let mut path = false;
    let mut h = Harness::new_ui_state(
        |ui, clock: &mut SceneClock| {
            time_bar::time_bar(ui, clock, &i18n, true, None, &mut path);
        },
        clock,
    );
    h.run();
    let field = || egui::accesskit::Role::TextInput;
    h.get_by_role(field()).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role(field()).type_text("21.3.2026");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        h.state().local().strftime("%d.%m.%Y %H:%M").to_string(),
        "21.03.2026 15:00"
    );
    h.get_by_role(field()).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role(field()).type_text("31.02.2026");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        h.state().local().strftime("%d.%m.%Y").to_string(),
        "21.03.2026",
        "no such day: unchanged"
    );
}

/// Views in the workbench: the observer picked by a tap (on a building
/// the tap's height is kept: a window or a roof; on the ground none), the
/// viewshed run in the background with the visible ground and walls, then
/// a line of sight to a second tapped point with its section.
#[test]
fn views_from_a_tapped_point_and_a_line_of_sight_with_its_section() {
    use crate::analysis::AnalysisCommand;
    use pw_analysis::Value;
    let mut app = test_app();
    let layer = open_demo(&mut app);
    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::Select("view".into())),
    );
    let tap = |app: &mut App, p: [f64; 3], object: Option<(LayerId, usize)>| {
        app.world_mut()
            .write_message(crate::view::picking::WorldClick {
                world: Some(p),
                object,
            });
        app.update();
    };
    // A tap on a building: the point keeps its height.
    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::PickPoint("observer")),
    );
    tap(&mut app, [280_900.0, 5_657_400.0, 45.5], Some((layer, 0)));
    let p = analyses(&app).form().unwrap().point("observer").unwrap();
    assert_eq!(p.z, Some(45.5));
    // A tap on the ground: it stands there, eye height on top.
    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::PickPoint("observer")),
    );
    tap(&mut app, [280_850.0, 5_657_300.0, 36.0], None);
    let p = analyses(&app).form().unwrap().point("observer").unwrap();
    assert_eq!((p.x, p.y, p.z), (280_850.0, 5_657_300.0, None));
    set_form(&mut app, |f| f.set("distance", Value::Number(120.0)));
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "viewshed", |app| {
        !analyses(app).results.is_empty()
    });
    let r = &analyses(&app).results[0].result;
    let grid = &r.ground.as_ref().unwrap().grid;
    assert!(grid.values.iter().any(|v| *v == 1.0) && grid.values.iter().any(|v| *v == 0.0));
    assert!(r.kpi("visible_m2").unwrap().value > 1000.0);
    // A line of sight to a second tapped point: the section is there.
    set_form(&mut app, |f| f.set("mode", Value::Text("line".into())));
    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::PickPoint("target")),
    );
    tap(&mut app, [280_990.0, 5_657_480.0, 36.0], None);
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "line of sight", |app| {
        analyses(app).results.len() == 2
    });
    let r = &analyses(&app).results[1].result;
    let section = r.section.as_ref().expect("a section");
    assert_eq!(section.series.len(), 3);
    assert!(r.kpi("length_m").unwrap().value > 200.0);
    // The panel draws it (chart included) without trouble.
    app.update();
}

/// Dragging the observer after a run: grabbed (the camera leaves the
/// pointer alone), moved — the preview follows to the newest place, drawn
/// over the map in place of the run's ground and walls — and let go: the
/// full run from there replaces the preview.
#[test]
fn a_dragged_observer_is_followed_by_its_view_and_run_in_full_when_let_go() {
    use crate::analysis::AnalysisCommand;
    use crate::analysis::live::{LiveCommand, LiveDrag};
    use crate::view::camera::PointerHeld;
    use pw_analysis::{Point, Value};
    let mut app = test_app();
    open_demo(&mut app);
    act(
        &mut app,
        UiAction::Analysis(AnalysisCommand::Select("view".into())),
    );
    let at = |x: f64, y: f64| Point { x, y, z: None };
    set_form(&mut app, |f| {
        f.set("observer", Value::Point(Some(at(280_850.0, 5_657_300.0))));
        f.set("distance", Value::Number(120.0));
    });
    let send = |app: &mut App, c: LiveCommand| {
        app.world_mut().write_message(c);
        app.update();
    };
    fn live(app: &App) -> &LiveDrag {
        app.world().resource::<LiveDrag>()
    }
    // A run from where it stands first.
    act(&mut app, UiAction::Analysis(AnalysisCommand::Run));
    update_until(&mut app, "the first run", |app| {
        analyses(app).results.len() == 1 && analyses(app).running.is_none()
    });
    // Only the point the analysis offers can be dragged.
    send(&mut app, LiveCommand::Grab("target"));
    assert!(live(&app).held.is_none());
    send(&mut app, LiveCommand::Grab("observer"));
    assert_eq!(live(&app).held, Some("observer"));
    assert!(app.world().resource::<PointerHeld>().0);
    send(&mut app, LiveCommand::MoveTo(at(280_860.0, 5_657_310.0)));
    update_until(&mut app, "the first preview", |app| live(app).updates >= 1);
    // A point no eye fits at (here 36 m below the ground, as a wall low
    // down can be): no error pops up, the last preview stays.
    let shown = live(&app).updates;
    let wall = Point {
        x: 280_870.0,
        y: 5_657_320.0,
        z: Some(0.0),
    };
    send(&mut app, LiveCommand::MoveTo(wall));
    update_until(&mut app, "the wall's preview tried", |app| live(app).idle());
    assert_eq!(live(&app).updates, shown);
    assert!(
        !app.world()
            .resource::<Notices>()
            .items
            .iter()
            .any(|n| n.error),
        "{:?}",
        app.world().resource::<Notices>().items
    );
    send(&mut app, LiveCommand::MoveTo(at(280_880.0, 5_657_330.0)));
    let last = at(280_880.0, 5_657_330.0);
    assert_eq!(analyses(&app).form().unwrap().point("observer"), Some(last));
    update_until(&mut app, "the preview from the newest place", |app| {
        live(app).last_point == Some(last) && live(app).preview_shown()
    });
    // No run while dragging; the first run's ground and walls step back.
    let first = &analyses(&app).results[0];
    assert_eq!(analyses(&app).results.len(), 1);
    assert!(!first.show_ground && !first.show_facades);
    send(&mut app, LiveCommand::Release);
    assert!(!app.world().resource::<PointerHeld>().0);
    update_until(&mut app, "the full run", |app| {
        analyses(app).results.len() == 2 && analyses(app).running.is_none()
    });
    let e = &analyses(&app).results[1];
    assert!(
        e.label().contains("120 m · 280880, 5657330"),
        "{}",
        e.label()
    );
    assert!(e.result.facades.is_some() && e.show_ground);
    update_until(&mut app, "the preview gone", |app| {
        !live(app).preview_shown()
    });
    let e = &analyses(&app).results[1];
    assert!(e.show_ground && e.show_facades, "the new result shows");
    // Grabbed and let go without moving: nothing runs.
    send(&mut app, LiveCommand::Grab("observer"));
    send(&mut app, LiveCommand::Release);
    for _ in 0..5 {
        app.update();
    }
    assert!(live(&app).held.is_none() && !app.world().resource::<PointerHeld>().0);
    assert_eq!(analyses(&app).results.len(), 2);
    // Let go where no eye fits: the run says why, no new result comes, and
    // the last result shows again where the preview stood.
    send(&mut app, LiveCommand::Grab("observer"));
    send(&mut app, LiveCommand::MoveTo(at(280_870.0, 5_657_340.0)));
    update_until(&mut app, "a preview", |app| {
        live(app).last_point == Some(at(280_870.0, 5_657_340.0))
    });
    assert!(!analyses(&app).results[1].show_ground);
    send(&mut app, LiveCommand::MoveTo(wall));
    send(&mut app, LiveCommand::Release);
    update_until(&mut app, "the refused run and the preview gone", |app| {
        !live(app).preview_shown() && analyses(app).running.is_none()
    });
    assert_eq!(analyses(&app).results.len(), 2);
    let e = &analyses(&app).results[1];
    assert!(e.show_ground && e.show_facades, "the last result back");
    assert!(
        app.world()
            .resource::<Notices>()
            .items
            .iter()
            .any(|n| n.error && n.text.contains("Auge")),
        "{:?}",
        app.world().resource::<Notices>().items
    );
    println!(
        "{} previews, the last in {:.1} ms",
        live(&app).updates,
        live(&app).last_ms
    );
}

/// The view form: the observer is a point picked on the map (the panel
/// says where it stands), and a line of sight's result shows its section.
#[test]
fn the_view_form_picks_points_and_shows_a_section() {
    use crate::analysis::{AnalysisCommand, AnalysisState, AreaPick};
    use pw_analysis::{Analysis, Point, Registry, Section, Value};
    let i18n = german();
    let mut registry = Registry::default();
    registry.register(std::sync::Arc::new(pw_view::ViewAnalysis));
    let mut s = AnalysisState::default();
    s.selected = "view".into();
    s.pick = AreaPick::Point("observer");
    let mut form = pw_view::ViewAnalysis.defaults();
    form.set("mode", text("line"));
    form.set(
        "observer",
        Value::Point(Some(Point {
            x: 280_850.0,
            y: 5_657_300.0,
            z: None,
        })),
    );
    s.forms.insert("view", form);
    s.add(
        "view",
        pw_analysis::AnalysisResult {
            label: "Sichtlinie".into(),
            section: Some(Section {
                title: "view.section",
                unit: "m",
                distance: vec![0.0, 10.0, 20.0],
                series: vec![
                    ("view.section_ground", vec![36.0, 37.0, 36.5]),
                    ("view.section_surface", vec![36.0, 49.0, 36.5]),
                    ("view.section_sight", vec![37.6, 37.6, 37.6]),
                ],
            }),
            ..Default::default()
        },
    );
    let mut h = Harness::new_ui_state(
        move |ui, state: &mut (AnalysisState, Vec<UiAction>)| {
            let acts = analysis_panel::analysis_panel(ui, &registry, &mut state.0, &i18n);
            state.1.extend(acts);
        },
        (s, Vec::new()),
    );
    h.run();
    h.get_by_label_contains("auf dem Boden");
    // The target is not chosen yet; the hint says what a tap does.
    assert!(h.query_all_by_label("noch keine gewählt").count() >= 1);
    h.get_by_label_contains("Tippen Sie auf die Karte");
    h.get_by_label("Schnitt entlang der Sichtlinie");
    for button in h.query_all_by_label("Auf der Karte wählen") {
        button.click();
    }
    h.run();
    let acts = &h.state().1;
    for key in ["observer", "target"] {
        assert!(
            acts.contains(&UiAction::Analysis(AnalysisCommand::PickPoint(key))),
            "{acts:?}"
        );
    }
    // A line's points are picked; a viewshed's observer can be dragged too.
    assert!(h.query_by_label_contains("auf der Karte ziehen").is_none());
    {
        let s = &mut h.state_mut().0;
        s.pick = AreaPick::Off;
        s.form_mut().unwrap().set("mode", text("viewshed"));
    }
    h.run();
    h.get_by_label_contains("Den Punkt auf der Karte ziehen");
}

#[test]
fn online_window_searches_offers_a_datasets_layers_and_adds_the_one_chosen() {
    use crate::layers::online::{Offers, OnlineCommand, OnlineData, Searched};
    use pw_services::catalog::{Dataset, Resource, ResourceKind, SearchResult};
    use pw_services::offer::Offer;
    let resource = |format: &str, url: &str, kind| Resource {
        name: format.into(),
        format: format.into(),
        url: url.into(),
        kind,
    };
    let mut data = OnlineData::default();
    data.search = Some(Searched {
        catalog: "Jena".into(),
        text: "Parken".into(),
        result: SearchResult {
            count: 2,
            datasets: vec![
                Dataset {
                    title: "Parken".into(),
                    publisher: "Stadt Jena".into(),
                    licence: "dl-de/by-2-0".into(),
                    resources: vec![
                        resource("CSV", "https://o/parken.csv", ResourceKind::Other),
                        resource("WMS", "https://m/wms", ResourceKind::Wms),
                        resource("JSON", "https://o/parken.geojson", ResourceKind::VectorFile),
                    ],
                    ..Default::default()
                },
                Dataset {
                    title: "Vornamen".into(),
                    resources: vec![resource("PDF", "https://o/v.pdf", ResourceKind::Other)],
                    ..Default::default()
                },
            ],
        },
    });
    let offer = |title: &str, name: &str| Offer {
        title: title.into(),
        name: name.into(),
        kind: ResourceKind::Wms,
        url: "https://m/wms".into(),
        crs: None,
        format: None,
    };
    data.offers = Some(Offers {
        title: "Parken".into(),
        dataset: None,
        list: vec![
            offer("Parken", "parken"),
            offer("Radwege", "radwege"),
            offer("Bäume", "baeume"),
        ],
    });
    let i18n = german();
    let model = online_panel::OnlineModel {
        catalogs: vec!["Jena".into()],
        data: &data,
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(900.0, 900.0))
        .build_ui_state(
            |ui, (form, out): &mut (online_panel::OnlineForm, Vec<UiAction>)| {
                out.extend(online_panel::online_window(ui.ctx(), form, &model, &i18n))
            },
            (
                online_panel::OnlineForm {
                    text: "Parken".into(),
                    ..Default::default()
                },
                Vec::new(),
            ),
        );
    h.run_steps(2);
    h.get_by_label("2 Datensätze zu „Parken“ in Jena");
    h.get_by_label("Stadt Jena · dl-de/by-2-0");
    h.get_by_label("1 weiterer Datensatz ohne Kartendaten (Tabellen, Dokumente)");
    h.get_by_label("Parken: 3 Ebenen – eine wählen");
    h.get_by_label("+ Karte (WMS)").click();
    h.get_by_label("+ Datei (GeoJSON)").click();
    h.get_by_label("Suchen").click();
    h.get_all_by_label("Hinzufügen").nth(1).unwrap().click();
    h.run_steps(2);
    let actions = &h.state().1;
    for want in [
        UiAction::Online(OnlineCommand::Discover {
            dataset: 0,
            resource: 1,
        }),
        UiAction::Online(OnlineCommand::Discover {
            dataset: 0,
            resource: 2,
        }),
        UiAction::Online(OnlineCommand::Search {
            catalog: 0,
            text: "Parken".into(),
        }),
        UiAction::Online(OnlineCommand::Add(1)),
    ] {
        assert!(actions.contains(&want), "{want:?} not in {actions:?}");
    }
}

/// A traffic result lists its busiest roads under "Die höchsten Werte":
/// name, vehicles an hour, capacity and how full each is — the ten highest
/// only, unnamed roads by their id.
#[test]
fn the_busiest_roads_show_with_their_capacity_and_how_full_they_are() {
    use crate::analysis::AnalysisState;
    use pw_analysis::result::Column;
    use pw_analysis::{
        AnalysisResult, Feature, FeatureGeometry, FeatureValues, Registry, RunStamp,
    };
    let i18n = german();
    let mut registry = Registry::default();
    registry.register(std::sync::Arc::new(
        pw_traffic::framework::TrafficAnalysis::default(),
    ));
    let n = 12;
    let volume = |i: usize| 100.0 * (i + 1) as f32;
    let features = (0..n)
        .map(|i| Feature {
            id: format!("way/{}", 1000 + i),
            geometry: FeatureGeometry::Line(vec![[0.0, i as f64, 0.0], [100.0, i as f64, 0.0]]),
            value: volume(i),
        })
        .collect();
    let names: Vec<String> = (0..n)
        .map(|i| {
            if i == n - 2 {
                String::new()
            } else {
                format!("Straße {i}")
            }
        })
        .collect();
    let capacity: Vec<f32> = vec![2000.0; n];
    let ratio: Vec<f32> = (0..n).map(|i| volume(i) / 2000.0).collect();
    let result = AnalysisResult {
        label: "Verkehr Bestand".into(),
        stamp: RunStamp {
            analysis: "traffic".into(),
            scenario: "Bestand".into(),
            ..Default::default()
        },
        features: Some(FeatureValues {
            quantity: pw_traffic::result::volume_quantity(),
            features,
            columns: vec![
                Column::Numbers("capacity", capacity),
                Column::Numbers("volume_capacity", ratio),
                Column::Texts("name", names),
            ],
            absent_is_zero: true,
        }),
        ..Default::default()
    };
    let mut state = AnalysisState::default();
    state.selected = "traffic".into();
    state.add("traffic", result);
    let mut h = Harness::new_ui_state(
        move |ui, s: &mut (AnalysisState, Vec<UiAction>)| {
            let acts = analysis_panel::analysis_panel(ui, &registry, &mut s.0, &i18n);
            s.1.extend(acts);
        },
        (state, Vec::new()),
    );
    h.run();
    h.get_by_label("Die höchsten Werte").click();
    h.run();
    h.get_by_label("Kfz je Stunde (Kfz/h)");
    h.get_by_label("Kapazität (Kfz/h)");
    h.get_by_label("Auslastung (Menge ÷ Kapazität)");
    // The busiest: 1.200 vehicles on 2.000 capacity, 0,60 full; the road
    // without a name by its id; the two quietest not listed.
    h.get_by_label("Straße 11");
    h.get_by_label("1.200");
    h.get_by_label("0,60");
    h.get_by_label("way/1010");
    assert!(h.query_by_label("Straße 1").is_none());
    assert!(h.query_by_label("Straße 0").is_none());
    h.get_by_label("Straße 2");
    assert_eq!(
        h.query_all_by_label("2.000").count(),
        10,
        "a capacity per row"
    );
}

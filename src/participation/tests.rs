//! The workshop in the app (MinimalPlugins, the real demo tile): it opens by
//! itself in workshop mode for a scene with `[workshop]`, a phone's
//! contribution arrives in the list, the table's own is saved with the whole
//! view, and "Ansehen" brings that view back.

use std::path::PathBuf;

use bevy::prelude::*;
use pw_participation::{Category, Draft, Reply, Request, Source};

use super::{Participation, ParticipationCommand};
use crate::layers::city_draw::CityLayers;
use crate::layers::{LayerStatus, Layers, SceneCommand};
use crate::scenario::ScenarioState;
use crate::ui::{AppMode, UiLogicPlugin, UiState};
use crate::view::clock::SceneClock;

/// The demo scene with a workshop and two variants, in a fresh folder (the
/// workshop file is written beside it).
fn workshop_scene() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pw-workshop-{}-{}",
        std::process::id(),
        pw_participation::limits::random_token()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let assets = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets");
    let demo = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/demo.scene"),
    )
    .unwrap()
    .replace("../assets", &assets.display().to_string());
    let scene = format!(
        "{demo}
[workshop]
title = \"Heinsberg: zwei Entwürfe\"
title_en = \"Heinsberg: two designs\"
port = 0

[[workshop.questions]]
id = \"gruen\"
de = \"Mehr Grün?\"
kind = \"yesno\"
"
    );
    std::fs::write(dir.join("werkstatt.scene"), scene).unwrap();
    std::fs::write(
        dir.join("werkstatt.plan.toml"),
        "[[variant]]\nname = \"Entwurf A\"\nname_en = \"Design A\"\ndescription = \"Blockrand\"\n\
         description_en = \"Perimeter block\"\n\n[[variant]]\nname = \"Entwurf B\"\n",
    )
    .unwrap();
    dir.join("werkstatt.scene")
}

fn until(app: &mut App, what: &str, mut done: impl FnMut(&mut App) -> bool) {
    let start = std::time::Instant::now();
    while !done(app) {
        assert!(
            start.elapsed().as_secs() < 30,
            "timed out waiting for {what}"
        );
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The app without a window, in `mode`, with `scene` open and its tile loaded.
fn app_with(scene: &std::path::Path, mode: AppMode) -> App {
    let mut app = crate::app::headless_core_app();
    app.add_plugins(UiLogicPlugin);
    app.world_mut().resource_mut::<UiState>().mode = mode;
    app.world_mut()
        .write_message(SceneCommand::Open(scene.to_path_buf()));
    until(&mut app, "the tile", |app| {
        app.world()
            .resource::<Layers>()
            .entries
            .first()
            .is_some_and(|l| l.status == LayerStatus::Ready)
            && app.world().resource::<CityLayers>().layers.len() == 1
    });
    app
}

fn participation(app: &App) -> &Participation {
    app.world().resource::<Participation>()
}

#[test]
fn a_workshop_takes_phones_and_the_table_and_shows_what_they_saw() {
    let scene = workshop_scene();
    let mut app = app_with(&scene, AppMode::Workshop);
    until(&mut app, "the workshop to open by itself", |app| {
        participation(app).session.is_some()
    });
    let (link, file, desk) = {
        let s = participation(&app).session.as_ref().unwrap();
        (s.link.clone(), s.file.clone(), s.desk().clone())
    };
    assert!(
        link.starts_with("http://") && link.contains("/w/"),
        "{link}"
    );
    assert_eq!(file, scene.with_file_name("werkstatt.werkstatt.sqlite"));
    assert!(file.exists());
    assert!(participation(&app).session.as_ref().unwrap().qr.len() >= 29);
    {
        let workshop = desk.workshop();
        let w = workshop.read().unwrap();
        assert_eq!(w.title.de, "Heinsberg: zwei Entwürfe");
        let names: Vec<&str> = w.variants.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(names, ["Entwurf A", "Entwurf B"]);
        assert_eq!(w.variants[0].caption.de, "Blockrand");
        // English where the plan and scene give it, German where not.
        assert_eq!(w.title.get("en"), "Heinsberg: two designs");
        assert_eq!(w.variants[0].name.get("en"), "Design A");
        assert_eq!(w.variants[0].caption.get("en"), "Perimeter block");
        assert_eq!(w.variants[1].name.get("en"), "Entwurf B");
        assert_eq!(w.questions[0].id, "gruen");
        let area = w.area.as_ref().expect("the tile's extent");
        // The tile's 83 buildings, as outlines for the phones' map.
        assert!(
            (60..=140).contains(&area.outlines.len()),
            "{} outlines",
            area.outlines.len()
        );
    }

    // A phone: joins, writes at a place, votes.
    let Reply::Joined(phone) = desk.ask_blocking(Request::Join).unwrap() else {
        panic!()
    };
    let area = desk.workshop().read().unwrap().area.clone().unwrap();
    let middle = [
        (area.extent[0] + area.extent[2]) / 2.0,
        (area.extent[1] + area.extent[3]) / 2.0,
    ];
    desk.ask_blocking(Request::Contribute {
        draft: Draft {
            participant: phone.clone(),
            nonce: "handy-1".into(),
            text: "Bitte eine Querungshilfe an der Kreuzung.".into(),
            category: "idee".into(),
            anchor: Some(pw_participation::Anchor {
                x: middle[0],
                y: middle[1],
                z: None,
                object: None,
            }),
            view: pw_participation::ViewState {
                variant: Some("Entwurf B".into()),
                ..Default::default()
            },
        },
        source: Source::Phone,
    })
    .unwrap();
    desk.ask_blocking(Request::Vote {
        participant: phone,
        variant: "Entwurf A".into(),
        stars: 5,
    })
    .unwrap();
    until(&mut app, "the phone's contribution on the table", |app| {
        participation(app).contributions.len() == 1
            && participation(app)
                .tally
                .as_ref()
                .is_some_and(|t| t.variants[0].votes() == 1)
    });
    assert_eq!(
        participation(&app).contributions[0].category,
        Category::Idee
    );

    // The table: variant B shown, the clock at a winter noon, a place.
    app.world_mut()
        .write_message(crate::scenario::ScenarioCommand::Activate(Some(
            "Entwurf B".into(),
        )));
    until(&mut app, "variant B shown", |app| {
        app.world().resource::<ScenarioState>().active.as_deref() == Some("Entwurf B")
    });
    let winter: jiff::Timestamp = "2026-12-21T12:00:00+01:00".parse().unwrap();
    app.world_mut().resource_mut::<SceneClock>().instant = winter;
    {
        let mut p = app.world_mut().resource_mut::<Participation>();
        p.draft.text = "Zu wenig Sonne im Hof im Winter.".into();
        p.draft.category = Some(Category::Kritik);
        p.draft.anchor = Some(pw_participation::Anchor {
            x: middle[0] + 10.0,
            y: middle[1],
            z: Some(42.0),
            object: Some("DENW39AL1000xyz".into()),
        });
    }
    app.world_mut().write_message(ParticipationCommand::Send);
    until(&mut app, "the table's contribution saved", |app| {
        participation(app).contributions.len() == 2
    });
    let table = participation(&app).contributions[0].clone();
    assert_eq!(table.source, Source::Table);
    assert_eq!(table.text, "Zu wenig Sonne im Hof im Winter.");
    assert!(
        participation(&app).draft.text.is_empty(),
        "the draft is cleared"
    );
    assert_eq!(table.view.variant.as_deref(), Some("Entwurf B"));
    assert_eq!(table.view.layers, ["LoD2-Gebäude NRW"]);
    assert_eq!(
        table.view.clock.as_deref(),
        Some("2026-12-21T12:00:00+01:00")
    );
    let camera = table.view.camera.clone().expect("the table's camera");
    assert!(camera.eye[2] > camera.target[2], "looking down");
    assert_eq!(
        table.anchor.as_ref().unwrap().object.as_deref(),
        Some("DENW39AL1000xyz")
    );

    // Elsewhere, another time, Bestand; then "Ansehen".
    app.world_mut()
        .write_message(crate::scenario::ScenarioCommand::Activate(None));
    app.world_mut().resource_mut::<SceneClock>().instant =
        "2026-06-21T15:00:00+02:00".parse().unwrap();
    app.update();
    app.world_mut()
        .write_message(ParticipationCommand::ShowView(table.id));
    until(&mut app, "the table's view back", |app| {
        app.world().resource::<ScenarioState>().active.as_deref() == Some("Entwurf B")
    });
    assert_eq!(app.world().resource::<SceneClock>().instant, winter);
    assert_eq!(participation(&app).selected, Some(table.id));

    // Moderation from the table reaches the store.
    app.world_mut()
        .write_message(ParticipationCommand::Moderate(
            table.id,
            pw_participation::Moderation::Hide(true),
        ));
    until(&mut app, "the contribution hidden", |app| {
        participation(app)
            .contributions
            .iter()
            .any(|c| c.id == table.id && c.hidden)
    });
    // The results beside the workshop file, written in the background.
    app.world_mut()
        .write_message(ParticipationCommand::SaveResults);
    until(&mut app, "the results saved", |app| {
        participation(app)
            .message
            .as_ref()
            .is_some_and(|(m, _)| m.starts_with("Gespeichert: Bericht"))
    });
    for name in [
        "werkstatt-bericht.pdf",
        "werkstatt-beitraege.geojson",
        "werkstatt-beitraege.csv",
        "werkstatt-bewertungen.csv",
    ] {
        assert!(scene.with_file_name(name).exists(), "{name}");
    }
    let csv = std::fs::read_to_string(scene.with_file_name("werkstatt-beitraege.csv")).unwrap();
    assert!(csv.contains("Zu wenig Sonne im Hof im Winter."), "{csv}");
    // Closing lets phones go; what was said stays in the file.
    app.world_mut().write_message(ParticipationCommand::Stop);
    app.update();
    assert!(participation(&app).session.is_none());
    let store = pw_participation::SqliteStore::open(&file).unwrap();
    let desk = pw_participation::start_desk(
        pw_participation::Workshop::new(pw_participation::LocalText::new("x", "x")),
        Box::new(store),
    );
    let Reply::Changes(all) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    assert_eq!(all.contributions.len(), 2);
}

/// A layer marked `restricted` (data under data protection) is drawn and
/// picked at the desk, and withheld in workshop mode: not drawn, not
/// credited, not in the saved views, never on the phones' map.
#[test]
fn restricted_layers_are_withheld_from_the_public() {
    let scene = workshop_scene();
    let text = std::fs::read_to_string(&scene).unwrap().replace(
        "kind = \"citygml\"",
        "kind = \"citygml\"\nrestricted = true\nattribution = \"Nur für den Dienstgebrauch\"",
    );
    std::fs::write(&scene, text).unwrap();
    let mut app = app_with(&scene, AppMode::Planning);
    let batches_visible = |app: &mut App| {
        let mut q = app
            .world_mut()
            .query::<(&crate::layers::city_draw::CityBatch, &Visibility)>();
        q.iter(app.world())
            .filter(|(_, v)| **v != Visibility::Hidden)
            .count()
    };
    let credits = |app: &App| {
        let scene = &app.world().resource::<crate::layers::ActiveScene>().scene;
        app.world().resource::<Layers>().credits(scene, false)
    };
    // At the desk: there.
    app.update();
    assert!(batches_visible(&mut app) > 0);
    assert!(!app.world().resource::<Layers>().entries[0].withheld);
    assert!(credits(&app).contains(&"Nur für den Dienstgebrauch".to_string()));
    // The workshop's pictures are for the public, taken at the desk too.
    app.world_mut()
        .resource_mut::<crate::base::audience::PicturesForThePublic>()
        .0 = true;
    until(&mut app, "the layer withheld for the pictures", |app| {
        app.world().resource::<Layers>().entries[0].withheld
    });
    app.world_mut()
        .resource_mut::<crate::base::audience::PicturesForThePublic>()
        .0 = false;
    until(&mut app, "the layer back at the desk", |app| {
        !app.world().resource::<Layers>().entries[0].withheld
    });
    // At the desk a building of it is picked and its table open: neither
    // stays on the public's screen.
    let layer = app.world().resource::<Layers>().entries[0].id;
    app.world_mut()
        .resource_mut::<crate::layers::city_draw::Selection>()
        .picked = Some((layer, 0));
    app.world_mut().resource_mut::<UiState>().table = Some(
        crate::ui::attribute_table::AttributeTable::new(layer, "LoD2".into(), Vec::new()),
    );
    // The public looks: gone.
    app.world_mut().resource_mut::<UiState>().mode = AppMode::Workshop;
    until(&mut app, "the layer withheld", |app| {
        app.world().resource::<Layers>().entries[0].withheld
    });
    until(&mut app, "its batches hidden", |app| {
        batches_visible(app) == 0
    });
    assert_eq!(
        app.world()
            .resource::<crate::layers::city_draw::Selection>()
            .picked,
        None
    );
    assert!(app.world().resource::<UiState>().table.is_none());
    assert!(!credits(&app).contains(&"Nur für den Dienstgebrauch".to_string()));
    assert!(
        app.world().resource::<Layers>().entries[0].def.visible,
        "its own switch is kept (the scene saves it unchanged)"
    );
    until(&mut app, "the workshop to open by itself", |app| {
        participation(app).session.is_some()
    });
    {
        let desk = participation(&app).session.as_ref().unwrap().desk().clone();
        let workshop = desk.workshop();
        let w = workshop.read().unwrap();
        assert!(
            w.area.is_none(),
            "no public layer, no map for phones (the restricted outlines never go out)"
        );
    }
    let view = crate::participation::view_state::capture(
        None,
        app.world().resource::<crate::view::frame::SceneFrame>(),
        None,
        app.world().resource::<Layers>(),
        None,
        app.world().resource::<SceneClock>(),
    );
    assert!(view.layers.is_empty(), "{:?}", view.layers);
    // Back at the desk: there again.
    app.world_mut().resource_mut::<UiState>().mode = AppMode::Planning;
    until(&mut app, "its batches back", |app| batches_visible(app) > 0);
    // Another scene: the workshop of this one ends with it.
    app.world_mut().write_message(SceneCommand::Open(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/demo.scene"),
    ));
    until(&mut app, "the workshop closed with its scene", |app| {
        participation(app).session.is_none()
    });
}

/// The showroom: the tour starts at its first station, a visitor steps on,
/// and after the idle time what they left (a draft, a selection) is wiped
/// and the tour plays by itself, station after station.
#[test]
fn the_kiosk_tour_steps_resets_and_plays_by_itself() {
    let scene = workshop_scene();
    let text = std::fs::read_to_string(&scene).unwrap();
    std::fs::write(
        &scene,
        format!(
            "{text}
[kiosk]
idle_seconds = 5
pin = \"4711\"

[[kiosk.stations]]
bookmark = \"Übersicht\"
time = \"2026-06-21T15:00\"
seconds = 2
de = \"Der Platz heute\"

[[kiosk.stations]]
bookmark = \"Straßenzug Nord\"
variant = \"Entwurf A\"
time = \"2026-12-21T12:00\"
analysis = \"plan\"
seconds = 2
de = \"Entwurf A im Winter\"
en = \"Design A in winter\"
"
        ),
    )
    .unwrap();
    let mut app = app_with(&scene, AppMode::Kiosk);
    let local = |app: &App| {
        app.world()
            .resource::<SceneClock>()
            .local()
            .strftime("%m-%d %H:%M")
            .to_string()
    };
    let kiosk = |app: &App| {
        let k = app.world().resource::<super::kiosk::Kiosk>();
        (k.station, k.playing)
    };
    until(&mut app, "the first station", |app| {
        local(app) == "06-21 15:00"
    });
    assert_eq!(kiosk(&app), (0, false));
    assert!(
        app.world()
            .resource::<crate::base::audience::Audience>()
            .public,
        "the showroom is public"
    );
    // A visitor steps on.
    app.world_mut()
        .write_message(super::kiosk::KioskCommand::Next);
    until(&mut app, "the second station", |app| {
        app.world().resource::<ScenarioState>().active.as_deref() == Some("Entwurf A")
    });
    assert_eq!(local(&app), "12-21 12:00");
    assert_eq!(kiosk(&app), (1, false));
    // Its analysis runs once, with its variant, over its saved view's area.
    until(&mut app, "the station's analysis", |app| {
        app.world()
            .resource::<super::kiosk::StationResults>()
            .by_station
            .contains_key(&1)
    });
    let (result, scenario) = {
        let id = app
            .world()
            .resource::<super::kiosk::StationResults>()
            .by_station[&1];
        let state = app.world().resource::<crate::analysis::AnalysisState>();
        let entry = state.result(id).unwrap();
        (entry.analysis, entry.result.stamp.scenario.clone())
    };
    assert_eq!((result, scenario.as_str()), ("plan", "Entwurf A"));
    let shown = |app: &App| {
        let state = app.world().resource::<crate::analysis::AnalysisState>();
        state.results.iter().filter(|e| e.show_ground).count()
    };
    until(&mut app, "the result shown at its station", |app| {
        shown(app) == 1
    });
    // What they leave behind.
    app.world_mut().resource_mut::<Participation>().draft.text = "meine Adresse ist …".into();
    let tapped = Some((app.world().resource::<Layers>().entries[0].id, 3));
    app.world_mut()
        .resource_mut::<crate::layers::city_draw::Selection>()
        .picked = tapped;
    // Idle: back to the start, wiped, playing.
    until(&mut app, "the reset after 5 s", |app| {
        kiosk(app) == (0, true)
    });
    assert!(
        participation(&app).draft.text.is_empty(),
        "the draft is wiped"
    );
    assert_eq!(
        app.world()
            .resource::<crate::layers::city_draw::Selection>()
            .picked,
        None
    );
    until(&mut app, "Bestand at the first station", |app| {
        app.world().resource::<ScenarioState>().active.is_none()
    });
    until(&mut app, "no result at a station without one", |app| {
        shown(app) == 0
    });
    // And on by itself after the station's 2 s.
    until(&mut app, "the tour playing on", |app| {
        kiosk(app) == (1, true)
    });
    until(&mut app, "its variant", |app| {
        app.world().resource::<ScenarioState>().active.as_deref() == Some("Entwurf A")
    });
    // The second round takes the kept result: no second run.
    for _ in 0..20 {
        app.update();
    }
    let runs = app
        .world()
        .resource::<crate::analysis::AnalysisState>()
        .results
        .iter()
        .filter(|e| e.analysis == "plan")
        .count();
    assert_eq!(runs, 1);
}

/// A GET of `path` below the workshop's link, as a phone sends it:
/// (status line, body).
fn phone_get(link: &str, path: &str) -> (String, Vec<u8>) {
    use std::io::{Read, Write};
    let rest = link.strip_prefix("http://").unwrap();
    let (host, base) = rest.split_at(rest.find('/').unwrap());
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {base}{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    (
        head.lines().next().unwrap_or_default().to_string(),
        answer[split + 4..].to_vec(),
    )
}

/// Pictures taken before the workshop are on the phones' cards from the
/// start; pictures taken while it runs reach them at once.
#[test]
fn phones_see_the_pictures_of_the_variants() {
    use pw_participation::pictures::{PictureIndex, VariantPicture};
    let scene = workshop_scene();
    let folder = scene.with_file_name("bilder").join("beteiligung");
    std::fs::create_dir_all(&folder).unwrap();
    let png = |n: u8| {
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        p.extend([n; 64]);
        p
    };
    std::fs::write(folder.join("variante-entwurf-a.png"), png(1)).unwrap();
    let mut index = PictureIndex::default();
    index.put_variant(VariantPicture {
        variant: "Entwurf A".into(),
        file: "variante-entwurf-a.png".into(),
        figures: Vec::new(),
    });
    index.save(&folder).unwrap();

    let mut app = app_with(&scene, AppMode::Workshop);
    until(&mut app, "the workshop to open by itself", |app| {
        participation(app).session.is_some()
    });
    let (link, desk) = {
        let s = participation(&app).session.as_ref().unwrap();
        (s.link.clone(), s.desk().clone())
    };
    {
        let w = desk.workshop();
        let w = w.read().unwrap();
        assert_eq!(w.variants[0].picture, Some(png(1)));
        assert_eq!(w.variants[1].picture, None);
    }
    let (status, body) = phone_get(&link, "picture/Entwurf%20A");
    assert!(status.contains(" 200 "), "{status}");
    assert_eq!(body, png(1));
    // No picture yet: the page does not ask (it lists the pictures there).
    let (status, _) = phone_get(&link, "picture/Entwurf%20B");
    assert!(!status.contains(" 200 "), "{status}");

    // A new series while the workshop runs: B now has a picture, A a new one.
    std::fs::write(folder.join("variante-entwurf-a.png"), png(2)).unwrap();
    std::fs::write(folder.join("variante-entwurf-b.png"), png(3)).unwrap();
    index.put_variant(VariantPicture {
        variant: "Entwurf B".into(),
        file: "variante-entwurf-b.png".into(),
        figures: Vec::new(),
    });
    index.save(&folder).unwrap();
    app.world_mut()
        .write_message(super::pictures::PicturesTaken {
            folder: folder.clone(),
        });
    app.update();
    let (status, body) = phone_get(&link, "picture/Entwurf%20B");
    assert!(status.contains(" 200 "), "{status}");
    assert_eq!(body, png(3));
    assert_eq!(phone_get(&link, "picture/Entwurf%20A").1, png(2));

    // A broken list is said at the table; the pictures there stay.
    std::fs::write(folder.join("bilder.json"), "{ kaputt").unwrap();
    app.world_mut()
        .write_message(super::pictures::PicturesTaken { folder });
    app.update();
    let (message, error) = participation(&app).message.clone().unwrap();
    assert!(error && message.contains("bilder.json"), "{message}");
    assert!(message.contains("neu aufnehmen"), "{message}");
    assert_eq!(phone_get(&link, "picture/Entwurf%20B").1, png(3));

    // Closed and opened again (or the program restarted): the same link,
    // so the QR code on the wall and the phones' open pages still work.
    app.world_mut().write_message(ParticipationCommand::Stop);
    app.update();
    assert!(participation(&app).session.is_none());
    app.world_mut().write_message(ParticipationCommand::Start);
    until(&mut app, "the workshop again", |app| {
        participation(app).session.is_some()
    });
    let again = participation(&app).session.as_ref().unwrap().link.clone();
    let token = |l: &str| l.rsplit("/w/").next().unwrap().to_string();
    assert_eq!(token(&again), token(&link));

    // "Neuer Link": another link; the old one leads nowhere, the new one
    // to the workshop's page.
    app.world_mut().write_message(ParticipationCommand::NewLink);
    until(&mut app, "the workshop with its new link", |app| {
        participation(app)
            .session
            .as_ref()
            .is_some_and(|s| token(&s.link) != token(&again))
    });
    let renewed = participation(&app).session.as_ref().unwrap().link.clone();
    let (status, _) = phone_get(&renewed, "");
    assert!(status.contains(" 200 "), "{status}");
    let old = renewed.replace(&token(&renewed), &token(&again));
    let (status, _) = phone_get(&old, "");
    assert!(status.contains(" 404 "), "{status}");
}

/// Several workshops on one scene, each in its own file (its own link and
/// results); a session that is no plain name is refused with the scene.
#[test]
fn each_session_of_a_scene_has_its_own_file() {
    let scene = workshop_scene();
    let text = std::fs::read_to_string(&scene).unwrap();
    let with = |session: &str| {
        std::fs::write(
            &scene,
            text.replace("port = 0", &format!("port = 0\nsession = \"{session}\"")),
        )
        .unwrap();
        pw_scene::Scene::load(&scene)
    };
    let first = pw_scene::Scene::load(&scene).unwrap();
    assert_eq!(
        super::session::workshop_file(Some(&scene), &first),
        scene.with_file_name("werkstatt.werkstatt.sqlite")
    );
    let second = with("abend-2").unwrap();
    assert_eq!(
        super::session::workshop_file(Some(&scene), &second),
        scene.with_file_name("werkstatt-abend-2.werkstatt.sqlite")
    );
    let e = with("../anderswo").unwrap_err().to_string();
    assert!(e.contains("session"), "{e}");
}

use pw_scene::{LayerKind, Scene, SceneError};
use std::path::Path;

const GOOD: &str = r##"
name = "Test"
crs = "EPSG:25832"
origin = [681000.0, 5644000.0, 150.0]

[city]
name = "Jena"
latitude = 50.927
longitude = 11.589
time_zone = "Europe/Berlin"

[time]
default = "2026-06-21T15:00"

[[layers]]
name = "Gebäude"
kind = "citygml"
path = "data/lod2.gml"
opacity = 0.8

[layers.style]
roof_color = "#aa5533"

[[bookmarks]]
name = "Markt"
target = [681000.0, 5644000.0, 150.0]
distance = 400.0
heading = 30.0
pitch = 35.0
"##;

fn parse(text: &str) -> Result<Scene, SceneError> {
    Scene::parse(text, Path::new("scenes/test.scene"))
}

#[test]
fn reads_every_section() {
    let s = parse(GOOD).unwrap();
    assert_eq!(s.name, "Test");
    assert_eq!(s.origin, [681000.0, 5644000.0, 150.0]);
    assert_eq!(s.city.time_zone, "Europe/Berlin");
    assert_eq!(s.time.default.as_deref(), Some("2026-06-21T15:00"));
    assert_eq!(s.layers.len(), 1);
    assert_eq!(s.layers[0].kind, LayerKind::Citygml);
    assert!(s.layers[0].visible, "visible defaults to true");
    assert_eq!(s.layers[0].opacity, 0.8);
    assert_eq!(s.layers[0].style.roof_color.as_deref(), Some("#aa5533"));
    assert_eq!(s.bookmarks[0].name, "Markt");
    assert_eq!(s.parsed_crs(), pw_geo::Crs::epsg(25832));
}

#[test]
fn save_and_reload_is_lossless() {
    let s = parse(GOOD).unwrap();
    let dir = std::env::temp_dir().join(format!("pw-scene-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("roundtrip.scene");
    s.save(&file).unwrap();
    let back = Scene::load(&file).unwrap();
    assert_eq!(back, s);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let text = GOOD.replace("opacity = 0.8", "opacity = 0.8\ncolour = \"red\"");
    let err = parse(&text).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("scenes/test.scene:20:"), "{msg}");
    assert!(msg.contains("colour"), "{msg}");
    assert_eq!(err.line(), Some(20));
}

#[test]
fn wrong_type_names_the_line() {
    let text = GOOD.replace("opacity = 0.8", "opacity = \"halb\"");
    let err = parse(&text).unwrap_err();
    assert_eq!(err.line(), Some(19), "{err}");
    assert!(err.to_string().contains("scenes/test.scene:19"), "{err}");
}

#[test]
fn unknown_layer_kind_is_rejected_with_the_choices() {
    let text = GOOD.replace("kind = \"citygml\"", "kind = \"shapefile\"");
    let err = parse(&text).unwrap_err().to_string();
    assert!(err.contains(":17:") && err.contains("citygml"), "{err}");
}

#[test]
fn broken_toml_and_missing_fields() {
    let err = parse("name = \"x\"\norigin = [1, 2").unwrap_err();
    assert_eq!(err.line(), Some(2), "{err}");
    let err = parse("name = \"x\"\n").unwrap_err().to_string();
    assert!(err.contains("origin"), "{err}");
}

#[test]
fn unsupported_crs_and_bad_opacity() {
    let err = parse(&GOOD.replace("EPSG:25832", "EPSG:99999")).unwrap_err();
    assert_eq!(err.line(), Some(3), "{err}");
    assert!(err.to_string().contains("EPSG:99999"), "{err}");
    let err = parse(&GOOD.replace("opacity = 0.8", "opacity = 3.0")).unwrap_err();
    assert_eq!(err.line(), Some(19), "{err}");
}

#[test]
fn missing_file_names_the_path() {
    let err = Scene::load(Path::new("/nonexistent/x.scene"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/x.scene"), "{err}");
}

#[test]
fn relative_layer_paths_resolve_next_to_the_scene() {
    let p = Scene::resolve_path(Path::new("scenes/demo.scene"), "../assets/demo/a.gml");
    assert_eq!(p, Path::new("scenes/../assets/demo/a.gml"));
    assert_eq!(
        Scene::resolve_path(Path::new("scenes/demo.scene"), "/abs/a.gml"),
        Path::new("/abs/a.gml")
    );
}

#[test]
fn hex_colours() {
    assert_eq!(
        pw_scene::parse_hex_color("#ff8000"),
        Some([1.0, 128.0 / 255.0, 0.0])
    );
    assert_eq!(pw_scene::parse_hex_color("ff8000"), None);
    assert_eq!(pw_scene::parse_hex_color("#ff80"), None);
}

const SENSORS: &str = r##"
[[sensors]]
name = "Jena STA"
kind = "sensorthings"
url = "https://udp.jena.de/sensinact/rest/v1.1"
category = "Verkehr"
filter = "startswith(name, 'K440')"
token_env = "JENA_STA_TOKEN"

[[sensors]]
name = "Stadtbäume"
kind = "mqtt"
url = "127.0.0.1:1883"
category = "Bodenfeuchte"
topics = ["application/+/device/+/event/up", "v3/+/devices/+/up"]

[sensors.decoders]
"70b3d57ba0000bce" = "decentlab-dl-5tm"

[[sensors.classes]]
quantity = "water_SOIL"
breaks = [10.0, 30.0]
labels = ["trocken", "gut", "nass"]
colors = ["#d7191c", "#1a9641", "#2b83ba"]

[[sensors]]
name = "Demo"
kind = "replay"
url = "sensors/jena.jsonl"
speed = 600.0
stale_after_minutes = 30.0

[sensors.categories]
"ICE-" = "Luftqualität"

[[sensors.classes]]
quantity = "color"
values = ["green", "yellow", "red"]
labels = ["frei", "gelb", "Halt"]
colors = ["#00ff00", "#ffff00", "#ff0000"]
"##;

#[test]
fn sensor_sources_with_classes_and_no_secrets() {
    let scene = parse(&format!("{GOOD}{SENSORS}")).unwrap();
    assert_eq!(scene.sensors.len(), 3);
    let trees = &scene.sensors[1];
    assert_eq!(trees.kind, pw_scene::SensorSourceKind::Mqtt);
    assert_eq!(trees.decoders["70b3d57ba0000bce"], "decentlab-dl-5tm");
    let c = &trees.classes[0];
    // 13.74 % (the real Stadtforst reading) is "gut"; the limits belong upward.
    assert_eq!(c.labels[c.class_of(13.74)], "gut");
    assert_eq!(
        (c.class_of(9.99), c.class_of(10.0), c.class_of(30.0)),
        (0, 1, 2)
    );
    assert_eq!(
        scene.sensors[0].token_env.as_deref(),
        Some("JENA_STA_TOKEN")
    );
    assert_eq!(scene.sensors[2].speed, Some(600.0));
    assert_eq!(scene.sensors[2].stale_after_minutes, Some(30.0));
    assert_eq!(scene.sensors[2].categories["ICE-"], "Luftqualität");
    // Classes of states: one per value, compared without case.
    let signal = &scene.sensors[2].classes[0];
    assert_eq!(
        (
            signal.class_of_text("Red"),
            signal.class_of_text("green"),
            signal.class_of_text("dark")
        ),
        (Some(2), Some(0), None)
    );
    // Saved and read back unchanged.
    assert_eq!(parse(&scene.to_toml()).unwrap(), scene);
    // A secret written into the scene is refused (only its variable's name belongs here).
    let secret =
        format!("{GOOD}{SENSORS}").replace("token_env = \"JENA_STA_TOKEN\"", "token = \"geheim\"");
    let msg = parse(&secret).unwrap_err().to_string();
    assert!(msg.contains("token"), "{msg}");
}

#[test]
fn broken_sensor_sources_say_what_is_wrong() {
    let with = |from: &str, to: &str| {
        parse(&format!("{GOOD}{SENSORS}").replace(from, to))
            .unwrap_err()
            .to_string()
    };
    let m = with("breaks = [10.0, 30.0]", "breaks = [30.0, 10.0]");
    assert!(m.contains("Stadtbäume") && m.contains("ascending"), "{m}");
    let m = with(
        "labels = [\"trocken\", \"gut\", \"nass\"]",
        "labels = [\"trocken\", \"nass\"]",
    );
    assert!(m.contains("3 labels and 3 colors"), "{m}");
    let m = with("\"#2b83ba\"", "\"blau\"");
    assert!(m.contains("\"blau\" is not #rrggbb"), "{m}");
    let m = with("speed = 600.0", "speed = 0.0");
    assert!(m.contains("Demo") && m.contains("positive"), "{m}");
    let m = with("url = \"127.0.0.1:1883\"", "url = \"broker.jena.de\"");
    assert!(m.contains("host:port"), "{m}");
    let m = with(
        "values = [\"green\", \"yellow\", \"red\"]",
        "values = [\"green\", \"red\"]",
    );
    assert!(m.contains("2 values make 2 classes"), "{m}");
    let m = with(
        "values = [\"green\", \"yellow\", \"red\"]",
        "values = [\"green\", \"yellow\", \"red\"]\nbreaks = [1.0, 2.0]",
    );
    assert!(m.contains("either breaks") && m.contains("color"), "{m}");
    let m = with("stale_after_minutes = 30.0", "stale_after_minutes = -5.0");
    assert!(m.contains("stale_after_minutes"), "{m}");
    let m = with("speed = 600.0", "speed = 600.0\nmqtt = \"broker\"");
    assert!(m.contains("mqtt") && m.contains("host:port"), "{m}");
    let m = with(
        "token_env = \"JENA_STA_TOKEN\"",
        "token_env = \"JENA_STA_TOKEN\"\ntoken_keyring = \"jena\"",
    );
    assert!(m.contains("either by token_env or by token_keyring"), "{m}");
    let m = with("kind = \"replay\"", "kind = \"fiware\"");
    assert!(m.contains("fiware") && m.contains("sensorthings"), "{m}");
}

/// Protected views are read as written, and one that goes nowhere is
/// refused with its name.
#[test]
fn view_corridors_are_read_and_checked() {
    let base = "name = \"x\"\norigin = [280900.0, 5657400.0, 36.0]\n";
    let ok = format!(
        "{base}\n[[view_corridors]]\nname = \"Blick zum Turm\"\nfrom = [280800.0, 5657300.0, 37.6]\nto = [281000.0, 5657500.0, 60.0]\nwidth = 20.0\n"
    );
    let s = pw_scene::Scene::parse(&ok, std::path::Path::new("x.scene")).unwrap();
    assert_eq!(s.view_corridors.len(), 1);
    assert_eq!(s.view_corridors[0].to, [281000.0, 5657500.0, 60.0]);
    assert_eq!(s.view_corridors[0].width, 20.0);
    let bad = format!(
        "{base}\n[[view_corridors]]\nname = \"Nirgendwohin\"\nfrom = [1.0, 2.0, 3.0]\nto = [1.0, 2.0, 9.0]\n"
    );
    let e = pw_scene::Scene::parse(&bad, std::path::Path::new("x.scene")).unwrap_err();
    assert!(e.to_string().contains("Nirgendwohin"), "{e}");
}

const WORKSHOP: &str = r##"
[workshop]
title = "Eichplatz"
port = 8800
area = [681400.0, 5643500.0, 681800.0, 5643800.0]

[[workshop.questions]]
id = "baeume"
de = "Sollen alle Bäume bleiben?"
en = "Should all trees stay?"
kind = "yesno"

[[workshop.questions]]
id = "hoehe"
de = "Welche Höhe passt?"
kind = "choice"
options = [{ de = "niedriger", en = "lower" }, { de = "so" }, { de = "höher" }]
"##;

#[test]
fn a_workshop_with_questions_reads_and_saves_back() {
    let s = parse(&format!("{GOOD}{WORKSHOP}")).unwrap();
    let w = s.workshop.as_ref().unwrap();
    assert_eq!((w.title.as_str(), w.port), ("Eichplatz", 8800));
    assert_eq!(w.area, Some([681400.0, 5643500.0, 681800.0, 5643800.0]));
    assert_eq!(w.questions.len(), 2);
    assert_eq!(w.questions[1].options[0].en, "lower");
    assert_eq!(w.questions[1].options[1].en, "");
    let back = Scene::parse(&s.to_toml(), Path::new("x.scene")).unwrap();
    assert_eq!(back, s);
    let plain = parse(&format!("{GOOD}\n[workshop]\n")).unwrap();
    assert_eq!(plain.workshop.unwrap().port, 8765, "the default port");
}

#[test]
fn bad_workshop_questions_name_the_question_and_line() {
    let full = format!("{GOOD}{WORKSHOP}");
    for (from, to, says) in [
        (
            "kind = \"yesno\"",
            "kind = \"ranking\"",
            "yesno, stars or choice",
        ),
        ("id = \"hoehe\"", "id = \"baeume\"", "two questions"),
        ("id = \"hoehe\"", "id = \"Höhe?\"", "letters, digits"),
        (
            ", { de = \"so\" }, { de = \"höher\" }",
            "",
            "at least two options",
        ),
        (
            "681800.0, 5643800.0]",
            "681300.0, 5643800.0]",
            "max above min",
        ),
    ] {
        let err = parse(&full.replace(from, to)).unwrap_err();
        assert!(err.to_string().contains(says), "{from} → {to}: {err}");
        assert!(err.line().is_some(), "{err}");
    }
}

#[test]
fn a_kiosk_tour_names_saved_views_and_a_pin_of_digits() {
    let kiosk = "\n[kiosk]\nidle_seconds = 60\npin = \"4711\"\n\n[[kiosk.stations]]\nbookmark = \"Markt\"\nvariant = \"A\"\ntime = \"2026-06-21T15:00\"\nde = \"Der Markt\"\n";
    let s = parse(&format!("{GOOD}{kiosk}")).unwrap();
    let k = s.kiosk.as_ref().unwrap();
    assert_eq!((k.idle_seconds, k.pin.as_deref()), (60.0, Some("4711")));
    assert_eq!(k.stations[0].seconds, 15.0, "the default dwell");
    assert_eq!(Scene::parse(&s.to_toml(), Path::new("x.scene")).unwrap(), s);
    for (from, to, says) in [
        (
            "bookmark = \"Markt\"\nvariant",
            "bookmark = \"Rathaus\"\nvariant",
            "no [[bookmarks]] of that name",
        ),
        ("pin = \"4711\"", "pin = \"47a1\"", "4 to 8 digits"),
        ("idle_seconds = 60", "idle_seconds = 1", "5 or more"),
    ] {
        let err = parse(&format!("{GOOD}{}", kiosk.replace(from, to))).unwrap_err();
        assert!(err.to_string().contains(says), "{to}: {err}");
    }
}

#[test]
fn the_look_sets_accent_and_logo_and_a_bad_colour_is_named() {
    let text = format!("{GOOD}\n[look]\naccent = \"#0a5f8c\"\nlogo = \"logo.png\"\n");
    let s = parse(&text).unwrap();
    let look = s.look.unwrap();
    assert_eq!(look.accent.as_deref(), Some("#0a5f8c"));
    assert_eq!(look.logo.as_deref(), Some("logo.png"));
    let err = parse(&text.replace("#0a5f8c", "blau"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("accent must be a colour"), "{err}");
    assert!(err.contains("blau"), "{err}");
}

#[test]
fn service_layers_and_catalogues_are_checked_with_the_line_to_mend() {
    let good = format!(
        "{GOOD}\n[[catalogs]]\nname = \"Jena\"\nkind = \"ckan\"\nurl = \"https://opendata.jena.de\"\n\n[[layers]]\nname = \"Adressen\"\nkind = \"vector\"\npath = \"https://geo.example/wfs?key=1\"\nservice = {{ protocol = \"wfs\", name = \"ns:adressen\", max_features = 5000 }}\n"
    );
    let scene = parse(&good).unwrap();
    assert_eq!(scene.catalogs[0].kind, "ckan");
    let service = scene.layers[1].service.as_ref().unwrap();
    assert_eq!(
        (service.protocol.as_str(), service.max_features),
        ("wfs", Some(5000))
    );
    let back = parse(&scene.to_toml()).unwrap();
    assert_eq!(back, scene);

    let wrong = good.replace("protocol = \"wfs\"", "protocol = \"wcs\"");
    let err = parse(&wrong).unwrap_err().to_string();
    assert!(
        err.contains(
            "layer 'Adressen': service protocol must be \"wfs\" or \"ogcapi\", found \"wcs\""
        ),
        "{err}"
    );
    assert!(err.contains("test.scene:"), "{err}");
    let file = good.replace("https://geo.example/wfs?key=1", "data/adressen.gml");
    let err = parse(&file).unwrap_err().to_string();
    assert!(
        err.contains("the service's http(s) address as path"),
        "{err}"
    );
    let catalog = good.replace("kind = \"ckan\"", "kind = \"dkan\"");
    let err = parse(&catalog).unwrap_err().to_string();
    assert!(
        err.contains("catalog 'Jena': kind must be \"ckan\" or \"piveau\", found \"dkan\""),
        "{err}"
    );
}

#[test]
fn errors_are_said_through_the_catalogue_and_read_as_before_in_english() {
    let err = parse(&GOOD.replace("opacity = 0.8", "opacity = 1.5")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "scenes/test.scene:19: layer 'Gebäude': opacity must be between 0 and 1, found 1.5"
    );
    let m = err.message();
    assert_eq!(m.key, "scene.error.invalid");
    assert_eq!(m.to_string(), err.to_string());
    let (_, why) = &m.parts[0];
    assert_eq!(why.key, "scene.error.layer");
    assert_eq!(why.parts[0].1.key, "scene.error.opacity");
    // Translated the whole way down, the file's own words kept.
    let german = m.render(|k| {
        Some(
            match k {
                "scene.error.invalid" => "{path}, Zeile {line}: {why}",
                "scene.error.layer" => "Ebene „{layer}“: {why}",
                "scene.error.opacity" => "Deckkraft {opacity} liegt nicht zwischen 0 und 1",
                _ => return None,
            }
            .into(),
        )
    });
    assert_eq!(
        german,
        "scenes/test.scene, Zeile 19: Ebene „Gebäude“: Deckkraft 1.5 liegt nicht zwischen 0 und 1"
    );
    let err = parse("name = \"x\"\ncolour = 1\n").unwrap_err();
    assert_eq!(err.message().key, "scene.error.syntax");
    assert_eq!(err.message().to_string(), err.to_string());
    let err = Scene::load(Path::new("/nonexistent/x.scene")).unwrap_err();
    assert_eq!(err.message().key, "scene.error.io");
    assert_eq!(err.message().to_string(), err.to_string());
}

/// `[traffic]` is read as written; a demand file without zones, a layer
/// that is not there, a class with 0 lanes and a count that says neither
/// a number nor a sensor are refused with what to write instead.
#[test]
fn traffic_settings_are_read_and_checked() {
    let base = r#"name = "x"
origin = [680000.0, 5643000.0, 150.0]

[[layers]]
name = "Verkehrszellen"
kind = "vector"
path = "zellen.geojson"

[[layers]]
name = "Straßennetz"
kind = "vector"
path = "strassen.gpkg"
"#;
    let ok = format!(
        r#"{base}
[traffic]
zones = "Verkehrszellen"
zone_id = "zelle"
demand = "fahrten.csv"
period = "7-8"

[traffic.network]
layer = "Straßennetz"
class = "KLASSE"
classes = {{ "Hauptverkehrsstraße" = "primary", "Anliegerstraße" = "residential" }}
oneway = "EINBAHN"
speed = "VMAX"

[[traffic.classes]]
class = "residential"
capacity_per_lane = 450.0

[[traffic.counts]]
name = "Westbahnhofstraße"
at = [680500.0, 5643200.0]
heading = 90.0
count = 830.0
"#
    );
    let s = pw_scene::Scene::parse(&ok, std::path::Path::new("x.scene")).unwrap();
    let t = s.traffic.as_ref().unwrap();
    assert_eq!(t.zones.as_deref(), Some("Verkehrszellen"));
    assert_eq!(t.period.as_deref(), Some("7-8"));
    let n = t.network.as_ref().unwrap();
    assert_eq!(n.classes["Hauptverkehrsstraße"], "primary");
    assert_eq!(n.oneway.as_deref(), Some("EINBAHN"));
    assert_eq!(t.classes[0].capacity_per_lane, Some(450.0));
    assert_eq!(t.counts[0].count, Some(830.0));
    assert_eq!(t.counts[0].heading, Some(90.0));
    // Written back, it reads the same.
    let again = pw_scene::Scene::parse(&s.to_toml(), std::path::Path::new("x.scene")).unwrap();
    assert_eq!(again.traffic, s.traffic);

    let refused = |from: &str, to: &str| -> String {
        let text = ok.replace(from, to);
        assert_ne!(text, ok, "{from}");
        pw_scene::Scene::parse(&text, std::path::Path::new("x.scene"))
            .unwrap_err()
            .to_string()
    };
    let m = refused("zones = \"Verkehrszellen\"\n", "");
    assert!(m.contains("needs `zones`"), "{m}");
    let m = refused("layer = \"Straßennetz\"", "layer = \"Strassen\"");
    assert!(m.contains("no layer named 'Strassen'"), "{m}");
    let m = refused("capacity_per_lane = 450.0", "lanes = 0.0");
    assert!(m.contains("traffic class 'residential'"), "{m}");
    let m = refused("count = 830.0", "");
    assert!(m.contains("traffic count 'Westbahnhofstraße'"), "{m}");
    let m = refused(
        "count = 830.0",
        "count = 830.0\nsensor = \"Zählstellen\"\nstream = \"sta:4\"",
    );
    assert!(m.contains("traffic count 'Westbahnhofstraße'"), "{m}");
}

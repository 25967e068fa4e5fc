//! The workshop report read back by a program no one here wrote (poppler's
//! `pdftotext` and `pdfinfo`, Debian `poppler-utils`): the text is real
//! text with umlauts, markup people typed is printed as typed, hidden
//! contributions are left out, every page is numbered.

use std::path::PathBuf;
use std::process::Command;

use pw_participation::{
    Anchor, Area, Category, Contribution, LocalText, Question, QuestionKind, QuestionTally, Source,
    Tally, VariantCard, VariantTally, ViewState, Workshop,
};
use pw_report::{MapPage, VariantPage, WorkshopReport, workshop_report};

fn picture(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let data: Vec<u8> = (0..width * height)
            .flat_map(|i| {
                let (x, y) = (i % width, i / width);
                [(x * 255 / width) as u8, (y * 255 / height) as u8, 120, 255]
            })
            .collect();
        writer.write_image_data(&data).unwrap();
    }
    out
}

fn contribution(id: i64, category: Category, text: &str) -> Contribution {
    Contribution {
        id,
        participant: format!("p{id}"),
        text: text.into(),
        category,
        anchor: Some(Anchor {
            x: 681_450.0 + (id as f64 * 37.0) % 300.0,
            y: 5_643_550.0 + (id as f64 * 53.0) % 200.0,
            z: None,
            object: None,
        }),
        view: ViewState {
            variant: Some("a".into()),
            ..Default::default()
        },
        source: if id % 3 == 0 {
            Source::Table
        } else {
            Source::Phone
        },
        created_ms: 1_774_090_800_000 + id * 60_000,
        hidden: false,
        answered: false,
        reply: None,
        merged_into: None,
    }
}

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pw-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The PDF's number of pages, as poppler's pdfinfo reads it.
fn page_count(path: &str) -> usize {
    run("pdfinfo", &[path])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot start {program} ({e}): install Debian's poppler-utils (tools/test does)")
        });
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_report_reads_back_as_text_with_every_visible_contribution() {
    let mut workshop = Workshop::new(LocalText::new("Eichplatz", "Eichplatz"));
    workshop.variants = vec![
        VariantCard {
            id: "a".into(),
            name: LocalText::new("Entwurf A: Blockrand", "Design A"),
            caption: LocalText::default(),
            picture: None,
        },
        VariantCard {
            id: "b".into(),
            name: LocalText::new("Entwurf B: Punkthäuser", "Design B"),
            caption: LocalText::default(),
            picture: None,
        },
    ];
    workshop.questions = vec![Question {
        id: "baeume".into(),
        text: LocalText::new("Sollen alle Bäume bleiben?", ""),
        kind: QuestionKind::YesNo,
    }];
    workshop.area = Some(Area {
        extent: [681_400.0, 5_643_500.0, 681_800.0, 5_643_800.0],
        outlines: vec![vec![
            [681_500.0, 5_643_600.0],
            [681_560.0, 5_643_600.0],
            [681_560.0, 5_643_680.0],
            [681_500.0, 5_643_680.0],
        ]],
        picture: None,
    });
    let mut contributions: Vec<Contribution> = (1..=120)
        .map(|i| {
            let category = Category::ALL[(i % 4) as usize];
            contribution(
                i,
                category,
                &format!("Beitrag {i}: mehr Schatten und Bänke für Ältere."),
            )
        })
        .collect();
    contributions[0].text = "<script>alert('x')</script> & Grüße".into();
    contributions[1].text = "Ein sehr langer Gedanke ".repeat(40);
    contributions[2].hidden = true;
    contributions[2].text = "Beleidigung, ausgeblendet".into();
    contributions[3].reply = Some("Wird im Entwurf B geprüft.".into());
    contributions[4].merged_into = Some(4);
    let tally = Tally {
        variants: vec![
            VariantTally {
                variant: "a".into(),
                stars: [1, 0, 2, 5, 9],
            },
            VariantTally {
                variant: "b".into(),
                stars: [4, 3, 1, 0, 1],
            },
        ],
        questions: vec![QuestionTally {
            question: "baeume".into(),
            counts: vec![3, 14],
        }],
    };
    let report = WorkshopReport {
        lang: "de",
        title: "Eichplatz: zwei Entwürfe".into(),
        place_and_date: "Jena, 21.03.2026".into(),
        workshop: &workshop,
        variants: vec![
            VariantPage {
                id: "a".into(),
                name: "Entwurf A: Blockrand".into(),
                caption: "Fünf Geschosse um einen Hof.".into(),
                picture: Some(picture(320, 180)),
                figures: vec![
                    ("GRZ".into(), "0,42".into()),
                    ("Bruttogeschossfläche".into(), "12.480 m²".into()),
                ],
            },
            VariantPage {
                id: "b".into(),
                name: "Entwurf B: Punkthäuser".into(),
                caption: String::new(),
                picture: None,
                figures: vec![("Bruttogeschossfläche".into(), "9.800 m²".into())],
            },
        ],
        maps: vec![MapPage {
            title: "Besonnung am 21. März".into(),
            picture: picture(400, 300),
            legend_title: "Sonnenstunden am Tag".into(),
            legend: vec![
                ([253, 231, 37], "über 6 h".into()),
                ([68, 1, 84], "unter 2 h".into()),
            ],
        }],
        contributions: &contributions,
        tally: &tally,
        attribution: vec!["Gebäudemodell LoD2: © GDI-Th (dl-de/by-2-0)".into()],
        provenance: vec![("Programm".into(), "Planwerkstatt 0.1.0".into())],
        time_of: &|ms| format!("{} min", ms / 60_000 % 1440),
    };
    let bytes = workshop_report(&report).unwrap();
    let file = out_dir().join("bericht.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let path = file.to_str().unwrap();

    let info = run("pdfinfo", &[path]);
    let pages = page_count(path);
    // About 117 contributions shown, each beside the small map of its place.
    assert!((10..=30).contains(&pages), "{pages} pages");
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    assert_eq!(field("Title:"), "Eichplatz: zwei Entwürfe");
    assert_eq!(field("Page size:"), "595 x 842 pts (A4)");

    let text = run("pdftotext", &["-layout", path, "-"]);
    for wanted in [
        "Bericht zur Beteiligung",
        "Eichplatz: zwei Entwürfe",
        "Entwurf B: Punkthäuser",
        "Bruttogeschossfläche",
        "12.480 m²",
        "<script>alert('x')</script> & Grüße",
        "Wird im Entwurf B geprüft.",
        "Sollen alle Bäume bleiben?",
        "Gebäudemodell LoD2: © GDI-Th (dl-de/by-2-0)",
        "über 6 h",
        "Sonnenstunden am Tag",
        "Inhalt",
        "Die Entwürfe im Vergleich",
        "Von der Moderation ausgeblendet und hier nicht aufgeführt: 1",
        &format!("Seite {pages} von {pages}"),
    ] {
        assert!(text.contains(wanted), "the report lacks {wanted:?}");
    }
    assert!(
        !text.contains("Beleidigung"),
        "a hidden contribution is left out"
    );
    assert!(
        !text.contains("Beitrag 5:"),
        "one merged into another is shown there, not twice"
    );
    // The agenda on page 2: each section and each design with its page.
    let agenda = run("pdftotext", &["-layout", "-f", "2", "-l", "2", path, "-"]);
    let line_of = |what: &str| {
        agenda
            .lines()
            .find(|l| l.trim_start().starts_with(what))
            .unwrap_or_else(|| panic!("no {what:?} in the agenda:\n{agenda}"))
            .to_string()
    };
    for (what, page) in [("Die Entwürfe", 3), ("Entwurf B: Punkthäuser", 3)] {
        let line = line_of(what);
        let number: usize = line.split_whitespace().last().unwrap().parse().unwrap();
        assert_eq!(number, page, "{line}");
    }
    let sources: usize = line_of("Herkunft und Quellen")
        .split_whitespace()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(sources, pages, "the sources come last");
    // Both designs' figures side by side, the one B lacks as "–".
    let compared = text
        .lines()
        .find(|l| {
            l.contains("Bruttogeschossfläche") && l.contains("9.800 m²") && l.contains("12.480 m²")
        })
        .unwrap_or_else(|| panic!("no comparison row:\n{text}"));
    assert!(
        compared.find("12.480") < compared.find("9.800"),
        "A before B: {compared}"
    );
    // Each listed contribution has its small map (with its 20 m scale).
    let listed = text.matches("Nr. ").count();
    assert!(listed > 100, "{listed}");
    let scales = text
        .match_indices("20 m")
        .filter(|(i, _)| {
            let before = text[..*i]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
            let after = text[i + 4..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            before && after
        })
        .count();
    assert_eq!(scales, listed);
    // Every visible contribution, each once (the long one wraps).
    for i in (6..=120).filter(|i| *i != 3) {
        let needle = format!("Beitrag {i}: mehr Schatten");
        assert_eq!(text.matches(&needle).count(), 1, "{needle}");
    }
    // A page of it as a picture, to look at.
    run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "4",
            path,
            out_dir().join("bericht").to_str().unwrap(),
        ],
    );
}

/// Forty designs with long names: the agenda takes the pages it needs
/// (all lines, names cut with "…", the sources' page last) and the report
/// is written at once.
#[test]
fn a_long_agenda_takes_its_pages_and_cuts_long_names() {
    let mut workshop = Workshop::new(LocalText::new("Viele Entwürfe", ""));
    let long = "Entwurf mit einem sehr langen Namen, der nicht in eine Zeile des Inhaltsverzeichnisses passt, weil er so ausführlich ist";
    workshop.variants = (1..=40)
        .map(|i| VariantCard {
            id: format!("v{i}"),
            name: LocalText::new(&format!("{i}. {long}"), ""),
            caption: LocalText::default(),
            picture: None,
        })
        .collect();
    let tally = Tally {
        variants: Vec::new(),
        questions: Vec::new(),
    };
    let report = WorkshopReport {
        lang: "de",
        title: "Viele Entwürfe".into(),
        place_and_date: "Jena".into(),
        workshop: &workshop,
        variants: workshop
            .variants
            .iter()
            .map(|v| VariantPage {
                id: v.id.clone(),
                name: v.name.de.clone(),
                caption: String::new(),
                picture: None,
                figures: vec![("BGF".into(), format!("{} m²", v.id.len() * 100))],
            })
            .collect(),
        maps: vec![],
        contributions: &[],
        tally: &tally,
        attribution: vec![],
        provenance: vec![],
        time_of: &|_| String::new(),
    };
    let started = std::time::Instant::now();
    let bytes = workshop_report(&report).unwrap();
    assert!(started.elapsed().as_secs() < 10);
    let file = out_dir().join("lange-agenda.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let path = file.to_str().unwrap();
    let pages = page_count(path);
    // Pages 2 and 3: the agenda, 45 lines (no analyses: no such section).
    let agenda = run("pdftotext", &["-layout", "-f", "2", "-l", "3", path, "-"]);
    let lines: Vec<&str> = agenda
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .last()
                .is_some_and(|w| w.parse::<usize>().is_ok())
        })
        .filter(|l| !l.contains("Seite"))
        .collect();
    assert_eq!(lines.len(), 45, "{agenda}");
    assert!(
        agenda.contains("40. Entwurf mit einem sehr langen"),
        "{agenda}"
    );
    assert!(agenda.contains('…'), "long names are cut: {agenda}");
    let last = lines.last().unwrap();
    assert!(
        last.trim_start().starts_with("Herkunft und Quellen"),
        "{last}"
    );
    assert_eq!(last.split_whitespace().last().unwrap(), pages.to_string());
    let first_design: usize = lines[1].split_whitespace().last().unwrap().parse().unwrap();
    assert_eq!(first_design, 4, "after the cover and two pages of agenda");
}

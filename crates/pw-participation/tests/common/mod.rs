//! What the participation tests share: a workshop like Jena's (two variants,
//! a question, an area in EPSG:25832) and a fresh folder per test.
#![allow(dead_code)]

use std::path::PathBuf;

use pw_participation::{
    Area, LocalText, Question, QuestionKind, VariantCard, Workshop, limits::random_token,
};

/// The area around Jena's Eichplatz (EPSG:25832), 400 m × 300 m.
pub const AREA: [f64; 4] = [681_400.0, 5_643_500.0, 681_800.0, 5_643_800.0];

pub fn workshop() -> Workshop {
    let mut w = Workshop::new(LocalText::new(
        "Eichplatz: zwei Entwürfe",
        "Eichplatz: two designs",
    ));
    w.variants = vec![
        VariantCard {
            id: "a".into(),
            name: LocalText::new("Entwurf A: Blockrand", "Design A: perimeter block"),
            caption: LocalText::new("Fünf Geschosse, Innenhof", "Five storeys, courtyard"),
            picture: Some(tiny_png()),
        },
        VariantCard {
            id: "b".into(),
            name: LocalText::new("Entwurf B: Punkthäuser", "Design B: towers"),
            caption: LocalText::default(),
            picture: None,
        },
    ];
    w.questions = vec![
        Question {
            id: "baeume".into(),
            text: LocalText::new("Sollen alle Bäume bleiben?", "Should all trees stay?"),
            kind: QuestionKind::YesNo,
        },
        Question {
            id: "hoehe".into(),
            text: LocalText::new("Welche Höhe passt?", "Which height fits?"),
            kind: QuestionKind::Choice {
                options: vec![
                    LocalText::new("niedriger", "lower"),
                    LocalText::new("so", "as is"),
                    LocalText::new("höher", "higher"),
                ],
            },
        },
        Question {
            id: "schoen".into(),
            text: LocalText::new(
                "Wie schön ist der Platz heute?",
                "How nice is the square today?",
            ),
            kind: QuestionKind::Stars,
        },
    ];
    w.area = Some(Area {
        extent: AREA,
        outlines: vec![vec![
            [681_500.0, 5_643_600.0],
            [681_560.0, 5_643_600.0],
            [681_560.0, 5_643_680.0],
            [681_500.0, 5_643_680.0],
        ]],
        picture: None,
    });
    w
}

/// A 1 × 1 PNG (the variants' pictures come from the image export in the app).
pub fn tiny_png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ]
}

/// A new empty folder for one test under cargo's temporary target folder.
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pw-participation")
        .join(format!("{name}-{}", random_token()));
    std::fs::create_dir_all(&dir).expect("the target folder is writable");
    dir
}

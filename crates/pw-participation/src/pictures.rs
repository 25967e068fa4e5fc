//! The pictures a workshop shows: one per variant (the phones' cards and
//! the report's variant pages, with the variant's key figures) and the
//! analysis maps of the report (with their legends). The workbench takes
//! them with its image export into one folder; `bilder.json` there says
//! what each PNG shows, so the report written later — by the app or by
//! `planwerkstatt workshop export` without a window — finds them again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::LocalText;

/// The index's file name inside the pictures' folder.
pub const INDEX_FILE: &str = "bilder.json";

/// A PNG larger than this is not read (a phone's page and a report page
/// need far less; a broken or foreign file must not fill the memory).
pub const MAX_PICTURE_BYTES: u64 = 40 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PicturesError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a picture index: {why}")]
    Broken { path: PathBuf, why: String },
}

impl PicturesError {
    /// Catalogue key and arguments for the workshop screen.
    pub fn key_and_args(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            PicturesError::Io { path, source } => (
                "participation.pictures.unreadable",
                vec![
                    ("path", path.display().to_string()),
                    ("why", source.to_string()),
                ],
            ),
            PicturesError::Broken { path, why } => (
                "participation.pictures.broken",
                vec![("path", path.display().to_string()), ("why", why.clone())],
            ),
        }
    }
}

/// A key figure as both languages write it ("1.234 m²" / "1,234 m²").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub label: LocalText,
    pub value: LocalText,
}

/// A legend class: its colour and its range in words.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LegendEntry {
    pub rgb: [u8; 3],
    pub text: LocalText,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VariantPicture {
    /// The variant's name in the plan file (the cards' id).
    pub variant: String,
    /// The PNG's name in the folder.
    pub file: String,
    #[serde(default)]
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MapPicture {
    /// What it shows: the analysis, its result and the scenario.
    pub title: LocalText,
    pub file: String,
    #[serde(default)]
    pub legend_title: LocalText,
    #[serde(default)]
    pub legend: Vec<LegendEntry>,
}

/// What the pictures' folder holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PictureIndex {
    /// When they were taken (RFC 3339).
    #[serde(default)]
    pub taken: String,
    #[serde(default)]
    pub variants: Vec<VariantPicture>,
    #[serde(default)]
    pub maps: Vec<MapPicture>,
}

impl PictureIndex {
    /// The folder's index; an empty one where none was written yet.
    pub fn load(folder: &Path) -> Result<PictureIndex, PicturesError> {
        let path = folder.join(INDEX_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(PictureIndex::default());
            }
            Err(source) => return Err(PicturesError::Io { path, source }),
        };
        serde_json::from_str(&text).map_err(|e| PicturesError::Broken {
            path,
            why: e.to_string(),
        })
    }

    /// Writes the index beside its pictures; a reader never sees half of it
    /// (written aside, then renamed over the old one).
    pub fn save(&self, folder: &Path) -> Result<PathBuf, PicturesError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| PicturesError::Io { path, source }
        };
        std::fs::create_dir_all(folder).map_err(io(folder))?;
        let path = folder.join(INDEX_FILE);
        let aside = folder.join(format!("{INDEX_FILE}.neu"));
        let text = serde_json::to_string_pretty(self).expect("the index is plain data");
        std::fs::write(&aside, text).map_err(io(&aside))?;
        std::fs::rename(&aside, &path).map_err(io(&path))?;
        Ok(path)
    }

    pub fn variant(&self, name: &str) -> Option<&VariantPicture> {
        self.variants.iter().find(|v| v.variant == name)
    }

    /// Replaces the entry of the same variant, or adds it.
    pub fn put_variant(&mut self, picture: VariantPicture) {
        match self
            .variants
            .iter_mut()
            .find(|v| v.variant == picture.variant)
        {
            Some(old) => *old = picture,
            None => self.variants.push(picture),
        }
    }
}

/// The bytes of a picture the index names, if it is there and a PNG. Only
/// plain names inside `folder` are read: an index edited by hand cannot
/// point the phones' server at other files.
pub fn read_picture(folder: &Path, file: &str) -> Option<Vec<u8>> {
    let plain = !file.is_empty()
        && Path::new(file).file_name().and_then(|n| n.to_str()) == Some(file)
        && !file.starts_with('.');
    if !plain {
        return None;
    }
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(folder.join(file))
        .ok()?
        .take(MAX_PICTURE_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_PICTURE_BYTES && bytes.starts_with(b"\x89PNG\r\n\x1a\n"))
        .then_some(bytes)
}

/// A file name for a picture of `name` ("Variante A" → `variante-a.png`
/// with prefix "variante-"): letters and digits kept (umlauts written out),
/// everything else a single hyphen; empty names get "bild".
pub fn file_name(prefix: &str, name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        let part: &str = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        if part == "-" {
            if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        } else {
            slug.push_str(part);
        }
    }
    let slug = slug.trim_end_matches('-');
    // Long names stay readable but short enough for every file system.
    let slug: String = slug.chars().take(60).collect();
    let slug = if slug.is_empty() { "bild".into() } else { slug };
    format!("{prefix}{slug}.png")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pw-pictures-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn names_are_plain_and_readable() {
        assert_eq!(
            file_name("variante-", "Variante A"),
            "variante-variante-a.png"
        );
        assert_eq!(file_name("", "Grüne Höfe / Süd"), "gruene-hoefe-sued.png");
        assert_eq!(
            file_name("karte-", "../../etc/passwd"),
            "karte-etc-passwd.png"
        );
        assert_eq!(file_name("", "  "), "bild.png");
        assert_eq!(file_name("", "Straße 3 – Neubau!"), "strasse-3-neubau.png");
        assert_eq!(file_name("", &"x".repeat(300)).len(), 64);
    }

    #[test]
    fn the_index_round_trips_and_replaces_a_variant() {
        let dir = folder("round");
        assert_eq!(PictureIndex::load(&dir).unwrap(), PictureIndex::default());
        let mut index = PictureIndex {
            taken: "2026-12-07T14:00:00+01:00".into(),
            ..Default::default()
        };
        index.put_variant(VariantPicture {
            variant: "Variante A".into(),
            file: "variante-a.png".into(),
            figures: vec![Figure {
                label: LocalText::new("Bruttogeschossfläche", "gross floor area"),
                value: LocalText::new("1.234 m²", "1,234 m²"),
            }],
        });
        index.put_variant(VariantPicture {
            variant: "Variante A".into(),
            file: "variante-a-2.png".into(),
            figures: Vec::new(),
        });
        index.maps.push(MapPicture {
            title: LocalText::new("Sonnenstunden", "Sun hours"),
            file: "karte-1.png".into(),
            legend_title: LocalText::new("Sonnenstunden am Tag", "Sun hours a day"),
            legend: vec![LegendEntry {
                rgb: [250, 220, 60],
                text: LocalText::new("≥ 12 h", "≥ 12 h"),
            }],
        });
        index.save(&dir).unwrap();
        let back = PictureIndex::load(&dir).unwrap();
        assert_eq!(back, index);
        assert_eq!(back.variants.len(), 1);
        assert_eq!(back.variant("Variante A").unwrap().file, "variante-a-2.png");
        assert!(!dir.join("bilder.json.neu").exists());
    }

    #[test]
    fn a_broken_index_says_where() {
        let dir = folder("broken");
        std::fs::write(dir.join(INDEX_FILE), "{ \"variants\": [ {").unwrap();
        let e = PictureIndex::load(&dir).unwrap_err();
        let (key, args) = e.key_and_args();
        assert_eq!(key, "participation.pictures.broken");
        assert!(args[0].1.ends_with("bilder.json"), "{args:?}");
        assert!(args[1].1.contains("line 1"), "{args:?}");
    }

    #[test]
    fn only_pngs_inside_the_folder_are_read() {
        let dir = folder("read");
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        std::fs::write(dir.join("a.png"), &png).unwrap();
        std::fs::write(dir.join("b.png"), b"<html>not a picture</html>").unwrap();
        std::fs::write(dir.parent().unwrap().join("pw-pictures-outside.png"), &png).unwrap();
        assert_eq!(read_picture(&dir, "a.png"), Some(png));
        assert_eq!(read_picture(&dir, "b.png"), None);
        assert_eq!(read_picture(&dir, "missing.png"), None);
        assert_eq!(read_picture(&dir, "../pw-pictures-outside.png"), None);
        assert_eq!(read_picture(&dir, ""), None);
        assert_eq!(read_picture(&dir, "sub/a.png"), None);
    }
}

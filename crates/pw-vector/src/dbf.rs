//! dBase tables (.dbf) as shapefiles carry them: our own reader so the code
//! page is ours to choose — from the .cpg file, else the header's language
//! driver byte, else UTF-8 when every text is valid UTF-8, else Windows-1252
//! (what German authorities' files use), reported as a guess. Field names
//! are decoded in the same code page. Records marked deleted (`*`) are kept
//! in place, flagged, so that a shapefile's shapes still match their rows;
//! readers leave both out, as GDAL does.

use crate::model::{Field, FieldKind, Value};
use encoding_rs::Encoding;
use pw_text::Message;

pub struct Table {
    pub fields: Vec<Field>,
    pub rows: Vec<Vec<Value>>,
    /// Per row: marked deleted in the file.
    pub deleted: Vec<bool>,
    /// How the texts were decoded, and why.
    pub encoding_note: Option<Message>,
}

struct Column {
    /// The name's bytes, decoded once the code page is known.
    name: Vec<u8>,
    kind: u8,
    length: usize,
    decimals: u8,
}

/// The encoding a .cpg label names ("UTF-8", "1252", "CP1252", "ISO-8859-1" …).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let l = label
        .trim()
        .trim_start_matches("CP")
        .trim_start_matches("cp");
    let name = match l {
        "1252" | "ANSI 1252" => "windows-1252",
        "65001" => "utf-8",
        "1250" => "windows-1250",
        "1251" => "windows-1251",
        "88591" | "8859-1" => "iso-8859-1",
        other => other,
    };
    Encoding::for_label(name.as_bytes())
}

/// Language driver ids (header byte 29) that name a code page.
fn encoding_for_ldid(id: u8) -> Option<&'static Encoding> {
    match id {
        0x57 | 0x03 => Some(encoding_rs::WINDOWS_1252),
        0xC8 => Some(encoding_rs::WINDOWS_1250),
        0xC9 => Some(encoding_rs::WINDOWS_1251),
        _ => None,
    }
}

pub fn read(bytes: &[u8], cpg: Option<&str>) -> Result<Table, Message> {
    if bytes.len() < 32 {
        return Err(Message::new("vector.dbf.too_short")
            .english("the .dbf is shorter than its 32-byte header"));
    }
    let records = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    let header_len = u16::from_le_bytes(bytes[8..10].try_into().unwrap()) as usize;
    let record_len = u16::from_le_bytes(bytes[10..12].try_into().unwrap()) as usize;
    let mut columns = Vec::new();
    let mut pos = 32;
    while pos + 32 <= bytes.len().min(header_len) && bytes[pos] != 0x0D {
        let d = &bytes[pos..pos + 32];
        let name_end = d[..11].iter().position(|b| *b == 0).unwrap_or(11);
        columns.push(Column {
            name: d[..name_end].to_vec(),
            kind: d[11],
            length: d[16] as usize,
            decimals: d[17],
        });
        pos += 32;
    }
    let width: usize = 1 + columns.iter().map(|c| c.length).sum::<usize>();
    if record_len < width {
        return Err(Message::new("vector.dbf.record_too_short")
            .arg("record", record_len)
            .arg("width", width)
            .english(
                "the .dbf header says records are {record} bytes but its columns need {width}",
            ));
    }
    let (encoding, mut note) = match cpg.map(|l| (l, encoding_for_label(l))) {
        Some((_, Some(e))) => (Some(e), None),
        Some((l, None)) => (
            None,
            Some(
                Message::new("vector.dbf.unknown_code_page")
                    .arg("label", l.trim())
                    .english("unknown code page \"{label}\" in the .cpg"),
            ),
        ),
        None => (encoding_for_ldid(bytes[29]), None),
    };
    let available = bytes.len().saturating_sub(header_len) / record_len.max(1);
    if available < records {
        note = Some(
            Message::new("vector.dbf.fewer_records")
                .arg("records", records)
                .arg("available", available)
                .english("the .dbf promises {records} records but holds {available}; the rest have no attributes"),
        );
    }
    let raw_rows: Vec<&[u8]> = (0..records.min(available))
        .map(|r| &bytes[header_len + r * record_len..header_len + (r + 1) * record_len])
        .collect();
    // No declared code page: UTF-8 if all texts are valid UTF-8, else Windows-1252.
    let encoding = encoding.unwrap_or_else(|| {
        let all_utf8 = raw_rows.iter().all(|row| std::str::from_utf8(row).is_ok())
            && columns.iter().all(|c| std::str::from_utf8(&c.name).is_ok());
        if all_utf8 {
            encoding_rs::UTF_8
        } else {
            note.get_or_insert_with(|| {
                Message::new("vector.dbf.guessed_1252").english(
                    "no code page stated (.cpg missing): texts are not UTF-8, read as Windows-1252",
                )
            });
            encoding_rs::WINDOWS_1252
        }
    });
    let fields: Vec<Field> = columns
        .iter()
        .map(|c| Field {
            name: encoding.decode(&c.name).0.trim().to_string(),
            kind: match c.kind {
                b'N' if c.decimals == 0 => FieldKind::Integer,
                b'N' | b'F' => FieldKind::Real,
                b'D' => FieldKind::Date,
                b'L' => FieldKind::Boolean,
                _ => FieldKind::Text,
            },
        })
        .collect();
    let mut rows = Vec::with_capacity(raw_rows.len());
    let deleted: Vec<bool> = raw_rows.iter().map(|row| row[0] == b'*').collect();
    for row in raw_rows {
        let mut at = 1; // after the deletion flag
        let mut values = Vec::with_capacity(columns.len());
        for (c, f) in columns.iter().zip(&fields) {
            let cell = &row[at..at + c.length];
            at += c.length;
            let (text, _, _) = encoding.decode(cell);
            let t = text.trim_matches(|ch: char| ch == ' ' || ch == '\0');
            values.push(match f.kind {
                _ if t.is_empty() => Value::Null,
                FieldKind::Integer => t
                    .parse()
                    .map(Value::Integer)
                    .unwrap_or_else(|_| t.parse::<f64>().map(Value::Real).unwrap_or(Value::Null)),
                FieldKind::Real => t.parse().map(Value::Real).unwrap_or(Value::Null),
                FieldKind::Boolean => match t {
                    "T" | "t" | "Y" | "y" => Value::Boolean(true),
                    "F" | "f" | "N" | "n" => Value::Boolean(false),
                    _ => Value::Null,
                },
                FieldKind::Date if t.len() == 8 && t.is_ascii() => {
                    Value::Text(format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..8]))
                }
                _ => Value::Text(t.to_string()),
            });
        }
        rows.push(values);
    }
    Ok(Table {
        fields,
        rows,
        deleted,
        encoding_note: note,
    })
}

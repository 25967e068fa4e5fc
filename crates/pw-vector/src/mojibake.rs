//! Texts that were UTF-8 but went through a Windows console's code page
//! 850 on their way (an Overpass export saved in `cmd.exe`): "Lobeda-S├╝d"
//! for "Lobeda-Süd", "Stra├ƒe" for "Straße". Such a text maps back onto
//! code-page-850 bytes that are valid UTF-8 with multi-byte letters; real
//! German text never does (its "ü" alone is no UTF-8), so the repair
//! cannot touch a correct name.

use crate::model::{Value, VectorData};
use pw_text::Message;

/// Code page 850's characters for the bytes 0x80 to 0xFF.
const CP850_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{00ad}±‗¾¶§÷¸°¨·¹³²■\u{00a0}";

/// The text as UTF-8 again, if it is UTF-8 read as code page 850.
pub fn repair(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            bytes.push(c as u8);
        } else {
            let at = CP850_HIGH.chars().position(|h| h == c)?;
            bytes.push(0x80 + at as u8);
        }
    }
    let repaired = String::from_utf8(bytes).ok()?;
    // What comes back must be European letters (Latin-1 and Latin
    // Extended): a Turkish "ıç" also maps onto valid UTF-8, an Armenian one.
    let latin = repaired
        .chars()
        .all(|c| c.is_ascii() || ('\u{a0}'..='\u{24f}').contains(&c));
    (!repaired.is_ascii() && latin).then_some(repaired)
}

/// Repairs every text value and field name; says how many.
pub fn repair_all(data: &mut VectorData) {
    let mut repaired = 0usize;
    let mut example = None;
    for field in &mut data.fields {
        if let Some(r) = repair(&field.name) {
            field.name = r;
            repaired += 1;
        }
    }
    for feature in &mut data.features {
        for value in &mut feature.values {
            if let Value::Text(t) = value
                && let Some(r) = repair(t)
            {
                example.get_or_insert_with(|| format!("\"{t}\" → \"{r}\""));
                *t = r;
                repaired += 1;
            }
        }
    }
    if repaired > 0 {
        data.issues.push(
            Message::new("vector.issue.mojibake_repaired")
                .arg("count", repaired)
                .arg("example", example.unwrap_or_default())
                .english("{count} texts were UTF-8 read as code page 850 on the way (e.g. {example}): repaired"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::repair;

    #[test]
    fn double_encoded_names_come_back_and_correct_ones_stay() {
        assert_eq!(repair("Lobeda-S├╝d").as_deref(), Some("Lobeda-Süd"));
        assert_eq!(
            repair("Rudolst├ñdter Stra├ƒe").as_deref(),
            Some("Rudolstädter Straße")
        );
        assert_eq!(
            repair("Gewerbegebiet G├Âschwitz").as_deref(),
            Some("Gewerbegebiet Göschwitz")
        );
        for fine in [
            "Sarıçam",
            "Lobeda-Süd",
            "Straße",
            "Jena",
            "Göschwitz ├",
            "Café",
            "東京",
        ] {
            assert_eq!(repair(fine), None, "{fine}");
        }
    }
}

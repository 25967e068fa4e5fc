//! XML documents as text, whatever encoding they come in, and the few
//! reading helpers every XML reader of ours needs.
//!
//! quick-xml (0.40 on) reads UTF-8 only and stops at the first byte that
//! is not. German WFS servers and older GML exports still answer in
//! ISO-8859-1 or Windows-1252 and say so in the XML declaration; a file
//! from Windows may be UTF-16. [`decode`] turns any of these into UTF-8
//! first (XML 1.0, appendix F: a byte-order mark wins, then the
//! declaration, else UTF-8), so a street named "Straße" arrives as
//! written instead of as "Stra�e" or as an error.

use std::borrow::Cow;

use encoding_rs::{Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart};

/// A document's text, and why it may differ from what was meant.
#[derive(Debug)]
pub struct Document<'a> {
    pub text: Cow<'a, str>,
    /// The encoding the bytes were read in.
    pub encoding: &'static Encoding,
    pub note: Option<EncodingNote>,
}

/// Something about the bytes a reader should pass on as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodingNote {
    /// The declaration names an encoding nobody knows: read as UTF-8.
    UnknownEncoding(String),
    /// Bytes not valid in `encoding` became U+FFFD; `at` is the first
    /// such byte (known for UTF-8).
    InvalidBytes {
        encoding: &'static str,
        at: Option<usize>,
    },
}

impl EncodingNote {
    /// The warning for the user, through the catalogues.
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            EncodingNote::UnknownEncoding(label) => Message::new("xml.encoding.unknown")
                .arg("label", label)
                .english("the file says it is written in \"{label}\", an encoding we do not know: read as UTF-8, special characters may be wrong"),
            EncodingNote::InvalidBytes { encoding, at: Some(at) } => {
                Message::new("xml.encoding.invalid_at")
                    .arg("encoding", encoding)
                    .arg("at", at)
                    .english("the file is not valid {encoding} (first at byte {at}): such characters are shown as \u{FFFD}; save it as UTF-8 or declare its encoding")
            }
            EncodingNote::InvalidBytes { encoding, at: None } => Message::new("xml.encoding.invalid")
                .arg("encoding", encoding)
                .english("the file is not valid {encoding}: such characters are shown as \u{FFFD}; save it as UTF-8 or declare its encoding"),
        }
    }
}

/// The document's text in the encoding its byte-order mark or declaration
/// names; UTF-8 documents are borrowed, not copied.
pub fn decode(bytes: &[u8]) -> Document<'_> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let mut document = decode_as(&bytes[bom_length..], encoding, None);
        // Offsets count from the file's first byte, the mark included.
        if let Some(EncodingNote::InvalidBytes { at: Some(at), .. }) = &mut document.note {
            *at += bom_length;
        }
        return document;
    }
    // UTF-16 without a byte-order mark still starts with "<?" in two bytes each.
    if bytes.starts_with(&[0, b'<', 0, b'?']) {
        return decode_as(bytes, UTF_16BE, None);
    }
    if bytes.starts_with(&[b'<', 0, b'?', 0]) {
        return decode_as(bytes, UTF_16LE, None);
    }
    match declared_encoding(bytes) {
        None => decode_as(bytes, UTF_8, None),
        Some(label) => match Encoding::for_label(label.trim().as_bytes()) {
            // A declaration readable as ASCII cannot be UTF-16: the label is wrong.
            Some(e) if e == UTF_16LE || e == UTF_16BE => decode_as(bytes, UTF_8, None),
            // Labels WHATWG maps to "replacement" (ISO-2022-KR, HZ …) would turn
            // the whole document into one U+FFFD: better read as UTF-8 and say so.
            Some(e) if e == REPLACEMENT => {
                decode_as(bytes, UTF_8, Some(EncodingNote::UnknownEncoding(label)))
            }
            Some(encoding) => decode_as(bytes, encoding, None),
            None => decode_as(bytes, UTF_8, Some(EncodingNote::UnknownEncoding(label))),
        },
    }
}

fn decode_as<'a>(
    bytes: &'a [u8],
    encoding: &'static Encoding,
    note: Option<EncodingNote>,
) -> Document<'a> {
    if encoding == UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(text) => Document {
                text: Cow::Borrowed(text),
                encoding,
                note,
            },
            Err(e) => Document {
                text: String::from_utf8_lossy(bytes),
                encoding,
                note: note.or(Some(EncodingNote::InvalidBytes {
                    encoding: encoding.name(),
                    at: Some(e.valid_up_to()),
                })),
            },
        };
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let note = note.or_else(|| {
        had_errors.then_some(EncodingNote::InvalidBytes {
            encoding: encoding.name(),
            at: None,
        })
    });
    Document {
        text: Cow::Owned(text.into_owned()),
        encoding,
        note,
    }
}

/// The `encoding` pseudo-attribute of the XML declaration at the start
/// (after white space, which lenient servers put before it).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    // "<?xml-stylesheet" is a processing instruction, not the declaration.
    if !(head.starts_with(b"<?xml") && head.get(5).is_some_and(u8::is_ascii_whitespace)) {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&head[..end]).ok()?;
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// An element's name without its namespace prefix.
pub fn local_name<'a>(e: &'a BytesStart<'_>) -> &'a str {
    e.local_name().into_inner()
}

/// The value of the attribute with this local name (any prefix), entities
/// resolved and white space normalised as XML 1.0 says; a value with a
/// broken entity is kept as written rather than lost.
pub fn attribute(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == local)
        .map(|a| match a.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => value.into_owned(),
            Err(_) => a.value.clone().into_owned(),
        })
}

/// The text a reference (`&amp;`, `&#228;`, `&#xE4;`) stands for; `None`
/// for entities only a DTD could define.
pub fn resolve_reference(r: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(r).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::Reader;
    use quick_xml::events::Event;

    /// Element texts, references resolved, as a reader of ours sees them.
    fn texts(text: &str) -> Vec<String> {
        let mut reader = Reader::from_str(text);
        let mut out = vec![String::new()];
        loop {
            match reader.read_event().expect("well-formed") {
                Event::Text(t) => out.last_mut().unwrap().push_str(&t.xml10_content()),
                Event::GeneralRef(r) => out
                    .last_mut()
                    .unwrap()
                    .push_str(&resolve_reference(&r).unwrap()),
                Event::End(_) => out.push(String::new()),
                Event::Eof => break,
                _ => {}
            }
        }
        out.iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }

    #[test]
    fn utf8_is_borrowed_and_a_bom_is_dropped() {
        let plain = "<?xml version=\"1.0\"?><a>Jena</a>".as_bytes();
        let d = decode(plain);
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert_eq!((d.encoding, d.note), (UTF_8, None));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), plain].concat();
        assert_eq!(decode(&with_bom).text, decode(plain).text);
    }

    #[test]
    fn a_declared_iso_8859_1_document_reads_its_umlauts() {
        // "Straße" and "Löbdergraben" as a German WFS in Latin-1 writes them.
        let bytes = b"<?xml version='1.0' encoding='ISO-8859-1'?>\n<r><s>Stra\xDFe</s><s n=\"L\xF6bdergraben\"/></r>";
        let d = decode(bytes);
        assert_eq!(d.encoding.name(), "windows-1252");
        assert_eq!(d.note, None);
        assert_eq!(texts(&d.text), ["Straße"]);
        let mut reader = Reader::from_str(&d.text);
        let name = loop {
            if let Event::Empty(e) = reader.read_event().unwrap() {
                break attribute(&e, "n");
            }
        };
        assert_eq!(name.as_deref(), Some("Löbdergraben"));
    }

    #[test]
    fn utf16_with_and_without_a_bom() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>Saale-Holzland</a>";
        let le: Vec<u8> = xml.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = xml.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let le_bom = [[0xFF, 0xFE].as_slice(), &le].concat();
        for bytes in [&le_bom, &le, &be] {
            let d = decode(bytes);
            assert_eq!(d.note, None);
            assert_eq!(texts(&d.text), ["Saale-Holzland"]);
        }
    }

    #[test]
    fn wrong_or_unknown_labels_and_bad_bytes_are_noted_not_fatal() {
        // Written in UTF-8 but labelled UTF-16: the label cannot be true.
        let d = decode("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>Göschwitz</a>".as_bytes());
        assert_eq!((d.encoding, d.note), (UTF_8, None));
        assert_eq!(texts(&d.text), ["Göschwitz"]);

        let d = decode(b"<?xml version=\"1.0\" encoding=\"x-klingon\"?><a>Jena</a>");
        assert_eq!(
            d.note,
            Some(EncodingNote::UnknownEncoding("x-klingon".into()))
        );
        assert_eq!(texts(&d.text), ["Jena"]);

        // Latin-1 bytes in a document that says nothing (so UTF-8).
        let d = decode(b"<a>Stra\xDFe</a>");
        assert_eq!(
            d.note,
            Some(EncodingNote::InvalidBytes {
                encoding: "UTF-8",
                at: Some(7)
            })
        );
        assert_eq!(texts(&d.text), ["Stra\u{FFFD}e"]);
    }

    #[test]
    fn offsets_count_the_byte_order_mark_and_white_space_may_lead() {
        let d = decode(b"\xEF\xBB\xBF<a>Stra\xDFe</a>");
        assert_eq!(
            d.note,
            Some(EncodingNote::InvalidBytes {
                encoding: "UTF-8",
                at: Some(10)
            })
        );
        let d = decode(b"\r\n <?xml version='1.0' encoding='ISO-8859-1'?><a>Stra\xDFe</a>");
        assert_eq!((d.encoding.name(), d.note), ("windows-1252", None));
        assert!(d.text.contains("Straße"));
        // A stylesheet instruction is no declaration; a "replacement" label is unknown.
        let d = decode(b"<?xml-stylesheet encoding='ISO-8859-1'?><a>Jena</a>");
        assert_eq!((d.encoding, d.note), (UTF_8, None));
        let d = decode(b"<?xml version='1.0' encoding='iso-2022-kr'?><a>Jena</a>");
        assert_eq!(
            d.note,
            Some(EncodingNote::UnknownEncoding("iso-2022-kr".into()))
        );
        assert_eq!(texts(&d.text), ["Jena"]);
    }

    #[test]
    fn names_attributes_and_references() {
        let text =
            r##"<gml:Point xlink:href="#a&amp;b" gml:id=" p&#x31; "/><t>&lt;&#228;&unknown;</t>"##;
        let mut reader = Reader::from_str(text);
        let Event::Empty(e) = reader.read_event().unwrap() else {
            panic!("empty element first")
        };
        assert_eq!(local_name(&e), "Point");
        assert_eq!(attribute(&e, "href").as_deref(), Some("#a&b"));
        assert_eq!(attribute(&e, "id").as_deref(), Some(" p1 "));
        assert_eq!(attribute(&e, "srsName"), None);
        let mut resolved = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::GeneralRef(r) => resolved.push(resolve_reference(&r)),
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(resolved, [Some("<".into()), Some("ä".into()), None]);
    }
}

//! What the clients read of XML answers without building a tree of a
//! large feature collection: the root element and its attributes, and an
//! OGC exception report's text.

use pw_vector::xml::Element;
use quick_xml::Reader;
use quick_xml::events::Event;

/// The first element: its local name and attributes (local names too),
/// Of a document already decoded (decoding twice would read its UTF-8
/// again in the code page its declaration still names).
pub(crate) fn root_of(text: &str) -> Option<(String, Vec<(String, String)>)> {
    let mut reader = Reader::from_str(text);
    let local = |n: &str| n.rsplit(':').next().unwrap_or("").to_string();
    // A few events at most: declaration, comments, then the root.
    for _ in 0..64 {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .filter_map(|a| {
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()?
                            .into_owned();
                        Some((local(a.key.as_ref()), v))
                    })
                    .collect();
                return Some((local(e.name().as_ref()), attrs));
            }
            Event::Eof => return None,
            _ => {}
        }
    }
    None
}

/// The text of an OGC exception report (WFS/WMS 1.x–2.0, OWS 1.1/2.0).
pub(crate) fn exception_text(bytes: &[u8]) -> Option<String> {
    exception_text_of(&pw_xml::decode(bytes).text)
}

/// [`exception_text`] of a document already decoded.
pub(crate) fn exception_text_of(text: &str) -> Option<String> {
    let (name, _) = root_of(text)?;
    if !name.ends_with("ExceptionReport") {
        return None;
    }
    let tree = pw_vector::xml::parse(text).ok()?;
    let mut texts = Vec::new();
    collect_exceptions(&tree, &mut texts);
    if texts.is_empty() {
        texts.push(tree.text_trimmed().to_string());
    }
    let joined = texts.join("; ");
    Some(if joined.is_empty() {
        "an exception without text".into()
    } else {
        joined
    })
}

fn collect_exceptions(e: &Element, out: &mut Vec<String>) {
    for c in &e.children {
        if matches!(c.name.as_str(), "ExceptionText" | "ServiceException") {
            let t = c.text_trimmed();
            if !t.is_empty() {
                out.push(t.chars().take(400).collect());
            }
        } else {
            collect_exceptions(c, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_and_its_counts_are_read_without_the_members() {
        let (name, attrs) = root_of(
            r#"<?xml version="1.0"?><!-- x --><wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" numberMatched="20" numberReturned="10" next="https://a/wfs?STARTINDEX=10&amp;COUNT=10"><wfs:member>"#,
        )
        .unwrap();
        assert_eq!(name, "FeatureCollection");
        let get = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        assert_eq!(get("numberMatched"), Some("20"));
        assert_eq!(get("next"), Some("https://a/wfs?STARTINDEX=10&COUNT=10"));
    }

    #[test]
    fn wms_1_1_service_exceptions_are_read_too() {
        let text = exception_text(
            br#"<ServiceExceptionReport version="1.1.1"><ServiceException code="LayerNotDefined">Layer "x" not defined</ServiceException></ServiceExceptionReport>"#,
        );
        assert_eq!(text.as_deref(), Some("Layer \"x\" not defined"));
        assert_eq!(exception_text(b"<wfs:FeatureCollection/>"), None);
    }
}

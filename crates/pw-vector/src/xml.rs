//! A small element tree over quick-xml for the XML vector formats (KML,
//! GML/WFS): local names without prefixes, attributes, text (CDATA too).
//! Errors name the line.

use pw_text::Message;
use quick_xml::Reader;
use quick_xml::events::Event;

#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
    /// 1-based line of the start tag.
    pub line: usize,
}

impl Element {
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.rsplit(':').next() == Some(local))
            .map(|(_, v)| v.as_str())
    }
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// All descendants (depth first) with this name.
    pub fn descendants<'a>(&'a self, name: &'a str, out: &mut Vec<&'a Element>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.descendants(name, out);
        }
    }
    pub fn text_trimmed(&self) -> &str {
        self.text.trim()
    }
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or("").to_string()
}

/// Deeper nesting is refused: no real KML, GML or capabilities document
/// comes near it, and walking a deeper tree could exhaust the stack.
pub const MAX_DEPTH: usize = 256;

pub fn parse(text: &str) -> Result<Element, Message> {
    let mut reader = Reader::from_str(text);
    // Lines counted on from the last position asked for (positions only
    // grow): counting from the start at every tag would make a large GML
    // answer quadratic.
    let counted = std::cell::Cell::new((0usize, 1usize));
    let line_of = |pos: usize| {
        let pos = pos.min(text.len());
        let (from, line) = counted.get();
        let (from, line) = if pos >= from { (from, line) } else { (0, 1) };
        let more = text.as_bytes()[from..pos]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted.set((pos, line + more));
        line + more
    };
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        if stack.len() > MAX_DEPTH {
            return Err(Message::new("vector.xml.too_deep")
                .arg("line", line_of(reader.buffer_position() as usize))
                .arg("depth", MAX_DEPTH)
                .english("line {line}: elements nested deeper than {depth} levels"));
        }
        let pos = reader.buffer_position() as usize;
        match reader.read_event() {
            Err(e) => {
                // quick-xml's own words stay as the detail.
                return Err(Message::new("vector.xml.broken")
                    .arg("line", line_of(reader.buffer_position() as usize))
                    .arg("detail", e)
                    .english("line {line}: broken XML: {detail}"));
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(s)) => {
                stack.push(start(&s, line_of(pos))?);
            }
            Ok(Event::Empty(s)) => {
                let e = start(&s, line_of(pos))?;
                stack.last_mut().unwrap().children.push(e);
            }
            Ok(Event::End(_)) => {
                if stack.len() < 2 {
                    return Err(Message::new("vector.xml.unopened_close")
                        .arg("line", line_of(pos))
                        .english("line {line}: closing tag without opening tag"));
                }
                let e = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(e);
            }
            // Entity references arrive as their own events (below).
            Ok(Event::Text(t)) => stack.last_mut().unwrap().text.push_str(&t),
            Ok(Event::CData(t)) => stack.last_mut().unwrap().text.push_str(&t),
            Ok(Event::GeneralRef(r)) => {
                let text = pw_xml::resolve_reference(&r).unwrap_or_default();
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Ok(_) => {}
        }
    }
    if stack.len() != 1 {
        return Err(Message::new("vector.xml.ends_inside")
            .arg("element", &stack.last().unwrap().name)
            .english("the XML ends inside <{element}>"));
    }
    let mut root = stack.pop().unwrap();
    match root.children.len() {
        0 => Err(Message::new("vector.xml.no_element").english("no XML element in the file")),
        _ => Ok(root.children.swap_remove(0)),
    }
}

fn start(s: &quick_xml::events::BytesStart, line: usize) -> Result<Element, Message> {
    // quick-xml's own words about the attribute stay as the detail.
    let broken = |detail: &dyn std::fmt::Display| {
        Message::new("vector.xml.broken_attribute")
            .arg("line", line)
            .arg("detail", detail)
            .english("line {line}: {detail}")
    };
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| broken(&e))?;
        let v = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| broken(&e))?;
        attrs.push((a.key.as_ref().to_owned(), v.into_owned()));
    }
    Ok(Element {
        name: local(s.name().as_ref()),
        attrs,
        children: Vec::new(),
        text: String::new(),
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_as_the_reader_goes_and_deep_nesting_is_refused() {
        let tree = parse("<a>\n<b/>\n\n<c>\n<d/></c></a>").unwrap();
        let lines: Vec<usize> = tree.children.iter().map(|c| c.line).collect();
        assert_eq!(lines, [2, 4]);
        assert_eq!(tree.children[1].children[0].line, 5);
        let deep = "<a>".repeat(MAX_DEPTH + 10);
        let err = parse(&deep).unwrap_err().to_string();
        assert!(err.contains("nested deeper than 256"), "{err}");
        // As deep as allowed still reads.
        let ok = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
        assert!(parse(&ok).is_ok());
    }
}

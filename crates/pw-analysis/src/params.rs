//! Parameters an analysis declares: key, label, kind (number with range
//! and unit, date, time, yes/no, area, choice), default; checked with
//! messages in the catalogue's words; parsed from the command line.

use pw_text::Message;
use std::collections::BTreeMap;

/// A rectangle in the scene CRS: min_x, min_y, max_x, max_y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub min: [f64; 2],
    pub max: [f64; 2],
}

impl Area {
    /// Corners in any order.
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Area {
        Area {
            min: [x0.min(x1), y0.min(y1)],
            max: [x0.max(x1), y0.max(y1)],
        }
    }

    pub fn width(&self) -> f64 {
        self.max[0] - self.min[0]
    }

    pub fn height(&self) -> f64 {
        self.max[1] - self.min[1]
    }
}

impl std::fmt::Display for Area {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{},{},{},{}",
            self.min[0], self.min[1], self.max[0], self.max[1]
        )
    }
}

/// A point in the scene CRS; `z` when it was picked on a wall or a roof
/// or typed with a height (absolute, m), else it stands on the ground.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub z: Option<f64>,
}

impl std::fmt::Display for Point {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.z {
            Some(z) => write!(f, "{:.2},{:.2},{:.2}", self.x, self.y, z),
            None => write!(f, "{:.2},{:.2}", self.x, self.y),
        }
    }
}

/// "E,N" or "E,N,Z" (metres of the scene CRS; Z absolute).
pub fn parse_point(text: &str) -> Option<Point> {
    let v: Vec<f64> = text
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    if !v.iter().all(|x| x.is_finite()) {
        return None;
    }
    match v[..] {
        [x, y] => Some(Point { x, y, z: None }),
        [x, y, z] => Some(Point { x, y, z: Some(z) }),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Bool(bool),
    /// Dates (YYYY-MM-DD, several separated by spaces), times (HH:MM),
    /// choices; "" = not given.
    Text(String),
    Area(Option<Area>),
    /// A polygon's outer ring (a plot, a district), closing point not repeated.
    Polygon(Option<Vec<[f64; 2]>>),
    Point(Option<Point>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(t) => f.write_str(t),
            Value::Area(Some(a)) => write!(f, "{a}"),
            Value::Area(None) | Value::Polygon(None) | Value::Point(None) => Ok(()),
            Value::Point(Some(p)) => write!(f, "{p}"),
            Value::Polygon(Some(ring)) => f.write_str(&polygon_text(ring)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParamKind {
    Number {
        min: f64,
        max: f64,
        /// Slider step in the form.
        step: f64,
        /// "m", "min", "°" …
        unit: &'static str,
    },
    Bool,
    /// Local date(s); `presets` are (month, day) buttons in the form.
    Date {
        presets: &'static [(u8, u8)],
        several: bool,
    },
    /// Local time of day, HH:MM.
    Time,
    Area,
    /// A polygon: a feature of a vector layer, drawn, or `x y, x y, …`.
    Polygon,
    /// A point picked on the map (ground, wall or roof) or typed `E,N[,Z]`.
    Point,
    /// (value, catalogue key of its label).
    Choice(&'static [(&'static str, &'static str)]),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamSpec {
    pub key: &'static str,
    /// Catalogue key of the label.
    pub label: &'static str,
    pub kind: ParamKind,
    pub default: Value,
    /// An empty text / no area is refused.
    pub required: bool,
    /// Shown under "more" in the form (the CLI shows all).
    pub advanced: bool,
    /// Only meaningful while the choice `.0` has the value `.1` (the
    /// form hides it otherwise, its checks and the stamp leave it out).
    pub when: Option<(&'static str, &'static str)>,
    /// Only meaningful while each choice `.0` has any value but its `.1`.
    pub when_not: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    pub key: String,
    pub message: Message,
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The message names the parameter itself.
        write!(f, "{}", self.message)
    }
}

impl ParamSpec {
    pub fn number(
        key: &'static str,
        label: &'static str,
        default: f64,
        range: (f64, f64),
        step: f64,
        unit: &'static str,
    ) -> ParamSpec {
        ParamSpec {
            key,
            label,
            kind: ParamKind::Number {
                min: range.0,
                max: range.1,
                step,
                unit,
            },
            default: Value::Number(default),
            required: true,
            advanced: false,
            when: None,
            when_not: Vec::new(),
        }
    }

    /// One of `options` (value, catalogue key of its label).
    pub fn choice(
        key: &'static str,
        label: &'static str,
        options: &'static [(&'static str, &'static str)],
        default: &str,
    ) -> ParamSpec {
        ParamSpec {
            key,
            label,
            kind: ParamKind::Choice(options),
            default: Value::Text(default.into()),
            required: true,
            advanced: false,
            when: None,
            when_not: Vec::new(),
        }
    }

    pub fn flag(key: &'static str, label: &'static str, default: bool) -> ParamSpec {
        ParamSpec {
            key,
            label,
            kind: ParamKind::Bool,
            default: Value::Bool(default),
            required: true,
            advanced: false,
            when: None,
            when_not: Vec::new(),
        }
    }

    pub fn date(
        key: &'static str,
        label: &'static str,
        presets: &'static [(u8, u8)],
        several: bool,
    ) -> ParamSpec {
        ParamSpec {
            key,
            label,
            kind: ParamKind::Date { presets, several },
            default: Value::Text(String::new()),
            required: false,
            advanced: false,
            when: None,
            when_not: Vec::new(),
        }
    }

    pub fn time(key: &'static str, label: &'static str) -> ParamSpec {
        ParamSpec {
            key,
            label,
            kind: ParamKind::Time,
            default: Value::Text(String::new()),
            required: false,
            advanced: false,
            when: None,
            when_not: Vec::new(),
        }
    }

    pub fn area(key: &'static str, label: &'static str) -> ParamSpec {
        ParamSpec {
            key,
            label,
            kind: ParamKind::Area,
            default: Value::Area(None),
            required: true,
            advanced: false,
            when: None,
            when_not: Vec::new(),
        }
    }

    pub fn polygon(key: &'static str, label: &'static str) -> ParamSpec {
        ParamSpec {
            key,
            label,
            kind: ParamKind::Polygon,
            default: Value::Polygon(None),
            required: true,
            advanced: false,
            when: None,
            when_not: Vec::new(),
        }
    }

    pub fn point(key: &'static str, label: &'static str) -> ParamSpec {
        ParamSpec {
            key,
            label,
            kind: ParamKind::Point,
            default: Value::Point(None),
            required: true,
            advanced: false,
            when: None,
            when_not: Vec::new(),
        }
    }

    pub fn advanced(mut self) -> ParamSpec {
        self.advanced = true;
        self
    }

    /// Only meaningful while the choice `key` is `value`.
    pub fn when(mut self, key: &'static str, value: &'static str) -> ParamSpec {
        self.when = Some((key, value));
        self
    }

    /// Only meaningful while the choice `key` is not `value` (repeatable).
    pub fn when_not(mut self, key: &'static str, value: &'static str) -> ParamSpec {
        self.when_not.push((key, value));
        self
    }

    pub fn optional(mut self) -> ParamSpec {
        self.required = false;
        self
    }

    fn error(&self, message: Message) -> ParamError {
        ParamError {
            key: self.key.into(),
            message: message.arg("param", self.key),
        }
    }

    /// Checks one value against this parameter's kind.
    pub fn check(&self, value: Option<&Value>) -> Result<(), ParamError> {
        let value = value.unwrap_or(&self.default);
        match (&self.kind, value) {
            (ParamKind::Number { min, max, unit, .. }, Value::Number(n)) => {
                if !n.is_finite() || *n < *min || *n > *max {
                    return Err(self.error(
                        Message::new("analysis.param_range")
                            .arg("value", n)
                            .arg("min", min)
                            .arg("max", max)
                            .arg("unit", unit)
                            .english("{param} {value}: choose between {min} and {max} {unit}"),
                    ));
                }
            }
            (ParamKind::Bool, Value::Bool(_)) => {}
            (ParamKind::Date { several, .. }, Value::Text(t)) => {
                let dates: Vec<&str> = t.split([' ', ',']).filter(|d| !d.is_empty()).collect();
                if dates.is_empty() && self.required {
                    return Err(self.error(
                        Message::new("analysis.param_missing").english("{param}: give a value"),
                    ));
                }
                if dates.len() > 1 && !several {
                    return Err(self.error(
                        Message::new("analysis.param_one_date").english("{param}: one date only"),
                    ));
                }
                if let Some(bad) = dates.iter().find(|d| parse_date(d).is_none()) {
                    return Err(self.error(
                        Message::new("analysis.param_date")
                            .arg("value", format!("{bad:?}"))
                            .english("{param} {value}: write YYYY-MM-DD"),
                    ));
                }
            }
            (ParamKind::Time, Value::Text(t)) => {
                if t.trim().is_empty() {
                    if self.required {
                        return Err(self.error(
                            Message::new("analysis.param_missing").english("{param}: give a value"),
                        ));
                    }
                } else if parse_time(t.trim()).is_none() {
                    return Err(self.error(
                        Message::new("analysis.param_time")
                            .arg("value", format!("{t:?}"))
                            .english("{param} {value}: write HH:MM"),
                    ));
                }
            }
            (ParamKind::Area, Value::Area(a)) => match a {
                None if self.required => {
                    return Err(self.error(
                        Message::new("analysis.param_no_area").english("choose an area first"),
                    ));
                }
                Some(a) if !(a.width() > 0.0 && a.height() > 0.0) => {
                    return Err(self.error(
                        Message::new("analysis.param_empty_area")
                            .arg("value", a)
                            .english("the area {value} is empty"),
                    ));
                }
                _ => {}
            },
            (ParamKind::Polygon, Value::Polygon(p)) => match p {
                None if self.required => {
                    return Err(self.error(
                        Message::new("analysis.param_no_polygon")
                            .english("{param}: choose a polygon first"),
                    ));
                }
                Some(ring) if ring_area(ring).abs() <= 0.0 || ring.len() < 3 => {
                    return Err(self.error(
                        Message::new("analysis.param_empty_polygon")
                            .english("{param}: the polygon has no area (at least three corners, not in a line)"),
                    ));
                }
                _ => {}
            },
            (ParamKind::Point, Value::Point(p)) => match p {
                None if self.required => {
                    return Err(self.error(
                        Message::new("analysis.param_no_point")
                            .english("{param}: pick a point on the map first"),
                    ));
                }
                Some(p)
                    if !(p.x.is_finite() && p.y.is_finite() && p.z.is_none_or(f64::is_finite)) =>
                {
                    return Err(self.error(
                        Message::new("analysis.param_point")
                            .arg("value", p)
                            .english(
                                "{param} {value}: write E,N or E,N,Z in metres of the scene CRS",
                            ),
                    ));
                }
                _ => {}
            },
            (ParamKind::Choice(options), Value::Text(t)) => {
                if !options.iter().any(|(v, _)| v == t) {
                    let all: Vec<&str> = options.iter().map(|(v, _)| *v).collect();
                    return Err(self.error(
                        Message::new("analysis.param_choice")
                            .arg("value", t)
                            .arg("options", all.join(", "))
                            .english("{param} {value}: choose one of {options}"),
                    ));
                }
            }
            _ => {
                return Err(self.error(
                    Message::new("analysis.param_kind")
                        .english("{param}: a value of the wrong kind"),
                ));
            }
        }
        Ok(())
    }

    /// A value from the command line (`--set key=text`).
    pub fn parse(&self, text: &str) -> Result<Value, ParamError> {
        let text = text.trim();
        let value = match &self.kind {
            ParamKind::Number { .. } => Value::Number(text.parse().map_err(|_| {
                self.error(
                    Message::new("analysis.param_number")
                        .arg("value", format!("{text:?}"))
                        .english("{param} {value}: write a number"),
                )
            })?),
            ParamKind::Bool => Value::Bool(match text {
                "true" | "yes" | "ja" | "1" | "on" => true,
                "false" | "no" | "nein" | "0" | "off" => false,
                _ => {
                    return Err(self.error(
                        Message::new("analysis.param_bool")
                            .arg("value", format!("{text:?}"))
                            .english("{param} {value}: write yes or no"),
                    ));
                }
            }),
            ParamKind::Area => Value::Area(Some(parse_area(text).ok_or_else(|| {
                self.error(
                    Message::new("analysis.param_area")
                        .arg("value", format!("{text:?}"))
                        .english("{param} {value}: write min_x,min_y,max_x,max_y in metres of the scene CRS"),
                )
            })?)),
            ParamKind::Polygon => Value::Polygon(Some(parse_polygon(text).ok_or_else(|| {
                self.error(
                    Message::new("analysis.param_polygon")
                        .arg("value", format!("{:?}", text.chars().take(60).collect::<String>()))
                        .english("{param} {value}: write the corners as x y, x y, x y in metres of the scene CRS"),
                )
            })?)),
            ParamKind::Point => Value::Point(Some(parse_point(text).ok_or_else(|| {
                self.error(
                    Message::new("analysis.param_point")
                        .arg("value", format!("{text:?}"))
                        .english("{param} {value}: write E,N or E,N,Z in metres of the scene CRS"),
                )
            })?)),
            _ => Value::Text(text.to_string()),
        };
        self.check(Some(&value))?;
        Ok(value)
    }
}

/// "min_x,min_y,max_x,max_y" as written; refuses corners given in the
/// wrong order rather than guessing.
pub fn parse_area(text: &str) -> Option<Area> {
    let v: Vec<f64> = text
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    (v.len() == 4 && v.iter().all(|x| x.is_finite())).then(|| Area {
        min: [v[0], v[1]],
        max: [v[2], v[3]],
    })
}

/// "x y, x y, x y" (WKT's ring order; a repeated closing corner and
/// corners given twice in a row are dropped). At least three corners, all
/// finite.
pub fn parse_polygon(text: &str) -> Option<Vec<[f64; 2]>> {
    let text = text.trim();
    let text = text
        .strip_prefix("POLYGON")
        .map(|t| t.trim().trim_start_matches('(').trim_end_matches(')'))
        .unwrap_or(text);
    let mut ring = Vec::new();
    for corner in text.split(',') {
        let mut it = corner.split_whitespace().map(|v| v.parse::<f64>());
        let (Some(Ok(x)), Some(Ok(y)), None) = (it.next(), it.next(), it.next()) else {
            return None;
        };
        if !(x.is_finite() && y.is_finite()) {
            return None;
        }
        ring.push([x, y]);
    }
    // A corner given twice in a row (and the closing one) adds nothing.
    ring.dedup();
    while ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    (ring.len() >= 3).then_some(ring)
}

/// The text [`parse_polygon`] reads back exactly.
pub fn polygon_text(ring: &[[f64; 2]]) -> String {
    ring.iter()
        .map(|p| format!("{} {}", p[0], p[1]))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Signed area (shoelace; positive counter-clockwise).
pub fn ring_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    // Relative to the first corner: UTM coordinates lose no digits.
    let o = ring[0];
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            (a[0] - o[0]) * (b[1] - o[1]) - (b[0] - o[0]) * (a[1] - o[1])
        })
        .sum::<f64>()
        / 2.0
}

/// (year, month, day) of "YYYY-MM-DD", days of the month checked.
pub fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let mut it = text.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

/// (hour, minute) of "HH:MM" (24:00 is not a time of day).
pub fn parse_time(text: &str) -> Option<(u8, u8)> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// The values of a form or a command line, by parameter key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParamValues {
    values: BTreeMap<String, Value>,
}

impl ParamValues {
    pub fn defaults(specs: &[ParamSpec]) -> ParamValues {
        ParamValues {
            values: specs
                .iter()
                .map(|s| (s.key.to_string(), s.default.clone()))
                .collect(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    pub fn set(&mut self, key: &str, value: Value) {
        self.values.insert(key.into(), value);
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.values.get_mut(key)
    }

    pub fn number(&self, key: &str) -> f64 {
        match self.values.get(key) {
            Some(Value::Number(n)) => *n,
            _ => f64::NAN,
        }
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.values.get(key), Some(Value::Bool(true)))
    }

    pub fn text(&self, key: &str) -> &str {
        match self.values.get(key) {
            Some(Value::Text(t)) => t.trim(),
            _ => "",
        }
    }

    pub fn area(&self, key: &str) -> Option<Area> {
        match self.values.get(key) {
            Some(Value::Area(a)) => *a,
            _ => None,
        }
    }

    pub fn polygon(&self, key: &str) -> Option<&[[f64; 2]]> {
        match self.values.get(key) {
            Some(Value::Polygon(Some(p))) => Some(p),
            _ => None,
        }
    }

    pub fn point(&self, key: &str) -> Option<Point> {
        match self.values.get(key) {
            Some(Value::Point(p)) => *p,
            _ => None,
        }
    }

    /// Every value by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Every point among the values (drawn on the map).
    pub fn points(&self) -> impl Iterator<Item = Point> + '_ {
        self.values.values().filter_map(|v| match v {
            Value::Point(Some(p)) => Some(*p),
            _ => None,
        })
    }

    /// Every area among the values (drawn on the map).
    pub fn areas(&self) -> impl Iterator<Item = Area> + '_ {
        self.values.values().filter_map(|v| match v {
            Value::Area(Some(a)) => Some(*a),
            _ => None,
        })
    }

    /// Every polygon among the values (drawn on the map).
    pub fn polygons(&self) -> impl Iterator<Item = &[[f64; 2]]> + '_ {
        self.values.values().filter_map(|v| match v {
            Value::Polygon(Some(p)) => Some(p.as_slice()),
            _ => None,
        })
    }

    /// Sets `key=text` as the spec of that key reads it.
    pub fn set_from_text(
        &mut self,
        specs: &[ParamSpec],
        key: &str,
        text: &str,
    ) -> Result<(), ParamError> {
        let spec = specs.iter().find(|s| s.key == key).ok_or_else(|| {
            let known: Vec<&str> = specs.iter().map(|s| s.key).collect();
            ParamError {
                key: key.into(),
                message: Message::new("analysis.param_unknown")
                    .arg("param", key)
                    .arg("known", known.join(", "))
                    .english("{param}: no such parameter; known are {known}"),
            }
        })?;
        let value = spec.parse(text)?;
        self.set(key, value);
        Ok(())
    }

    /// Whether a parameter means something with these values: its `when`
    /// choice has its value and that choice applies itself (a gauge
    /// belongs to "river = gauge", which belongs to "mode = level").
    pub fn applies(&self, spec: &ParamSpec, specs: &[ParamSpec]) -> bool {
        let mut at = spec;
        // A chain longer than the list would be a loop: stop there.
        for _ in 0..=specs.len() {
            if at
                .when_not
                .iter()
                .any(|(key, value)| self.text(key) == *value)
            {
                return false;
            }
            let Some((key, value)) = at.when else {
                return true;
            };
            if self.text(key) != value {
                return false;
            }
            match specs.iter().find(|s| s.key == key) {
                Some(next) => at = next,
                None => return true,
            }
        }
        false
    }

    /// (key, value) of every parameter that applies, in the given order:
    /// what the run stamp lists.
    pub fn entries(&self, specs: &[ParamSpec]) -> Vec<(String, String)> {
        specs
            .iter()
            .filter(|s| self.applies(s, specs))
            .filter_map(|s| {
                self.values
                    .get(s.key)
                    .map(|v| (s.key.to_string(), v.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_e_n_or_e_n_z_and_nothing_else() {
        assert_eq!(
            parse_point("280850.5, 5657300"),
            Some(Point {
                x: 280850.5,
                y: 5657300.0,
                z: None
            })
        );
        assert_eq!(parse_point("1,2,3").unwrap().z, Some(3.0));
        for bad in ["", "1", "1,2,3,4", "1,,2", "a,b", "1,NaN", "1,inf", "1;2"] {
            assert_eq!(parse_point(bad), None, "{bad:?}");
        }
        let spec = ParamSpec::point("observer", "o");
        let e = spec.parse("280850").unwrap_err();
        assert_eq!(e.message.key, "analysis.param_point");
        assert_eq!(
            spec.check(None).unwrap_err().message.key,
            "analysis.param_no_point"
        );
        let p = spec.parse("1.234,5.678,9").unwrap();
        assert_eq!(p.to_string(), "1.23,5.68,9.00");
    }

    #[test]
    fn parameters_of_another_mode_do_not_apply() {
        const MODES: &[(&str, &str)] = &[("rain", "r"), ("level", "l")];
        let specs = vec![
            ParamSpec {
                key: "mode",
                label: "m",
                kind: ParamKind::Choice(MODES),
                default: Value::Text("rain".into()),
                required: true,
                advanced: false,
                when: None,
                when_not: Vec::new(),
            },
            ParamSpec::number("mm", "mm", 100.0, (1.0, 500.0), 1.0, "mm").when("mode", "rain"),
            ParamSpec::number("level", "l", 0.0, (1.0, 9000.0), 1.0, "m").when("mode", "level"),
        ];
        let mut v = ParamValues::defaults(&specs);
        let keys = |v: &ParamValues| -> Vec<String> {
            v.entries(&specs).into_iter().map(|(k, _)| k).collect()
        };
        assert_eq!(keys(&v), ["mode", "mm"]);
        // "level" 0 is out of its range, but it does not apply to rain.
        assert!(
            specs
                .iter()
                .filter(|s| v.applies(s, &specs))
                .all(|s| s.check(v.get(s.key)).is_ok())
        );
        v.set("mode", Value::Text("level".into()));
        assert_eq!(keys(&v), ["mode", "level"]);
        assert!(!v.applies(&specs[1], &specs));
    }

    fn specs() -> Vec<ParamSpec> {
        vec![
            ParamSpec::number("step", "x.step", 10.0, (1.0, 120.0), 1.0, "min"),
            ParamSpec::date("date", "x.date", &[(3, 21)], true),
            ParamSpec::time("from", "x.from"),
            ParamSpec::area("area", "x.area"),
            ParamSpec::flag("facades", "x.facades", true),
        ]
    }

    #[test]
    fn defaults_and_values_from_the_command_line() {
        let s = specs();
        let mut v = ParamValues::defaults(&s);
        assert_eq!(v.number("step"), 10.0);
        assert!(v.flag("facades"));
        v.set_from_text(&s, "step", "5").unwrap();
        v.set_from_text(&s, "date", "2026-03-21 2026-06-21")
            .unwrap();
        v.set_from_text(&s, "area", "10,20,110,220").unwrap();
        v.set_from_text(&s, "facades", "nein").unwrap();
        assert_eq!(v.number("step"), 5.0);
        assert_eq!(v.area("area").unwrap().width(), 100.0);
        assert!(!v.flag("facades"));
        assert_eq!(
            v.entries(&s)[..2],
            [
                ("step".into(), "5".into()),
                ("date".into(), "2026-03-21 2026-06-21".into())
            ]
        );
    }

    #[test]
    fn bad_values_say_what_to_write() {
        let s = specs();
        let mut v = ParamValues::defaults(&s);
        let err = |r: Result<(), ParamError>| r.unwrap_err().to_string();
        assert_eq!(
            err(v.set_from_text(&s, "step", "500")),
            "step 500: choose between 1 and 120 min"
        );
        assert_eq!(
            err(v.set_from_text(&s, "step", "viel")),
            "step \"viel\": write a number"
        );
        assert_eq!(
            err(v.set_from_text(&s, "date", "2026-02-30")),
            "date \"2026-02-30\": write YYYY-MM-DD"
        );
        assert_eq!(
            err(v.set_from_text(&s, "from", "25:00")),
            "from \"25:00\": write HH:MM"
        );
        assert!(err(v.set_from_text(&s, "area", "1,2,3")).contains("min_x,min_y,max_x,max_y"));
        assert!(err(v.set_from_text(&s, "area", "5,5,1,1")).contains("is empty"));
        assert!(err(v.set_from_text(&s, "colour", "red")).contains("known are step, date"));
        // No area yet: the form's run is refused with a message.
        assert_eq!(
            s[3].check(v.get("area")).unwrap_err().message.key,
            "analysis.param_no_area"
        );
    }

    #[test]
    fn polygons_read_as_written_and_say_what_is_wrong() {
        let s = vec![ParamSpec::polygon("plot", "x.plot")];
        let mut v = ParamValues::defaults(&s);
        assert_eq!(
            s[0].check(v.get("plot")).unwrap_err().message.key,
            "analysis.param_no_polygon"
        );
        v.set_from_text(
            &s,
            "plot",
            "280930.5 5657330, 280970 5657330, 280970 5657360, 280930.5 5657330",
        )
        .unwrap();
        let ring = v.polygon("plot").unwrap();
        assert_eq!(ring.len(), 3, "the closing corner is dropped");
        assert_eq!(ring_area(ring), 0.5 * 39.5 * 30.0);
        let text = v.get("plot").unwrap().to_string();
        assert_eq!(parse_polygon(&text).unwrap(), ring);
        assert_eq!(
            parse_polygon("POLYGON((0 0, 4 0, 4 3, 0 0))").unwrap(),
            [[0.0, 0.0], [4.0, 0.0], [4.0, 3.0]]
        );
        assert_eq!(
            parse_polygon("0 0, 0 0, 4 0, 4 3, 4 3, 0 0, 0 0").unwrap(),
            [[0.0, 0.0], [4.0, 0.0], [4.0, 3.0]]
        );
        assert_eq!(parse_polygon("1 1, 1 1, 1 1, 1 1"), None);
        let mut err = |t: &str| v.set_from_text(&s, "plot", t).unwrap_err().to_string();
        assert!(err("0 0, 1 1").contains("x y, x y, x y"));
        assert!(err("0 0, 1 x, 2 2").contains("x y, x y, x y"));
        assert!(err("0 0, 1 1, 2 2").contains("no area"));
        assert!(err("0 0, 1 0, inf 2").contains("x y, x y"));
    }

    #[test]
    fn dates_know_their_months() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("26-03-21"), None);
        assert_eq!(parse_time("08:30"), Some((8, 30)));
        assert_eq!(parse_time("24:00"), None);
    }
}

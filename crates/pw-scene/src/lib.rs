//! Scene files: what a Planwerkstatt scene contains (CRS, origin, layers,
//! bookmarks, default date/time, city settings) and how it is read and
//! written. The format is TOML; see `scenes/README.md` for the reference.
//! Every error names the file and the line so a planner can fix it.

mod error;
mod model;

pub use error::SceneError;
pub use model::*;

use pw_text::Message;
use std::path::{Path, PathBuf};

impl Scene {
    /// Reads a scene file. Relative layer paths stay as written; use
    /// [`Scene::resolve_path`] to turn them into paths on disk.
    pub fn load(path: &Path) -> Result<Scene, SceneError> {
        let text = std::fs::read_to_string(path).map_err(|source| SceneError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Scene::parse(&text, path)
    }

    /// Parses scene text; `path` is only used for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Scene, SceneError> {
        let scene: Scene =
            toml::from_str(text).map_err(|e| SceneError::from_toml(path, text, &e))?;
        scene.validate(path, text)?;
        Ok(scene)
    }

    /// Serialises the scene; the result parses back to the same scene.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).expect("a scene always serialises");
        format!("# Planwerkstatt scene file (TOML). Reference: scenes/README.md\n{body}")
    }

    /// Writes the scene atomically (temp file + rename) so a crash never
    /// leaves a half-written scene behind.
    pub fn save(&self, path: &Path) -> Result<(), SceneError> {
        let tmp = path.with_extension("scene.tmp");
        let io = |source| SceneError::Io {
            path: path.to_path_buf(),
            source,
        };
        std::fs::write(&tmp, self.to_toml()).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// A layer path relative to the scene file becomes a path next to it.
    pub fn resolve_path(scene_file: &Path, layer_path: &str) -> PathBuf {
        let p = Path::new(layer_path);
        if p.is_absolute() || layer_path.contains("://") {
            p.to_path_buf()
        } else {
            scene_file.parent().unwrap_or(Path::new(".")).join(p)
        }
    }

    /// `[traffic]`: named layers and sensors exist, numbers make sense,
    /// each count says where and what it counts.
    fn validate_traffic(
        &self,
        t: &crate::model::TrafficSettings,
        path: &Path,
        text: &str,
    ) -> Result<(), SceneError> {
        let bad = |key: &str, message: Message| Err(SceneError::invalid(path, text, key, message));
        let has_layer = |name: &str| self.layers.iter().any(|l| l.name == name);
        for (key, layer) in [
            ("zones", t.zones.as_deref()),
            ("layer", t.network.as_ref().map(|n| n.layer.as_str())),
        ] {
            if let Some(name) = layer
                && !has_layer(name)
            {
                return bad(
                    key,
                    Message::new("scene.error.traffic_layer")
                        .arg("name", name)
                        .english("traffic: there is no layer named '{name}'"),
                );
            }
        }
        if t.demand.is_some() && t.zones.is_none() {
            return bad(
                "demand",
                Message::new("scene.error.traffic_demand_zones").english(
                    "traffic: a demand file needs `zones`, the layer whose objects it names",
                ),
            );
        }
        for c in &t.classes {
            let ok = |v: Option<f64>, max: f64| v.is_none_or(|v| (1.0..=max).contains(&v));
            if !(ok(c.speed, 200.0) && ok(c.lanes, 8.0) && ok(c.capacity_per_lane, 3000.0)) {
                return bad(
                    &c.class,
                    Message::new("scene.error.traffic_class")
                        .arg("class", &c.class)
                        .english("traffic class '{class}': speed 1–200 km/h, lanes 1–8, capacity 1–3000 vehicles per hour and lane"),
                );
            }
        }
        for c in &t.counts {
            let sensor_ok = match (&c.sensor, &c.stream) {
                (Some(source), Some(_)) => self.sensors.iter().any(|s| &s.name == source),
                (None, None) => true,
                _ => false,
            };
            let counted = c.count.is_some_and(|v| v.is_finite() && v >= 0.0) != c.sensor.is_some();
            let placed =
                c.at.is_some_and(|p| p.iter().all(|v| v.is_finite())) || c.sensor.is_some();
            let heading_ok = c.heading.is_none_or(|h| h.is_finite());
            if !(sensor_ok && counted && placed && heading_ok) {
                return bad(
                    &c.name,
                    Message::new("scene.error.traffic_count")
                        .arg("name", &c.name)
                        .english("traffic count '{name}': give `count` (vehicles per hour) and `at` (E, N), or `sensor` (a [[sensors]] name) and `stream`"),
                );
            }
        }
        Ok(())
    }

    fn validate_workshop(
        &self,
        w: &crate::model::WorkshopSettings,
        path: &Path,
        text: &str,
    ) -> Result<(), SceneError> {
        if let Some([x0, y0, x1, y1]) = w.area
            && !([x0, y0, x1, y1].iter().all(|v| v.is_finite()) && x1 > x0 && y1 > y0)
        {
            return Err(SceneError::invalid(
                path,
                text,
                "area",
                Message::new("scene.error.workshop_area").english(
                    "workshop area must be [min E, min N, max E, max N] with max above min",
                ),
            ));
        }
        let plain = |id: &str| {
            id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if !plain(&w.session) {
            return Err(SceneError::invalid(
                path,
                text,
                "session",
                Message::new("scene.error.workshop_session")
                    .english("workshop session: 1 to 64 letters, digits, - or _ (it names a file)"),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for q in &w.questions {
            let bad = |why: Message| {
                SceneError::invalid(
                    path,
                    text,
                    &q.id,
                    Message::new("scene.error.workshop_question")
                        .arg("id", &q.id)
                        .arg_message("why", why)
                        .english("workshop question '{id}': {why}"),
                )
            };
            let id_ok = !q.id.is_empty()
                && q.id.len() <= 64
                && q.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !id_ok {
                return Err(bad(Message::new("scene.error.question_id")
                    .english("the id must be 1 to 64 letters, digits, - or _")));
            }
            if !seen.insert(q.id.as_str()) {
                return Err(bad(Message::new("scene.error.question_twice")
                    .english("two questions have this id")));
            }
            if q.de.trim().is_empty() {
                return Err(bad(Message::new("scene.error.question_no_german")
                    .english("the German text (de) is empty")));
            }
            match q.kind.as_str() {
                "yesno" | "stars" if q.options.is_empty() => {}
                "yesno" | "stars" => {
                    return Err(bad(Message::new("scene.error.question_options")
                        .arg("kind", &q.kind)
                        .english("a {kind} question has no options")));
                }
                "choice" if q.options.len() >= 2 => {}
                "choice" => {
                    return Err(bad(Message::new("scene.error.question_choice")
                        .english("a choice needs at least two options")));
                }
                other => {
                    return Err(bad(Message::new("scene.error.question_kind")
                        .arg("kind", other)
                        .english("kind must be yesno, stars or choice, not '{kind}'")));
                }
            }
        }
        Ok(())
    }

    fn validate(&self, path: &Path, text: &str) -> Result<(), SceneError> {
        let crs = pw_geo::Crs::parse(&self.crs)
            .map_err(|e| SceneError::invalid(path, text, "crs", e.message()))?;
        crs.proj_definition()
            .map_err(|e| SceneError::invalid(path, text, "crs", e.message()))?;
        if self.origin.iter().any(|v| !v.is_finite()) {
            return Err(SceneError::invalid(
                path,
                text,
                "origin",
                Message::new("scene.error.origin").english("origin must be three finite numbers"),
            ));
        }
        for c in &self.view_corridors {
            let finite = c.from.iter().chain(&c.to).all(|v| v.is_finite());
            let length = (c.to[0] - c.from[0]).hypot(c.to[1] - c.from[1]);
            if !finite || length < 1.0 || !(c.width >= 0.0) {
                return Err(SceneError::invalid(
                    path,
                    text,
                    &c.name,
                    Message::new("scene.error.view_corridor")
                        .arg("name", &c.name)
                        .english(
                            "view corridor '{name}': from and to must be E, N, Z at least 1 m apart, width 0 m or more",
                        ),
                ));
            }
        }
        if let Some(w) = &self.workshop {
            self.validate_workshop(w, path, text)?;
        }
        if let Some(t) = &self.traffic {
            self.validate_traffic(t, path, text)?;
        }
        if let Some(accent) = self.look.as_ref().and_then(|l| l.accent.as_deref())
            && crate::parse_hex_color(accent).is_none()
        {
            return Err(SceneError::invalid(
                path,
                text,
                "accent",
                Message::new("scene.error.accent")
                    .arg("accent", accent)
                    .english("look: accent must be a colour \"#rrggbb\", found \"{accent}\""),
            ));
        }
        if let Some(k) = &self.kiosk {
            let bad = |key: &str, why: Message| SceneError::invalid(path, text, key, why);
            if !(k.idle_seconds.is_finite() && k.idle_seconds >= 5.0) {
                return Err(bad(
                    "idle_seconds",
                    Message::new("scene.error.kiosk_idle")
                        .english("kiosk idle_seconds must be 5 or more"),
                ));
            }
            if let Some(pin) = &k.pin
                && (!(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()))
            {
                return Err(bad(
                    "pin",
                    Message::new("scene.error.kiosk_pin")
                        .english("the kiosk pin must be 4 to 8 digits"),
                ));
            }
            for s in &k.stations {
                if !self.bookmarks.iter().any(|b| b.name == s.bookmark) {
                    return Err(bad(
                        &s.bookmark,
                        Message::new("scene.error.tour_bookmark")
                            .arg("bookmark", &s.bookmark)
                            .english("tour station '{bookmark}': no [[bookmarks]] of that name"),
                    ));
                }
                if !(s.seconds.is_finite() && s.seconds >= 2.0) {
                    return Err(bad(
                        "seconds",
                        Message::new("scene.error.tour_seconds")
                            .arg("bookmark", &s.bookmark)
                            .english("tour station '{bookmark}': seconds must be 2 or more"),
                    ));
                }
            }
        }
        let in_layer = |layer: &Layer, why: Message| {
            Message::new("scene.error.layer")
                .arg("layer", &layer.name)
                .arg_message("why", why)
                .english("layer '{layer}': {why}")
        };
        for layer in &self.layers {
            if !(0.0..=1.0).contains(&layer.opacity) {
                return Err(SceneError::invalid(
                    path,
                    text,
                    "opacity",
                    in_layer(
                        layer,
                        Message::new("scene.error.opacity")
                            .arg("opacity", layer.opacity)
                            .english("opacity must be between 0 and 1, found {opacity}"),
                    ),
                ));
            }
            if let Some(c) = &layer.crs {
                pw_geo::Crs::parse(c).map_err(|e| {
                    SceneError::invalid(path, text, c, in_layer(layer, e.message()))
                })?;
            }
        }
        for layer in &self.layers {
            let Some(service) = &layer.service else {
                continue;
            };
            let bad = |key: &str, why: Message| {
                SceneError::invalid(path, text, key, in_layer(layer, why))
            };
            if !matches!(service.protocol.as_str(), "wfs" | "ogcapi") {
                return Err(bad(
                    &service.protocol,
                    Message::new("scene.error.service_protocol")
                        .arg("protocol", &service.protocol)
                        .english(
                            "service protocol must be \"wfs\" or \"ogcapi\", found \"{protocol}\"",
                        ),
                ));
            }
            if layer.kind != LayerKind::Vector || !is_web_address(&layer.path) {
                return Err(bad(
                    "service",
                    Message::new("scene.error.service_layer").english(
                        "a service layer is kind = \"vector\" with the service's http(s) address as path",
                    ),
                ));
            }
            if service.name.trim().is_empty() {
                return Err(bad(
                    "service",
                    Message::new("scene.error.service_name").english(
                        "service name: give the WFS feature type or the OGC API collection",
                    ),
                ));
            }
        }
        for catalog in &self.catalogs {
            let bad = |key: &str, why: Message| {
                SceneError::invalid(
                    path,
                    text,
                    key,
                    Message::new("scene.error.catalog")
                        .arg("catalog", &catalog.name)
                        .arg_message("why", why)
                        .english("catalog '{catalog}': {why}"),
                )
            };
            if !matches!(catalog.kind.as_str(), "ckan" | "piveau") {
                return Err(bad(
                    &catalog.kind,
                    Message::new("scene.error.catalog_kind")
                        .arg("kind", &catalog.kind)
                        .english("kind must be \"ckan\" or \"piveau\", found \"{kind}\""),
                ));
            }
            if !is_web_address(&catalog.url) {
                return Err(bad(
                    &catalog.url,
                    Message::new("scene.error.catalog_url")
                        .english("url must be an http(s) address"),
                ));
            }
        }
        for source in &self.sensors {
            let bad = |key: &str, why: Message| {
                SceneError::invalid(
                    path,
                    text,
                    key,
                    Message::new("scene.error.sensor_source")
                        .arg("source", &source.name)
                        .arg_message("why", why)
                        .english("sensor source '{source}': {why}"),
                )
            };
            if let Some(why) = source.classes.iter().find_map(|c| c.problem()) {
                return Err(bad("breaks", why));
            }
            if source.token_env.is_some() && source.token_keyring.is_some() {
                return Err(bad(
                    "token_keyring",
                    Message::new("scene.error.token_twice")
                        .english("give the token either by token_env or by token_keyring"),
                ));
            }
            let positive = |field: &str| {
                Message::new("scene.error.positive")
                    .arg("field", field)
                    .english("{field} must be a positive number")
            };
            if source
                .stale_after_minutes
                .is_some_and(|s| !(s.is_finite() && s > 0.0))
            {
                return Err(bad("stale_after_minutes", positive("stale_after_minutes")));
            }
            if source
                .poll_seconds
                .is_some_and(|s| !(s.is_finite() && s > 0.0))
            {
                return Err(bad("poll_seconds", positive("poll_seconds")));
            }
            if source.speed.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
                return Err(bad("speed", positive("speed")));
            }
            let not_host_port = |a: &str| {
                a.rsplit_once(':')
                    .is_none_or(|(_, port)| port.parse::<u16>().is_err())
            };
            let broker = |written: String| {
                Message::new("scene.error.broker")
                    .arg("broker", written)
                    .english("{broker}: write the broker as host:port")
            };
            if source.kind == crate::SensorSourceKind::Mqtt && not_host_port(&source.url) {
                return Err(bad("url", broker(format!("{:?}", source.url))));
            }
            if let Some(b) = source.mqtt.as_deref().filter(|b| not_host_port(b)) {
                return Err(bad("mqtt", broker(format!("mqtt = {b:?}"))));
            }
        }
        if !(-90.0..=90.0).contains(&self.city.latitude)
            || !(-180.0..=180.0).contains(&self.city.longitude)
        {
            return Err(SceneError::invalid(
                path,
                text,
                "latitude",
                Message::new("scene.error.latitude")
                    .english("city latitude must be within ±90 and longitude within ±180"),
            ));
        }
        Ok(())
    }

    pub fn parsed_crs(&self) -> pw_geo::Crs {
        pw_geo::Crs::parse(&self.crs).unwrap_or(pw_geo::Crs::ETRS89_UTM32)
    }
}

/// An http:// or https:// address.
pub fn is_web_address(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

//! Scene files: what a Planwerkstatt scene contains (CRS, origin, layers,
//! bookmarks, default date/time, city settings) and how it is read and
//! written. The format is TOML; see `scenes/README.md` for the reference.
//! Every error names the file and the line so a planner can fix it.

mod error;
mod model;

pub use error::SceneError;
pub use model::*;

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
                "workshop area must be [min E, min N, max E, max N] with max above min",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for q in &w.questions {
            let bad = |why: String| {
                SceneError::invalid(
                    path,
                    text,
                    &q.id,
                    &format!("workshop question '{}': {why}", q.id),
                )
            };
            let id_ok = !q.id.is_empty()
                && q.id.len() <= 64
                && q.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !id_ok {
                return Err(bad("the id must be 1 to 64 letters, digits, - or _".into()));
            }
            if !seen.insert(q.id.as_str()) {
                return Err(bad("two questions have this id".into()));
            }
            if q.de.trim().is_empty() {
                return Err(bad("the German text (de) is empty".into()));
            }
            match q.kind.as_str() {
                "yesno" | "stars" if q.options.is_empty() => {}
                "yesno" | "stars" => {
                    return Err(bad(format!("a {} question has no options", q.kind)));
                }
                "choice" if q.options.len() >= 2 => {}
                "choice" => return Err(bad("a choice needs at least two options".into())),
                other => {
                    return Err(bad(format!(
                        "kind must be yesno, stars or choice, not '{other}'"
                    )));
                }
            }
        }
        Ok(())
    }

    fn validate(&self, path: &Path, text: &str) -> Result<(), SceneError> {
        let crs = pw_geo::Crs::parse(&self.crs)
            .map_err(|e| SceneError::invalid(path, text, "crs", &e.to_string()))?;
        crs.proj_definition()
            .map_err(|e| SceneError::invalid(path, text, "crs", &e.to_string()))?;
        if self.origin.iter().any(|v| !v.is_finite()) {
            return Err(SceneError::invalid(
                path,
                text,
                "origin",
                "origin must be three finite numbers",
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
                    &format!(
                        "view corridor '{}': from and to must be E, N, Z at least 1 m apart, width 0 m or more",
                        c.name
                    ),
                ));
            }
        }
        if let Some(w) = &self.workshop {
            self.validate_workshop(w, path, text)?;
        }
        if let Some(accent) = self.look.as_ref().and_then(|l| l.accent.as_deref())
            && crate::parse_hex_color(accent).is_none()
        {
            return Err(SceneError::invalid(
                path,
                text,
                "accent",
                &format!("look: accent must be a colour \"#rrggbb\", found \"{accent}\""),
            ));
        }
        if let Some(k) = &self.kiosk {
            let bad = |key: &str, why: String| SceneError::invalid(path, text, key, &why);
            if !(k.idle_seconds.is_finite() && k.idle_seconds >= 5.0) {
                return Err(bad(
                    "idle_seconds",
                    "kiosk idle_seconds must be 5 or more".into(),
                ));
            }
            if let Some(pin) = &k.pin
                && (!(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()))
            {
                return Err(bad("pin", "the kiosk pin must be 4 to 8 digits".into()));
            }
            for s in &k.stations {
                if !self.bookmarks.iter().any(|b| b.name == s.bookmark) {
                    return Err(bad(
                        &s.bookmark,
                        format!(
                            "tour station '{}': no [[bookmarks]] of that name",
                            s.bookmark
                        ),
                    ));
                }
                if !(s.seconds.is_finite() && s.seconds >= 2.0) {
                    return Err(bad(
                        "seconds",
                        format!("tour station '{}': seconds must be 2 or more", s.bookmark),
                    ));
                }
            }
        }
        for layer in &self.layers {
            if !(0.0..=1.0).contains(&layer.opacity) {
                return Err(SceneError::invalid(
                    path,
                    text,
                    "opacity",
                    &format!(
                        "layer '{}': opacity must be between 0 and 1, found {}",
                        layer.name, layer.opacity
                    ),
                ));
            }
            if let Some(c) = &layer.crs {
                pw_geo::Crs::parse(c).map_err(|e| {
                    SceneError::invalid(path, text, c, &format!("layer '{}': {e}", layer.name))
                })?;
            }
        }
        for layer in &self.layers {
            let Some(service) = &layer.service else {
                continue;
            };
            let bad = |key: &str, why: String| {
                SceneError::invalid(path, text, key, &format!("layer '{}': {why}", layer.name))
            };
            if !matches!(service.protocol.as_str(), "wfs" | "ogcapi") {
                return Err(bad(
                    &service.protocol,
                    format!(
                        "service protocol must be \"wfs\" or \"ogcapi\", found \"{}\"",
                        service.protocol
                    ),
                ));
            }
            if layer.kind != LayerKind::Vector || !is_web_address(&layer.path) {
                return Err(bad(
                    "service",
                    "a service layer is kind = \"vector\" with the service's http(s) address as path".into(),
                ));
            }
            if service.name.trim().is_empty() {
                return Err(bad(
                    "service",
                    "service name: give the WFS feature type or the OGC API collection".into(),
                ));
            }
        }
        for catalog in &self.catalogs {
            let bad = |key: &str, why: String| {
                SceneError::invalid(
                    path,
                    text,
                    key,
                    &format!("catalog '{}': {why}", catalog.name),
                )
            };
            if !matches!(catalog.kind.as_str(), "ckan" | "piveau") {
                return Err(bad(
                    &catalog.kind,
                    format!(
                        "kind must be \"ckan\" or \"piveau\", found \"{}\"",
                        catalog.kind
                    ),
                ));
            }
            if !is_web_address(&catalog.url) {
                return Err(bad(&catalog.url, "url must be an http(s) address".into()));
            }
        }
        for source in &self.sensors {
            let bad = |key: &str, why: String| {
                SceneError::invalid(
                    path,
                    text,
                    key,
                    &format!("sensor source '{}': {why}", source.name),
                )
            };
            if let Some(why) = source.classes.iter().find_map(|c| c.problem()) {
                return Err(bad("breaks", why));
            }
            if source.token_env.is_some() && source.token_keyring.is_some() {
                return Err(bad(
                    "token_keyring",
                    "give the token either by token_env or by token_keyring".into(),
                ));
            }
            if source
                .stale_after_minutes
                .is_some_and(|s| !(s.is_finite() && s > 0.0))
            {
                return Err(bad(
                    "stale_after_minutes",
                    "stale_after_minutes must be a positive number".into(),
                ));
            }
            if source
                .poll_seconds
                .is_some_and(|s| !(s.is_finite() && s > 0.0))
            {
                return Err(bad(
                    "poll_seconds",
                    "poll_seconds must be a positive number".into(),
                ));
            }
            if source.speed.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
                return Err(bad("speed", "speed must be a positive number".into()));
            }
            let not_host_port = |a: &str| {
                a.rsplit_once(':')
                    .is_none_or(|(_, port)| port.parse::<u16>().is_err())
            };
            if source.kind == crate::SensorSourceKind::Mqtt && not_host_port(&source.url) {
                return Err(bad(
                    "url",
                    format!("{:?}: write the broker as host:port", source.url),
                ));
            }
            if let Some(broker) = source.mqtt.as_deref().filter(|b| not_host_port(b)) {
                return Err(bad(
                    "mqtt",
                    format!("mqtt = {broker:?}: write the broker as host:port"),
                ));
            }
        }
        if !(-90.0..=90.0).contains(&self.city.latitude)
            || !(-180.0..=180.0).contains(&self.city.longitude)
        {
            return Err(SceneError::invalid(
                path,
                text,
                "latitude",
                "city latitude must be within ±90 and longitude within ±180",
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

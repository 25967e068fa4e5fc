//! What every analysis returns: a ground raster, values on facade samples,
//! values on points or lines, a KPI table — any of them — with the run
//! stamp (inputs, parameters, scenario, version, time) and notes.

use crate::legend::Legend;
use crate::params::ParamValues;
use pw_scenario::{InputStamp, Scenario};
use pw_terrain::Grid;
use pw_text::Message;

/// What the numbers of a raster, samples or features are.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Column / band name in exports ("sun_hours").
    pub key: &'static str,
    /// Catalogue key of the name shown.
    pub label: &'static str,
    pub unit: &'static str,
    pub legend: Legend,
    /// How B − A of this quantity is coloured.
    pub difference_legend: Legend,
}

/// Values on a ground grid (scene CRS, row 0 = north, NaN = no value).
#[derive(Debug, Clone)]
pub struct GroundRaster {
    pub grid: Grid,
    pub quantity: Quantity,
    /// The same grid over time (a flood as it runs), played on the global
    /// clock; `grid` is what is shown outside their span (the worst).
    pub frames: Option<Frames>,
}

/// Values of a ground grid at even steps from a start on the global clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Frames {
    /// Unix seconds of the first frame.
    pub start: f64,
    /// Seconds between frames.
    pub step: f64,
    /// One value per cell of the grid, per frame.
    pub values: Vec<Vec<f32>>,
}

impl Frames {
    /// The frame to show at a clock time: the last one that began, or
    /// none before the first and after the end of the last.
    pub fn at(&self, clock: f64) -> Option<usize> {
        let k = ((clock - self.start) / self.step).floor();
        (k >= 0.0 && (k as usize) < self.values.len()).then_some(k as usize)
    }
}

impl GroundRaster {
    /// Cells with a value.
    pub fn cells(&self) -> usize {
        self.grid.values.iter().filter(|v| v.is_finite()).count()
    }

    pub fn cell_area(&self) -> f64 {
        self.grid.dx * self.grid.dy
    }

    /// m² per legend class: the distribution chart.
    pub fn area_per_class(&self, legend: &Legend) -> Vec<f64> {
        legend
            .histogram(self.grid.values.iter().copied())
            .into_iter()
            .map(|n| n as f64 * self.cell_area())
            .collect()
    }
}

/// One sample point on a wall or roof.
#[derive(Debug, Clone, PartialEq)]
pub struct FacadeSample {
    /// Scene CRS.
    pub position: [f64; 3],
    /// Outward unit normal (east, north, up).
    pub normal: [f32; 3],
    /// Index into [`FacadeValues::object_ids`].
    pub object: u32,
    pub surface_id: Option<String>,
    /// "wall" or "roof".
    pub kind: &'static str,
    /// Area the sample stands for (m²).
    pub area: f32,
    pub value: f32,
}

/// Further columns of samples or features, for export and the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Numbers(&'static str, Vec<f32>),
    Texts(&'static str, Vec<String>),
}

impl Column {
    pub fn name(&self) -> &'static str {
        match self {
            Column::Numbers(n, _) | Column::Texts(n, _) => n,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FacadeValues {
    pub quantity: Quantity,
    pub object_ids: Vec<String>,
    pub samples: Vec<FacadeSample>,
    /// Metres between samples (the size of the patches drawn).
    pub spacing: f32,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FeatureGeometry {
    Point([f64; 3]),
    Line(Vec<[f64; 3]>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: String,
    pub geometry: FeatureGeometry,
    pub value: f32,
}

/// Values on points (receivers, viewpoints) or lines (road links).
#[derive(Debug, Clone)]
pub struct FeatureValues {
    pub quantity: Quantity,
    pub features: Vec<Feature>,
    pub columns: Vec<Column>,
    /// A feature missing on one side of B − A counts as 0 there (traffic
    /// on a road a variant adds or takes away); else it has no difference.
    pub absent_is_zero: bool,
}

/// One figure of the KPI table.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    /// Stable key (CSV column, comparison).
    pub key: String,
    pub label: Message,
    pub value: f64,
    pub unit: &'static str,
    pub decimals: u8,
}

impl Kpi {
    pub fn new(key: &str, label: Message, value: f64, unit: &'static str, decimals: u8) -> Kpi {
        Kpi {
            key: key.into(),
            label,
            // An empty float sum is −0.0; tables should not print "-0".
            value: value + 0.0,
            unit,
            decimals,
        }
    }

    /// "249.055 m²" style in the C locale; the app formats for its language.
    pub fn formatted(&self) -> String {
        let v = format!("{:.*}", self.decimals as usize, self.value);
        if self.unit.is_empty() {
            v
        } else {
            format!("{v} {}", self.unit)
        }
    }
}

/// How a result was made: written into the UI, every export, the CLI.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStamp {
    pub analysis: String,
    pub version: String,
    pub software: String,
    pub computed_at: String,
    pub seconds: f64,
    pub scenario: String,
    pub edits: String,
    pub parameters: Vec<(String, String)>,
    pub inputs: Vec<InputStamp>,
    /// The analysis's own details (method, obstacles, sun observer …),
    /// in its words and order.
    pub details: Vec<(String, String)>,
}

impl RunStamp {
    /// Fills what the framework knows: analysis, version, software, scenario
    /// and its edits, parameters, inputs (what the analysis set is kept).
    pub fn fill(
        &mut self,
        analysis: &dyn crate::Analysis,
        values: &ParamValues,
        scenario: &Scenario,
    ) {
        self.analysis = analysis.id().into();
        self.version = analysis.version().into();
        self.software = format!("planwerkstatt {}", env!("CARGO_PKG_VERSION"));
        if self.computed_at.is_empty() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            self.computed_at = pw_scenario::iso_utc(now);
        }
        self.scenario = scenario.name.clone();
        self.edits = scenario.edits.summary();
        self.parameters = values.entries(&analysis.params());
        if self.inputs.is_empty() {
            self.inputs = scenario.inputs();
        }
    }

    /// Flat key/value pairs: GDAL metadata, the GeoJSON `planwerkstatt_run`
    /// member, CSV header lines, the UI's parameter list.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = vec![
            ("analysis".into(), self.analysis.clone()),
            ("analysis_version".into(), self.version.clone()),
            ("scenario".into(), self.scenario.clone()),
            ("edits".into(), self.edits.clone()),
        ];
        let has = |out: &[(String, String)], k: &str| out.iter().any(|(key, _)| key == k);
        if !has(&self.details, "software") {
            out.push(("software".into(), self.software.clone()));
        }
        if !has(&self.details, "computed_at") {
            out.push(("computed_at".into(), self.computed_at.clone()));
        }
        out.extend(self.details.iter().cloned());
        for (k, v) in &self.parameters {
            let key = format!("param_{k}");
            if !has(&out, &key) {
                out.push((key, v.clone()));
            }
        }
        if !has(&self.details, "input_1") {
            for (k, input) in self.inputs.iter().enumerate() {
                out.push((format!("input_{}", k + 1), input.to_string()));
            }
        }
        if self.seconds > 0.0 {
            out.push(("run_seconds".into(), format!("{:.1}", self.seconds)));
        }
        out
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.entries()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// Values along a line, drawn as a chart and exported as CSV: a line of
/// sight's ground, surface and sight line.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Catalogue key of the chart's title.
    pub title: &'static str,
    pub unit: &'static str,
    /// Metres along the line.
    pub distance: Vec<f64>,
    /// (catalogue key of the series' label, its values; NaN = none there).
    pub series: Vec<(&'static str, Vec<f64>)>,
}

#[derive(Debug, Clone, Default)]
pub struct AnalysisResult {
    /// What the run is called in lists and file names
    /// ("Besonnung 2026-03-21 · Variante B").
    pub label: String,
    pub stamp: RunStamp,
    pub ground: Option<GroundRaster>,
    pub facades: Option<FacadeValues>,
    pub features: Option<FeatureValues>,
    pub kpis: Vec<Kpi>,
    pub notes: Vec<Message>,
    /// The scene CRS of every position and grid.
    pub crs: Option<pw_geo::Crs>,
    /// Labels of (A, B) when this is B − A.
    pub difference_of: Option<(String, String)>,
    pub section: Option<Section>,
}

impl AnalysisResult {
    pub fn kpi(&self, key: &str) -> Option<&Kpi> {
        self.kpis.iter().find(|k| k.key == key)
    }

    /// The legend a layer of this result is drawn with.
    pub fn legend_of<'a>(&self, quantity: &'a Quantity) -> &'a Legend {
        if self.difference_of.is_some() {
            &quantity.difference_legend
        } else {
            &quantity.legend
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_follow_the_clock() {
        let f = Frames {
            start: 1000.0,
            step: 300.0,
            values: vec![vec![0.0], vec![1.0], vec![2.0]],
        };
        assert_eq!(f.at(999.0), None);
        assert_eq!(f.at(1000.0), Some(0));
        assert_eq!(f.at(1299.0), Some(0));
        assert_eq!(f.at(1300.0), Some(1));
        assert_eq!(f.at(1899.0), Some(2));
        assert_eq!(f.at(1900.0), None, "after the last frame: the worst again");
    }

    #[test]
    fn the_stamp_lists_everything_once() {
        let stamp = RunStamp {
            analysis: "sunhours".into(),
            version: "1".into(),
            software: "planwerkstatt 0.1.0".into(),
            computed_at: "2026-12-05T23:00:00Z".into(),
            scenario: "Bestand".into(),
            edits: "none".into(),
            parameters: vec![
                ("area".into(), "1,2,3,4".into()),
                ("step".into(), "10".into()),
            ],
            inputs: vec![InputStamp {
                path: "a.gml".into(),
                bytes: 7,
                modified: "?".into(),
            }],
            details: vec![
                ("area".into(), "1,2,3,4".into()),
                ("computed_at".into(), "2026-12-05T23:00:01Z".into()),
            ],
            seconds: 1.25,
        };
        let e = stamp.entries();
        let keys: Vec<&str> = e.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "analysis",
                "analysis_version",
                "scenario",
                "edits",
                "software",
                "area",
                "computed_at",
                "param_area",
                "param_step",
                "input_1",
                "run_seconds"
            ]
        );
        assert_eq!(
            stamp.get("computed_at").as_deref(),
            Some("2026-12-05T23:00:01Z"),
            "the analysis's own time wins"
        );
        assert_eq!(
            stamp.get("input_1").as_deref(),
            Some("a.gml (7 bytes, modified ?)")
        );
        assert_eq!(stamp.get("run_seconds").as_deref(), Some("1.2"));
    }
}

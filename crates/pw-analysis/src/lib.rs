//! The analysis framework (engine-free). An analysis declares its
//! parameters, estimates its cost, and runs on a [`Scenario`] with progress
//! and cancel, returning a typed [`AnalysisResult`] — ground raster, facade
//! samples, points/lines, KPI table — stamped with how it was made. Drawing,
//! comparing (B − A), exporting and the CLI are written once, here and in
//! the app, for every analysis.

pub mod compare;
pub mod export;
pub mod figures;
pub mod legend;
pub mod params;
pub mod result;

pub use compare::{CompareError, difference};
pub use figures::ScenarioFigures;
pub use legend::{Class, Legend};
pub use params::{Area, ParamError, ParamKind, ParamSpec, ParamValues, Point, Value};
pub use pw_job::JobControl;
/// Scenarios as analyses receive them (layers, site, edits, inputs).
pub use pw_scenario as scenario;
pub use pw_scenario::Scenario;
pub use pw_text::Message;
pub use result::{
    AnalysisResult, FacadeSample, FacadeValues, Feature, FeatureGeometry, FeatureValues, Frames,
    GroundRaster, Kpi, Quantity, RunStamp, Section,
};

use std::sync::Arc;

/// What a run would cost, told before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub seconds: f64,
    /// Plain words: "22 500 cells, 74 sun steps".
    pub size: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<ParamError>),
    #[error("cancelled")]
    Cancelled,
    /// A failure the analysis can say in the catalogue's words (no network,
    /// no CRS …).
    #[error("{0}")]
    Said(Message),
}

impl From<pw_job::Cancelled> for AnalysisError {
    fn from(_: pw_job::Cancelled) -> Self {
        AnalysisError::Cancelled
    }
}

impl AnalysisError {
    /// The message for the user, in the catalogue's words where there are some.
    pub fn messages(&self) -> Vec<Message> {
        match self {
            AnalysisError::Invalid(errors) => errors.iter().map(|e| e.message.clone()).collect(),
            AnalysisError::Cancelled => vec![Message::new("analysis.cancelled")],
            AnalysisError::Said(message) => vec![message.clone()],
        }
    }
}

/// One kind of analysis. Implemented by each analysis crate; the app and
/// the CLI know analyses only through this trait.
pub trait Analysis: Send + Sync + 'static {
    /// Stable id: CLI name, export file names, saved forms ("sunhours").
    fn id(&self) -> &'static str;
    /// Catalogue key of the title ("sunhours.title").
    fn title(&self) -> &'static str;
    /// Version of the method, written into every stamp.
    fn version(&self) -> &'static str;
    /// The parameters, in the order the form shows them.
    fn params(&self) -> Vec<ParamSpec>;
    /// Checks beyond each parameter's own range (e.g. from ≤ to).
    fn check(&self, _values: &ParamValues) -> Vec<ParamError> {
        Vec::new()
    }
    /// What a run would cost on this scenario.
    fn estimate(
        &self,
        values: &ParamValues,
        scenario: &Scenario,
    ) -> Result<Estimate, AnalysisError>;
    /// Runs (in the background); checks `control` for cancel and reports
    /// progress through it.
    fn run(
        &self,
        values: &ParamValues,
        scenario: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError>;

    /// Every parameter's own check, then the analysis's.
    fn validate(&self, values: &ParamValues) -> Result<(), AnalysisError> {
        let specs = self.params();
        let mut errors: Vec<ParamError> = specs
            .iter()
            .filter(|spec| values.applies(spec, &specs))
            .filter_map(|spec| spec.check(values.get(spec.key)).err())
            .collect();
        if errors.is_empty() {
            errors = self.check(values);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AnalysisError::Invalid(errors))
        }
    }

    /// The form's starting values.
    fn defaults(&self) -> ParamValues {
        ParamValues::defaults(&self.params())
    }

    /// The point parameter the map lets the user drag with a live preview,
    /// for these values (the viewshed's observer); `None`: no live preview.
    fn live_point(&self, _values: &ParamValues) -> Option<&'static str> {
        None
    }

    /// Prepares the live preview around the values' point on this
    /// scenario (in the background: it may take a second or two).
    fn prepare_live(
        &self,
        _values: &ParamValues,
        _scenario: &Scenario,
        _control: &JobControl,
    ) -> Result<Box<dyn LivePreview>, AnalysisError> {
        Err(AnalysisError::Said(
            Message::new("analysis.no_live").english("This analysis has no live preview."),
        ))
    }
}

/// A quick answer while a point of the form is dragged on the map:
/// prepared once around a place, then asked many times a second as the
/// point moves. The full run follows when the point is let go.
pub trait LivePreview: Send + Sync {
    /// Whether this preparation answers for these values: the point within
    /// what was prepared, every other value as it was.
    fn serves(&self, values: &ParamValues) -> bool;
    /// The ground raster for these values (tens of milliseconds).
    fn update(&self, values: &ParamValues) -> Result<GroundRaster, AnalysisError>;
}

/// The analyses this build offers, in menu order.
#[derive(Clone, Default)]
pub struct Registry {
    analyses: Vec<Arc<dyn Analysis>>,
}

impl Registry {
    pub fn register(&mut self, analysis: Arc<dyn Analysis>) {
        self.analyses.retain(|a| a.id() != analysis.id());
        self.analyses.push(analysis);
    }

    pub fn get(&self, id: &str) -> Option<&Arc<dyn Analysis>> {
        self.analyses.iter().find(|a| a.id() == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Analysis>> {
        self.analyses.iter()
    }

    pub fn ids(&self) -> Vec<&'static str> {
        self.analyses.iter().map(|a| a.id()).collect()
    }
}

/// Validate, then run: what the app's job and the CLI both call.
pub fn run_checked(
    analysis: &dyn Analysis,
    values: &ParamValues,
    scenario: &Scenario,
    control: &JobControl,
) -> Result<AnalysisResult, AnalysisError> {
    analysis.validate(values)?;
    let mut result = analysis.run(values, scenario, control)?;
    result.stamp.fill(analysis, values, scenario);
    Ok(result)
}

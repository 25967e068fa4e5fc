//! Plans and variants (engine-free). A scene holds "Bestand" and any number
//! of named variants; a variant is a set of edits — new building volumes
//! (footprint, storeys, roof form, use), existing objects removed or moved —
//! kept as text next to the scene (`<scene>.plan.toml`) that diffs well and
//! round-trips exactly. A variant becomes the [`pw_scenario::Edits`] every
//! analysis sees; its volumes become LoD2 city objects; its key figures
//! (footprint, gross floor area, GRZ/GFZ/GRZ II, height, sealed area —
//! buildings and drawn paved or unsealed surfaces —, trees)
//! compare B − A.

pub mod design;
pub mod figures_analysis;
pub mod file;
pub mod polygon;
pub mod road;
pub mod snap;
pub mod surface;
pub mod tree;
pub mod volume;

pub use design::Design;
pub use figures_analysis::PlanFiguresAnalysis;
pub use file::{Change, PlanFile, PlanFileError, Variant};
pub use road::Road;
pub use surface::{Surface, SurfaceKind};
pub use tree::Tree;
pub use volume::{Roof, Use, Volume, VolumeError};

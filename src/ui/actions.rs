//! What the panels ask for. Panels are plain egui functions that read a
//! view model and return actions; the UI plugin applies them. This keeps
//! every panel testable without a window or a GPU.

use crate::base::i18n::Language;
use crate::layers::SceneCommand;
use crate::layers::city_draw::BuildingCommand;
use crate::view::camera::CameraCommand;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AppMode {
    /// All panels, for planners at their desk.
    #[default]
    Planning,
    /// Larger controls, fewer panels: for participation workshops on touch screens.
    Workshop,
    /// The showroom: the scene's guided tour, nothing else; no dialogs, no
    /// quitting; staff leave by holding the title (and a PIN).
    Kiosk,
}

impl AppMode {
    /// The public looks (workshop or showroom): large controls, restricted
    /// layers withheld.
    pub fn public(self) -> bool {
        self != AppMode::Planning
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    Settings,
    About,
    OpenFile,
    AddLayer,
    SaveAs,
    /// A design file for the shown variant.
    ImportDesign,
    /// A picture of the view with its stamp.
    Picture,
    /// "Save the changes before opening another scene?"
    UnsavedChanges,
    /// The staff's PIN to leave the kiosk.
    KioskPin,
    /// Which CRS a layer's coordinates are in.
    CrsPicker,
    /// Where an export goes, and under which name.
    Export,
    /// Layers from the web: catalogue search, a service's address.
    Online,
}

/// What is exported once the user said where.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportTarget {
    /// An analysis result: every part (GeoTIFF, GeoJSON, CSV).
    Result(u32),
    /// The key figures per scenario (CSV).
    Figures,
    /// A picture of the view with its stamp (PNG) of this size.
    Picture { width: u32, height: u32 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum UiAction {
    Scene(SceneCommand),
    Camera(CameraCommand),
    Building(BuildingCommand),
    SetMode(AppMode),
    SetLanguage(Language),
    SetUiScale(f32),
    SetHighContrast(bool),
    Open(Dialog),
    Close(Dialog),
    CancelJob(u64),
    DismissNotice(usize),
    /// Store the current camera view as a bookmark.
    BookmarkCurrentView,
    ClearSelection,
    /// Select an object (city layer, object index), e.g. from the table.
    SelectObject(crate::layers::LayerId, usize),
    OpenStyleEditor(crate::layers::LayerId),
    OpenTable(crate::layers::LayerId),
    CloseTable,
    /// Ask where to export; `name` says what it is (analysis, scenario,
    /// date), the scene's place goes in front.
    ChooseExport {
        what: ExportTarget,
        name: String,
    },
    /// The place chosen for the export asked for.
    ExportTo(std::path::PathBuf),
    /// Open a side panel as a drawer on a narrow window (Closed: close it).
    Drawer(super::layout::Drawer),
    /// Ask which CRS a layer's coordinates are in.
    ChooseCrs(crate::layers::LayerId),
    /// Any analysis: choose, run, area, results, compare, export.
    Analysis(crate::analysis::AnalysisCommand),
    /// Edits of the scenario analyses run on (remove a building, undo).
    Scenario(crate::scenario::ScenarioCommand),
    /// Drawing and editing a variant's buildings, undo/redo.
    Plan(crate::plan::PlanCommand),
    /// Two scenarios side by side or under a swipe divider.
    Compare(crate::scenario::compare::CompareCommand),
    /// A picture of the view, saved with its provenance.
    Picture(crate::picture::PictureCommand),
    /// The workshop: open/close, the table's contribution, moderation,
    /// "show me what they saw".
    Participation(crate::participation::ParticipationCommand),
    /// The showroom tour: next or previous station.
    Kiosk(crate::participation::kiosk::KioskCommand),
    /// Catalogue search and service addresses (layers from the web).
    Online(crate::layers::online::OnlineCommand),
    /// Open another scene, the unsaved changes saved first or let go.
    OpenScene {
        path: std::path::PathBuf,
        save_first: bool,
    },
}

//! "Daten aus dem Netz": search the scene's open-data catalogues, or type
//! a service's address; each found dataset shows the layers it can give
//! (a map from a WMS, features from a WFS or OGC API, a GeoJSON file), and
//! a service with several layers lists them, the best fit first.

use super::actions::{Dialog, UiAction};
use crate::base::i18n::I18n;
use crate::layers::online::{OnlineCommand, OnlineData};
use bevy_egui::egui;
use pw_services::catalog::ResourceKind;

/// What the user typed and chose in the window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OnlineForm {
    pub catalog: usize,
    pub text: String,
    pub address: String,
}

/// What the window shows.
pub struct OnlineModel<'a> {
    /// The scene's catalogues by name.
    pub catalogs: Vec<String>,
    pub data: &'a OnlineData,
}

/// The short word on a resource's button: what it gives, and for a file
/// its format (by its name where the catalogue says only "JSON").
fn kind_word(kind: ResourceKind, format: &str, url: &str, i18n: &I18n) -> String {
    match kind {
        ResourceKind::Wms => i18n.tr("online.kind.wms").to_string(),
        ResourceKind::Wfs => i18n.tr("online.kind.wfs").to_string(),
        ResourceKind::OgcApiFeatures => i18n.tr("online.kind.ogcapi").to_string(),
        ResourceKind::VectorFile | ResourceKind::Other => {
            let shown = pw_services::shown(url).to_ascii_lowercase();
            let by_name = match shown.rsplit('.').next() {
                Some("geojson") => "GeoJSON",
                Some("kml") => "KML",
                Some("kmz") => "KMZ",
                Some("gml") => "GML",
                Some("gpkg") => "GeoPackage",
                Some("fgb") => "FlatGeobuf",
                _ => "",
            };
            let f = if format.trim().is_empty() || format.trim().eq_ignore_ascii_case("json") {
                by_name
            } else {
                format.trim()
            };
            if f.is_empty() {
                i18n.tr("online.kind.file").to_string()
            } else {
                format!("{} ({f})", i18n.tr("online.kind.file"))
            }
        }
    }
}

pub fn online_window(
    ctx: &egui::Context,
    form: &mut OnlineForm,
    model: &OnlineModel,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    let mut open = true;
    let screen = ctx.content_rect();
    egui::Window::new(i18n.tr("online.title"))
        .id(egui::Id::new("online_window"))
        .open(&mut open)
        .default_width(560.0)
        // Over the 3D view, below the top bar, as tall as the results need.
        .default_pos(screen.center_top() + egui::vec2(-280.0, 64.0))
        .default_height(screen.height() * 0.75)
        .max_height(screen.height() * 0.85)
        .collapsible(false)
        .show(ctx, |ui| {
            search_part(ui, form, model, i18n, &mut actions);
            ui.separator();
            address_part(ui, form, model, i18n, &mut actions);
            if let Some(e) = &model.data.error {
                ui.separator();
                ui.colored_label(ui.visuals().error_fg_color, i18n.render(e));
            }
            offers_part(ui, model, i18n, &mut actions);
            if let Some(s) = &model.data.search {
                ui.separator();
                results_part(ui, s, model.data.discovering(), i18n, &mut actions);
            }
        });
    if !open {
        actions.push(UiAction::Close(Dialog::Online));
    }
    actions
}

fn search_part(
    ui: &mut egui::Ui,
    form: &mut OnlineForm,
    model: &OnlineModel,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    if model.catalogs.is_empty() {
        ui.label(i18n.tr("online.no_catalog"));
        return;
    }
    form.catalog = form.catalog.min(model.catalogs.len() - 1);
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("online.catalog"));
        if model.catalogs.len() == 1 {
            ui.strong(&model.catalogs[0]);
        } else {
            egui::ComboBox::from_id_salt("online_catalog")
                .selected_text(&model.catalogs[form.catalog])
                .show_ui(ui, |ui| {
                    for (i, name) in model.catalogs.iter().enumerate() {
                        ui.selectable_value(&mut form.catalog, i, name);
                    }
                });
        }
    });
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(&mut form.text)
                .hint_text(i18n.tr("online.search_hint"))
                .desired_width(ui.available_width() - 140.0),
        );
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let busy = model.data.searching();
        if busy {
            ui.spinner();
        }
        if (ui
            .add_enabled(!busy, egui::Button::new(i18n.tr("online.search")))
            .clicked()
            || enter)
            && !busy
        {
            actions.push(UiAction::Online(OnlineCommand::Search {
                catalog: form.catalog,
                text: form.text.clone(),
            }));
        }
    });
}

fn address_part(
    ui: &mut egui::Ui,
    form: &mut OnlineForm,
    model: &OnlineModel,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    ui.label(i18n.tr("online.address"));
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(&mut form.address)
                .hint_text("https://…")
                .desired_width(ui.available_width() - 140.0),
        );
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let busy = model.data.discovering();
        if busy {
            ui.spinner();
        }
        if (ui
            .add_enabled(!busy, egui::Button::new(i18n.tr("online.fetch_layers")))
            .clicked()
            || enter)
            && !busy
            && !form.address.trim().is_empty()
        {
            actions.push(UiAction::Online(OnlineCommand::DiscoverAddress(
                form.address.clone(),
            )));
        }
    });
}

fn offers_part(ui: &mut egui::Ui, model: &OnlineModel, i18n: &I18n, actions: &mut Vec<UiAction>) {
    let Some(offers) = &model.data.offers else {
        return;
    };
    if offers.list.len() < 2 {
        return;
    }
    ui.separator();
    ui.strong(i18n.trf(
        "online.offers",
        &[("title", &offers.title), ("count", &offers.list.len())],
    ));
    egui::ScrollArea::vertical()
        .id_salt("online_offers")
        .max_height(220.0)
        .show(ui, |ui| {
            for (i, o) in offers.list.iter().enumerate() {
                ui.horizontal(|ui| {
                    if ui.button(i18n.tr("online.add")).clicked() {
                        actions.push(UiAction::Online(OnlineCommand::Add(i)));
                    }
                    let text = if o.name.is_empty() || o.name == o.title {
                        o.title.clone()
                    } else {
                        format!("{} ({})", o.title, o.name)
                    };
                    if i == 0 && offers.dataset.is_some() {
                        ui.strong(text).on_hover_text(i18n.tr("online.best_fit"));
                    } else {
                        ui.label(text);
                    }
                });
            }
        });
}

fn results_part(
    ui: &mut egui::Ui,
    s: &crate::layers::online::Searched,
    busy: bool,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    ui.label(i18n.trf(
        if s.result.count == 1 {
            "online.found_one"
        } else {
            "online.found"
        },
        &[
            ("count", &s.result.count),
            ("text", &s.text),
            ("catalog", &s.catalog),
        ],
    ));
    // Datasets the map can show; the rest (tables, documents) in one line.
    let without = s
        .result
        .datasets
        .iter()
        .filter(|d| d.layers().next().is_none())
        .count();
    egui::ScrollArea::vertical()
        .id_salt("online_results")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (d, dataset) in s.result.datasets.iter().enumerate() {
                if dataset.layers().next().is_none() {
                    continue;
                }
                ui.add_space(4.0);
                ui.strong(&dataset.title);
                let credit: Vec<&str> = [dataset.publisher.as_str(), dataset.licence.as_str()]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect();
                if !credit.is_empty() {
                    ui.small(credit.join(" · "));
                }
                ui.horizontal_wrapped(|ui| {
                    for (r, res) in dataset.resources.iter().enumerate() {
                        if res.kind == ResourceKind::Other {
                            continue;
                        }
                        let button = egui::Button::new(format!(
                            "+ {}",
                            kind_word(res.kind, &res.format, &res.url, i18n)
                        ));
                        if ui
                            .add_enabled(!busy, button)
                            .on_hover_text(format!(
                                "{}\n{}",
                                res.name,
                                pw_services::shown(&res.url)
                            ))
                            .clicked()
                        {
                            actions.push(UiAction::Online(OnlineCommand::Discover {
                                dataset: d,
                                resource: r,
                            }));
                        }
                    }
                });
            }
            if without > 0 {
                ui.add_space(6.0);
                let key = if without == 1 {
                    "online.without_layers_one"
                } else {
                    "online.without_layers"
                };
                ui.small(i18n.trf(key, &[("count", &without)]));
            }
        });
}

/// `--search-catalog WORDS`: once the scene has loaded, the window opens
/// with the words searched in the scene's first catalogue.
#[derive(bevy::prelude::Resource, Debug, Default)]
pub struct StartSearch(pub Option<String>);

pub fn start_search(
    mut start: bevy::prelude::ResMut<StartSearch>,
    layers: bevy::prelude::Res<crate::layers::Layers>,
    active: bevy::prelude::Res<crate::layers::ActiveScene>,
    mut ui_state: bevy::prelude::ResMut<super::UiState>,
    mut pending: bevy::prelude::ResMut<super::PendingUiActions>,
) {
    let loading = layers
        .entries
        .iter()
        .any(|e| e.status == crate::layers::LayerStatus::Loading);
    if start.0.is_none() || active.path.is_none() || loading {
        return;
    }
    let Some(text) = start.0.take() else {
        return;
    };
    ui_state.online = Some(OnlineForm {
        text: text.clone(),
        ..Default::default()
    });
    if !active.scene.catalogs.is_empty() {
        pending
            .0
            .push(UiAction::Online(OnlineCommand::Search { catalog: 0, text }));
    }
}

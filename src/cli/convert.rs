//! `planwerkstatt convert`: a city model (CityGML, CityJSON, glTF) to
//! CityJSON 2.0 or binary glTF, optionally reprojected.

use std::path::Path;

/// `planwerkstatt convert`: returns a one-line report for stdout.
pub fn convert(
    input: &Path,
    output: &Path,
    to_crs: Option<&str>,
    source_crs: Option<&str>,
) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let kind = match crate::layers::registry::detect_kind(&crate::app::layer_kinds(), input) {
        Some(
            k @ (pw_scene::LayerKind::Citygml
            | pw_scene::LayerKind::Cityjson
            | pw_scene::LayerKind::Gltf),
        ) => k,
        _ => anyhow::bail!("{}: not a CityGML, CityJSON or glTF file", input.display()),
    };
    let mut model = crate::layers::city::read_city_model(kind, input, None, None)
        .map_err(anyhow::Error::msg)?;
    if let Some(text) = source_crs {
        model.crs = Some(pw_geo::Crs::parse(text)?);
    }
    if let Some(text) = to_crs {
        let target = pw_geo::Crs::parse(text)?;
        target.proj_definition()?;
        // Without a scene there is no independent place to compare with:
        // the data's own centre, i.e. the axis order as written wins.
        let near = model
            .crs
            .and_then(|src| pw_geo::Reprojector::new(src, target).ok())
            .and_then(|r| r.apply(model.extent().center()).ok())
            .unwrap_or([0.0; 3]);
        model
            .settle_axis_order(target, near)
            .map_err(anyhow::Error::msg)?;
        model
            .reproject(target)
            .with_context(|| format!("{}: reprojection to {target}", input.display()))?;
    }
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = if name.ends_with(".glb") {
        pw_city::export::to_glb(&model)
    } else if name.ends_with(".json") {
        serde_json::to_vec(&pw_city::export::to_cityjson(&model))?
    } else {
        anyhow::bail!(
            "{}: choose the format by the ending: .glb or .city.json",
            output.display()
        );
    };
    std::fs::write(output, &bytes)
        .with_context(|| format!("{}: cannot write", output.display()))?;
    let s = model.summary();
    Ok(format!(
        "{} → {}: {} objects ({} Building, {} BuildingPart), {} surfaces, {:.1} MB, {} problems in the input",
        input.display(),
        output.display(),
        model.objects.len(),
        s.buildings,
        s.building_parts,
        s.surfaces,
        bytes.len() as f64 / 1e6,
        model.issues.len()
    ))
}

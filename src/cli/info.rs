//! `planwerkstatt info`: what a data or scene file contains — kind, CRS,
//! extent, counts — for every kind the app reads.

use pw_city::Semantic;
use std::path::Path;

/// `planwerkstatt info <file>`: a human-readable description on stdout.
pub fn info(path: &Path, crs: Option<&str>) -> anyhow::Result<String> {
    if !path.exists() {
        anyhow::bail!("{}: file not found", path.display());
    }
    if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
        anyhow::bail!("{}: the file is empty", path.display());
    }
    let is_scene = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("scene"));
    if is_scene {
        let scene = pw_scene::Scene::load(path)?;
        let mut out = String::new();
        out += &format!(
            "File:      {}\nKind:      Planwerkstatt scene\nName:      {}\n",
            path.display(),
            scene.name
        );
        out += &format!(
            "CRS:       {} ({})\n",
            scene.parsed_crs(),
            scene.parsed_crs().name()
        );
        out += &format!(
            "Origin:    E {:.3} N {:.3} H {:.3}\n",
            scene.origin[0], scene.origin[1], scene.origin[2]
        );
        out += &format!(
            "City:      {} ({:.4}° N, {:.4}° E, {})\n",
            scene.city.name, scene.city.latitude, scene.city.longitude, scene.city.time_zone
        );
        out += &format!("Layers:    {}\n", scene.layers.len());
        for l in &scene.layers {
            out += &format!("  - {} [{:?}] {}\n", l.name, l.kind, l.path);
        }
        out += &format!("Bookmarks: {}\n", scene.bookmarks.len());
        return Ok(out);
    }
    match crate::layers::registry::detect_kind(&crate::app::layer_kinds(), path) {
        Some(
            kind @ (pw_scene::LayerKind::Citygml
            | pw_scene::LayerKind::Cityjson
            | pw_scene::LayerKind::Gltf),
        ) => {
            let model = crate::layers::city::read_city_model(kind, path, None, None)
                .map_err(anyhow::Error::msg)?;
            Ok(describe_city_model(path, &model))
        }
        Some(pw_scene::LayerKind::Tiles3d) => describe_tileset(path, crs),
        Some(pw_scene::LayerKind::Dem) => describe_dem(path, crs),
        Some(pw_scene::LayerKind::Vector) => describe_vector(path, crs),
        Some(kind) => Ok(format!(
            "File:      {}\nKind:      {kind:?} (recognised; this version cannot read its contents yet)\n",
            path.display()
        )),
        None => anyhow::bail!(
            "{}: unknown file type (supported: .scene, CityGML .gml/.xml, CityJSON .json/.city.jsonl, glTF .glb/.gltf, 3D Tiles tileset.json, DEM .tif/.xyz, vector .geojson/.json/.shp/.gpkg/.kml/.kmz/.csv/.gml/.fgb)",
            path.display()
        ),
    }
}

/// A tileset: its tree, then all its content read as one city model in
/// the tileset's CRS (ECEF tilesets: the UTM zone of their centre).
fn describe_tileset(path: &Path, crs: Option<&str>) -> anyhow::Result<String> {
    use pw_city::tiles3d::{Tileset, TilesetFrame};
    use pw_geo::{Crs, SceneOrigin};
    use rayon::prelude::*;
    let crs = crs.map(Crs::parse).transpose()?;
    // First in geographic degrees to find where it is.
    let probe = Tileset::open(
        path,
        crs,
        crs.unwrap_or(Crs::epsg(4979)),
        &SceneOrigin::new([0.0; 3]),
    )?;
    let target = match probe.frame {
        TilesetFrame::Projected(c) => c,
        TilesetFrame::Ecef => {
            let [lon, lat, _] = probe.tiles[0].sphere.0;
            let zone = (((lon + 180.0) / 6.0).floor() as u32).clamp(0, 59) + 1;
            Crs::epsg(if lat >= 0.0 { 32600 } else { 32700 } + zone)
        }
    };
    let set = Tileset::open(path, crs, target, &SceneOrigin::new([0.0; 3]))?;
    let contents: Vec<usize> = (0..set.tiles.len())
        .filter(|&t| set.tiles[t].content.is_some())
        .collect();
    let parts: Vec<Result<pw_city::CityModel, pw_text::Message>> = contents
        .par_iter()
        .map(|&t| set.load_content(t, target))
        .collect();
    let mut model = pw_city::CityModel {
        format: format!("3D Tiles {}", set.version),
        crs: Some(target),
        crs_text: Some(match set.frame {
            TilesetFrame::Ecef => {
                "ECEF (earth-centred), shown in the UTM zone of its centre".into()
            }
            TilesetFrame::Projected(c) => format!("{c} as given with --crs"),
        }),
        ..Default::default()
    };
    let mut failures = Vec::new();
    for part in parts {
        match part {
            Ok(m) => {
                model.objects.extend(m.objects);
                model.points.extend(m.points);
                model.issues.extend(m.issues);
            }
            Err(e) => failures.push(e),
        }
    }
    let depth = |mut t: usize| {
        let mut d = 0;
        while let Some(p) = set.tiles[t].parent {
            d += 1;
            t = p;
        }
        d
    };
    let max_depth = (0..set.tiles.len()).map(depth).max().unwrap_or(0);
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for t in &set.tiles {
        if let Some(c) = &t.content {
            let path = c.split(['?', '#']).next().unwrap_or(c);
            let ext = std::path::Path::new(path)
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            *kinds.entry(ext).or_default() += 1;
        }
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let mut out = describe_city_model(path, &model);
    out += &format!(
        "Tiles:     {} ({} with content: {}; {} external tilesets; depth {})
",
        set.tiles.len(),
        contents.len(),
        kinds.join(", "),
        set.external_tilesets,
        max_depth
    );
    out += &format!(
        "Root:      geometric error {} m, refine {:?}
",
        set.tiles[0].geometric_error, set.tiles[0].refine
    );
    for w in set.warnings.iter().chain(&failures) {
        out += &format!("  {w}\n");
    }
    Ok(out)
}

/// A DEM: grid size, cell size, CRS, extent, heights, missing cells.
fn describe_dem(path: &Path, crs: Option<&str>) -> anyhow::Result<String> {
    let is_xyz = pw_terrain::is_xyz(path);
    let (mut grid, warnings) = pw_terrain::read_file(path)?;
    if let Some(text) = crs {
        grid.crs = Some(pw_geo::Crs::parse(text)?);
    }
    let (lo, hi, missing) = grid.stats();
    let (x1, y1, x2, y2) = grid.bounds();
    let mut out = String::new();
    out += &format!("File:      {}\n", path.display());
    out += &format!(
        "Kind:      terrain grid ({})\n",
        if is_xyz { "ASCII XYZ" } else { "GeoTIFF" }
    );
    match grid.crs {
        Some(c) => out += &format!("CRS:       {c} ({})\n", c.name()),
        None => out += "CRS:       not stated (give it with --crs or the layer's crs)\n",
    }
    out += &format!(
        "Grid:      {} × {} cells of {} × {}\n",
        grid.width, grid.height, grid.dx, grid.dy
    );
    out += &format!("Extent:    x {x1:.3} … {x2:.3}\n           y {y1:.3} … {y2:.3}\n");
    if lo.is_finite() {
        out += &format!("Heights:   {lo:.2} … {hi:.2}\n");
    }
    out += &format!("No data:   {missing} cells\n");
    for w in warnings {
        out += &format!("  {}: warning: {w}\n", path.display());
    }
    Ok(out)
}

fn describe_vector(path: &Path, crs: Option<&str>) -> anyhow::Result<String> {
    let given = crs.map(pw_geo::Crs::parse).transpose()?;
    let options = pw_vector::CsvOptions {
        crs: given,
        ..Default::default()
    };
    let mut data = pw_vector::read_file(path, &options)?;
    // --crs names the CRS of CSV columns, or of a file that states none.
    if let Some(c) = given.filter(|_| data.crs.is_none()) {
        data.crs = Some(c);
    }
    let mut out = String::new();
    out += &format!(
        "File:      {}
",
        path.display()
    );
    out += &format!(
        "Kind:      {} vector data
",
        data.format
    );
    match (data.crs, &data.crs_text) {
        (Some(c), Some(t)) if t.len() < 80 => {
            out += &format!("CRS:       {c} ({}), written as \"{t}\"\n", c.name())
        }
        (Some(c), _) => out += &format!("CRS:       {c} ({})\n", c.name()),
        (None, _) => out += "CRS:       unknown (give it with --crs or the layer's crs)\n",
    }
    if let Some(e) = data.extent() {
        out += &format!(
            "Extent:    x {:.3} … {:.3}\n           y {:.3} … {:.3}\n",
            e[0], e[2], e[1], e[3]
        );
        if let Some(c) = data.crs
            && let Ok(t) = pw_geo::Reprojector::new(c, pw_geo::Crs::WGS84)
            && let Ok(p) = t.apply([(e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0, 0.0])
        {
            out += &format!("Centre:    {:.6}° N, {:.6}° E (WGS84)\n", p[1], p[0]);
        }
    }
    let kinds: Vec<String> = data
        .geometry_counts()
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    out += &format!(
        "Features:  {} ({})\n",
        data.features.len(),
        kinds.join(", ")
    );
    out += &format!("Fields:    {}\n", data.fields.len());
    for f in &data.fields {
        let example = data
            .features
            .iter()
            .filter_map(|feat| data.field_index(&f.name).and_then(|i| feat.values.get(i)))
            .find(|v| !matches!(v, pw_vector::Value::Null))
            .map(|v| {
                let s = v.to_string();
                if s.chars().count() > 40 {
                    format!("{}…", s.chars().take(40).collect::<String>())
                } else {
                    s
                }
            })
            .unwrap_or_default();
        out += &format!("  {} ({}): {example}\n", f.name, f.kind.name());
    }
    out += &format!("Problems:  {}\n", data.issues.len());
    for i in &data.issues {
        out += &format!("  {}: {i}\n", path.display());
    }
    Ok(out)
}

fn describe_city_model(path: &Path, model: &pw_city::CityModel) -> String {
    let s = model.summary();
    let mut out = String::new();
    out += &format!("File:      {}\n", path.display());
    out += &format!("Kind:      {} city model\n", model.format);
    match (model.crs, &model.crs_text) {
        (Some(crs), Some(text)) => {
            out += &format!("CRS:       {crs} ({}), written as \"{text}\"\n", crs.name())
        }
        (Some(crs), None) => out += &format!("CRS:       {crs} ({})\n", crs.name()),
        (None, Some(text)) => out += &format!("CRS:       unknown: \"{text}\"\n"),
        (None, None) => out += "CRS:       not stated in the file\n",
    }
    if !s.extent.is_empty() {
        out += &format!(
            "Extent:    x {:.3} … {:.3}\n           y {:.3} … {:.3}\n           z {:.3} … {:.3}\n",
            s.extent.min[0],
            s.extent.max[0],
            s.extent.min[1],
            s.extent.max[1],
            s.extent.min[2],
            s.extent.max[2]
        );
        if let Some(crs) = model.crs
            && !crs.is_geographic()
            && let Ok(r) = pw_geo::Reprojector::new(crs, pw_geo::Crs::WGS84)
            && let Ok(c) = r.apply(s.extent.center())
        {
            out += &format!("Centre:    {:.6}° N, {:.6}° E (WGS84)\n", c[1], c[0]);
        }
    }
    out += &format!(
        "Objects:   {} Building, {} BuildingPart\n",
        s.buildings, s.building_parts
    );
    let others: Vec<String> = s
        .by_type
        .iter()
        .filter(|(t, _)| !matches!(t.as_str(), "Building" | "BuildingPart"))
        .map(|(t, n)| format!("{n} {t}"))
        .collect();
    if !others.is_empty() {
        out += &format!("           {}\n", others.join(", "));
    }
    let other = model
        .objects
        .iter()
        .flat_map(|o| &o.surfaces)
        .filter(|x| {
            !matches!(
                x.semantic,
                Semantic::Roof | Semantic::Wall | Semantic::Ground
            )
        })
        .count();
    out += &format!(
        "Surfaces:  {} ({} roof, {} wall, {} ground, {} other/unclassified)\n",
        s.surfaces, s.roof_surfaces, s.wall_surfaces, s.ground_surfaces, other
    );
    out += &format!("Triangles: {}\n", model.triangle_count());
    if !model.points.is_empty() {
        out += &format!("Points:    {}\n", model.points.len());
    }
    for (t, name) in model.themes.iter().enumerate() {
        let looks = || {
            model
                .objects
                .iter()
                .flat_map(|o| &o.surfaces)
                .flat_map(|s| &s.looks)
                .filter(move |l| l.theme as usize == t)
        };
        let textured = looks().filter(|l| l.texture.is_some()).count();
        let coloured = looks().filter(|l| l.color.is_some()).count();
        let label = if t == 0 { "Themes:   " } else { "          " };
        out += &format!("{label} \"{name}\": {textured} textured, {coloured} coloured surfaces\n");
    }
    if !model.texture_images.is_empty() {
        let found = model.texture_images.iter().filter(|p| p.exists()).count();
        out += &format!(
            "Textures:  {} images ({found} found next to the file)\n",
            model.texture_images.len()
        );
    }
    out += &format!("Problems:  {}\n", model.issues.len());
    for issue in model.issues.iter().take(20) {
        out += &format!("  {}: {issue}\n", path.display());
    }
    if model.issues.len() > 20 {
        out += &format!("  … and {} more\n", model.issues.len() - 20);
    }
    out
}

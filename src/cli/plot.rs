//! A plot polygon from a vector file (`--plot parcels.geojson`, or
//! `--set plot=@parcels.geojson#id`): the feature named by id or by any
//! attribute value, else the only polygon, else the one holding the given
//! points (a variant's new buildings) — in the scene CRS.

use pw_geo::Crs;
use std::path::Path;

/// "file#id" → (file, Some(id)).
pub fn split_reference(text: &str) -> (&str, Option<&str>) {
    match text.rsplit_once('#') {
        Some((file, id)) if !id.is_empty() => (file, Some(id)),
        _ => (text.trim_end_matches('#'), None),
    }
}

fn contains(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    pw_plan::polygon::contains(ring, p)
}

/// The plot's outer ring in `scene_crs`.
pub fn read_plot(
    path: &Path,
    id: Option<&str>,
    scene_crs: Option<Crs>,
    inside: &[[f64; 2]],
) -> anyhow::Result<Vec<[f64; 2]>> {
    let mut data = pw_vector::read_file(path, &pw_vector::CsvOptions::default())?;
    if let (Some(target), Some(_)) = (scene_crs, data.crs) {
        data.reproject(target).map_err(|e| {
            anyhow::anyhow!("{}: cannot bring it into {target}: {e}", path.display())
        })?;
    } else if data.crs.is_none() {
        // Without a CRS the coordinates are taken as written; say so when
        // they cannot be the scene's.
        if let (Some(target), Some(e)) = (scene_crs, data.extent())
            && target.horizontal == 25832
            && !(100_000.0..=900_000.0).contains(&e[0])
        {
            anyhow::bail!(
                "{}: the file names no CRS and its eastings ({:.0}) are not EPSG:25832 metres; save it with its CRS",
                path.display(),
                e[0]
            );
        }
    }
    // Each polygon feature: its label (id or first attribute) and the
    // largest part's outer ring.
    let mut plots: Vec<(String, Vec<String>, Vec<[f64; 2]>)> = Vec::new();
    for (i, f) in data.features.iter().enumerate() {
        let Some(pw_vector::Geometry::Polygons(parts)) = &f.geometry else {
            continue;
        };
        let Some(ring) = parts
            .iter()
            .map(|p| p.exterior.iter().map(|c| [c[0], c[1]]).collect::<Vec<_>>())
            .max_by(|a, b| pw_plan::polygon::area(a).total_cmp(&pw_plan::polygon::area(b)))
        else {
            continue;
        };
        let mut ring = ring;
        if ring.len() > 3 && ring.first() == ring.last() {
            ring.pop();
        }
        let label = f.id.clone().unwrap_or_else(|| format!("{}", i + 1));
        let values: Vec<String> = f.values.iter().map(|v| v.to_string()).collect();
        plots.push((label, values, ring));
    }
    anyhow::ensure!(
        !plots.is_empty(),
        "{}: no polygon in the file; a plot must be an area",
        path.display()
    );
    let names = || {
        let mut n: Vec<&str> = plots.iter().map(|p| p.0.as_str()).take(12).collect();
        if plots.len() > 12 {
            n.push("…");
        }
        n.join(", ")
    };
    if let Some(id) = id {
        return plots
            .iter()
            .find(|p| p.0 == id || p.1.iter().any(|v| v == id))
            .map(|p| p.2.clone())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: no polygon with id or value {id:?}; there are {}",
                    path.display(),
                    names()
                )
            });
    }
    if plots.len() == 1 {
        return Ok(plots.remove(0).2);
    }
    let best = plots
        .iter()
        .map(|p| (inside.iter().filter(|q| contains(&p.2, **q)).count(), p))
        .max_by_key(|(n, _)| *n);
    match best {
        Some((n, p)) if n > 0 => Ok(p.2.clone()),
        _ => anyhow::bail!(
            "{}: {} polygons and none holds the variant's new buildings; choose one with --plot-id (ids: {})",
            path.display(),
            plots.len(),
            names()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_a_file_and_maybe_a_feature() {
        assert_eq!(
            split_reference("a/b.geojson#12"),
            ("a/b.geojson", Some("12"))
        );
        assert_eq!(split_reference("a/b.geojson"), ("a/b.geojson", None));
        assert_eq!(split_reference("a/b.geojson#"), ("a/b.geojson", None));
    }
}

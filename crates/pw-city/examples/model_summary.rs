//! Prints what the city model readers find in each file given on the command line.
fn main() {
    for path in std::env::args().skip(1) {
        let t = std::time::Instant::now();
        let p = std::path::Path::new(&path);
        let result = if path.ends_with(".gml") || path.ends_with(".xml") {
            pw_city::citygml::read_file(p, None).map_err(|e| e.to_string())
        } else {
            pw_city::cityjson::read_file(p, None).map_err(|e| e.to_string())
        };
        match result {
            Ok(m) => {
                let s = m.summary();
                println!(
                    "{path}\n  {} crs={:?} types={:?} bldg={} parts={} surfaces={} roof={} wall={} ground={} tris={} issues={} ({:?})\n  extent {:?} {:?}",
                    m.format,
                    m.crs.map(|c| c.to_string()),
                    s.by_type,
                    s.buildings,
                    s.building_parts,
                    s.surfaces,
                    s.roof_surfaces,
                    s.wall_surfaces,
                    s.ground_surfaces,
                    m.triangle_count(),
                    m.issues.len(),
                    t.elapsed(),
                    s.extent.min,
                    s.extent.max
                );
                for i in m.issues.iter().take(3) {
                    println!("  ! {i}");
                }
            }
            Err(e) => println!("{path}: ERROR {e}"),
        }
    }
}

//! Prints what the CityGML reader finds in each file given on the command line.
fn main() {
    for path in std::env::args().skip(1) {
        let t = std::time::Instant::now();
        match pw_city::citygml::read_file(std::path::Path::new(&path), None) {
            Ok(m) => {
                let s = m.summary();
                println!(
                    "{path}\n  {} crs={:?} bldg={} parts={} surfaces={} roof={} wall={} ground={} tris={} issues={} ({:?})\n  extent {:?} {:?}",
                    m.format, m.crs.map(|c| c.to_string()), s.buildings, s.building_parts, s.surfaces,
                    s.roof_surfaces, s.wall_surfaces, s.ground_surfaces, m.triangle_count(), m.issues.len(), t.elapsed(),
                    s.extent.min, s.extent.max
                );
                for i in m.issues.iter().take(3) {
                    println!("  ! {i}");
                }
            }
            Err(e) => println!("{path}: ERROR {e}"),
        }
    }
}

//! Batching and picking on the real NRW tile.

use pw_city::batch::build_batches;
use pw_city::citygml;
use pw_city::pick::{PickIndex, Ray};
use pw_geo::SceneOrigin;
use std::collections::HashSet;
use std::path::PathBuf;

fn nrw() -> pw_city::CityModel {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/citygml/nrw/LoD2_32_280_5657_1_NW.gml");
    citygml::read_file(&p, None).unwrap()
}

#[test]
fn whole_tile_in_one_batch_with_every_triangle() {
    let m = nrw();
    let origin = SceneOrigin::new([280_500.0, 5_657_500.0, 40.0]);
    let batches = build_batches(&m, &origin, 64, None).unwrap();
    assert_eq!(batches.len(), 1, "113 objects fit one draw call");
    let tris: usize = batches.iter().map(|b| b.triangle_count()).sum();
    assert_eq!(tris, m.triangle_count());
    // 133 objects, of which 113 have geometry (one gml:Solid each); 20 Buildings consist only of parts.
    assert_eq!(batches[0].objects.len(), 113);
    // Vertex ranges tile the batch without gaps.
    let mut next = 0;
    for o in &batches[0].objects {
        assert_eq!(o.vertices.start, next);
        next = o.vertices.end;
    }
    assert_eq!(next as usize, batches[0].positions.len());
}

#[test]
fn many_objects_are_cut_into_at_most_max_batches() {
    // 30 copies of the tile side by side: 3990 objects, 3390 with geometry.
    let base = nrw();
    let mut big = base.clone();
    big.objects.clear();
    for k in 0..30 {
        for o in &base.objects {
            let mut o = o.clone();
            o.parent = o.parent.map(|p| p + k * base.objects.len());
            for s in &mut o.surfaces {
                for p in s
                    .exterior
                    .iter_mut()
                    .chain(s.interiors.iter_mut().flatten())
                {
                    p[0] += 1000.0 * (k % 6) as f64;
                    p[1] += 1000.0 * (k / 6) as f64;
                }
            }
            big.objects.push(o);
        }
    }
    let origin = SceneOrigin::new(big.extent().center());
    let batches = build_batches(&big, &origin, 64, None).unwrap();
    assert_eq!(batches.len(), 2, "at least 2000 objects per batch");
    assert_eq!(batches.iter().map(|b| b.objects.len()).sum::<usize>(), 3390);
}

#[test]
fn a_ray_straight_down_picks_the_building_below() {
    let m = nrw();
    let origin = SceneOrigin::new([280_500.0, 5_657_500.0, 40.0]);
    let batches = build_batches(&m, &origin, 64, None).unwrap();
    let index = PickIndex::build(&batches);
    assert_eq!(index.len(), 113);
    // Centre of the first building's roof (DENW43AL00001j2W, roof at 39.68 m).
    let target = m.objects[0].extent().center();
    let local = origin.to_local(target);
    let ray = Ray {
        origin: [local[0], local[1], 500.0],
        dir: [0.0, 0.0, -1.0],
    };
    let hit = index.pick(&batches, &ray, &HashSet::new()).expect("hit");
    assert_eq!(m.objects[hit.object].id, "DENW43AL00001j2W");
    let world_z = origin.to_world(hit.point)[2];
    assert!((world_z - 39.68).abs() < 0.01, "roof height {world_z}");
    // Hidden buildings are not picked; the ray then reaches nothing.
    let hidden: HashSet<usize> = [hit.object].into();
    assert!(
        index
            .pick(&batches, &ray, &hidden)
            .is_none_or(|h| h.object != hit.object)
    );
    // A ray pointing away hits nothing.
    let up = Ray {
        origin: ray.origin,
        dir: [0.0, 0.0, 1.0],
    };
    assert!(index.pick(&batches, &up, &HashSet::new()).is_none());
}

//! The real DEMs in shared/data against GDAL 3.6 (`gdallocationinfo`,
//! `gdalinfo`, Debian's gdal-bin): cell values, nodata, extent, CRS.

use pw_geo::Crs;
use pw_geo::elevation::Elevation;
use pw_terrain::geotiff;
use std::path::PathBuf;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dem")
        .join(rel)
}

#[test]
fn vinschgau_float32_lzw_strips_utm32() {
    let (g, notes) = geotiff::read_file(&data("vinschgau/elev_vinschgau.tif")).unwrap();
    assert!(notes.warnings.is_empty(), "{:?}", notes.warnings);
    assert_eq!((g.width, g.height), (252, 194));
    assert_eq!(g.crs, Some(Crs::epsg(32632)));
    // gdalinfo: Origin (598250, 5193000), Pixel Size (250, -250).
    assert_eq!(
        (g.x0, g.y0, g.dx, g.dy),
        (598_250.0, 5_193_000.0, 250.0, 250.0)
    );
    // gdalinfo -stats: 388 … 3863; 445 nodata cells (-3.4e38).
    assert_eq!(g.stats(), (388.0, 3863.0, 445));
    // gdallocationinfo -valonly (pixel/line):
    assert_eq!(g.value(100, 100), Some(1628.0));
    assert_eq!(g.value(10, 150), Some(2744.0));
    assert_eq!(g.value(200, 5), Some(2609.0));
    assert_eq!(g.value(0, 0), None, "nodata");
    // gdallocationinfo -valonly -geoloc:
    assert_eq!(g.cell_value_at(620_000.0, 5_170_000.0), Some(897.061_7));
    assert_eq!(g.cell_value_at(650_123.4, 5_150_000.9), Some(2415.0));
    assert_eq!(g.cell_value_at(598_300.0, 5_192_900.0), None);
    // Interpolated heights lie between the neighbouring cells.
    let h = g.height_at(620_000.0, 5_170_000.0).unwrap();
    assert!((800.0..1000.0).contains(&h), "{h}");
}

#[test]
fn dfw_int16_tiled_geographic() {
    let (g, _) = geotiff::read_file(&data("pysheds/dem.tif")).unwrap();
    assert_eq!((g.width, g.height), (367, 359));
    assert_eq!(g.crs, Some(Crs::epsg(4326)));
    assert!((g.x0 - -97.485).abs() < 1e-9 && (g.y0 - 32.821_666_666_665).abs() < 1e-9);
    assert!((g.dx - 0.000_833_333_333_333).abs() < 1e-15);
    // gdalinfo -stats: 147 … 298, 100 % valid.
    assert_eq!(g.stats(), (147.0, 298.0, 0));
    assert_eq!(g.value(0, 0), Some(214.0));
    assert_eq!(g.value(183, 179), Some(213.0));
    assert_eq!(g.value(366, 358), Some(216.0));
    assert_eq!(g.value(50, 300), Some(233.0));
    assert_eq!(g.cell_value_at(-97.3, 32.7), Some(191.0));
    assert_eq!(g.cell_value_at(-97.2, 32.6), Some(211.0));
}

#[test]
fn bad_dems_say_what_is_wrong() {
    let dir = std::env::temp_dir().join(format!("pw-dem-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.tif");
    std::fs::write(&empty, b"").unwrap();
    assert!(
        geotiff::read_file(&empty)
            .unwrap_err()
            .to_string()
            .contains("not a readable TIFF")
    );
    let cut = dir.join("cut.tif");
    let bytes = std::fs::read(data("vinschgau/elev_vinschgau.tif")).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert!(geotiff::read_file(&cut).is_err());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plain_tiff_with_a_world_file_and_without_any_georeference() {
    // A 20 × 20 crop of the Vinschgau DEM written by gdal_translate with
    // PROFILE=BASELINE (no GeoTIFF tags) and TFW=YES (world file).
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let (g, _) = geotiff::read_file(&dir.join("vinschgau_crop_baseline.tif")).unwrap();
    assert_eq!(
        g.crs, None,
        "a world file carries no CRS: the scene names it"
    );
    // .tfw: pixel centre 620875 / 5170375 → corner 620750 / 5170500 (= pixel 90/90).
    assert_eq!(
        (g.x0, g.y0, g.dx, g.dy),
        (620_750.0, 5_170_500.0, 250.0, 250.0)
    );
    assert_eq!(
        g.value(10, 10),
        Some(1628.0),
        "pixel 100/100 of the original"
    );
    let err = geotiff::read_file(&dir.join("no_georef.tif"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no georeference") && err.contains(".tfw"),
        "{err}"
    );
}

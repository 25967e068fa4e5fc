//! Road surface corrections α (per band) and β of CNOSSOS-EU per category 1–3,
//! as NoiseModelling ships them (RoadCnossos_2020.json = Directive (EU) 2021/1226;
//! RoadCnossos_2015.json = 2015/996). The reference surface `DEF` is 0 everywhere.
//! Transcribed from the directive's table F-4 (FR_R2 from Cerema 2016, as
//! NoiseModelling has it); data, not code.

use crate::bands::Bands;

/// One surface: id, description, the speed range it was measured for (km/h),
/// and (α, β) for categories 1, 2, 3.
pub struct SurfaceTable {
    pub id: &'static str,
    pub description: &'static str,
    pub speed_range_kmh: (f64, f64),
    pub categories: [(Bands, f64); 3],
}

const ZERO: (Bands, f64) = ([0.0; 8], 0.0);

pub const SURFACES_2020: &[SurfaceTable] = &[
    SurfaceTable {
        id: "NL01",
        description: "1-layer ZOAB",
        speed_range_kmh: (50.0, 130.0),
        categories: [
            ([0.0, 5.4, 4.3, 4.2, -1.0, -3.2, -2.6, 0.8], -6.5),
            ([7.9, 4.3, 5.3, -0.4, -5.2, -4.6, -3.0, -1.4], 0.2),
            ([9.3, 5.0, 5.5, -0.4, -5.2, -4.6, -3.0, -1.4], 0.2),
        ],
    },
    SurfaceTable {
        id: "NL02",
        description: "2-layer ZOAB",
        speed_range_kmh: (50.0, 130.0),
        categories: [
            ([1.6, 4.0, 0.3, -3.0, -4.0, -6.2, -4.8, -2.0], -3.0),
            ([7.3, 2.0, -0.3, -5.2, -6.1, -6.0, -4.4, -3.5], 4.7),
            ([8.3, 2.2, -0.4, -5.2, -6.2, -6.1, -4.5, -3.5], 4.7),
        ],
    },
    SurfaceTable {
        id: "NL03",
        description: "2-layer ZOAB (fine)",
        speed_range_kmh: (80.0, 130.0),
        categories: [
            ([-1.0, 3.0, -1.5, -5.3, -6.3, -8.5, -5.3, -2.4], -0.1),
            ([7.9, 0.1, -1.9, -5.9, -6.1, -6.8, -4.9, -3.8], -0.8),
            ([9.4, 0.2, -1.9, -5.9, -6.1, -6.7, -4.8, -3.8], -0.9),
        ],
    },
    SurfaceTable {
        id: "NL04",
        description: "SMA-NL5",
        speed_range_kmh: (40.0, 80.0),
        categories: [
            ([10.3, -0.9, 0.9, 1.8, -1.8, -2.7, -2.0, -1.3], -1.6),
            ([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0),
            ([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0),
        ],
    },
    SurfaceTable {
        id: "NL05",
        description: "SMA-NL8",
        speed_range_kmh: (40.0, 80.0),
        categories: [
            ([6.0, 0.3, 0.3, 0.0, -0.6, -1.2, -0.7, -0.7], -1.4),
            ([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0),
            ([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0),
        ],
    },
    SurfaceTable {
        id: "NL06",
        description: "brushed down concrete",
        speed_range_kmh: (70.0, 120.0),
        categories: [
            ([8.2, -0.4, 2.8, 2.7, 2.5, 0.8, -0.3, -0.1], 1.4),
            ([0.3, 4.5, 2.5, -0.2, -0.1, -0.5, -0.9, -0.8], 5.0),
            ([0.2, 5.3, 2.5, -0.2, -0.1, -0.6, -1.0, -0.9], 5.5),
        ],
    },
    SurfaceTable {
        id: "NL07",
        description: "optimised brushed down concrete",
        speed_range_kmh: (70.0, 80.0),
        categories: [
            ([-0.2, -0.7, 1.4, 1.2, 1.1, -1.6, -2.0, -1.8], 1.0),
            ([-0.7, 3.0, -2.0, -1.4, -1.8, -2.7, -2.0, -1.9], -6.6),
            ([-0.5, 4.2, -1.9, -1.3, -1.7, -2.5, -1.8, -1.8], -6.6),
        ],
    },
    SurfaceTable {
        id: "NL08",
        description: "fine broomed concrete",
        speed_range_kmh: (70.0, 120.0),
        categories: [
            ([8.0, -0.7, 4.8, 2.2, 1.2, 2.6, 1.5, -0.6], 7.6),
            ([0.2, 8.6, 7.1, 3.2, 3.6, 3.1, 0.7, 0.1], 3.2),
            ([0.1, 9.8, 7.4, 3.2, 3.1, 2.4, 0.4, 0.0], 2.0),
        ],
    },
    SurfaceTable {
        id: "NL09",
        description: "worked surface",
        speed_range_kmh: (50.0, 130.0),
        categories: [
            ([8.3, 2.3, 5.1, 4.8, 4.1, 0.1, -1.0, -0.8], -0.3),
            ([0.1, 6.3, 5.8, 1.8, -0.6, -2.0, -1.8, -1.6], 1.7),
            ([0.0, 7.4, 6.2, 1.8, -0.7, -2.1, -1.9, -1.7], 1.4),
        ],
    },
    SurfaceTable {
        id: "NL10",
        description: "hard elements in herring-bone",
        speed_range_kmh: (30.0, 60.0),
        categories: [
            ([27.0, 16.2, 14.7, 6.1, 3.0, -1.0, 1.2, 4.5], 2.5),
            ([29.5, 20.0, 17.6, 8.0, 6.2, -1.0, 3.1, 5.2], 2.5),
            ([29.4, 21.2, 18.2, 8.4, 5.6, -1.0, 3.0, 5.8], 2.5),
        ],
    },
    SurfaceTable {
        id: "NL11",
        description: "hard elements not in herring-bone",
        speed_range_kmh: (30.0, 60.0),
        categories: [
            ([31.4, 19.7, 16.8, 8.4, 7.2, 3.3, 7.8, 9.1], 2.9),
            ([34.0, 23.6, 19.8, 10.5, 11.7, 8.2, 12.2, 10.0], 2.9),
            ([33.8, 24.7, 20.4, 10.9, 10.9, 6.8, 12.0, 10.8], 2.9),
        ],
    },
    SurfaceTable {
        id: "NL12",
        description: "quiet hard elements",
        speed_range_kmh: (30.0, 60.0),
        categories: [
            ([26.8, 13.7, 11.9, 3.9, -1.8, -5.8, -2.7, 0.2], -1.7),
            ([9.2, 5.7, 4.8, 2.3, 4.4, 5.1, 5.4, 0.9], 0.0),
            ([9.1, 6.6, 5.2, 2.6, 3.9, 3.9, 5.2, 1.1], 0.0),
        ],
    },
    SurfaceTable {
        id: "NL13",
        description: "thin layer A",
        speed_range_kmh: (40.0, 130.0),
        categories: [
            ([10.4, 0.7, -0.6, -1.2, -3.0, -4.8, -3.4, -1.4], -2.9),
            ([13.8, 5.4, 3.9, -0.4, -1.8, -2.1, -0.7, -0.2], 0.5),
            ([14.1, 6.1, 4.1, -0.4, -1.8, -2.1, -0.7, -0.2], 0.3),
        ],
    },
    SurfaceTable {
        id: "NL14",
        description: "thin layer B",
        speed_range_kmh: (40.0, 130.0),
        categories: [
            ([6.8, -1.2, -1.2, -0.3, -4.9, -7.0, -4.8, -3.2], -1.8),
            ([13.8, 5.4, 3.9, -0.4, -1.8, -2.1, -0.7, -0.2], 0.5),
            ([14.1, 6.1, 4.1, -0.4, -1.8, -2.1, -0.7, -0.2], 0.5),
        ],
    },
    SurfaceTable {
        id: "FR_R2",
        description: "French R2 non-porous (Cerema 2016; not in the Directive)",
        speed_range_kmh: (30.0, 130.0),
        categories: [
            ([10.8, 11.4, 12.0, 7.5, 1.5, -0.9, 1.1, 3.1], -2.7),
            ([20.6, 17.1, 13.7, 9.8, 10.2, 10.8, 10.1, 9.2], -1.2),
            ([16.7, 13.6, 10.6, 5.3, 6.3, 6.9, 6.3, 5.8], 3.5),
        ],
    },
];

pub const SURFACES_2015: &[SurfaceTable] = &[
    SurfaceTable {
        id: "NL01",
        description: "1-layer ZOAB",
        speed_range_kmh: (50.0, 130.0),
        categories: [
            ([0.5, 3.3, 2.4, 3.2, -1.3, -3.5, -2.6, 0.5], -6.5),
            ([0.9, 1.4, 1.8, -0.4, -5.2, -4.6, -3.0, -1.4], 0.2),
            ([0.9, 1.4, 1.8, -0.4, -5.2, -4.6, -3.0, -1.4], 0.2),
        ],
    },
    SurfaceTable {
        id: "NL02",
        description: "2-layer ZOAB",
        speed_range_kmh: (50.0, 130.0),
        categories: [
            ([0.4, 2.4, 0.2, -3.1, -4.2, -6.3, -4.8, -2.0], -3.0),
            ([0.4, 0.2, -0.7, -5.4, -6.3, -6.3, -4.7, -3.7], 4.7),
            ([0.4, 0.2, -0.7, -5.4, -6.3, -6.3, -4.7, -3.7], 4.7),
        ],
    },
    SurfaceTable {
        id: "NL03",
        description: "2-layer ZOAB (fine)",
        speed_range_kmh: (80.0, 130.0),
        categories: [
            ([-1.0, 1.7, -1.5, -5.3, -6.3, -8.5, -5.3, -2.4], -0.1),
            ([1.0, 0.1, -1.8, -5.9, -6.1, -6.7, -4.8, -3.8], -0.8),
            ([1.0, 0.1, -1.8, -5.9, -6.1, -6.7, -4.8, -3.8], -0.8),
        ],
    },
    SurfaceTable {
        id: "NL04",
        description: "SMA-NL5",
        speed_range_kmh: (40.0, 80.0),
        categories: [
            ([1.1, -1.0, 0.2, 1.3, -1.9, -2.8, -2.1, -1.4], -1.0),
            ZERO,
            ZERO,
        ],
    },
    SurfaceTable {
        id: "NL05",
        description: "SMA-NL8",
        speed_range_kmh: (40.0, 80.0),
        categories: [
            ([0.3, 0.0, 0.0, -0.1, -0.7, -1.3, -0.8, -0.8], -1.0),
            ZERO,
            ZERO,
        ],
    },
    SurfaceTable {
        id: "NL06",
        description: "brushed down concrete",
        speed_range_kmh: (70.0, 120.0),
        categories: [
            ([1.1, -0.4, 1.3, 2.2, 2.5, 0.8, -0.2, -0.1], 1.4),
            ([0.0, 1.1, 0.4, -0.3, -0.2, -0.7, -1.1, -1.0], 4.4),
            ([0.0, 1.1, 0.4, -0.3, -0.2, -0.7, -1.1, -1.0], 4.4),
        ],
    },
    SurfaceTable {
        id: "NL07",
        description: "optimised brushed down concrete",
        speed_range_kmh: (70.0, 80.0),
        categories: [
            ([-0.2, -0.7, 0.6, 1.0, 1.1, -1.5, -2.0, -1.8], 1.0),
            ([-0.3, 1.0, -1.7, -1.2, -1.6, -2.4, -1.7, -1.7], -6.6),
            ([-0.3, 1.0, -1.7, -1.2, -1.6, -2.4, -1.7, -1.7], -6.6),
        ],
    },
    SurfaceTable {
        id: "NL08",
        description: "fine broomed concrete",
        speed_range_kmh: (70.0, 120.0),
        categories: [
            ([1.1, -0.5, 2.7, 2.1, 1.6, 2.7, 1.3, -0.4], 7.7),
            ([0.0, 3.3, 2.4, 1.9, 2.0, 1.2, 0.1, 0.0], 3.7),
            ([0.0, 3.3, 2.4, 1.9, 2.0, 1.2, 0.1, 0.0], 3.7),
        ],
    },
    SurfaceTable {
        id: "NL09",
        description: "worked surface",
        speed_range_kmh: (50.0, 130.0),
        categories: [
            ([1.1, 1.0, 2.6, 4.0, 4.0, 0.1, -1.0, -0.8], -0.2),
            ([0.0, 2.0, 1.8, 1.0, -0.7, -2.1, -1.9, -1.7], 1.7),
            ([0.0, 2.0, 1.8, 1.0, -0.7, -2.1, -1.9, -1.7], 1.7),
        ],
    },
    SurfaceTable {
        id: "NL10",
        description: "hard elements in herring-bone",
        speed_range_kmh: (30.0, 60.0),
        categories: [
            ([8.3, 8.7, 7.8, 5.0, 3.0, -0.7, 0.8, 1.8], 2.5),
            ([8.3, 8.7, 7.8, 5.0, 3.0, -0.7, 0.8, 1.8], 2.5),
            ([8.3, 8.7, 7.8, 5.0, 3.0, -0.7, 0.8, 1.8], 2.5),
        ],
    },
    SurfaceTable {
        id: "NL11",
        description: "hard elements not in herring-bone",
        speed_range_kmh: (30.0, 60.0),
        categories: [
            ([12.3, 11.9, 9.7, 7.1, 7.1, 2.8, 4.7, 4.5], 2.9),
            ([12.3, 11.9, 9.7, 7.1, 7.1, 2.8, 4.7, 4.5], 2.9),
            ([12.3, 11.9, 9.7, 7.1, 7.1, 2.8, 4.7, 4.5], 2.9),
        ],
    },
    SurfaceTable {
        id: "NL12",
        description: "quiet hard elements",
        speed_range_kmh: (30.0, 60.0),
        categories: [
            ([7.8, 6.3, 5.2, 2.8, -1.9, -6.0, -3.0, -0.1], -1.7),
            ([0.2, 0.7, 0.7, 1.1, 1.8, 1.2, 1.1, 0.2], 0.0),
            ([0.2, 0.7, 0.7, 1.1, 1.8, 1.2, 1.1, 0.2], 0.0),
        ],
    },
    SurfaceTable {
        id: "NL13",
        description: "thin layer A",
        speed_range_kmh: (40.0, 130.0),
        categories: [
            ([1.1, 0.1, -0.7, -1.3, -3.1, -4.9, -3.5, -1.5], -2.5),
            ([1.6, 1.3, 0.9, -0.4, -1.8, -2.1, -0.7, -0.2], 0.5),
            ([1.6, 1.3, 0.9, -0.4, -1.8, -2.1, -0.7, -0.2], 0.5),
        ],
    },
    SurfaceTable {
        id: "NL14",
        description: "thin layer B",
        speed_range_kmh: (40.0, 130.0),
        categories: [
            ([0.4, -1.3, -1.3, -0.4, -5.0, -7.1, -4.9, -3.3], -1.5),
            ([1.6, 1.3, 0.9, -0.4, -1.8, -2.1, -0.7, -0.2], 0.5),
            ([1.6, 1.3, 0.9, -0.4, -1.8, -2.1, -0.7, -0.2], 0.5),
        ],
    },
    SurfaceTable {
        id: "FR_R2",
        description: "French R2 non-porous (Cerema 2016; not in the Directive)",
        speed_range_kmh: (30.0, 130.0),
        categories: [
            ([10.8, 11.4, 12.0, 7.5, 1.5, -0.9, 1.1, 3.1], -2.7),
            ([20.6, 17.1, 13.7, 9.8, 10.2, 10.8, 10.1, 9.2], -1.2),
            ([16.7, 13.6, 10.6, 5.3, 6.3, 6.9, 6.3, 5.8], 3.5),
        ],
    },
];

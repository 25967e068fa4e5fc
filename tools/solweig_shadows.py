"""Shadow masks from SOLWEIG (PyPI `solweig`, UMEP) for the peer comparison
in crates/pw-shadow/tests/peers.rs and the side-by-side benchmark.

usage: solweig_shadows.py DSM.tif OUT_DIR "az,el;az,el;..." [REPEATS]

Writes OUT_DIR/solweig_<k>.bin (row-major uint8, 1 = shadow) per sun
position and prints one JSON line with the mean milliseconds per position
of SOLWEIG's CPU shadow routine (GPU switched off).
"""
import json
import sys
import time

import numpy as np
import rasterio
import solweig.rustalgos as ra

dsm_path, out_dir, positions = sys.argv[1], sys.argv[2], sys.argv[3]
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 1
ra.shadowing.disable_gpu()
with rasterio.open(dsm_path) as src:
    dsm = src.read(1).astype(np.float32)
    scale = float(src.transform.a)
# SOLWEIG's own hint: the highest obstacle above the lowest ground.
max_height = float(np.nanmax(dsm) - np.nanmin(dsm))
timings = []
for k, pair in enumerate(positions.split(";")):
    az, el = (float(v) for v in pair.split(","))
    start = time.perf_counter()
    for _ in range(repeats):
        result = ra.shadowing.calculate_shadows_wall_ht_25(az, el, scale, max_height, dsm)
    timings.append((time.perf_counter() - start) / repeats * 1000.0)
    lit = np.asarray(result.bldg_sh)
    (lit < 0.5).astype(np.uint8).tofile(f"{out_dir}/solweig_{k}.bin")
print(json.dumps({"ms_per_position": timings, "version": __import__("solweig").__version__}))

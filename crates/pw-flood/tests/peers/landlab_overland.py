"""landlab's OverlandFlow (de Almeida et al. 2012) on the cases
crates/pw-flood/tests/peers.rs runs with our scheme: prints JSON with the
depths of the middle row at the end, the steps and the seconds spent.

usage: landlab_overland.py CASE   (hunter | plane | speed)
"""
import json
import sys
import time

import numpy as np
from landlab import RasterModelGrid
from landlab.components import OverlandFlow


def middle_row(grid, h):
    rows, cols = grid.shape
    return h.reshape(rows, cols)[rows // 2].tolist()


def hunter():
    # de Almeida et al. (2012): 25 m cells, n = 0.01, u = 0.4 m/s, 1 h; the
    # west column held at h(0, t) of Hunter et al. (2005).
    n, u, dx, t_end = 0.01, 0.4, 25.0, 3600.0
    grid = RasterModelGrid((3, 240), xy_spacing=dx)
    grid.add_zeros("topographic__elevation", at="node")
    h = grid.add_zeros("surface_water__depth", at="node")
    grid.set_closed_boundaries_at_grid_edges(False, True, False, True)
    west = grid.nodes[:, 0]
    of = OverlandFlow(grid, mannings_n=n, steep_slopes=True, alpha=0.7, theta=0.7)
    t, steps = 0.0, 0
    start = time.perf_counter()
    while t < t_end - 1e-9:
        h[west] = (7.0 / 3.0 * n * n * u ** 3 * t) ** (3.0 / 7.0)
        dt = min(of.calc_time_step(), t_end - t)
        of.run_one_step(dt=dt)
        t += dt
        steps += 1
    return {"depth": middle_row(grid, h), "steps": steps,
            "seconds": time.perf_counter() - start, "cells": 240 * 3}


def plane(rows=5, cols=40, t_end=3600.0):
    # A plane falling 1 % to the east, 5 m cells, n = 0.03, 50 mm/h of rain;
    # the east side open, the others closed.
    dx, slope, n, rain = 5.0, 0.01, 0.03, 0.05 / 3600.0
    grid = RasterModelGrid((rows, cols), xy_spacing=dx)
    z = grid.add_field("topographic__elevation",
                       (cols - 1 - grid.node_x / dx) * dx * slope + 1.0, at="node")
    h = grid.add_zeros("surface_water__depth", at="node")
    grid.set_closed_boundaries_at_grid_edges(False, True, True, True)
    of = OverlandFlow(grid, mannings_n=n, steep_slopes=True, alpha=0.7, theta=0.7,
                      rainfall_intensity=rain)
    t, steps = 0.0, 0
    start = time.perf_counter()
    while t < t_end - 1e-9:
        dt = min(of.calc_time_step(), t_end - t)
        of.run_one_step(dt=dt)
        t += dt
        steps += 1
    del z
    return {"depth": middle_row(grid, h), "steps": steps,
            "seconds": time.perf_counter() - start, "cells": rows * cols}


if __name__ == "__main__":
    case = sys.argv[1]
    if case == "hunter":
        out = hunter()
    elif case == "plane":
        out = plane()
    elif case == "speed":
        # The plane on 500 × 500 cells for 10 simulated minutes.
        out = plane(rows=500, cols=500, t_end=600.0)
        out["depth"] = []
    else:
        sys.exit(f"unknown case {case}")
    json.dump(out, sys.stdout)

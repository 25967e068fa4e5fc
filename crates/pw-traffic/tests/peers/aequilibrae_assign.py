#!/usr/bin/env python3
"""Peer run: AequilibraE 1.7.2 static user-equilibrium assignment on a TNTP network.

Used by pw-traffic's tests (flows) and benchmarks (run times). Needs `pip install aequilibrae==1.7.2`.
Writes `init_node,term_node,flow,cost` per link in net-file order and prints one JSON line.
"""
import argparse
import json
import os
import re
import sys
import time

import numpy as np
import pandas as pd

# Progress bars (tqdm, on every iteration) would be timed with the assignment; AequilibraE reads this on import.
os.environ["AEQ_SHOW_PROGRESS"] = "FALSE"
from aequilibrae.matrix import AequilibraeMatrix
from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass

# AequilibraE refuses zero free-flow times (set_time_field checks `min() <= 0`); TNTP
# connectors (e.g. Chicago-Sketch) have 0. This stand-in (minutes) changes no path and no cost visibly.
MIN_FREE_FLOW_TIME = 1e-6


def read_metadata(text):
    return {k.strip(): v.strip() for k, v in re.findall(r"<([^>]+)>([^<\n]*)", text.split("<END OF METADATA>")[0])}


def read_net(path):
    text = open(path).read()
    meta = read_metadata(text)
    rows = [line.strip().rstrip(";").split() for line in text.split("<END OF METADATA>")[1].splitlines()]
    rows = [r[:10] for r in rows if r and not r[0].startswith("~")]
    cols = ["a_node", "b_node", "capacity", "length", "free_flow_time", "b", "power", "speed", "toll", "link_type"]
    net = pd.DataFrame(rows, columns=cols).astype(float).astype({"a_node": np.int64, "b_node": np.int64})
    return net, int(meta["NUMBER OF ZONES"]), int(meta["FIRST THRU NODE"])


def read_trips(path, zones):
    text = open(path).read().split("<END OF METADATA>")[1]
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("~"))
    demand = np.zeros((zones, zones))
    origin = None
    # Tokens in file order: `Origin N` starts a block (some blocks are empty), `dest : flow` fills it.
    for o, dest, flow in re.findall(r"Origin\s+(\d+)|(\d+)\s*:\s*([^;\s]+)", text):
        if o:
            origin = int(o)
        else:
            demand[origin - 1, int(dest) - 1] = float(flow)
    return demand


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--net", required=True)
    p.add_argument("--trips", required=True)
    p.add_argument("--gap", type=float, default=1e-4, help="relative gap target (|TSTT-SPTT|/TSTT)")
    p.add_argument("--algorithm", default="bfw", help="msa, fw, cfw or bfw")
    p.add_argument("--cores", type=int, default=1)
    p.add_argument("--max-iter", type=int, default=10000)
    p.add_argument(
        "--length-cost",
        type=float,
        default=0.0,
        help="generalized cost per length unit added to link time (Chicago-Sketch's published solution uses 0.04)",
    )
    p.add_argument("--out", required=True)
    a = p.parse_args()
    t_total = time.perf_counter()

    net, zones, first_thru = read_net(a.net)
    # AequilibraE can only block all centroids or none, so FIRST THRU NODE must be 1 or zones + 1.
    if first_thru not in (1, zones + 1):
        sys.exit(f"FIRST THRU NODE {first_thru} is neither 1 nor zones + 1 ({zones + 1})")
    demand = read_trips(a.trips, zones)

    # Link ids 1..n in file order, all one-way (direction 1): results map back 1:1 to net rows.
    network = net.assign(link_id=np.arange(1, len(net) + 1), direction=1)
    network["free_flow_time"] = network["free_flow_time"].clip(lower=MIN_FREE_FLOW_TIME)
    network["fixed_cost"] = a.length_cost * network["length"]
    graph = Graph()
    graph.network = network
    # Zones are nodes 1..zones; the matrix index below must list the same ids in the same order.
    centroids = np.arange(1, zones + 1, dtype=np.int64)
    graph.prepare_graph(centroids)
    graph.set_graph("free_flow_time")
    graph.set_blocked_centroid_flows(first_thru > zones)  # zones are no through nodes

    matrix = AequilibraeMatrix()
    matrix.create_empty(zones=zones, matrix_names=["demand"], memory_only=True)
    matrix.index[:] = centroids
    matrix.matrix["demand"][:, :] = demand
    matrix.computational_view(["demand"])

    tc = TrafficClass("car", graph, matrix)
    if a.length_cost:
        tc.set_fixed_cost("fixed_cost")
    assig = TrafficAssignment()
    assig.set_classes([tc])
    assig.set_vdf("BPR")  # t = t0 * (1 + b * (v / c) ** power), as in TNTP
    assig.set_vdf_parameters({"alpha": "b", "beta": "power"})
    assig.set_capacity_field("capacity")
    assig.set_time_field("free_flow_time")
    assig.set_cores(a.cores)
    assig.set_algorithm(a.algorithm)  # must come last: it snapshots the settings above
    assig.max_iter = a.max_iter
    assig.rgap_target = a.gap

    t_assign = time.perf_counter()
    assig.execute()
    seconds = time.perf_counter() - t_assign

    res = assig.results().loc[network["link_id"]]
    flow = res["demand_ab"].to_numpy()
    # Cost as in TNTP flow files: congested time plus the fixed (length) cost used in the equilibrium.
    cost = res["Congested_Time_AB"].to_numpy() + network["fixed_cost"].to_numpy()
    pd.DataFrame({"init_node": net["a_node"], "term_node": net["b_node"], "flow": flow, "cost": cost}).to_csv(
        a.out, index=False, float_format="%.10g"
    )
    report = {
        "algorithm": assig.algorithm,
        "gap_target": a.gap,
        "gap_reached": float(assig.assignment.rgap),
        "iterations": int(assig.assignment.iter),
        "seconds": round(seconds, 4),
        "seconds_total": round(time.perf_counter() - t_total, 4),
        "cores": assig.cores,
        "tstt": float(np.sum(flow * cost)),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()

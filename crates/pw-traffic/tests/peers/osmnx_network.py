#!/usr/bin/env python3
"""Peer run: OSMnx 2.x unsimplified car network from an OSM extract, to check pw-traffic's OSM import.

Usage: python osmnx_network.py --osm file.osm.gz --out summary.json   (needs `pip install osmnx`
and osmium-tool on PATH). Way selection is done by osmium tags-filter, graph building and lengths
by OSMnx; only the direction rule is ours (OSMnx's differs, see apply_our_directions).
"""
import argparse, json, subprocess, tempfile, time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import networkx as nx
import osmnx as ox

CAR = "motorway,motorway_link,trunk,trunk_link,primary,primary_link,secondary,secondary_link," \
      "tertiary,tertiary_link,unclassified,residential,living_street,service,road"
CAR_OK = "yes,destination,permissive"
OSMNX_RADIUS_M = 6_371_009.0  # osmnx.distance.EARTH_RADIUS_M (haversine); our Rust uses 6,371,008.8


def osmium(*args):
    subprocess.run(["osmium", *args, "--no-progress", "-O"], check=True)


def select_car_ways(src, tmp):
    """Our selection rules, expressed with osmium only. osmium reads .osm/.osm.gz/.osm.bz2/.pbf
    itself, so no separate decompression is needed; the result is plain XML for OSMnx."""
    t = lambda name: str(tmp / name)
    # -R: ways only, nodes are added back at the end so that no orphan node survives.
    osmium("tags-filter", src, f"w/highway={CAR}", "-R", "-o", t("cand.osm"))
    # access=no/private is dropped unless motor_vehicle/motorcar re-allow cars: osmium has no
    # "unless", so collect restricted ways, keep those without a car exception, remove them by id.
    osmium("tags-filter", t("cand.osm"), "w/access=no,private", "-R", "-o", t("restricted.osm"))
    osmium("tags-filter", "-i", t("restricted.osm"), f"w/motor_vehicle={CAR_OK}",
           f"w/motorcar={CAR_OK}", "-o", t("drop.osm"))
    osmium("tags-filter", "-i", t("cand.osm"), "w/area=yes", "w/service=parking_aisle,driveway",
           "w/motor_vehicle=no", "w/motorcar=no", "-o", t("kept1.osm"))
    osmium("removeid", t("kept1.osm"), "-I", t("drop.osm"), "-o", t("ways.osm"))
    # getid -r: the kept ways plus exactly the nodes they reference (OSMnx adds every node in the
    # file to the graph, so the node count is then "distinct node ids on selected ways").
    osmium("getid", src, "-I", t("ways.osm"), "-r", "-o", t("car.osm"))
    return t("car.osm")


def our_direction(tags):
    """1 = forward only, -1 = backward only, 0 = both. OSMnx's own rule (graph._is_path_one_way)
    differs: it also reads oneway=T/F (Geofabrik shapefile codes), ignores junction=circular and
    never makes highway=motorway implicitly one-way."""
    oneway = tags.get("oneway")
    if oneway in ("yes", "true", "1", "-1", "reverse", "no", "false", "0"):
        return {"-1": -1, "reverse": -1, "no": 0, "false": 0, "0": 0}.get(oneway, 1)
    return int(tags.get("junction") in ("roundabout", "circular") or tags.get("highway") == "motorway")


def apply_our_directions(g_fwd):
    """g_fwd was built with settings.all_oneway=True: one edge per consecutive node pair in OSM
    node order, raw tag strings kept. Re-orient or double each edge by our rule; the length is
    OSMnx's haversine value, reused for the reverse edge."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(g_fwd.nodes(data=True))
    for u, v, d in g_fwd.edges(data=True):
        direction = our_direction(d)
        d = dict(d, one_way=direction != 0)
        if direction >= 0:
            g.add_edge(u, v, **d)
        if direction <= 0:
            g.add_edge(v, u, **d)
    return g


def summarise(g):
    edges = [d for _, _, d in g.edges(data=True)]
    return {"directed_edges": len(edges), "length_m": sum(d["length"] for d in edges),
            "oneway_edges": sum(1 for d in edges if d["one_way"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osm", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        car = select_car_ways(str(Path(args.osm).resolve()), Path(tmp))
        # simplify=False: one edge per OSM node pair; retain_all=True: keep every component.
        ox.settings.all_oneway = True
        g_fwd = ox.graph_from_xml(car, bidirectional=False, simplify=False, retain_all=True)
        # For comparison only: the same file under OSMnx's own one-way rule.
        ox.settings.all_oneway = False
        g_native = ox.graph_from_xml(car, bidirectional=False, simplify=False, retain_all=True)
    g = apply_our_directions(g_fwd)
    for _, _, d in g_native.edges(data=True):
        d["one_way"] = d["oneway"]  # OSMnx stores its decision as a bool here
    per_highway = Counter(d["highway"] for _, _, d in g.edges(data=True))
    ours = summarise(g)
    out = {
        "osmnx_version": version("osmnx"),
        "nodes": g.number_of_nodes(),
        "directed_edges": ours["directed_edges"],
        "length_m": ours["length_m"],  # haversine with OSMnx's R = 6,371,009 m
        # haversine is linear in R, so this is the exact value for R = 6,371,008.8 m
        "length_m_r6371008_8": ours["length_m"] * 6_371_008.8 / OSMNX_RADIUS_M,
        "ways": len({d["osmid"] for _, _, d in g.edges(data=True)}),
        "oneway_edges": ours["oneway_edges"],  # by OUR rule (OSMnx's rule: osmnx_native)
        "per_highway": dict(sorted(per_highway.items())),
        "self_loops": nx.number_of_selfloops(g),
        "osmnx_native": summarise(g_native),
        "seconds": round(time.perf_counter() - t0, 3),
    }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out))


if __name__ == "__main__":
    main()

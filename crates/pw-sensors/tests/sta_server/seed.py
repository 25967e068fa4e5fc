"""Seeds the SensorThings test server from the real Jena answers in
shared/data/sensors/jena: traffic-signal controller K440 with its 99
datastreams (names as sensiNact serves them), and the Goldbergrampe bike
counter with its four 15-minute series (480 values each, 2026-01-08…12).
A bus (bus359, named like sensiNact's providers) with four
HistoricalLocations exercises moving Things; no real bus track is in the
data, so its places are a stand-in along Jena's Westbahnhofstraße, as is
K440's position (the datastreams file carries none). The bike counter
stands where the platform's site list puts it (50.888 N, 11.612 E).
Run: python seed.py <shared/data/sensors/jena>. Writes through the ORM
(fast and exact); the tests then read everything over HTTP."""
import json
import os
import sys
from datetime import datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sta_site.settings")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import django  # noqa: E402

django.setup()
from sensorthings.versions.v1_1.backends.django import models as m  # noqa: E402

jena = sys.argv[1]
MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"

sensor = m.Sensor.objects.create(
    name="Jena urban data platform", description="sensiNact", encoding_type="text/html", metadata="-"
)


def thing(name, description, lon, lat):
    t = m.Thing.objects.create(name=name, description=description)
    loc = m.Location.objects.create(
        name=name,
        description=description,
        location={"type": "Point", "coordinates": [lon, lat]},
    )
    loc.things.add(t)
    return t


def prop(name):
    p, _ = m.ObservedProperty.objects.get_or_create(
        name=name, defaults={"definition": f"urn:jena:{name}", "description": name}
    )
    return p


k440 = thing("K440", "Lichtsignalanlage K440", 11.5865, 50.9279)
with open(os.path.join(jena, "sensinact_sta_datastreams_K440.json"), encoding="utf-8") as f:
    for d in json.load(f)["value"]:
        unit = d.get("unitOfMeasurement") or {}
        m.Datastream.objects.create(
            name=d["@iot.id"],
            description=d.get("description") or "-",
            unit_of_measurement={
                "name": unit.get("name") or "-",
                "symbol": unit.get("symbol") or "-",
                "definition": unit.get("definition") or "-",
            },
            observation_type=MEASUREMENT,
            thing=k440,
            sensor=sensor,
            observed_property=prop(d["name"]),
        )

bikes = thing("Jena-Goldbergrampe", "Radzählstelle", 11.612, 50.888)
foi = m.FeatureOfInterest.objects.create(
    name="Goldbergrampe",
    description="Radweg",
    encoding_type="application/geo+json",
    feature={"type": "Point", "coordinates": [11.612, 50.888]},
)
with open(os.path.join(jena, "bike_counter_goldbergrampe_rawTraffic.json"), encoding="utf-8") as f:
    for flow in json.load(f):
        ds = m.Datastream.objects.create(
            name=flow["flowName"],
            description=f"flow {flow['flowID']} {flow['direction']}",
            unit_of_measurement={"name": "Fahrräder je 15 min", "symbol": "1/15min", "definition": "-"},
            observation_type=MEASUREMENT,
            thing=bikes,
            sensor=sensor,
            observed_property=prop("bicycles"),
        )
        m.Observation.objects.bulk_create(
            m.Observation(
                datastream=ds,
                feature_of_interest=foi,
                phenomenon_time_begin=datetime.fromisoformat(v["timestamp"]),
                result_time=datetime.fromisoformat(v["timestamp"]),
                result=v["counts"],
            )
            for v in flow["data"]
        )
bus = m.Thing.objects.create(name="bus359", description="Stadtbus")
for minute, (lon, lat) in enumerate(
    [(11.5790, 50.9255), (11.5812, 50.9262), (11.5836, 50.9268), (11.5861, 50.9275)]
):
    place = m.Location.objects.create(
        name=f"bus359 {minute}",
        description="GPS",
        location={"type": "Point", "coordinates": [lon, lat]},
    )
    place.things.add(bus)
    h = m.HistoricalLocation.objects.create(
        thing=bus, time=datetime.fromisoformat(f"2026-11-24T07:0{minute}:00+00:00")
    )
    h.locations.add(place)
print("seeded", m.Datastream.objects.count(), "datastreams,", m.Observation.objects.count(), "observations")

"""Writes tests/data/jena_pvlib.csv: the sun over Jena (Markt, 50.927 N,
11.589 E, 155 m) at planning-relevant instants, computed by pvlib's NREL SPA
(pvlib.solarposition.spa_python, numpy backend) as a reference that is not
ours. Run: python -m venv v && v/bin/pip install pvlib && v/bin/python tools/pvlib_jena.py
"""
import pandas as pd
import pvlib

LAT, LON, ELEV = 50.927, 11.589, 155.0
# Standard atmosphere at 155 m (as pw_sun::Observer::standard).
PRESSURE_HPA = 1013.25 * (1 - 2.25577e-5 * ELEV) ** 5.25588
TEMP_C = 15.0 - 0.0065 * ELEV
DELTA_T = 69.0  # seconds, fixed so both sides use the same value

instants = [
    "2026-03-21 07:00", "2026-03-21 12:00", "2026-03-21 17:00",
    "2026-06-21 05:30", "2026-06-21 09:00", "2026-06-21 13:15", "2026-06-21 20:00",
    "2026-09-23 10:00", "2026-09-23 15:30",
    "2026-12-21 09:00", "2026-12-21 12:15", "2026-12-21 15:30",
    "2027-01-17 11:00", "2027-02-01 14:00",
]
times = pd.DatetimeIndex(instants).tz_localize("Europe/Berlin")
sp = pvlib.solarposition.spa_python(
    times, LAT, LON, altitude=ELEV, pressure=PRESSURE_HPA * 100, temperature=TEMP_C,
    delta_t=DELTA_T, how="numpy",
)
with open("tests/data/jena_pvlib.csv", "w") as f:
    f.write(f"# pvlib {pvlib.__version__} spa_python; Jena {LAT} N {LON} E {ELEV} m; "
            f"{PRESSURE_HPA:.3f} hPa {TEMP_C:.4f} C; delta_t {DELTA_T} s\n")
    f.write("local_time,unix_utc,apparent_zenith,azimuth\n")
    for t, row in sp.iterrows():
        f.write(f"{t.isoformat()},{int(t.timestamp())},{row.apparent_zenith:.6f},{row.azimuth:.6f}\n")

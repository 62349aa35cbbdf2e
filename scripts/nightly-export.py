#!/usr/bin/env python3
"""The next night's export of a course export (make bench): the case system writes every row
again, so the new file is a superset of yesterday's. Of its rows, 2 % changed (recorded one
day later, with an end date) and 1 % are new courses at the end; the rest are byte for byte the
same. Deterministic: SEED (default 7) picks the rows, so each night of a series changes others.

    nightly-export.py DAY1.csv DAY2.csv [SEED]
"""
import os
import random
import sys
from datetime import datetime, timedelta

src, dst = sys.argv[1], sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
with open(src, "rb") as f:
    data = f.read()
lines = data.split(b"\r\n")
if lines and lines[-1] == b"":
    lines.pop()
header, rows = lines[0], lines[1:]


def later(stamp: bytes, days: int) -> bytes:
    t = datetime.strptime(stamp.decode("ascii"), "%d-%m-%Y %H:%M:%S") + timedelta(days=days)
    return t.strftime("%d-%m-%Y %H:%M:%S").encode("ascii")


def day_after(date: bytes, days: int) -> bytes:
    return (datetime.strptime(date.decode("ascii"), "%d-%m-%Y") + timedelta(days=days)).strftime("%d-%m-%Y").encode("ascii")


out = [header]
changed = new = 0
for row in rows:
    if rng.random() < 0.02:
        f = row.split(b";")
        f[-1] = later(f[-1], 1)              # recorded a day later: a greater version
        if not f[-3]:
            f[-3] = day_after(f[-4], 30)       # and now with an end date
        row = b";".join(f)
        changed += 1
    out.append(row)
for row in rng.sample(rows, len(rows) // 100):
    f = row.split(b";")
    f[1] = f[1] + b"N"                       # a new course of a known citizen, a year on
    f[-4] = day_after(f[-4], 400)
    f[-3] = b""
    f[-1] = later(f[-1], 400)
    out.append(b";".join(f))
    new += 1
# Renamed when whole: an interrupted run leaves no half file the bench would take for a night.
with open(dst + ".part", "wb") as f:
    f.write(b"\r\n".join(out) + b"\r\n")
os.replace(dst + ".part", dst)
print(f"{dst}: {len(rows)} rows again, {changed} of them changed, {new} new", file=sys.stderr)

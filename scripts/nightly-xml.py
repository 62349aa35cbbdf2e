#!/usr/bin/env python3
"""The next night's export of a partner-portal XML export (make bench): the portal writes every
course again, so the new file is a superset of yesterday's. Of its events, 2 % changed
(recorded a day later) and 1 % of the courses are new (a known course copied under a new id,
a year on) at the end; the rest are byte for byte the same. Reads the file a line at a time (the
bench's files have one element per line). Deterministic: SEED (default 7) picks what changes.

    nightly-xml.py DAY1.xml DAY2.xml [SEED]
"""
import os
import random
import re
import sys
from datetime import datetime, timedelta

src, dst = sys.argv[1], sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
stamp = re.compile(rb'registreret="([^"]*)"')
start = re.compile(rb'(start|slut)="(\d{4})-')


def later(m: re.Match, days: int) -> bytes:
    text = m.group(1).decode("ascii")
    t = datetime.fromisoformat(text.replace("Z", "+00:00")) + timedelta(days=days)
    out = t.isoformat()
    if text.endswith("Z"):
        out = out.replace("+00:00", "Z")
    return b'registreret="' + out.encode("ascii") + b'"'


events = changed = 0
copies, course, closing = [], None, []
# Written under another name and renamed when whole: an interrupted run leaves no half file
# that the bench would take for a night's export.
with open(src, "rb") as f, open(dst + ".part", "wb") as out:
    for line in f:
        stripped = line.strip()
        if stripped.startswith(b"<Forloeb "):
            course = [line]
            out.write(line)
            continue
        if course is not None:
            if stripped.startswith(b"<Haendelse "):
                events += 1
                if rng.random() < 0.02:
                    line = stamp.sub(lambda m: later(m, 1), line)
                    changed += 1
            course.append(line)
            if stripped == b"</Forloeb>":
                if rng.random() < 0.01:
                    copies.append(course)
                course = None
            out.write(line)
            continue
        if stripped.startswith(b"</Forloebsudtraek"):
            closing.append(line)
            continue
        out.write(line)
    for c in copies:
        for line in c:
            if line.strip().startswith(b"<Forloeb "):
                line = line.replace(b'id="', b'id="N', 1)
            line = start.sub(lambda m: m.group(1) + b'="' + str(int(m.group(2)) + 1).encode("ascii") + b"-", line)
            line = line.replace(b'-02-29"', b'-02-28"')  # no leap day in the year after one
            line = stamp.sub(lambda m: later(m, 366), line)
            out.write(line)
    out.writelines(closing)
os.replace(dst + ".part", dst)
print(f"{dst}: {events} events again, {changed} of them changed, {len(copies)} courses new", file=sys.stderr)

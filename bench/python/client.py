"""The Python anchor: requests.Session with .json(), what Hazy's Python SDK runs on.

    client.py N     N sequential GETs of /api/v1/jobs/{BENCH_JOB_ID}; one JSON line of figures

Environment: HAZY_HUB_HOST, HAZY_TOKEN_URL, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET, BENCH_JOB_ID.
"""
import json
import os
import resource
import sys
import time

import requests


def mark():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return time.monotonic(), ru.ru_utime + ru.ru_stime, ru.ru_nvcsw + ru.ru_nivcsw


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    env = os.environ
    job_id = env["BENCH_JOB_ID"]
    url = f"{env['HAZY_HUB_HOST']}/api/v1/jobs/{job_id}"
    session = requests.Session()
    # Got once and handed over, as the seed tutorial does with the SDK.
    resp = session.post(env["HAZY_TOKEN_URL"], data={
        "grant_type": "client_credentials", "client_id": env["HAZY_CLIENT_ID"],
        "client_secret": env["HAZY_CLIENT_SECRET"]})
    resp.raise_for_status()
    session.headers["Authorization"] = "Bearer " + resp.json()["access_token"]
    session.headers["Accept"] = "application/json"
    session.get(url).json()  # the connection is opened outside the timed loop, as for all
    wall0, cpu0, csw0 = mark()
    for _ in range(n):
        r = session.get(url)
        if r.status_code != 200 or r.json()["id"] != job_id:
            sys.exit(f"python client: HTTP {r.status_code}")
    wall1, cpu1, csw1 = mark()
    wall = wall1 - wall0
    print(json.dumps({"mode": "seq", "calls": n, "wall_s": wall, "cpu_s": cpu1 - cpu0,
                      "calls_per_s": n / wall, "csw_per_call": (csw1 - csw0) / n}))


if __name__ == "__main__":
    main()

"""Cold start, Python side: start, get a token (client credentials), submit one training
job, exit; the same steps as `hazy_bench cold`. Timed from outside.

    cold.py PROJECT CONFIG_JSON_FILE

Environment: HAZY_HUB_HOST, HAZY_TOKEN_URL, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET.
"""
import json
import os
import sys

import requests


def main():
    project, config_path = sys.argv[1], sys.argv[2]
    env = os.environ
    with open(config_path) as f:
        config = json.load(f)
    session = requests.Session()
    resp = session.post(env["HAZY_TOKEN_URL"], data={
        "grant_type": "client_credentials", "client_id": env["HAZY_CLIENT_ID"],
        "client_secret": env["HAZY_CLIENT_SECRET"]})
    resp.raise_for_status()
    session.headers["Authorization"] = "Bearer " + resp.json()["access_token"]
    r = session.post(f"{env['HAZY_HUB_HOST']}/api/v1/projects/{project}/train-jobs", json=config)
    if r.status_code != 201 or not r.json().get("id"):
        sys.exit(f"python cold: HTTP {r.status_code}")
    print(json.dumps({"mode": "cold", "submitted": 1}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""contract/hub-api.json is contract/hub-api.yaml as JSON, committed so that neither the library nor
the simulator needs a YAML parser: the simulator serves it at GET /openapi.json, and libhazy's
doctor table (src/doctor/contract.rs) is checked against it by `cargo test`.

    python3 tests/doctor/contract_json.py          # check: exit 1 when the JSON is stale
    python3 tests/doctor/contract_json.py --write  # regenerate it (`make contract-json`)
"""
import json
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
YAML = REPO / "contract" / "hub-api.yaml"
JSON = REPO / "contract" / "hub-api.json"


def render() -> str:
    # safe_load keeps the document's member order; a timestamp or other non-JSON scalar would
    # make json.dumps fail here rather than be served in a form no client expects.
    return json.dumps(yaml.safe_load(YAML.read_text()), indent=2, ensure_ascii=False) + "\n"


def main(argv):
    fresh = render()
    if "--write" in argv:
        JSON.write_text(fresh)
        print(f"wrote {JSON.relative_to(REPO)}")
        return 0
    if not JSON.exists() or JSON.read_text() != fresh:
        print(f"{JSON.relative_to(REPO)} does not match {YAML.relative_to(REPO)}: run `make contract-json` "
              "and commit both", file=sys.stderr)
        return 1
    print(f"{JSON.relative_to(REPO)} matches {YAML.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

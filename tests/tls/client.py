"""One libhazy client in a process of its own, for tests/tls/run.py.

A process per case because libhazy's proxy settings come from the process environment and its
insecure-mode warning goes to the process's stderr, both of which the suite sets and reads.

    python3 client.py '{"settings": {...}, "steps": ["authenticate", "jobs_list", "train_wait"],
                        "project": "p"}'

Prints one JSON line: {"ok": true, "done": [steps...], "job": {...}} or
{"ok": false, "step": "...", "status": "TLS", "message": "...", "http_status": 0, "done": [...]}.

With "clients": [settings, ...] instead of "settings", makes every client first, then runs each
step on each client in turn (two proxies in one process); prints {"results": [one per client]}.
"""
import json
import os
import shutil
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

import hazy_ctypes as hz  # noqa: E402

# Threads of the step jobs_list_new_threads, each making one call.
NEW_THREADS = 10

TRAIN_CONFIG = json.dumps({
    "data_schema": {"tables": [{"name": "t", "dtypes": [{"type": "int", "col": "a"}]}]},
    "data_input": [{"name": "t", "location": "s3://b/t.csv"}],
})


def run(spec: dict) -> dict:
    done, result = [], {}
    step = "client_new"
    try:
        with hz.Client(spec["settings"]) as client:
            for step in spec["steps"]:
                step_one(client, step, spec, result)
                done.append(step)
    except hz.HazyError as e:
        return {"ok": False, "step": step, "status": e.status_name, "message": e.message,
                "http_status": e.http_status, "done": done}
    return {"ok": True, "done": done, **result}


def step_one(client, step, spec, result):
    if step == "authenticate":
        client.authenticate()
    elif step == "jobs_list":
        client.jobs_list(spec["project"])
    elif step == "train_wait":
        job = client.train(spec["project"], TRAIN_CONFIG)
        final = client.job_wait(job.id, timeout_ms=60000)
        result["job"] = {"id": final.id, "state": final.state_name, "model_id": final.model_id}
    elif step == "jobs_list_new_threads":
        # A thread per call, as a server that spawns one per message does; one at a time.
        failures = []

        def call():
            try:
                client.jobs_list(spec["project"])
            except hz.HazyError as e:
                failures.append(e)
        for _ in range(NEW_THREADS):
            t = threading.Thread(target=call)
            t.start()
            t.join()
        if failures:
            raise failures[0]
    elif step == "rotate":
        # Rewrites files in the middle of the client's life (a rotated certificate), as
        # Vault Agent does: a new file renamed over the old one.
        for src, dst in spec["rotate"]:
            tmp = dst + ".new"
            shutil.copyfile(src, tmp)
            os.replace(tmp, dst)
    else:
        raise ValueError(f"unknown step {step!r}")


def run_many(spec: dict) -> dict:
    clients = [hz.Client(settings) for settings in spec["clients"]]
    results = [{"ok": True, "done": []} for _ in clients]
    try:
        for step in spec["steps"]:
            for client, result in zip(clients, results):
                if not result["ok"]:
                    continue
                try:
                    step_one(client, step, spec, result)
                    result["done"].append(step)
                except hz.HazyError as e:
                    result.update({"ok": False, "step": step, "status": e.status_name, "message": e.message,
                                   "http_status": e.http_status})
    finally:
        for client in clients:
            client.close()
    return {"results": results}


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    print(json.dumps(run_many(spec) if "clients" in spec else run(spec)), flush=True)

"""The standard task with Python's requests: the same requests as
standard-task.lua (token once, 100 requests of 10 job runs, the run read back).
    python3 standard_task.py URL
"""
import sys

import requests

from task_batches import batches

base = sys.argv[1]
headers = {"X-Version": "2026-04-01.processes.preview"}
session = requests.Session()
token = session.post(f"{base}/oauth2/token", auth=("sandbox-client", "sandbox-secret"),
                     data={"grant_type": "client_credentials"}, headers=headers)
token.raise_for_status()
session.headers.update(headers)
session.headers["Authorization"] = "Bearer " + token.json()["access_token"]

for params, jobs in batches():
    r = session.post(f"{base}/processRuns/demo-run/jobRuns", params=params, json=jobs)
    r.raise_for_status()

run = session.get(f"{base}/processRuns/demo-run")
run.raise_for_status()


def count(node):
    n = 0
    for child in node.get("children", []):
        n += count(child) if "children" in child or "parallel" in child else 1
    return n


found = count(run.json())
if found != 1006:
    sys.exit(f"expected 1006 job runs, found {found}")

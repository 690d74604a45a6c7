#!/usr/bin/env python3
"""trashProcess, validateProcess and batchUpdateProcess as a user of Workiva's samples calls them.

usage: test_new_operations.py PROCSH_BIN

Starts `procsh sandbox serve --port 0` with the demo data, gets a token with
client credentials (HTTP Basic, form-encoded, no X-Version, as Workiva's
samples do), and calls the three operations with `requests`, sending
`X-Version: 2026-04-01.processes.preview` and the bearer token as the code
samples on developers.workiva.com do. Prints `ok   <case>` or
`FAIL <case>: <why>` per case, then `new operations: N passed, M failed`;
exits 1 when any case failed.
"""

import os
import subprocess
import sys
import tempfile
import time

import requests

VERSION = "2026-04-01.processes.preview"
CLIENT = ("sandbox-client", "sandbox-secret")
READER = ("sandbox-reader", "sandbox-secret")


def start(procsh):
    """The sandbox on a free port; returns (process, base URL)."""
    out = tempfile.TemporaryFile()
    proc = subprocess.Popen([procsh, "sandbox", "serve", "--port", "0", "--quiet"], stdout=subprocess.PIPE, stderr=out)
    line = proc.stdout.readline().decode()
    prefix = "procsh sandbox listening on "
    if not line.startswith(prefix):
        proc.kill()
        out.seek(0)
        sys.exit("the sandbox did not start: " + line + out.read().decode())
    return proc, line[len(prefix):].split()[0]


def token(base, credentials):
    r = requests.post(base + "/oauth2/token", data={"grant_type": "client_credentials"}, auth=credentials, timeout=10)
    r.raise_for_status()
    return r.json()["access_token"]


def headers(access_token, body=False):
    h = {"X-Version": VERSION, "Accept": "application/json", "Authorization": "Bearer " + access_token}
    if body:
        h["Content-Type"] = "application/json"
    return h


def cases(base):
    writer, reader = token(base, CLIENT), token(base, READER)

    def create(name, children=None):
        # createProcess' shape, as on Workiva's page: the tree under `root`.
        body = {"name": name}
        if children is not None:
            body["root"] = {"name": name, "parallel": False, "children": children}
        r = requests.post(base + "/processes", json=body, headers=headers(writer, True), timeout=10)
        assert r.status_code == 201, r.text
        return r.json()

    def trash():
        p = create("Doomed")
        r = requests.delete(f"{base}/processes/{p['id']}", headers=headers(writer), timeout=10)
        assert r.status_code == 204 and r.content == b"", (r.status_code, r.text)
        r = requests.get(f"{base}/processes/{p['id']}", headers=headers(writer), timeout=10)
        assert r.status_code == 404 and r.json()["code"] == "404", r.text
        listed = requests.get(base + "/processes", headers=headers(writer), timeout=10).json()["data"]
        assert p["id"] not in [x["id"] for x in listed], listed
        r = requests.delete(f"{base}/processes/{p['id']}", headers=headers(writer), timeout=10)
        assert r.status_code == 404, r.text
        r = requests.delete(base + "/processes/demo-process", headers=headers(reader), timeout=10)
        assert r.status_code == 403, r.text
        r = requests.delete(base + "/processes/demo-process", headers={"X-Version": VERSION}, timeout=10)
        assert r.status_code == 401, r.text

    def validate():
        r = requests.post(base + "/processes/demo-process/validation", headers=headers(reader), timeout=10)
        assert r.status_code == 200 and r.json() == {"errors": []}, r.text
        p = create("Flawed", [{"type": "group", "group": {"name": "Nothing yet", "parallel": True, "children": []}}])
        r = requests.post(f"{base}/processes/{p['id']}/validation", headers=headers(reader), timeout=10)
        errors = r.json()["errors"]
        assert r.status_code == 200 and [e["code"] for e in errors] == ["emptyGroup"], r.text
        assert errors[0]["target"] == p["children"][0]["id"], errors
        r = requests.post(base + "/processes/nope/validation", headers=headers(reader), timeout=10)
        assert r.status_code == 404, r.text

    def batch_update():
        body = {"data": [
            {"type": "groupName", "groupNameUpdate": {"id": "group-review", "newName": "Checks"}},
            {"type": "jobName", "jobNameUpdate": {"id": "job-9", "newName": "File the report"}},
        ]}
        r = requests.post(base + "/processes/demo-process/batchUpdates", json=body, headers=headers(writer, True), timeout=10)
        assert r.status_code == 200, r.text
        names = [c.get("name") for c in r.json()["children"]]
        assert names[2] == "Checks" and names[4] == "File the report", names
        got = requests.get(base + "/processes/demo-process", headers=headers(writer), timeout=10).json()
        assert got["children"][2]["name"] == "Checks", got
        # The flat item of Workiva's page example is not the BatchUpdateItem schema.
        flat = {"data": [{"id": "job-9", "newName": "x", "type": "jobName"}]}
        r = requests.post(base + "/processes/demo-process/batchUpdates", json=flat, headers=headers(writer, True), timeout=10)
        assert r.status_code == 400, r.text
        wrong = {"data": [{"type": "jobName", "jobNameUpdate": {"id": "group-review", "newName": "x"}}]}
        r = requests.post(base + "/processes/demo-process/batchUpdates", json=wrong, headers=headers(writer, True), timeout=10)
        assert r.status_code == 400 and r.json()["target"] == "body.data[0].jobNameUpdate.id", r.text
        many = {"data": [{"type": "jobName", "jobNameUpdate": {"id": "job-9", "newName": "n"}}] * 3001}
        r = requests.post(base + "/processes/demo-process/batchUpdates", json=many, headers=headers(writer, True), timeout=10)
        assert r.status_code == 400, r.text
        r = requests.post(base + "/processes/demo-process/batchUpdates", json={"data": []}, headers=headers(reader, True), timeout=10)
        assert r.status_code == 403, r.text
        r = requests.post(base + "/processes/nope/batchUpdates", json={"data": []}, headers=headers(writer, True), timeout=10)
        assert r.status_code == 404, r.text

    return [("trashProcess", trash), ("validateProcess", validate), ("batchUpdateProcess", batch_update)]


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        sys.exit(__doc__)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    proc, base = start(sys.argv[1])
    passed = failed = 0
    try:
        for name, case in cases(base):
            try:
                case()
                passed += 1
                print("ok   " + name)
            except AssertionError as e:
                failed += 1
                print(f"FAIL {name}: {e}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"new operations: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

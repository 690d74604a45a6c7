#!/usr/bin/env python3
"""The sandbox under load: wrk creates job runs as fast as it can, then the
sandbox is reset and must give its memory back.

    Tests/reliability/load/wrk_load.py PROCSH [SECONDS=5] [CONNECTIONS=64]

Starts `PROCSH sandbox serve` on a free port, warms it up, and takes its
resident memory (VmRSS) as the baseline. Then wrk (2 threads) sends
createJobRuns (one job into group-review) for SECONDS at CONNECTIONS
connections, with a run read back now and then. Checks: no answer but 201,
no socket errors, the run holds every job run the server said it created,
and after POST /_sandbox/reset the memory is back near the baseline (at most
16 MB or a quarter above it). Prints one summary line starting "load:"; exit 1
when a check fails.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

VERSION = "2026-04-01.processes.preview"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def settle(base):
    """Waits until the sandbox has taken no request for 0.2 s but this poll's own (at most 10 s)."""
    deadline, last = time.time() + 10, None
    while time.time() < deadline:
        count = json.loads(request(f"{base}/_sandbox/stats"))["requests"]
        if last is not None and count <= last + 1:
            return
        last = count
        time.sleep(0.2)


def request(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    with urllib.request.urlopen(req, timeout=60) as answer:
        return answer.read()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    procsh = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    connections = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    server = subprocess.Popen([procsh, "sandbox", "serve", "--port", "0", "--quiet", "--rate-limit", "1000000000"],
                              stdout=subprocess.PIPE, text=True)
    try:
        base = server.stdout.readline().split()[-1]
        token = json.loads(request(f"{base}/oauth2/token", b"grant_type=client_credentials", {
            "X-Version": VERSION, "Authorization": "Basic c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ="}))["access_token"]
        auth = {"X-Version": VERSION, "Authorization": f"Bearer {token}"}
        body = ('[{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":'
                '{"assignee":{"id":"user123","type":"user"},"title":"Load"}},"triggerType":"whenEligible"}]')
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        # Every 1000th request reads the run back (its answer grows with the run).
        script.write("".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in auth.items()) + f"""
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  if n % 1000 == 0 then return wrk.format("GET", "/processRuns/demo-run") end
  return wrk.format("POST", "/processRuns/demo-run/jobRuns?parentGroupId=group-review", nil, {json.dumps(body)})
end
""".replace("{json.dumps(body)}", json.dumps(body)))
        script.close()

        threads = 2

        def wrk(duration):
            out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", script.name, base],
                                 capture_output=True, text=True, check=True).stdout
            total = int(re.search(r"(\d+) requests in", out).group(1))
            non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
            errors = re.search(r"Socket errors: (.*)", out)
            return total, int(non2xx.group(1)) if non2xx else 0, errors.group(1) if errors else None

        wrk(1)  # warm-up: threads, connections, allocator arenas
        settle(base)  # the warm-up's requests cut off at its end are done before the reset
        request(f"{base}/_sandbox/reset", b"", method="POST")
        time.sleep(0.5)
        baseline = rss_kib(server.pid)

        started = time.time()
        total, non2xx, socket_errors = wrk(seconds)
        elapsed = time.time() - started
        peak = rss_kib(server.pid)
        run = json.loads(request(f"{base}/processRuns/demo-run", headers=auth))
        group = next(c for c in run["children"] if c.get("id") == "group-review")
        created = sum(1 for c in group["children"] if c.get("id", "").startswith("jobrun-"))

        request(f"{base}/_sandbox/reset", b"", method="POST")
        time.sleep(0.5)
        after = rss_kib(server.pid)

        # Every 1000th request of each wrk thread (each has its own counter) is a
        # read, so the reads among the `total` answered are within `threads` of total // 1000.
        reads_low, reads_high = max(0, total // 1000 - threads), total // 1000 + threads
        problems = []
        if non2xx:
            problems.append(f"{non2xx} answers were not 2xx")
        if socket_errors:
            problems.append(f"socket errors: {socket_errors}")
        # wrk counts only completed requests; the run may hold a few more (answers cut off at the end).
        if not (total - reads_high <= created <= total - reads_low + connections):
            problems.append(f"{total - reads_high} to {total - reads_low} creates answered (and up to {connections} "
                            f"cut off at the end) but the group holds {created} new job runs")
        if after > baseline + max(16 * 1024, baseline // 4):
            problems.append(f"memory after reset {after // 1024} MB, baseline {baseline // 1024} MB")
        print(f"load: {total} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s) at {connections} connections, "
              f"{non2xx} non-2xx, {created} job runs in the group; RSS baseline {baseline // 1024} MB, "
              f"after the run {peak // 1024} MB, after reset {after // 1024} MB")
        for p in problems:
            print(f"FAIL {p}")
        sys.exit(1 if problems else 0)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

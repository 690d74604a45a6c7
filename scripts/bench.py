"""procsh's benchmarks: each comparison runs its contenders interleaved, many
times, and reports the median, min and max.

Start-up: `procsh -e 'print(1)'` beside `lua5.4 -e 'print(1)'` and
`python3 -c 'import requests'`.
The standard task: 1,000 job runs in 100 requests of 10, then the run read
back, as a procsh script, a Python requests script and a curl + jq script,
beside its floor (standard_task_floor.py: the same requests pre-built, one
connection, nothing parsed).
Lua <-> JSON: procsh's json module beside lua-cjson under lua5.4.
Sandbox: wrk against createJobRuns (1 job) and getProcessRun, beside a minimal
Hummingbird hello-world; then the store's scaling with group size.
"""
import argparse
import json
import re
import socket
import tempfile
import urllib.request
import os
import shutil
import statistics
import subprocess
import sys
import time


def peak_rss(argv, runs=5):
    """Median peak RSS (KiB) of argv, read by GNU time. (A child spawned from
    Python would report Python's own high-water mark from before its exec.)"""
    return int(statistics.median(timed(argv)[2] for _ in range(runs)))


def run_once(argv):
    """Runs argv with output discarded; returns wall seconds."""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                           (os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status = os.waitpid(pid, 0)
        wall = time.perf_counter() - start
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(argv)} failed with status {status}")
    return wall


def measure(contenders, rounds):
    """Runs every contender once per round, in turn, so drift hits all alike."""
    results = {name: [] for name, _ in contenders}
    for name, argv in contenders:  # warm the page cache
        run_once(argv)
    for _ in range(rounds):
        for name, argv in contenders:
            results[name].append(run_once(argv))
    return results


def ms(seconds):
    return f"{seconds * 1000:.2f}"


def startup(procsh, rounds):
    lua = shutil.which("lua5.4")
    if lua is None:
        sys.exit("bench: lua5.4 is missing (scripts/setup installs it)")
    # procsh as scripts/install leaves it (a copy): the file the linker wrote
    # sits in the page cache in small pieces and takes ~15% more page faults
    # to start (BENCHMARKS.md, "Start-up"). Both are shown.
    installed = os.path.join(tempfile.mkdtemp(), "procsh")
    shutil.copy2(procsh, installed)
    contenders = [("procsh", [installed, "-e", "print(1)"]), ("procsh (the build's own file)", [procsh, "-e", "print(1)"]),
                  ("lua5.4", [lua, "-e", "print(1)"]), ("python3 + requests", [sys.executable, "-c", "import requests"])]
    try:
        startup_table(contenders, measure(contenders, rounds), rounds)
    finally:
        shutil.rmtree(os.path.dirname(installed))


def startup_table(contenders, results, rounds):
    print(f"Start-up: `-e 'print(1)'`, {rounds} runs each, interleaved")
    print()
    print("| program | median ms | min ms | max ms | peak RSS KiB (median) |")
    print("|---|---:|---:|---:|---:|")
    medians = {}
    for name, argv in contenders:
        walls = results[name]
        medians[name] = statistics.median(walls)
        print(f"| {name} | {ms(medians[name])} | {ms(min(walls))} | {ms(max(walls))} | {peak_rss(argv)} |")
    ratio = medians["procsh"] / medians["lua5.4"]
    built = medians["procsh (the build's own file)"] / medians["lua5.4"]
    print()
    print(f"procsh / lua5.4 start-up: {ratio:.2f}x, installed (goal <= 2x; moonshot 1.5x); the build's own file {built:.2f}x")


TASKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-tasks")


def timed(argv, env=None):
    """Runs argv under GNU time: (wall s, CPU s, peak RSS KiB); output discarded."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *argv], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} failed:\n{out.stderr}")
    wall, user, system, rss = out.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(rss)


def standard_task(procsh, rounds):
    """The same 101 requests by three clients and the floor against one sandbox, reset before each run."""
    port = free_port()
    server = subprocess.Popen([procsh, "sandbox", "serve", "--port", str(port), "--quiet", "--rate-limit", "100000000"],
                              stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, WORKIVA_CLIENT_ID="sandbox-client", WORKIVA_CLIENT_SECRET="sandbox-secret")
    contenders = [
        ("procsh script", [procsh, "--base-url", base, os.path.join(TASKS, "standard-task.lua")]),
        ("Python requests", [sys.executable, os.path.join(TASKS, "standard_task.py"), base]),
        ("bash + curl + jq", ["bash", os.path.join(TASKS, "standard-task.sh"), base]),
        # The floor: the same requests pre-built, one keep-alive connection, answers read and not parsed.
        ("floor (http.client)", [sys.executable, os.path.join(TASKS, "standard_task_floor.py"), base]),
    ]
    results = {name: [] for name, _ in contenders}
    try:
        wait_for(f"{base}/_sandbox/stats")
        for _ in range(rounds):
            for name, argv in contenders:
                urllib.request.urlopen(urllib.request.Request(f"{base}/_sandbox/reset", method="POST")).read()
                results[name].append(timed(argv, env))
    finally:
        server.terminate()
        server.wait()
    print(f"The standard task: 1,000 job runs in 100 requests of 10, then the run read back; {rounds} interleaved rounds")
    print()
    print("| client | wall ms (median) | min | max | CPU ms (median) | peak RSS KiB (median) | wall / floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    medians = {}
    for name, _ in contenders:
        walls = [r[0] for r in results[name]]
        medians[name] = (statistics.median(walls), statistics.median([r[1] for r in results[name]]))
    floor = medians["floor (http.client)"][0]
    for name, _ in contenders:
        walls = [r[0] for r in results[name]]
        rss = [r[2] for r in results[name]]
        print(f"| {name} | {ms(medians[name][0])} | {ms(min(walls))} | {ms(max(walls))} | {ms(medians[name][1])} "
              f"| {int(statistics.median(rss))} | {medians[name][0] / floor:.2f}x |")
    p, py, sh = medians["procsh script"], medians["Python requests"], medians["bash + curl + jq"]
    print()
    print(f"procsh / floor: {p[0] / floor:.2f}x (goal <= 1.2x: the server's time is the cost, not procsh's)")
    print(f"procsh is {py[0] / p[0]:.1f}x faster than Python (goal >= 2x) and {sh[0] / p[0]:.1f}x faster than curl + jq "
          f"(goal >= 5x); CPU: procsh {ms(p[1])} ms, Python {ms(py[1])} ms, curl + jq {ms(sh[1])} ms (goal: the lowest)")


def json_bridge(procsh, rounds):
    """json.encode/decode of a 10,000-job table beside lua-cjson, best of `rounds` in-process timings."""
    lua = shutil.which("lua5.4")
    script = os.path.join(TASKS, "json-bridge.lua")
    rows = []
    for argv in ([procsh, script, str(rounds)], [lua, script, str(rounds)]):
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()
        rows.append((" ".join(out[:-3]), float(out[-3]), float(out[-2]), int(out[-1])))
    print(f"Lua <-> JSON: a table of 10,000 job specs ({rows[0][3]:,} bytes of JSON), best of {rounds}, os.clock in-process")
    print()
    print("| codec | encode ms | decode ms |")
    print("|---|---:|---:|")
    for name, encode, decode, _ in rows:
        print(f"| {name} | {encode:.2f} | {decode:.2f} |")
    print()
    print(f"procsh / lua-cjson: encode {rows[0][1] / rows[1][1]:.1f}x, decode {rows[0][2] / rows[1][2]:.1f}x (goal <= 2x)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.05)
    sys.exit(f"bench: {url} did not answer")


def wrk(url, seconds, script=None):
    """Requests per second wrk measures at 32 connections."""
    argv = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url]
    if script:
        argv[1:1] = ["-s", script]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p50 = re.search(r"50%\s+([0-9.]+\w+)", out)
    return rps, int(non2xx.group(1)) if non2xx else 0, p50.group(1) if p50 else "?"


def sandbox(procsh, bench, seconds, rounds):
    """createJobRuns and getProcessRun beside a hello-world, interleaved rounds."""
    sport, hport = free_port(), free_port()
    sandbox = subprocess.Popen([procsh, "sandbox", "serve", "--port", str(sport), "--quiet", "--rate-limit", "100000000"],
                               stdout=subprocess.DEVNULL)
    hello = subprocess.Popen([bench, "hello", str(hport)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{sport}"
        wait_for(f"{base}/_sandbox/stats")
        wait_for(f"http://127.0.0.1:{hport}/")
        request = urllib.request.Request(f"{base}/oauth2/token", data=b"grant_type=client_credentials",
                                         headers={"X-Version": "2026-04-01.processes.preview",
                                                  "Authorization": "Basic c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ="})
        token = json.load(urllib.request.urlopen(request))["access_token"]
        headers = (f'wrk.headers["X-Version"] = "2026-04-01.processes.preview"\n'
                   f'wrk.headers["Authorization"] = "Bearer {token}"\n'
                   f'wrk.headers["Content-Type"] = "application/json"\n')
        body = ('[{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":'
                '{"assignee":{"id":"user123","type":"user"},"title":"Bench"}},"triggerType":"whenEligible"}]')
        scripts = tempfile.mkdtemp()
        create = os.path.join(scripts, "create.lua")
        with open(create, "w") as f:
            f.write(headers + 'wrk.method = "POST"\nwrk.body = ' + json.dumps(body) + "\n")
        read = os.path.join(scripts, "read.lua")
        with open(read, "w") as f:
            f.write(headers)
        contenders = [
            # createJobRuns appends to a fresh run's top level each round: the run is reset first.
            ("createJobRuns (1 job)", f"{base}/processRuns/demo-run/jobRuns?parentGroupId=group-review", create),
            ("getProcessRun (demo-run)", f"{base}/processRuns/demo-run", read),
            ("hello-world (Hummingbird)", f"http://127.0.0.1:{hport}/", None),
        ]
        results = {name: [] for name, _, _ in contenders}
        errors = {name: 0 for name, _, _ in contenders}
        latency = {}
        for _ in range(rounds):
            for name, url, script in contenders:
                urllib.request.urlopen(urllib.request.Request(f"{base}/_sandbox/reset", method="POST")).read()
                rps, non2xx, p50 = wrk(url, seconds, script)
                results[name].append(rps)
                errors[name] += non2xx
                latency[name] = p50
        print(f"Sandbox throughput: wrk, 2 threads, 32 connections, {seconds} s per run, {rounds} interleaved rounds")
        print()
        print("| endpoint | requests/s (median) | min | max | p50 latency (last run) | non-2xx | vs hello-world |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        hello_rps = statistics.median(results["hello-world (Hummingbird)"])
        for name, _, _ in contenders:
            r = results[name]
            m = statistics.median(r)
            print(f"| {name} | {m:.0f} | {min(r):.0f} | {max(r):.0f} | {latency[name]} | {errors[name]} | {100 * m / hello_rps:.0f}% |")
        print()
        print("Goal: the sandbox's endpoints at >= 50% of hello-world's requests/s.")
    finally:
        sandbox.terminate()
        hello.terminate()
        sandbox.wait()
        hello.wait()


def scaling(bench):
    print("Sandbox scaling: in-process store timings (no HTTP), by the size of the group written to")
    print()
    sys.stdout.flush()
    subprocess.run([bench, "scaling"], check=True)
    print()
    print("Goals: inserting into a group of 100,000 under 1 ms and at most 10x the 100 case; getProcessRun linear in size.")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--procsh", required=True, help="the procsh binary to measure")
    parser.add_argument("--sandbox-bench", required=True, help="the sandbox-bench helper binary")
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke run for CI")
    sections = ["startup", "task", "json", "sandbox", "scaling"]
    parser.add_argument("--only", action="append", choices=sections, metavar="SECTION",
                        help=f"run only this comparison (repeatable): {', '.join(sections)}")
    args = parser.parse_args()
    procsh, bench, quick = os.path.abspath(args.procsh), os.path.abspath(args.sandbox_bench), args.quick
    runs = {
        "startup": lambda: startup(procsh, 20 if quick else 300),
        "task": lambda: standard_task(procsh, 1 if quick else 5),
        "json": lambda: json_bridge(procsh, 2 if quick else 10),
        "sandbox": lambda: sandbox(procsh, bench, 2 if quick else 5, 1 if quick else 3),
        "scaling": lambda: scaling(bench),
    }
    chosen = [s for s in sections if not args.only or s in args.only]
    for i, section in enumerate(chosen):
        if i:
            print()
        runs[section]()


if __name__ == "__main__":
    main()

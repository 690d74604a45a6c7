"""procsh's benchmarks: each comparison runs its contenders interleaved, many
times, and reports the median, min and max.

Start-up: `procsh -e 'print(1)'` beside `lua5.4 -e 'print(1)'` and
`python3 -c 'import requests'`.
The standard task: 1,000 job runs in 100 requests of 10, then the run read
back, as a procsh script, a Python requests script and a curl + jq script,
beside its floor (standard_task_floor.py: the same requests pre-built, one
connection, nothing parsed).
Lua <-> JSON: procsh's json module beside lua-cjson under lua5.4, on four tables.
Large runs: processruns.get of runs of 1,000 to 100,000 job runs beside lua-cjson
decoding the same answer; the sandbox's first read of each beside lua-cjson
encoding it.
Pings: what --ping-url adds to a run that prints one line, with a monitor that
answers, one that refuses the connection and one that never answers.
Sandbox: wrk against createJobRuns (1 job) and getProcessRun, beside a minimal
Hummingbird hello-world; then the store's scaling with group size.
"""
import argparse
import http.server
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
import threading
import time


def peak_rss(argv, runs=5):
    """Median peak RSS (KiB) of argv, read by GNU time. (A child spawned from
    Python would report Python's own high-water mark from before its exec.)"""
    return int(statistics.median(measured(argv)[2] for _ in range(runs)))


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
        # python3 runs in rounds of its own: a 130 ms start between procsh's and
        # lua5.4's would evict the caches before whichever comes next, and
        # procsh touches three times the pages lua5.4 does (BENCHMARKS.md, "Start-up").
        results = measure(contenders[:3], rounds)
        results.update(measure(contenders[3:], rounds))
        startup_table(contenders, results, rounds)
    finally:
        shutil.rmtree(os.path.dirname(installed))


def startup_table(contenders, results, rounds):
    print(f"Start-up: `-e 'print(1)'`, {rounds} runs each, procsh and lua5.4 interleaved, python3 on its own")
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


def measured(argv, env=None):
    """Runs argv: (wall s and CPU s, finely; peak RSS KiB, read by GNU time); output discarded."""
    devnull = os.open(os.devnull, os.O_RDWR)
    rss_file = tempfile.NamedTemporaryFile(mode="r", suffix=".rss")
    try:
        start = time.perf_counter()
        pid = os.posix_spawn("/usr/bin/time", ["/usr/bin/time", "-o", rss_file.name, "-f", "%M", *argv],
                             env if env is not None else os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(argv)} failed with status {status}")
    rss = int(rss_file.read().strip().splitlines()[-1])
    rss_file.close()
    return wall, usage.ru_utime + usage.ru_stime, rss


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
                results[name].append(measured(argv, env))
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
    """json.encode/decode of four tables beside lua-cjson, best of `rounds` in-process timings."""
    lua = shutil.which("lua5.4")
    script = os.path.join(TASKS, "json-bridge.lua")
    results = []
    for argv in ([procsh, script, str(rounds)], [lua, script, str(rounds)]):
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        results.append([line.split("\t") for line in out.strip().splitlines()])
    print(f"Lua <-> JSON: procsh's json module beside lua-cjson 2.1 under lua5.4, best of {rounds}, os.clock in-process")
    print()
    print("| table | bytes (procsh) | encode ms procsh / lua-cjson | ratio | decode ms procsh / lua-cjson | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for (name, encode, decode, size), (_, cj_encode, cj_decode, _) in zip(*results):
        e, d = float(encode) / float(cj_encode), float(decode) / float(cj_decode)
        print(f"| {name} | {int(size):,} | {float(encode):.1f} / {float(cj_encode):.1f} | {e:.2f}x | "
              f"{float(decode):.1f} / {float(cj_decode):.1f} | {d:.2f}x |")
    print()
    print("Goal: each ratio <= 1.2x. (lua-cjson writes floats with 14 significant digits, which do not all read back;"
          " procsh writes the shortest text that does, so its float text is longer.)")


def big_seed(path, jobs):
    """A seed whose run `big` holds `jobs` job runs in groups of 100, as scripts/bench-tasks describes."""
    children = [{"id": f"job-{i}", "name": f"Review item {i}", "action": "sendTask", "status": "waiting",
                 "triggerType": "whenEligible",
                 "arguments": {"type": "sendTask", "sendTaskArgs": {"assignee": {"id": "user123", "type": "user"},
                                                                    "title": f"Review item {i}", "dueDate": "2024-12-15"}}}
                for i in range(jobs)]
    groups = [{"id": f"grp-{g}", "name": f"Group {g}", "parallel": False, "readOnly": False, "status": "waiting",
               "children": children[g * 100:(g + 1) * 100]} for g in range((jobs + 99) // 100)]
    seed = {"principals": [{"id": "user123", "type": "user", "name": "Alex Rivera"}], "documents": [],
            "clients": [{"id": "sandbox-client", "secret": "sandbox-secret", "scopes": ["file:read", "file:write"]}],
            "processes": [{"id": "p1", "name": "Close", "created": "2025-11-24T16:00:00Z", "children": []}],
            "processRuns": [{"id": "big", "processId": "p1", "name": "Big", "status": "running", "children": groups}]}
    with open(path, "w") as f:
        json.dump(seed, f)


def large_runs(procsh, sizes, rounds):
    """processruns.get of big runs beside lua-cjson decoding the same bytes; the sandbox's first read of each
    beside lua-cjson encoding the same structure."""
    lua = shutil.which("lua5.4")
    work = tempfile.mkdtemp()
    env = dict(os.environ, WORKIVA_CLIENT_ID="sandbox-client", WORKIVA_CLIENT_SECRET="sandbox-secret")
    get = os.path.join(work, "get.lua")
    with open(get, "w") as f:
        f.write('local run = processruns.get("big")\n')
    rows = []
    try:
        for jobs in sizes:
            seed, body = os.path.join(work, f"seed-{jobs}.json"), os.path.join(work, f"run-{jobs}.json")
            big_seed(seed, jobs)
            port = free_port()
            server = subprocess.Popen([procsh, "sandbox", "serve", "--seed", seed, "--port", str(port), "--quiet",
                                       "--rate-limit", "100000000"], stdout=subprocess.DEVNULL)
            base = f"http://127.0.0.1:{port}"
            try:
                wait_for(f"{base}/_sandbox/stats", timeout=120)
                token = sandbox_token(base)
                # The sandbox's first read (nothing cached), after a reset each time.
                first = []
                for _ in range(rounds):
                    urllib.request.urlopen(urllib.request.Request(f"{base}/_sandbox/reset", method="POST")).read()
                    start = time.perf_counter()
                    data = read_run(base, token)
                    first.append(time.perf_counter() - start)
                with open(body, "wb") as f:
                    f.write(data)
                procsh_runs = [measured([procsh, "--base-url", base, get], env) for _ in range(rounds)]
            finally:
                server.terminate()
                server.wait()
            out = subprocess.run([lua, os.path.join(TASKS, "cjson-run.lua"), body, str(rounds)],
                                 capture_output=True, text=True, check=True).stdout.split()
            cj_encode = float(out[0]) / 1000
            cj_runs = [measured([lua, os.path.join(TASKS, "cjson-run.lua"), body]) for _ in range(rounds)]
            rows.append((jobs, len(data), procsh_runs, cj_runs, statistics.median(first), cj_encode))
    finally:
        shutil.rmtree(work)
    print(f"Large runs: `processruns.get` of a run of N job runs (a whole procsh process), beside lua5.4 reading the same"
          f" answer from a file and decoding it with lua-cjson; median of {rounds}")
    print()
    print("| job runs | answer bytes | procsh wall / CPU ms | lua-cjson wall / CPU ms | time ratio | procsh peak RSS KiB"
          " | x answer | lua-cjson peak RSS KiB | x answer |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for jobs, size, p, c, _, _ in rows:
        pw, pc, pr = (statistics.median(r[i] for r in p) for i in range(3))
        cw, cc, cr = (statistics.median(r[i] for r in c) for i in range(3))
        print(f"| {jobs:,} | {size:,} | {ms(pw)} / {ms(pc)} | {ms(cw)} / {ms(cc)} | {pw / cw:.2f}x | {int(pr):,}"
              f" | {pr * 1024 / size:.1f}x | {int(cr):,} | {cr * 1024 / size:.1f}x |")
    print()
    print("Goals: time <= 1.5x lua-cjson's; peak RSS <= 3x the answer's size.")
    print()
    print("The sandbox's first read of the same runs (store to JSON, nothing cached), beside lua-cjson encoding"
          " the decoded run in-process (best of rounds):")
    print()
    print("| job runs | sandbox getProcessRun ms | lua-cjson encode ms | ratio |")
    print("|---:|---:|---:|---:|")
    for jobs, _, _, _, first, encode in rows:
        print(f"| {jobs:,} | {ms(first)} | {ms(encode)} | {first / encode:.2f}x |")
    print()
    print("Goal: getProcessRun of the 100,000-job run within 2x of lua-cjson's encoding.")


class Monitor:
    """A loopback health-check monitor: answers 200 OK to every ping, or,
    `silent`, accepts connections and never answers."""

    def __init__(self, silent=False):
        class Answer(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.do_GET()

            def log_message(self, *args):
                pass

        self.held = []
        if silent:
            self.socket = socket.socket()
            self.socket.bind(("127.0.0.1", 0))
            self.socket.listen(64)
            self.port = self.socket.getsockname()[1]
            threading.Thread(target=self._hold, daemon=True).start()
        else:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
            self.port = self.server.server_address[1]
            threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _hold(self):
        while True:
            connection, _ = self.socket.accept()
            self.held.append(connection)  # kept open, never answered

    def url(self):
        return f"http://127.0.0.1:{self.port}/ping/check"


def pings(procsh, rounds, quick):
    """A one-line run beside the same run with a ping URL, in each of the monitor's three ways."""
    answering, silent = Monitor(), Monitor(silent=True)
    code = ["--log-level", "error", "-e", "print(1)"]  # a failed ping's warning is not the table's
    contenders = [
        ("no --ping-url", [procsh, *code]),
        ("a monitor that answers", [procsh, "--ping-url", answering.url(), *code]),
        ("a refused connection", [procsh, "--ping-url", f"http://127.0.0.1:{free_port()}/ping/check", *code]),
        ("a monitor that never answers", [procsh, "--ping-url", silent.url(), *code]),
    ]
    # A silent monitor's run takes 6 s: the quick run (a smoke run) leaves it
    # out; PingTests checks that such a run ends at the pings' deadlines.
    if quick:
        contenders.pop()
    results = measure(contenders, rounds)
    print(f"Pings: `-e 'print(1)'` with and without --ping-url, {rounds} interleaved rounds")
    print()
    print("| monitor | median ms | min ms | max ms | added to the run, ms (median) |")
    print("|---|---:|---:|---:|---:|")
    plain = statistics.median(results["no --ping-url"])
    for name, _ in contenders:
        walls = results[name]
        median = statistics.median(walls)
        print(f"| {name} | {ms(median)} | {ms(min(walls))} | {ms(max(walls))} | {ms(median - plain)} |")
    if "a monitor that never answers" in results:
        worst = statistics.median(results["a monitor that never answers"]) - plain
        print()
        print(f"A monitor that never answers adds {worst:.1f} s (the promise: two pings of at most 3 s each, "
              f"so no more than 7 s with the start ping's wait)")


def sandbox_token(base):
    request = urllib.request.Request(f"{base}/oauth2/token", data=b"grant_type=client_credentials",
                                     headers={"X-Version": "2026-04-01.processes.preview",
                                              "Authorization": "Basic c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ="})
    return json.load(urllib.request.urlopen(request))["access_token"]


def read_run(base, token):
    request = urllib.request.Request(f"{base}/processRuns/big", headers={
        "X-Version": "2026-04-01.processes.preview", "Authorization": f"Bearer {token}"})
    return urllib.request.urlopen(request).read()


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
        token = sandbox_token(base)
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


def scaling(bench, sizes):
    print("Sandbox scaling: in-process store timings (no HTTP), by the size of the group written to")
    print()
    sys.stdout.flush()
    subprocess.run([bench, "scaling", *map(str, sizes)], check=True)
    print()
    print("Goals: inserting into a group of 100,000 under 1 ms and at most 10x the 100 case; getProcessRun linear in size.")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--procsh", required=True, help="the procsh binary to measure")
    parser.add_argument("--sandbox-bench", required=True, help="the sandbox-bench helper binary")
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke run for CI")
    sections = ["startup", "task", "json", "large", "pings", "sandbox", "scaling"]
    parser.add_argument("--only", action="append", choices=sections, metavar="SECTION",
                        help=f"run only this comparison (repeatable): {', '.join(sections)}")
    args = parser.parse_args()
    procsh, bench, quick = os.path.abspath(args.procsh), os.path.abspath(args.sandbox_bench), args.quick
    runs = {
        "startup": lambda: startup(procsh, 20 if quick else 300),
        "task": lambda: standard_task(procsh, 1 if quick else 5),
        "json": lambda: json_bridge(procsh, 2 if quick else 10),
        "large": lambda: large_runs(procsh, [1000] if quick else [1000, 10000, 100000], 1 if quick else 3),
        "pings": lambda: pings(procsh, 1 if quick else 5, quick),
        "sandbox": lambda: sandbox(procsh, bench, 1 if quick else 5, 1 if quick else 3),
        "scaling": lambda: scaling(bench, [100, 10000] if quick else [100, 10000, 100000]),
    }
    chosen = [s for s in sections if not args.only or s in args.only]
    for i, section in enumerate(chosen):
        if i:
            print()
        runs[section]()


if __name__ == "__main__":
    main()

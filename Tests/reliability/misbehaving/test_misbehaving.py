#!/usr/bin/env python3
"""procsh against a misbehaving server.

usage: test_misbehaving.py [-v] [--list] PROCSH_BIN [case ...]

Each case starts its own server.py (127.0.0.1, free ports; an "other host"
listener on 127.0.0.2), runs procsh with `--base-url`, `--request-timeout 2`
(20 for the 50 and 80 MB answers) and a one-line Lua script (`-e`) that
makes one API call, kills procsh hard 15 s after the time allowed, and checks:

  - procsh ended within the time the configuration allows (request timeout x
    attempts the retry policy makes + the longest backoff + a margin);
  - no crash: no signal, no "Fatal error", no Swift stack dump;
  - the exit status is the one docs/lua-api.md ("Exit status") gives for the
    error the case must produce (65 validation/4xx, 69 transport/5xx,
    75 timeout, 77 auth, 1 other), or 0 for the one answer that is fine;
  - the first line of stderr is the typed error line
    (`procsh: transport...`, `api 4xx ...`, `timeout: ...`) naming the request;
  - a POST whose outcome is unknown was not sent twice;
  - a 401 on the call is met with one new token and the call once more, then an
    auth error (token, call, token, call); a refused token request ends it alone;
  - no credentials reached the other host, and none is in procsh's output;
  - the message says what happened (redirects, token requests: see CLARITY).

Cases are named WHERE/BEHAVIOUR: get/... and post/... misbehave on the API
call (GET /processRuns/x, POST /processRuns/x/jobRuns), token/... on
POST /oauth2/token (before a GET); pcall/... run the call inside pcall and
print procsh.iserror(e), e.kind, e.retryable; runtimeout/... add --timeout;
trace/... add --log-level trace (to look for secrets in the log).
A case argument may be a glob: 'token/*'.

Prints `ok   <case> (<seconds> s, exit <n>): <first stderr line>` or
`FAIL <case>: <why>` per case, then `misbehaving: N passed, M failed`;
exits 1 when any case failed. Cases run in parallel threads (about 30 s in all).
"""

import concurrent.futures
import fnmatch
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402

REQUEST_TIMEOUT = 2.0
# The large answers need time to arrive on a loaded machine: they get a longer
# --request-timeout, so that what they test is the size limit, not the clock.
LARGE_BODY_TIMEOUT = 20.0
LARGE_BODIES = {"body_50mb", "body_80mb"}
MARGIN = 10.0          # process start, token request, a loaded 2-core machine (the tests run in parallel)
HARD_KILL_AFTER_BUDGET = 15.0  # a case still running this long after its budget has hung
MAX_ATTEMPTS = 4       # RetryPolicy.standard
BACKOFF_TOTAL = 0.5 + 1 + 2  # the longest full-jitter waits before retries 1..3
WORKERS = 10

GET_SCRIPT = 'local r = processruns.get("x") print("result", type(r.id), tostring(r.id), type(r.children))'
POST_SCRIPT = ('local c = jobruns.create("x", jobruns.sendTask{ assignee = "user123", title = "T" }) '
               'print("result", #c, type(c[1] and c[1].id), tostring(c[1] and c[1].id))')
PCALL_GET = ('local ok, e = pcall(processruns.get, "x") '
             'print("pcall", ok, procsh.iserror(e), e.kind, e.retryable) if not ok then error(e) end')
PCALL_POST = ('local ok, e = pcall(jobruns.create, "x", jobruns.sendTask{ assignee = "user123", title = "T" }) '
              'print("pcall", ok, procsh.iserror(e), e.kind, e.retryable) if not ok then error(e) end')

# Behaviours after which a GET is sent again by the retry policy (timeouts,
# connections lost or answers unreadable at the HTTP level); a POST is not.
RESENT_IF_GET = {"endless_body", "never_starts", "drop_after_request", "reset_after_request", "drop_mid_body",
                 "huge_header", "body_80mb"}
# Behaviours where a POST's outcome is unknown: it must be sent exactly once.
UNKNOWN_OUTCOME = RESENT_IF_GET | {"truncated_json", "wrong_types", "html_200", "empty_200"}

# The exit status each misbehaviour must give per docs/lua-api.md ("Kinds",
# "Exit status") and docs/api-client.md ("Errors"), with the kind of the line.
EXPECT = {
    "truncated_json": (69, "transport", "unreadable answer: transport (invalidResponse)"),
    "wrong_types": (69, "transport", "a success not matching openapi.yaml: transport invalidResponse (api-client.md)"),
    "html_200": (69, "transport", "unreadable answer: transport (invalidResponse)"),
    "empty_200": (69, "transport", "unreadable answer: transport (invalidResponse)"),
    "body_50mb": (0, None, "under maximumResponseBytes (64 MiB): must succeed"),
    "body_80mb": (69, "transport", "over maximumResponseBytes: 'a larger answer is an error'"),
    "endless_body": (75, "timeout", "no complete answer in time: timeout"),
    "never_starts": (75, "timeout", "no complete answer in time: timeout"),
    "drop_after_request": (69, "transport", "connection lost: transport"),
    "reset_after_request": (69, "transport", "connection lost: transport"),
    "drop_mid_body": (69, "transport", "connection lost: transport"),
    "redirect_307": (69, "transport 307", "a redirect is not followed: transport (redirect) -> 69"),
    "redirect_302": (69, "transport 302", "a redirect is not followed: transport (redirect) -> 69"),
    "unauthorized": (77, "auth 401", "401: auth"),
    "huge_header": (69, "transport", "unreadable answer: transport"),
}
# On the token endpoint the same (a refused token, 401, is auth 401).
TOKEN_EXPECT = dict(EXPECT)


class Case:
    def __init__(self, name, where, behaviour, method, script, expect_exit, expect_kind, why, args=(),
                 budget=None, pcall_expect=None, first_line_is_error=True):
        self.name = name
        self.where = where          # "api" or "token"
        self.behaviour = behaviour
        self.method = method        # the API call the script makes
        self.script = script
        self.expect_exit = expect_exit if isinstance(expect_exit, tuple) else (expect_exit,)
        self.expect_kind = expect_kind
        self.why = why
        self.args = list(args)
        self.request_timeout = LARGE_BODY_TIMEOUT if behaviour in LARGE_BODIES else REQUEST_TIMEOUT
        # A token request is safe to send again, as a GET is.
        resent = (method == "GET" or where == "token") and behaviour in RESENT_IF_GET
        attempts = MAX_ATTEMPTS if resent else 1
        # A create whose outcome is unknown is followed by a read of the run, to find out
        # (docs/lua-api.md, "Exactly once"): the read is retried as any GET is.
        reconciled = method == "POST" and where == "api" and behaviour in UNKNOWN_OUTCOME
        self.budget = budget if budget is not None else (
            attempts * self.request_timeout + (BACKOFF_TOTAL if resent else 0)
            + (MAX_ATTEMPTS * self.request_timeout + BACKOFF_TOTAL if reconciled else 0) + MARGIN)
        self.pcall_expect = pcall_expect
        self.first_line_is_error = first_line_is_error

    @property
    def request(self):
        if self.where == "token":
            return "POST /oauth2/token"
        return "GET /processRuns/x" if self.method == "GET" else "POST /processRuns/x/jobRuns"


def build_cases():
    cases = []
    for method, script in (("GET", GET_SCRIPT), ("POST", POST_SCRIPT)):
        for b in server.API_BEHAVIOURS:
            code, kind, why = EXPECT[b]
            cases.append(Case(f"{method.lower()}/{b}", "api", b, method, script, code, kind, why))
    for b in server.TOKEN_BEHAVIOURS:
        code, kind, why = TOKEN_EXPECT[b]
        if b == "unauthorized":
            kind, why = "auth 401", "a refused token: auth (77)"
        cases.append(Case(f"token/{b}", "token", b, "GET", GET_SCRIPT, code, kind, why))
    # pcall: the script sees an error table (iserror, kind, retryable).
    cases.append(Case("pcall/post_never_starts", "api", "never_starts", "POST", PCALL_POST, 75, "timeout",
                      "timeout of a POST: retryable false", pcall_expect=("true", "timeout", "false")))
    cases.append(Case("pcall/get_html_200", "api", "html_200", "GET", PCALL_GET, 69, "transport",
                      "unreadable answer to a GET: retryable true", pcall_expect=("true", "transport", "true")))
    cases.append(Case("pcall/token_drop_after_request", "token", "drop_after_request", "GET", PCALL_GET, 69,
                      "transport", "a lost token request is safe to resend: retryable true",
                      pcall_expect=("true", "transport", "true")))
    # The run's own --timeout ends even a call that would never end.
    cases.append(Case("runtimeout/get_endless_body", "api", "endless_body", "GET", GET_SCRIPT, 75,
                      r"timeout \(runTimeout\)", "--timeout 4 passed: 75", args=["--timeout", "4"],
                      budget=4 + MARGIN))
    cases.append(Case("runtimeout/token_endless_body", "token", "endless_body", "GET", GET_SCRIPT, 75,
                      r"timeout \(runTimeout\)", "--timeout 4 passed: 75", args=["--timeout", "4"],
                      budget=4 + MARGIN))
    # Logs at trace: still nothing secret on stderr.
    cases.append(Case("trace/unauthorized", "api", "unauthorized", "GET", GET_SCRIPT, 77, "auth 401",
                      "401: auth", args=["--log-level", "trace"], first_line_is_error=False))
    cases.append(Case("trace/token_redirect_307", "token", "redirect_307", "GET", GET_SCRIPT, 69,
                      r"transport 307", "redirect", args=["--log-level", "trace"], first_line_is_error=False))
    return cases


CRASH_MARKS = ["Fatal error", "Stack dump", "Current stack trace", "Segmentation fault", "Illegal instruction",
               "Program crashed", "Assertion failed", "Precondition failed", "fatalError", "SIGSEGV", "SIGILL",
               "SIGTRAP", "SIGABRT"]

# Messages that say something false about the case: (pattern over the error
# line, which cases it applies to, why it is wrong).
CLARITY = [
    (re.compile(r"read the current state \(e\.g\. the process run\)|it is not idempotent"),
     lambda c: c.where == "token",
     "the hint talks of a non-idempotent request whose outcome is unknown; a token request is safe to send again"),
    (re.compile(r"check the client id and secret"),
     lambda c: c.behaviour.startswith("redirect"),
     "blames the client id and secret for a redirect"),
    (re.compile(r"^(?!.*(redirect|[Ll]ocation|127\.0\.0\.2)).*$"),
     lambda c: c.behaviour.startswith("redirect"),
     "does not say the answer was a redirect (nor where to), nor that it was not followed"),
]


# Weaker points of a message: reported as notes, not failures.
NOTES = [
    (re.compile(r"^(?!.*(html|HTML|<!DOCTYPE|text/)).*$"),
     lambda c: c.behaviour == "html_200" and c.where == "api",
     "an HTML answer is reported as 'not JSON (line 1, column 1: ...)': no content type, no quote of the body"),
    (re.compile(r"\(errno: \d+\)\)"),
     lambda c: True,
     "raw NIO error text with unbalanced parentheses ('... by peer) (errno: 104))')"),
]


def error_line(text):
    """procsh's error line: `<argv0>: <error>` with the argv0 part removed."""
    return re.sub(r"^\S*procsh: ", "", text)


def run_case(case, procsh, verbose):
    client_id = "cid-" + secrets.token_hex(4)
    client_secret = "csecret-" + secrets.token_hex(12)
    srv = server.server_for(case.where, case.behaviour, client_id=client_id, client_secret=client_secret)
    home = tempfile.mkdtemp(prefix="procsh-misbehaving-")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
           "LANG": "C.UTF-8", "WORKIVA_CLIENT_ID": client_id, "WORKIVA_CLIENT_SECRET": client_secret}
    argv = [procsh, "--base-url", srv.base_url, "--request-timeout", str(int(case.request_timeout))] + case.args + \
        ["-e", case.script]
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    hung = False
    try:
        out, err = proc.communicate(timeout=case.budget + HARD_KILL_AFTER_BUDGET)
    except subprocess.TimeoutExpired:
        hung = True
        proc.kill()
        out, err = proc.communicate()
    elapsed = time.monotonic() - started
    settled = srv.settle()  # every request procsh sent is recorded before they are counted
    srv.stop()
    try:
        os.rmdir(os.path.join(home, ".config")) if os.path.isdir(os.path.join(home, ".config")) else None
        os.rmdir(home)
    except OSError:
        pass

    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    lines = [l for l in err.splitlines() if l.strip()]
    first = lines[0] if lines else ""
    if not case.first_line_is_error:
        first = next((l for l in lines if re.match(r"^\S*procsh: ", l)), first)
    line = error_line(first)
    api_requests = [r for r in srv.requests if not r[1].endswith("/oauth2/token")]
    token_requests = [r for r in srv.requests if r[1].endswith("/oauth2/token")]
    problems = []
    notes = []
    if not settled:
        problems.append("the server was still reading requests 5 s after procsh ended")

    if hung:
        problems.append(f"hung: killed after {case.budget + HARD_KILL_AFTER_BUDGET:.0f} s (allowed {case.budget:.1f} s)")
    elif elapsed > case.budget:
        problems.append(f"too slow: {elapsed:.1f} s, allowed {case.budget:.1f} s")
    rc = proc.returncode
    if not hung and rc < 0:
        problems.append(f"crashed: killed by signal {-rc}")
    for mark in CRASH_MARKS:
        if mark in err or mark in out:
            problems.append(f"crash marker {mark!r} in output")
            break
    if not hung and rc not in case.expect_exit:
        if rc == 0:
            problems.append(f"exit 0, expected {'/'.join(map(str, case.expect_exit))} ({case.why}); stdout: {out.strip()[:120]!r}")
        else:
            problems.append(f"exit {rc}, expected {'/'.join(map(str, case.expect_exit))} ({case.why})")
    if case.expect_kind and not hung:
        # kind[ status][ (code)]: message ... [METHOD path][; hint]   (docs/lua-api.md, "The one-line form")
        if not re.match(rf"^{case.expect_kind}( \d{{3}})?( \([^)]*\))?: ", line):
            problems.append(f"first stderr line is not a typed '{case.expect_kind.replace(chr(92), '')}' error: {line[:160]!r}")
        elif f"[{case.request}]" not in line:
            problems.append(f"the error line does not name the request [{case.request}]")
    if case.expect_kind is None and not hung and rc == 0:
        want = "result\tstring\tx" if case.method == "GET" else "result\t1\tstring\tjobrun-1"
        if want not in out:
            problems.append(f"succeeded but the result is wrong: {out.strip()[:120]!r}")
    if case.pcall_expect and not hung:
        m = re.search(r"^pcall\t(\S+)\t(\S+)\t(\S+)\t(\S+)", out, re.M)
        if not m:
            problems.append(f"pcall line missing: {out.strip()[:120]!r}")
        else:
            got = (m.group(2), m.group(3), m.group(4))
            if m.group(1) != "false" or got != case.pcall_expect:
                problems.append(f"pcall saw ok={m.group(1)} iserror={got[0]} kind={got[1]} retryable={got[2]}, "
                                f"expected iserror={case.pcall_expect[0]} kind={case.pcall_expect[1]} "
                                f"retryable={case.pcall_expect[2]} ({case.why})")
            else:
                notes.append(f"pcall: iserror={got[0]} kind={got[1]} retryable={got[2]}")
    if case.where == "api" and case.method == "POST" and case.behaviour in UNKNOWN_OUTCOME:
        posts = [r for r in api_requests if r[0] == "POST"]
        if len(posts) > 1:
            problems.append(f"a POST whose outcome was unknown was sent {len(posts)} times")
    if case.behaviour == "unauthorized":
        # docs/api-client.md, "Authentication": a 401 on an API call drops the token,
        # fetches a new one and sends the call once more; a second 401 is an auth error.
        # A token request that is itself refused is that error: no API call is sent.
        token = ("POST", "/oauth2/token")
        call = tuple(case.request.split(" ", 1))
        want = [token] if case.where == "token" else [token, call, token, call]
        if srv.requests != want:
            problems.append(f"requests {srv.requests}, expected {want} (a 401: one new token, the call once more)")
    leaks = srv.other.leaks()
    if leaks:
        problems.append("credentials reached the other host: " + "; ".join(leaks))
    elif srv.other.requests:
        problems.append(f"followed a redirect: the other host got {len(srv.other.requests)} request(s)")
    basic = __import__("base64").b64encode(f"{client_id}:{client_secret}".encode()).decode()
    for secret, what in ((client_secret, "the client secret"), (server.TOKEN, "the access token"), (basic, "the Basic credentials")):
        if secret in out or secret in err:
            problems.append(f"{what} appears in procsh's output")
    if not hung and rc != 0:
        for pattern, applies, why in CLARITY:
            if applies(case) and pattern.search(line):
                problems.append(f"unclear message: {why}")
    if not hung and rc != 0:
        for pattern, applies, why in NOTES:
            if applies(case) and pattern.search(line):
                notes.append(f"note: {why}")
    if srv.errors():
        problems.append(f"server error (a bug in server.py): {srv.errors()[:2]}")

    result = {
        "case": case, "elapsed": elapsed, "rc": None if hung else rc, "line": line, "problems": problems,
        "notes": notes, "api_requests": len(api_requests), "token_requests": len(token_requests),
        "other_requests": len(srv.other.requests), "stderr": err, "stdout": out,
    }
    return result


def report(result, verbose):
    case = result["case"]
    shown = result["line"] if result["line"] else (result["stdout"].strip().splitlines() or [""])[0]
    if result["problems"]:
        text = f"FAIL {case.name}: " + "; ".join(result["problems"])
        if result["rc"] is not None:
            text += f"  [{result['elapsed']:.1f} s, exit {result['rc']}: {shown[:300]}]"
    else:
        text = f"ok   {case.name} ({result['elapsed']:.1f} s, exit {result['rc']}): {shown}"
    for n in result["notes"]:
        if n.startswith(("note: ", "pcall: ")):
            text += f"\n       {n}"
    if verbose:
        text += (f"\n       requests: {result['token_requests']} token, {result['api_requests']} API, "
                 f"{result['other_requests']} to the other host; allowed {case.budget:.1f} s; {case.why}")
        for n in result["notes"]:
            if not n.startswith(("note: ", "pcall: ")):
                text += f"\n       {n}"
    return text


def main(argv):
    verbose = False
    args = []
    for a in argv[1:]:
        if a in ("-v", "--verbose"):
            verbose = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            args.append(a)
    cases = build_cases()
    if args and args[0] == "--list":
        for c in cases:
            print(f"{c.name:34} {c.why}")
        return 0
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    procsh = os.path.abspath(args[0])
    if not os.access(procsh, os.X_OK):
        print(f"test_misbehaving: {procsh} is not an executable", file=sys.stderr)
        return 2
    if args[1:]:
        wanted = args[1:]
        cases = [c for c in cases if any(fnmatch.fnmatchcase(c.name, w) or c.name == w for w in wanted)]
        if not cases:
            print(f"test_misbehaving: no case matches {' '.join(wanted)} (--list lists them)", file=sys.stderr)
            return 2

    started = time.monotonic()
    # Longest first, so the slow ones overlap.
    order = sorted(cases, key=lambda c: -c.budget)
    lock = threading.Lock()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {pool.submit(run_case, c, procsh, verbose): c for c in order}
        for f in concurrent.futures.as_completed(futures):
            c = futures[f]
            try:
                r = f.result()
            except Exception as e:  # the harness itself failed
                r = {"case": c, "elapsed": 0, "rc": None, "line": "", "problems": [f"harness error: {e!r}"],
                     "notes": [], "api_requests": 0, "token_requests": 0, "other_requests": 0,
                     "stderr": "", "stdout": ""}
            results[c.name] = r
            with lock:
                print(report(r, verbose), flush=True)
    failed = sum(1 for r in results.values() if r["problems"])
    passed = len(results) - failed
    print(f"misbehaving: {passed} passed, {failed} failed ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

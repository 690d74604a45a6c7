#!/usr/bin/env python3
"""A misbehaving stand-in for the Processes API, for reliability tests of procsh.

Python 3 standard library only. One `MisbehavingServer` serves one case: its
token endpoint (POST /oauth2/token) and its API endpoints (GET /processRuns/x,
POST /processRuns/x/jobRuns, ...) each answer with a chosen *behaviour*: a
normal answer, or one of the ways a server (or what stands in front of it) can
go wrong: truncated or wrongly typed JSON, HTML, huge or endless bodies, no
answer at all, dropped connections, redirects to another host, 401s, huge
headers.

Beside it runs an "other host" listener (127.0.0.2 when it can be bound, else
another port on 127.0.0.1): the redirect cases point there, and it records
every request it receives and whether it carried an Authorization header, the
client secret (plain, form-encoded or in HTTP Basic) or the issued token.

Every connection is served on its own daemon thread, so a case that hangs
(never answers, trickles forever) blocks nothing else; `stop()` ends them.

Run by hand:  python3 server.py CASE   (prints the base URL, serves until Ctrl-C)
"""

import base64
import json
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse

TOKEN = "tok-3f9a1c0e-misbehaving-secret-token"
MB = 1024 * 1024


# --------------------------------------------------------------------------
# HTTP plumbing on raw sockets (full control over what goes on the wire).

class Request:
    def __init__(self, method, target, version, headers, body):
        self.method = method
        self.target = target
        self.path = target.split("?", 1)[0]
        self.version = version
        self.headers = headers  # list of (name, value), names as sent
        self.body = body

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    @property
    def is_token(self):
        return self.path.rstrip("/").endswith("/oauth2/token")

    def raw_text(self):
        head = "\r\n".join(f"{k}: {v}" for k, v in self.headers)
        return f"{self.method} {self.target} {self.version}\r\n{head}\r\n\r\n" + self.body.decode("latin-1")


class Closed(Exception):
    """The peer went away, or the server is stopping."""


def read_request(conn, buf):
    """Reads one request from `conn` (bytes already read are in `buf`, a bytearray).
    Returns a Request, or None when the peer closed cleanly between requests."""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            if buf:
                raise Closed("peer closed mid-request")
            return None
        buf += chunk
        if len(buf) > 1 * MB:
            raise Closed("request head too large")
    head, _, rest = bytes(buf).partition(b"\r\n\r\n")
    del buf[:]
    buf += rest
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = (lines[0].split(" ", 2) + ["", ""])[:3]
    headers = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.append((k.strip(), v.strip()))
    req = Request(method, target, version, headers, b"")
    te = (req.header("transfer-encoding") or "").lower()
    if "chunked" in te:
        body = bytearray()
        while True:
            while b"\r\n" not in buf:
                chunk = conn.recv(65536)
                if not chunk:
                    raise Closed("peer closed mid-body")
                buf += chunk
            size_line, _, rest = bytes(buf).partition(b"\r\n")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            del buf[:]
            buf += rest
            while len(buf) < size + 2:
                chunk = conn.recv(65536)
                if not chunk:
                    raise Closed("peer closed mid-body")
                buf += chunk
            body += buf[:size]
            del buf[:size + 2]
            if size == 0:
                break
        req.body = bytes(body)
    else:
        length = int(req.header("content-length") or "0")
        while len(buf) < length:
            chunk = conn.recv(65536)
            if not chunk:
                raise Closed("peer closed mid-body")
            buf += chunk
        req.body = bytes(buf[:length])
        del buf[:length]
    return req


REASONS = {200: "OK", 201: "Created", 301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect",
           308: "Permanent Redirect", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}


def head_bytes(status, headers):
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def send_response(conn, status, body=b"", content_type="application/json", extra=()):
    if isinstance(body, str):
        body = body.encode()
    headers = []
    if content_type:
        headers.append(("Content-Type", content_type))
    headers.append(("Content-Length", str(len(body))))
    headers += list(extra)
    conn.sendall(head_bytes(status, headers) + body)


def send_json(conn, status, value, extra=()):
    send_response(conn, status, json.dumps(value), "application/json", extra)


def stopping_sleep(ctx, seconds):
    """Sleeps, but raises Closed as soon as the server stops."""
    if ctx.server.stopped.wait(seconds):
        raise Closed("server stopping")


# --------------------------------------------------------------------------
# Normal answers.

RUN = {
    "id": "x", "name": "Q4 close", "status": "running", "processId": "p-1",
    "created": {"dateTime": "2025-11-24T16:00:00Z"},
    "statusCounts": {"running": 1},
    "children": [{"id": "job-1", "name": "Collect", "ordinal": 0, "action": "sendTask",
                  "arguments": {"type": "sendTask", "sendTaskArgs": {
                      "assignee": {"id": "user123", "type": "user"}, "title": "Collect"}},
                  "triggerType": "whenEligible", "status": "running"}],
}


def created_jobruns(req):
    try:
        specs = json.loads(req.body or b"[]")
    except ValueError:
        specs = []
    out = []
    for i, spec in enumerate(specs if isinstance(specs, list) else []):
        job = dict(spec) if isinstance(spec, dict) else {}
        job.update(id=f"jobrun-{i + 1}", ordinal=i + 1)
        out.append(job)
    return out


def token_ok(ctx, req):
    send_json(ctx.conn, 200, {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 599,
                              "scope": "file:read file:write"})
    return True


def api_ok(ctx, req):
    if req.method == "POST":
        send_json(ctx.conn, 201, created_jobruns(req))
    else:
        send_json(ctx.conn, 200, RUN)
    return True


# --------------------------------------------------------------------------
# Misbehaviours. Each takes (ctx, req), writes what it writes, and returns
# True to keep the connection for another request, False to close it.

def truncated_json(ctx, req):
    """Complete HTTP framing, but the JSON stops mid-way."""
    if req.is_token:
        body = '{"access_token": "' + TOKEN[:10]
    elif req.method == "POST":
        body = '[{"id": "jobrun-1", "ordinal": 1, "action": "sendT'
    else:
        body = '{"id": "x", "name": "Q4 close", "status": "running", "children": [{"id": "job-1", "na'
    send_response(ctx.conn, 201 if (req.method == "POST" and not req.is_token) else 200, body)
    return True


def wrong_types(ctx, req):
    """Valid JSON, but the fields have the wrong types."""
    if req.is_token:
        send_json(ctx.conn, 200, {"access_token": 5, "token_type": ["Bearer"], "expires_in": "soon"})
    elif req.method == "POST":
        send_json(ctx.conn, 201, [{"id": 5, "ordinal": "first", "parent": 7, "children": "x"}])
    else:
        send_json(ctx.conn, 200, {"id": 5, "name": ["x"], "status": 7, "children": "x"})
    return True


HTML = ("<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body><h1>Welcome</h1>"
        "<p>Please sign in to continue.</p></body></html>\n")


def html_200(ctx, req):
    """What a captive portal or a misconfigured proxy answers: 200, text/html."""
    send_response(ctx.conn, 200, HTML, "text/html; charset=utf-8")
    return True


def empty_200(ctx, req):
    send_response(ctx.conn, 200, b"", "application/json")
    return True


def big_body(total_bytes, valid_json):
    """A body of `total_bytes`, streamed chunked in 1 MiB pieces (no Content-Length).
    Valid JSON (a run whose name is huge) or not."""
    def behaviour(ctx, req):
        conn = ctx.conn
        status = 201 if (req.method == "POST" and not req.is_token) else 200
        conn.sendall(head_bytes(status, [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]))
        if req.is_token:
            prefix, suffix = '{"token_type": "Bearer", "access_token": "', '"}'
        elif req.method == "POST":
            prefix, suffix = '[{"id": "jobrun-1", "ordinal": 1, "action": "sendTask", "name": "', '"}]'
        else:
            prefix, suffix = '{"id": "x", "status": "running", "children": [], "name": "', '"}'
        if not valid_json:
            suffix = ""
        filler = total_bytes - len(prefix) - len(suffix)

        def chunk(data):
            conn.sendall(b"%x\r\n" % len(data) + data + b"\r\n")

        chunk(prefix.encode())
        piece = b"a" * MB
        while filler > 0:
            if ctx.server.stopped.is_set():
                raise Closed("stopping")
            n = min(filler, MB)
            chunk(piece[:n])
            filler -= n
        if suffix:
            chunk(suffix.encode())
        conn.sendall(b"0\r\n\r\n")
        return True
    return behaviour


def endless_trickle(ctx, req):
    """Headers, then a chunked body that never ends: one byte every 0.25 s, forever."""
    conn = ctx.conn
    conn.sendall(head_bytes(200, [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]))
    conn.sendall(b'12\r\n{"id": "x", "name"\r\n')
    while True:
        stopping_sleep(ctx, 0.25)
        conn.sendall(b"1\r\n \r\n")


def never_starts(ctx, req):
    """Reads the request, then sends nothing at all (not even a status line)."""
    while True:
        stopping_sleep(ctx, 0.5)


def drop_after_request(ctx, req):
    """Reads the request, then closes the connection (FIN) without a byte."""
    return False


def reset_after_request(ctx, req):
    """Reads the request, then resets the connection (RST)."""
    ctx.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return False


def drop_mid_body(ctx, req):
    """Promises 5000 bytes (Content-Length), sends 60, closes."""
    status = 201 if (req.method == "POST" and not req.is_token) else 200
    ctx.conn.sendall(head_bytes(status, [("Content-Type", "application/json"), ("Content-Length", "5000")])
                     + b'{"id": "x", "name": "Q4 close", "status": "running", "child')
    time.sleep(0.05)
    return False


def redirect(status):
    """A 30x to the same path on the other host (the client must not follow it)."""
    def behaviour(ctx, req):
        location = ctx.server.other.base_url + req.target
        send_response(ctx.conn, status, b"", None, [("Location", location)])
        return True
    return behaviour


def unauthorized(ctx, req):
    """401 with the OAuth error shape for the token endpoint, an API error document otherwise."""
    if req.is_token:
        send_json(ctx.conn, 401, {"error": "invalid_client", "error_description": "Client authentication failed"},
                  [("WWW-Authenticate", 'Basic realm="oauth"')])
    else:
        send_json(ctx.conn, 401, {"code": "401", "message": "Unauthorized"},
                  [("WWW-Authenticate", 'Bearer error="invalid_token"')])
    return True


def huge_header(size):
    """A 200 whose head carries one header of `size` bytes."""
    def behaviour(ctx, req):
        value = "a" * size
        body = json.dumps(RUN if not req.is_token else
                          {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 599}).encode()
        ctx.conn.sendall(head_bytes(200, [("Content-Type", "application/json"), ("X-Padding", value),
                                          ("Content-Length", str(len(body)))]) + body)
        return True
    return behaviour


# --------------------------------------------------------------------------
# The cases: what the token endpoint and the API endpoints do.

API_BEHAVIOURS = {
    "truncated_json": (truncated_json, "200 application/json, the JSON text stops mid-way (framing complete)"),
    "wrong_types": (wrong_types, 'valid JSON with wrong types ("id": 5, "children": "x", ...)'),
    "html_200": (html_200, "200 text/html (a sign-in page)"),
    "empty_200": (empty_200, "200 with an empty body"),
    "body_50mb": (big_body(50 * MB, True), "a 50 MB JSON body, streamed chunked (below the 64 MiB limit)"),
    "body_80mb": (big_body(80 * MB, False), "an 80 MB body, streamed chunked (above the 64 MiB limit)"),
    "endless_body": (endless_trickle, "headers, then a chunked body that trickles one byte per 0.25 s forever"),
    "never_starts": (never_starts, "the request is read, no response byte is ever sent"),
    "drop_after_request": (drop_after_request, "the connection is closed (FIN) right after the request"),
    "reset_after_request": (reset_after_request, "the connection is reset (RST) right after the request"),
    "drop_mid_body": (drop_mid_body, "Content-Length 5000, 60 bytes sent, then closed"),
    "redirect_307": (redirect(307), "307 to the same path on another host"),
    "redirect_302": (redirect(302), "302 to the same path on another host"),
    "unauthorized": (unauthorized, "401 on every API request (the token endpoint is fine)"),
    "huge_header": (huge_header(1 * MB), "a 200 whose head has a 1 MB header"),
}

TOKEN_BEHAVIOURS = {
    "truncated_json": API_BEHAVIOURS["truncated_json"],
    "wrong_types": API_BEHAVIOURS["wrong_types"],
    "html_200": API_BEHAVIOURS["html_200"],
    "empty_200": API_BEHAVIOURS["empty_200"],
    "body_80mb": API_BEHAVIOURS["body_80mb"],
    "endless_body": API_BEHAVIOURS["endless_body"],
    "never_starts": API_BEHAVIOURS["never_starts"],
    "drop_after_request": API_BEHAVIOURS["drop_after_request"],
    "drop_mid_body": API_BEHAVIOURS["drop_mid_body"],
    "redirect_307": API_BEHAVIOURS["redirect_307"],
    "unauthorized": (unauthorized, "401 invalid_client from the token endpoint (so: a 401 on every request)"),
    "huge_header": API_BEHAVIOURS["huge_header"],
}


# --------------------------------------------------------------------------
# Listeners.

class Ctx:
    def __init__(self, server, conn):
        self.server = server
        self.conn = conn


class Listener:
    """Accepts connections on host:0 and serves each on its own daemon thread."""

    def __init__(self, host, handle, name, on_request=None):
        self.name = name
        self.handle = handle  # handle(ctx, req) -> keep connection?
        self.on_request = on_request  # on_request(req): each request as soon as it is read
        self.reading = 0  # connections between requests: their next one (or their end) is to come
        self.stopped = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.host, self.port = self.sock.getsockname()[:2]
        self.base_url = f"http://{self.host}:{self.port}"
        self.conns = []
        self.errors = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, name=f"{name}-accept", daemon=True).start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with self.lock:
                self.conns.append(conn)
                self.reading += 1
            threading.Thread(target=self._serve, args=(conn,), name=f"{self.name}-conn", daemon=True).start()

    def _serve(self, conn):
        buf = bytearray()
        reading = True
        try:
            while not self.stopped.is_set():
                req = read_request(conn, buf)
                if req is None:
                    return
                if self.on_request:
                    self.on_request(req)
                with self.lock:
                    self.reading -= 1
                reading = False
                if not self.handle(Ctx(self, conn), req):
                    return
                with self.lock:
                    self.reading += 1
                reading = True
        except (Closed, OSError):
            pass
        except Exception as e:  # a bug here, not in the client: keep it visible
            with self.lock:
                self.errors.append(repr(e))
        finally:
            if reading:
                with self.lock:
                    self.reading -= 1
            try:
                conn.close()
            except OSError:
                pass

    def settle(self, timeout=5.0):
        """Once the peer has gone: waits until every request it sent has been read and
        recorded (no connection waits to be accepted, each one has ended or is in its
        behaviour). False if that takes longer than `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                idle = self.reading == 0
            if idle and not select.select([self.sock], [], [], 0)[0]:
                return True
            if time.monotonic() > deadline:
                return False
            self.stopped.wait(0.005)

    def stop(self):
        self.stopped.set()
        try:
            self.sock.close()
        except OSError:
            pass
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                c.close()
            except OSError:
                pass


class OtherHost(Listener):
    """Where redirects point. Records every request, and what secret it carried."""

    def __init__(self, secrets):
        self.secrets = [s for s in secrets if s]
        self.requests = []
        try:
            host = "127.0.0.2"
            probe = socket.socket()
            probe.bind((host, 0))
            probe.close()
        except OSError:
            host = "127.0.0.1"
        super().__init__(host, self._answer, "other", on_request=self._record)

    def _record(self, req):
        with self.lock:
            self.requests.append(req)

    def _answer(self, ctx, req):
        send_json(ctx.conn, 200, {"note": "this is the other host"})
        return True

    def leaks(self):
        """What the other host saw that it must not: a list of strings (empty: nothing)."""
        found = []
        with self.lock:
            reqs = list(self.requests)
        for req in reqs:
            text = req.raw_text()
            unquoted = urllib.parse.unquote_plus(text)
            if req.header("authorization") is not None:
                found.append(f"{req.method} {req.path}: Authorization header ({req.header('authorization')[:12]}...)")
            for s in self.secrets:
                if s in text or s in unquoted:
                    found.append(f"{req.method} {req.path}: carried a secret ({s[:4]}...)")
        return found


class MisbehavingServer:
    """The API stand-in for one case: `token` and `api` are behaviours."""

    def __init__(self, token=token_ok, api=api_ok, client_id="cid", client_secret="csecret"):
        self.token_behaviour = token
        self.api_behaviour = api
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self.other = OtherHost([client_secret, basic, TOKEN])
        self.requests = []  # (method, path) seen by the main listener
        self.listener = Listener("127.0.0.1", self._handle, "api", on_request=self._record)
        self.listener.other = self.other
        self.base_url = self.listener.base_url
        self.stopped = self.listener.stopped

    def _record(self, req):
        with self.listener.lock:
            self.requests.append((req.method, req.path))

    def _handle(self, ctx, req):
        if req.is_token:
            if req.method != "POST":
                send_json(ctx.conn, 405, {"error": "invalid_request"})
                return True
            return self.token_behaviour(ctx, req)
        return self.api_behaviour(ctx, req)

    def settle(self, timeout=5.0):
        """Both listeners have read what the client sent (see Listener.settle)."""
        return self.listener.settle(timeout) and self.other.settle(timeout)

    def stop(self):
        self.listener.stop()
        self.other.stop()

    def errors(self):
        return self.listener.errors + self.other.errors


def server_for(where, behaviour, **kw):
    """where: "api" or "token"; behaviour: a key of API_BEHAVIOURS / TOKEN_BEHAVIOURS."""
    if where == "token":
        return MisbehavingServer(token=TOKEN_BEHAVIOURS[behaviour][0], **kw)
    return MisbehavingServer(api=API_BEHAVIOURS[behaviour][0], **kw)


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print("usage: server.py CASE | token:CASE\n\nAPI cases:")
        for k, (_, d) in API_BEHAVIOURS.items():
            print(f"  {k:20} {d}")
        print("token endpoint cases (prefix token:):")
        for k, (_, d) in TOKEN_BEHAVIOURS.items():
            print(f"  token:{k:14} {d}")
        return 2
    where, _, name = argv[1].rpartition(":")
    srv = server_for("token" if where == "token" else "api", name)
    print(f"{srv.base_url}  (other host: {srv.other.base_url})", flush=True)
    try:
        while True:
            time.sleep(1)
            for leak in srv.other.leaks():
                print("LEAK:", leak, flush=True)
    except KeyboardInterrupt:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

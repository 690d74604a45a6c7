#!/usr/bin/env python3
"""The interactive prompt, driven through a pseudo-terminal (pexpect).

    python3 Tests/pty/prompt_test.py PROCSH_BINARY [test_name ...]

Each case starts procsh in a fresh HOME, types, and checks what the terminal
shows. Prints "ok"/"FAIL" per case and exits 1 if any failed.
"""
import os
import stat
import sys
import tempfile
import traceback

import pexpect

PROCSH = os.path.abspath(sys.argv[1])
SECRET = "the-client-secret-9876"


def start(*args, home=None, extra_env=None):
    home = home or tempfile.mkdtemp(prefix="procsh-pty-")
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "TERM": "xterm", "LANG": "C.UTF-8"}
    env.update(extra_env or {})
    child = pexpect.spawn(PROCSH, list(args), env=env, encoding="utf-8", timeout=15, dimensions=(40, 200))
    child.expect("> ")
    return child, home


def finish(child):
    """Ctrl-D at the prompt; returns the exit status. A Ctrl-D typed before
    the prompt switched the terminal to raw mode can be discarded, or reach
    the line as a literal ^D (then Ctrl-D deletes instead of ending), so each
    try first clears the line (Ctrl-U) and types Ctrl-D again until procsh ends."""
    for attempt in range(10):
        if attempt:
            child.sendcontrol("u")
        child.sendeof()
        if child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=2) == 0:
            break
    child.close()
    if child.exitstatus != 0:
        print("procsh ended with status %s, signal %s; last output: %r"
              % (child.exitstatus, child.signalstatus, child.before[-300:] if child.before else ""))
    return child.exitstatus


def test_banner_expression_and_ctrl_d():
    child, _ = start("--sandbox")
    child.send("=#processruns.get('demo-run').children\r")
    child.expect("\r\n5\r\n")
    child.expect("> ")
    assert finish(child) == 0


def test_completion_of_fields_and_globals():
    child, _ = start("--sandbox")
    child.send("jobruns.cr\t")
    child.expect("eate")  # the line now reads jobruns.create
    child.send("\x15")  # Ctrl-U clears it
    child.send("processr\t")
    child.expect("uns")
    child.send(".tr\t")
    child.expect("ee")
    child.send("\x15")
    child.send('s = "x"\r')
    child.expect("> ")
    child.send("s:up\t")
    child.expect("per")
    child.send("()\r")
    child.expect('"X"')
    child.expect("> ")
    child.send("t = setmetatable({}, { __index = { alpha = 1 } })\r")  # fields through __index
    child.expect("> ")
    child.send("=t.al\t")
    child.expect("pha")
    child.send("\r")
    child.expect("\r\n1\r\n")
    assert finish(child) == 0


def test_multiline_and_results_printed_with_inspect():
    child, _ = start("--sandbox")
    child.send("for i = 1, 2 do\r")
    child.expect(">> ")
    child.send("print('line', i)\r")
    child.expect(">> ")
    child.send("end\r")
    child.expect("line\t2")
    child.expect("> ")
    child.send("processruns.get('demo-run')\r")
    child.expect(r'<process run demo-run "Q4 close 2024" \[running\], 5 children>')
    child.send("{ a = 1, b = { 2, 3 } }\r")
    child.expect(r"\{ a = 1, b = \{ 2, 3 \} \}")
    child.send("select(2, pcall(processruns.get, 'nope'))\r")
    child.expect(r"<error: api 404 \(404\)")
    assert finish(child) == 0


def test_history_file_is_private_and_keeps_no_secret():
    child, home = start("--sandbox", extra_env={"WORKIVA_CLIENT_SECRET": SECRET, "WORKIVA_CLIENT_ID": "id"})
    child.send("x = 41\r")
    child.expect("> ")
    child.send('y = "%s"\r' % SECRET)
    child.expect("> ")
    child.send("for i = 1, 2 do\r")
    child.expect(">> ")
    child.send("end\r")
    child.expect("> ")
    assert finish(child) == 0
    path = os.path.join(home, ".local/state/procsh/history")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600, oct(mode)
    text = open(path).read()
    assert "x = 41" in text, text
    assert SECRET not in text, text
    assert "for i = 1, 2 do\\nend" in text, text
    # The next session finds the history: Up recalls the last entry.
    child, _ = start("--sandbox", home=home)
    child.send("\x1b[A\x1b[A\r")  # Up twice: 'x = 41'
    child.send("=x + 1\r")
    child.expect("\r\n42\r\n")
    assert finish(child) == 0


def test_ctrl_c_clears_the_line_and_interrupts_code():
    child, _ = start("--sandbox")
    child.send("half a line")
    child.sendintr()
    child.expect("> ")
    child.send("=1 + 1\r")
    child.expect("\r\n2\r\n")
    child.send("for i = 1, 3 do\r")
    child.expect(">> ")
    child.sendintr()  # drops the statement being continued
    child.expect("> ")
    # Ctrl-C once the loop runs: the line prints a marker right before it ('spin' .. 'ning'
    # so the echo of the line itself does not match).
    child.send("print('spin' .. 'ning') while true do end\r")
    child.expect("\r\nspinning\r\n")
    child.sendintr()
    child.expect("interrupted!")
    child.expect("> ")
    child.send("=3\r")
    child.expect("\r\n3\r\n")
    assert finish(child) == 0


def test_ctrl_c_cancels_a_slow_api_call():
    child, _ = start("--sandbox")
    child.send('=#processruns.get("demo-run").children\r')  # the token now, so the slow call is the read alone
    child.expect("\r\n5\r\n")
    child.expect("> ")
    child.send('sandbox.faults("latency=600s")\r')  # the answer would take 10 minutes
    child.expect("> ")
    # Ctrl-C once the call has started: the line prints a marker right before it.
    child.send('print("call" .. "ing") processruns.get("demo-run")\r')
    child.expect("\r\ncalling\r\n")
    child.sendintr()
    # Within expect's timeout, not the 10 minutes: the call's error ("usage (interrupted):
    # interrupted while waiting for the API"), or "interrupted!" if the Ctrl-C came first.
    child.expect("interrupted")
    child.expect("> ")
    child.send('sandbox.faults("")\r')
    child.expect("> ")
    child.send('=#processruns.get("demo-run").children\r')
    child.expect("\r\n5\r\n")
    assert finish(child) == 0


def test_ctrl_c_in_pcall_gives_the_calls_error():
    """README and docs/lua-api.md: the error a pcall around an interrupted call gets is the
    call's own (usage, code "interrupted"); no "interrupted!" escapes the pcall."""
    child, _ = start("--sandbox")
    child.send('=#processruns.get("demo-run").children\r')  # the token now, so the slow call is the read alone
    child.expect("\r\n5\r\n")
    child.expect("> ")
    child.send('sandbox.faults("latency=10s")\r')
    child.expect("> ")
    # A call hook writes the marker the moment processruns.get is called: the Ctrl-C then
    # certainly comes while the call waits, not before it.
    child.send('debug.sethook(function() if debug.getinfo(2, "f").func == processruns.get then '
               'debug.sethook() print("wait" .. "ing") end end, "c") '
               'ok, e = pcall(processruns.get, "demo-run")\r')
    child.expect("\r\nwaiting\r\n")
    child.sendintr()
    child.expect("> ")
    assert "interrupted!" not in child.before, child.before
    child.send('=ok, e.kind, e.code\r')
    child.expect('\r\nfalse\r\n"usage"\r\n"interrupted"\r\n')
    child.expect("> ")
    child.send('sandbox.faults("")\r')
    child.expect("> ")
    assert finish(child) == 0


def test_help():
    child, _ = start("--sandbox")
    child.send("help()\r")
    child.expect("jobruns.create")
    child.expect("> ")
    child.send("help(jobruns.create)\r")
    child.expect(r"jobruns.create\(run, jobs \[, opts\]\)")
    child.expect("Example:")
    child.expect("> ")
    assert finish(child) == 0


def test_progress_of_a_long_create_on_a_terminal():
    child, _ = start("--sandbox")
    child.send("jobs = {} for i = 1, 300 do jobs[i] = jobruns.sendTask{ assignee = 'user123', title = 'T' .. i } end\r")
    child.expect("> ")
    child.send("=#jobruns.create('demo-run', jobs, { batchSize = 50 })\r")
    child.expect("creating job runs: 250/300")
    child.expect("300\r\n")  # the result (the progress's "/300" is followed by more progress, not a newline)
    child.expect("> ")
    assert finish(child) == 0


def main():
    chosen = sys.argv[2:]
    tests = [(name, fn) for name, fn in sorted(globals().items())
             if name.startswith("test_") and (not chosen or name in chosen)]
    if chosen and len(tests) != len(chosen):
        print("no such test: " + ", ".join(set(chosen) - {name for name, _ in tests}))
        sys.exit(2)
    failed = 0
    for name, fn in tests:
        try:
            fn()
            print("ok   " + name)
        except Exception:
            failed += 1
            print("FAIL " + name)
            traceback.print_exc(file=sys.stdout)
    print("pty tests: %d passed, %d failed" % (len(tests) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

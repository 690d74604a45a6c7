#!/usr/bin/env python3
"""The interactive prompt, driven through a pseudo-terminal (pexpect).

    python3 Tests/pty/prompt_test.py PROCSH_BINARY [test_name ...]

Each case starts procsh in a fresh HOME, types, and checks what the terminal
shows. Prints "ok"/"FAIL" per case and exits 1 if any failed.
"""
import os
import re
import stat
import subprocess
import sys
import tempfile
import time
import traceback

import pexpect

PROCSH = os.path.abspath(sys.argv[1])
SECRET = "the-client-secret-9876"


def start(*args, home=None, extra_env=None, colour=False):
    """procsh on a pseudo-terminal, at its first prompt. Without colour (NO_COLOR), so
    that "> " is the prompt as typed; test_colours_... looks at the colours."""
    home = home or tempfile.mkdtemp(prefix="procsh-pty-")
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "TERM": "xterm", "LANG": "C.UTF-8"}
    if not colour:
        env["NO_COLOR"] = "1"
    env.update(extra_env or {})
    child = pexpect.spawn(PROCSH, list(args), env=env, encoding="utf-8", timeout=15, dimensions=(40, 200))
    child.expect(ANY_PROMPT)
    return child, home


ANY_PROMPT = "(\x1b\\[1;32m>\x1b\\[0m|>) "


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


SGR = re.compile(r"\x1b\[[0-9;]*m")  # a colour or style escape


def test_results_history_keeps_values_and_errors():
    child, _ = start("--sandbox")
    child.send("1 + 1\r")
    child.expect("\r\n2\r\n")
    child.send("=_ * 10\r")  # _ is the last value
    child.expect("\r\n20\r\n")
    child.send("=_1, _2, _3\r")  # the last ones, newest first
    child.expect("\r\n20\r\n2\r\nnil\r\n")
    child.send("processruns.get('nope')\r")  # an error is kept too, as the table it is
    child.expect("api 404")
    child.send("=_.kind, _.status, _2\r")
    child.expect('\r\n"api"\r\n404\r\n20\r\n')
    child.send("for i = 1, 12 do end\r")  # a statement that returns nothing keeps nothing
    child.expect("> ")
    child.send("=_, _2.kind\r")  # _ is what the last input printed first
    child.expect('\r\n"api"\r\n"api"\r\n')
    for i in range(1, 12):  # eleven more values: the oldest leave the history
        child.send("=%d\r" % (100 + i))
        child.expect("\r\n%d\r\n" % (100 + i))
    child.send("=_1, _9, _10\r")
    child.expect("\r\n111\r\n103\r\nnil\r\n")
    assert finish(child) == 0


def test_locals_survive_their_line():
    child, _ = start("--sandbox")
    child.send('local run = processruns.get("demo-run")\r')
    child.expect("> ")
    child.send("=run.id, #run.children\r")
    child.expect('\r\n"demo-run"\r\n5\r\n')
    child.send("local function sq(x) return x * x end\r")
    child.send("=sq(7)\r")
    child.expect("\r\n49\r\n")
    child.send("local a <const>, b = 1, 2\r")
    child.send("=a + b\r")
    child.expect("\r\n3\r\n")
    child.send("local t = {\r")  # a statement on two lines
    child.expect(">> ")
    child.send("1, 2, 3 }\r")
    child.send("=#t\r")
    child.expect("\r\n3\r\n")
    # A function defined at the prompt shares the variable with later lines.
    child.send("local n = 0 function bump() n = n + 1 return n end\r")
    child.send("bump() bump()\r")
    child.send("=n\r")
    child.expect("\r\n2\r\n")
    # Locals inside blocks stay local; 'local' inside a string or comment is text.
    child.send("do local hidden = 1 end s = 'local q = 1' -- local r = 2\r")
    child.send("=hidden, q, r, s\r")
    child.expect("\r\nnil\r\nnil\r\nnil\r\n\"local q = 1\"\r\n")
    # A prompt local is the prompt's own; a plain assignment is the global, as in lua.c.
    child.send("local y = 7 x = 5\r")
    child.send("=rawget(_G, 'y'), rawget(_G, 'x'), y\r")
    child.expect("\r\nnil\r\n5\r\n7\r\n")
    # <close> keeps its meaning: a true local, closed at the end of its line.
    child.send("local c <close> = setmetatable({}, { __close = function() print('clo' .. 'sed') end })\r")
    child.expect("\r\nclosed\r\n")
    child.send("=c\r")
    child.expect("\r\nnil\r\n")
    # A mistake is reported as written.
    child.send("local 5 = 3\r")
    child.expect("unexpected symbol near '5'|<name> expected near '5'")
    assert finish(child) == 0


def test_completion_knows_the_api():
    child, _ = start("--sandbox")
    child.send("jobruns.sendTask{ ass\t")  # a builder's fields
    child.expect("ignee = ")
    assert "\x07" not in child.before, child.before  # no bell after a completion that worked
    child.send('"user123", ti\t')
    child.expect("tle = ")
    child.send("\x15")
    child.send("jobruns.sendTask{ \t")  # one Tab lists them all, then the line again
    child.expect("\r\n> jobruns.sendTask{ ")
    for field in ("approver", "assignee", "document", "dueDate", "title", "triggerType"):
        assert field + " = " in child.before, child.before
    child.send("\x15")
    child.send("jobruns.create('demo-run', {}, { rel\t")  # create's options
    child.expect("ativeSibling = ")
    child.send("\x15")
    child.send("jobruns.create('demo-run', {}, { before = true, \t")  # less those given
    child.expect("\r\n> jobruns.create")
    for option in ("batchSize", "parentGroup", "reconcile", "relativeSibling"):
        assert option + " = " in child.before, child.before
    assert "before = " not in child.before.split("\n", 1)[1], child.before
    child.send("\x15")
    child.send('=#processruns.get("demo-run").children\r')  # the session reads ids
    child.expect("\r\n5\r\n")
    child.send('processruns.get("job-\t')
    child.expect('\r\n> processruns.get\\("job-')
    for id in ("job-7", "job-11", "job-12", "job-21"):
        assert id in child.before, child.before
    child.send("\x15")
    child.send('processruns.get("group-rev\t')
    child.expect("iew")
    child.send("\x15")
    child.send("t = { ['end'] = 1, value = 2 }\r")  # a key that is a keyword
    child.expect("> ")
    child.send("=t.e\t")
    child.expect(r'\["end"\]')
    child.send("\r")
    child.expect("\r\n1\r\n")
    # Completion never runs Lua code: an __index function is not called.
    child.send("lazy = setmetatable({}, { __index = function() print('ran' .. '!') end })\r")
    child.expect("> ")
    child.send("=lazy.x\t\r")
    child.expect("ran!")  # only once the line runs
    child.expect("> ")
    assert "ran!" not in child.before
    assert finish(child) == 0


def test_colours_on_a_terminal_and_not_with_no_color():
    child, _ = start("--sandbox", colour=True)
    child.send("='text', processruns.get('demo-run')\r")
    child.expect('\x1b\\[32m"text"\x1b\\[0m')  # a string, green
    child.expect("\x1b\\[1;36mdemo-run\x1b\\[0m")  # an id
    child.expect("\x1b\\[33mrunning\x1b\\[0m")  # a status, by what it means
    child.expect("\x1b\\[1;32m>\x1b\\[0m ")  # the prompt
    child.send("error('bad')\r")
    child.expect("\x1b\\[31mstdin:1: bad")  # an error, red
    assert finish(child) == 0
    for extra in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        child, _ = start("--sandbox", extra_env=extra, colour=True)
        child.send("='text', processruns.get('demo-run')\r")
        child.expect("demo-run")
        child.send("error('bad')\r")
        child.expect("stdin:1: bad")
        child.expect("> ")
        assert not SGR.search(child.before), (extra, child.before)
        assert finish(child) == 0
    # Standard output not a terminal: no colours; the prompt's other features stay.
    out = os.path.join(tempfile.mkdtemp(), "out")
    child = pexpect.spawn("/bin/sh", ["-c", '"$0" --sandbox > "$1"', PROCSH, out], encoding="utf-8", timeout=15,
                          env={"PATH": "/usr/bin:/bin", "HOME": tempfile.mkdtemp(), "TERM": "xterm"})
    time.sleep(3)  # the prompt goes to the file: wait for it to read
    child.send("local v = 'kept'\r")
    child.send("=v\r")
    time.sleep(1)
    assert finish(child) == 0
    text = open(out).read()
    assert '"kept"' in text, text
    assert not SGR.search(text), text


def test_piped_input_is_lua_c_unchanged():
    """Piped input: no environment of the prompt, no history, no colours: lua.c's loop."""
    script = "local x = 1\n=x\n1 + 1\n=_\nerror('bad')\n"
    ours = subprocess.run([PROCSH, "--sandbox", "-i"], input=script, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HOME": tempfile.mkdtemp(), "TERM": "xterm"})
    theirs = subprocess.run(["lua5.4", "-i"], input=script, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "TERM": "dumb"})
    assert "> nil\n" in ours.stdout and "2\n" in ours.stdout, ours.stdout
    assert not SGR.search(ours.stdout + ours.stderr), (ours.stdout, ours.stderr)
    # lua.c (Debian's, with readline) echoes each line; without the echo the output is the same.
    echoed = [line for line in script.splitlines()]
    stripped = theirs.stdout
    for line in echoed:
        stripped = stripped.replace(line + "\n", "", 1)
    assert ours.stdout.split("\n", 2)[2] == stripped.split("\n", 1)[1], (ours.stdout, theirs.stdout)
    assert ours.stderr == theirs.stderr.replace("lua5.4:", "procsh:"), (ours.stderr, theirs.stderr)


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

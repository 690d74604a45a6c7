#!/usr/bin/env bash
# Fuzz the sandbox from its own OpenAPI document with schemathesis.
#
#   Tests/reliability/schema/run_schemathesis.sh PROCSH [EXAMPLES]
#
# PROCSH    the procsh binary (e.g. .build/debug/procsh)
# EXAMPLES  test cases per operation and phase (default 30: the always-run
#           subset, ~12 s; 300 is the full run, ~80 s on 2 idle cores)
#
# Starts `procsh sandbox serve` on a free port with the demo data, gets a token
# for sandbox-client, and runs schemathesis 4.x (from the project's virtual
# environment, .venv: `scripts/setup test` installs it) against Sources/Sandbox/openapi.yaml: every phase (examples,
# coverage, fuzzing, stateful), positive and negative data, and the checks
# not_a_server_error, response_schema_conformance (formats validated),
# status_code_conformance, content_type_conformance and
# response_headers_conformance. The token endpoint (requestToken) is left out:
# it is how the run authenticates. The /_sandbox admin endpoints are not in the
# spec, so they are never called.
#
# Deterministic (fixed seed, one worker, a fresh sandbox, no crash cache or
# example database), offline (local spec, loopback only), and it writes only to
# a temporary directory, removed at the end. Set SCHEMATHESIS_REPORT_DIR to
# keep schemathesis's JSON and HAR reports (every request and answer) there.
#
# Exit status: 0 when every check passed, 1 when a check failed or schemathesis
# could not run, 64 on a usage error. The last line is a summary:
#   schemathesis: 6 operations, 1234 test cases, 0 failures
set -euo pipefail

usage() {
    echo "usage: $0 PROCSH [EXAMPLES]" >&2
    exit 64
}
[[ $# -ge 1 && $# -le 2 ]] || usage
procsh=$1
examples=${2:-30}
[[ -x $procsh ]] || { echo "$0: $procsh is not an executable" >&2; exit 64; }
[[ $examples =~ ^[1-9][0-9]*$ ]] || { echo "$0: EXAMPLES must be a positive integer, not '$examples'" >&2; exit 64; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
spec=$root/Sources/Sandbox/openapi.yaml
config=$here/schemathesis.toml
seed=20260401
version='2026-04-01.processes.preview'
checks=not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance

python=$root/.venv/bin/python
schemathesis=$root/.venv/bin/schemathesis
[[ -x $schemathesis ]] || { echo "$0: $schemathesis not found: run scripts/setup test" >&2; exit 1; }
st_version=$("$schemathesis" --version | grep -oE '[0-9]+(\.[0-9]+)+' | head -n 1)
[[ ${st_version%%.*} == 4 ]] || { echo "$0: needs schemathesis 4.x, found $st_version" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/procsh-schemathesis.XXXXXX")
sandbox_pid=
st_pid=
cleanup() {
    if [[ -n $st_pid ]]; then
        kill "$st_pid" 2>/dev/null || true
        wait "$st_pid" 2>/dev/null || true
    fi
    if [[ -n $sandbox_pid ]]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Loopback only, whatever proxy the environment names; Hypothesis's own files
# (its Unicode tables) go to the temporary directory, not ~/.hypothesis or ./.hypothesis.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export HYPOTHESIS_STORAGE_DIRECTORY=$work/hypothesis

# The sandbox: a free port, the demo data, no rate limit in practice.
"$procsh" sandbox serve --port 0 --quiet --rate-limit 1000000 >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
base=
for _ in $(seq 1 100); do
    if [[ -s $work/sandbox.out ]]; then
        base=$(head -n 1 "$work/sandbox.out" | sed -n 's|^procsh sandbox listening on \(http://[^ ]*\)$|\1|p')
        [[ -n $base ]] && break
    fi
    kill -0 "$sandbox_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $base ]]; then
    echo "$0: the sandbox did not start:" >&2
    cat "$work/sandbox.out" "$work/sandbox.err" >&2
    exit 1
fi

token=$(curl -sS --fail --noproxy '*' -u sandbox-client:sandbox-secret -H "X-Version: $version" \
    -d grant_type=client_credentials "$base/oauth2/token" \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

reports=${SCHEMATHESIS_REPORT_DIR:-$work/reports}
status=0
"$schemathesis" --config-file "$config" run "$spec" \
    --url "$base" \
    --header "Authorization: Bearer $token" \
    --header "X-Version: $version" \
    --exclude-operation-id requestToken \
    --checks "$checks" \
    --max-examples "$examples" \
    --seed "$seed" \
    --workers 1 \
    --generation-database none \
    --request-timeout 30 \
    --no-color \
    --report json,har --report-dir "$reports" &
st_pid=$!  # waited for in the background, so a signal stops the run at once
wait "$st_pid" || status=$?
st_pid=

# The summary line, from the JSON report; any failure or error also fails the script.
summary=$("$python" - "$reports" <<'EOF'
import glob, json, sys
files = sorted(glob.glob(sys.argv[1] + "/json-*.json"))
if not files:
    print("schemathesis: no report written"); sys.exit(1)
r = json.load(open(files[-1]))
ops, cases = r["operations"], r["test_cases"]
failures = cases["unique_failures"]
errors = len(r["errors"]) + ops["errored"] + cases["errored"]
line = f"schemathesis: {ops['tested']} operations, {cases['generated']} test cases, {failures} failures"
if errors:
    line += f", {errors} errors"
if ops["tested"] < ops["selected"]:
    line += f" ({ops['selected'] - ops['tested']} operations not tested)"
print(line)
sys.exit(1 if failures or errors or ops["tested"] < ops["selected"] or not r["complete"] else 0)
EOF
) || { [[ $status -ne 0 ]] || status=1; }
echo "$summary"
exit "$status"

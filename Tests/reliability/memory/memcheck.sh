#!/usr/bin/env bash
# LuaKit's and Bindings' tests under valgrind memcheck, and leak growth over
# failing calls.
#
#   Tests/reliability/memory/memcheck.sh [BUNDLE]
#
# BUNDLE  the debug test bundle (default .build/debug/procshPackageTests.xctest,
#         made by `swift build --build-tests`; this script builds nothing)
#
# Three runs under memcheck (--leak-check=full, the suppressions of swift.supp
# beside this script, tests one at a time):
#   1. every test of LuaKitTests and BindingsTests (LeakGrowthTests with
#      PROCSH_LEAK_CALLS=100);
#   2. LeakGrowthTests alone with PROCSH_LEAK_CALLS=100;
#   3. LeakGrowthTests alone with PROCSH_LEAK_CALLS=10000.
# Runs 2 and 3 must lose exactly as many bytes (definitely and indirectly):
# what 9,900 more iterations of failing calls (11 each) lose is the growth.
# Then LeakGrowthTests runs once natively and alone (10,000 iterations): Lua's
# counted memory must be back at its baseline and the C heap in use must not
# have grown ("no growth"; valgrind replaces malloc, so this figure is
# measured without it).
#
# It fails on any invalid read or write, use of an uninitialised value, invalid
# or mismatched free, definitely lost block (valgrind's error exit code), on
# leak growth, and on a failing test. "Possibly lost" is printed, not a failure.
#
# Two workarounds for valgrind 3.19 (Debian 12's):
#   - it gives up on the DWARF 5 debug information of Swift 6's toolchain
#     ("Possibly corrupted debuginfo file"), so it runs a copy of the bundle
#     without it (objcopy --strip-debug): stacks name functions, without lines;
#   - its rt_sigsuspend writes into the signal mask it is given, which
#     libdispatch keeps in read-only memory (the main thread of an async main
#     parks in dispatch_main), and valgrind itself crashes with SIGSEGV; a
#     preloaded sigsuspend passes the kernel a writable copy of the mask.
# Both are built in a temporary directory, removed at the end.
#
# Environment: VALGRIND (default valgrind); PROCSH_MEMCHECK_LOGS=DIR keeps the
# valgrind logs and the tests' output there (on a failure they are kept in the
# temporary directory, whose path is printed).
#
# About 2 to 3 minutes on 2 cores. The last line is a summary:
#   memcheck: LuaKitTests+BindingsTests: 52 tests, 0 errors, definitely lost 0 bytes
# Exit status: 0 clean, 1 on a finding or a failing test, 64 on a usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
supp=$here/swift.supp
valgrind=${VALGRIND:-valgrind}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    usage
    exit 0
fi
if [[ $# -gt 1 ]]; then
    usage >&2
    exit 64
fi
bundle=${1:-$root/.build/debug/procshPackageTests.xctest}
if [[ ! -x $bundle ]]; then
    echo "memcheck: no test bundle at $bundle (run: swift build --build-tests)" >&2
    exit 64
fi
command -v "$valgrind" >/dev/null || { echo "memcheck: valgrind not found (apt-get install valgrind)" >&2; exit 64; }

objcopy=$(command -v objcopy || command -v llvm-objcopy || true)
[[ -n $objcopy ]] || objcopy=$(dirname "$(readlink -f "$(command -v swift)")")/llvm-objcopy
cc=${CC:-$(command -v cc || command -v gcc || command -v clang || true)}
[[ -n $cc ]] || cc=$(dirname "$(readlink -f "$(command -v swift)")")/clang
demangle() {
    if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/procsh-memcheck.XXXXXX")
keep=0
cleanup() {
    if [[ -n ${PROCSH_MEMCHECK_LOGS:-} ]]; then
        mkdir -p "$PROCSH_MEMCHECK_LOGS"
        cp "$work"/*.log "$work"/*.out "$PROCSH_MEMCHECK_LOGS"/ 2>/dev/null || true
    fi
    if [[ $keep == 1 ]]; then
        echo "memcheck: logs kept in $work" >&2
        rm -f "$work/tests.xctest"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# The bundle without its debug information (see above).
"$objcopy" --strip-debug "$bundle" "$work/tests.xctest"

# sigsuspend with a writable copy of the mask (see above).
cat >"$work/sigsuspend.c" <<'EOF'
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
  sigset_t copy = *mask;
  return (int)syscall(SYS_rt_sigsuspend, &copy, (size_t)(_NSIG / 8));
}
EOF
"$cc" -shared -fPIC -O2 -o "$work/sigsuspend.so" "$work/sigsuspend.c"

# Runs the bundle under memcheck: memcheck_run NAME FILTER [VAR=VALUE...].
# Leaves NAME.log (valgrind's) and NAME.out (the tests'); sets $status.
memcheck_run() {
    local name=$1 filter=$2
    shift 2
    local start=$SECONDS
    status=0
    env "$@" LD_PRELOAD="$work/sigsuspend.so${LD_PRELOAD:+:$LD_PRELOAD}" NO_COLOR=1 \
        timeout --kill-after=30 1800 \
        "$valgrind" --tool=memcheck --error-exitcode=99 \
        --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite \
        --num-callers=50 --suppressions="$supp" --show-error-list=yes \
        --log-file="$work/$name.log" \
        "$work/tests.xctest" --testing-library swift-testing --no-parallel --filter "$filter" \
        >"$work/$name.out" 2>&1 || status=$?
    seconds[$name]=$((SECONDS - start))
}

# The figure after "LABEL:" in valgrind's LEAK SUMMARY, in bytes (0 when
# valgrind says no block was left).
lost() {
    local n
    n=$(sed -n "s/^==[0-9]*== *$1: \([0-9,]*\) bytes.*/\1/p" "$work/$2.log" | tail -1 | tr -d ,)
    echo "${n:-0}"
}
errors() { sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$work/$1.log" | tail -1 | tr -d ,; }
tests_run() {
    sed 's/\x1b\[[0-9;]*m//g' "$work/$1.out" | sed -n 's/.*Test run with \([0-9]*\) tests\{0,1\} in .*/\1/p' | tail -1
}
# What a suppression took in run NAME (from --show-error-list's list):
# "N loss records (B bytes in K blocks)", or "0 loss records".
suppressed_by() {
    local line
    line=$(sed -n "s/^--[0-9]*-- used_suppression: *\([0-9]*\) $1 .*suppressed: \(.*\)/\1 loss records (\2)/p" "$work/$2.log" | tail -1)
    echo "${line:-0 loss records}"
}

# Shows what went wrong in run NAME and marks the run failed.
report() {
    local name=$1 why=$2
    failed=1
    keep=1
    echo "memcheck: $name: $why (valgrind log: $work/$name.log)" >&2
    if [[ $status != 0 && $status != 99 ]]; then
        echo "--- the tests' output (last 40 lines):" >&2
        sed 's/\x1b\[[0-9;]*m//g' "$work/$name.out" | tail -40 >&2
    fi
    # Every error and definitely lost record, with its stack (demangled).
    awk '
        /^==[0-9]+== (Invalid|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination|Argument .* of function)/ { p = 1 }
        /^==[0-9]+== [0-9,]+ (\([0-9,]+ direct, [0-9,]+ indirect\) )?bytes in [0-9,]+ blocks are definitely lost/ { p = 1 }
        p { print }
        p && /^==[0-9]+== $/ { p = 0 }
    ' "$work/$name.log" | head -400 | demangle >&2
}

declare -A seconds
failed=0

# 1. Every test of the two targets.
memcheck_run all 'LuaKitTests|BindingsTests' PROCSH_LEAK_CALLS=100
all_status=$status
all_tests=$(tests_run all)
all_errors=$(errors all)
all_definite=$(lost "definitely lost" all)
if [[ $all_status == 99 || ${all_errors:-1} != 0 ]]; then
    report all "memcheck found ${all_errors:-?} errors"
elif [[ $all_status != 0 ]]; then
    report all "the tests failed (exit status $all_status)"
elif [[ -z $all_tests ]]; then
    report all "the tests did not run (no closing line)"
fi
status=$all_status

# 2. and 3. Leak growth: the same test with 100 and with 10,000 iterations.
declare -A definite indirect possible
for n in 100 10000; do
    memcheck_run "growth$n" 'LeakGrowthTests' PROCSH_LEAK_CALLS=$n
    definite[$n]=$(lost "definitely lost" "growth$n")
    indirect[$n]=$(lost "indirectly lost" "growth$n")
    possible[$n]=$(lost "possibly lost" "growth$n")
    e=$(errors "growth$n")
    if [[ $status == 99 || ${e:-1} != 0 ]]; then
        report "growth$n" "memcheck found ${e:-?} errors"
    elif [[ $status != 0 ]]; then
        report "growth$n" "the test failed (exit status $status)"
    fi
done
echo "memcheck: leak growth (LeakGrowthTests, 11 failing calls an iteration):" \
    "100 iterations: definitely lost ${definite[100]}, indirectly lost ${indirect[100]}, possibly lost ${possible[100]} bytes;" \
    "10000 iterations: definitely lost ${definite[10000]}, indirectly lost ${indirect[10000]}, possibly lost ${possible[10000]} bytes" \
    "(${seconds[growth100]} s, ${seconds[growth10000]} s)"
if [[ ${definite[100]} != "${definite[10000]}" || ${indirect[100]} != "${indirect[10000]}" ]]; then
    failed=1
    keep=1
    echo "memcheck: leak growth: what is lost grows with the number of failing calls" \
        "(logs: $work/growth100.log, $work/growth10000.log)" >&2
fi

# The test's own figures, natively (valgrind replaces malloc, so the C heap
# figure means nothing under it).
native_status=0
PROCSH_TEST_ALONE=1 PROCSH_LEAK_CALLS=10000 NO_COLOR=1 "$bundle" --testing-library swift-testing --filter LeakGrowthTests \
    >"$work/native.out" 2>&1 || native_status=$?
native=$(sed -n 's/^leak-growth: //p' "$work/native.out" | tail -1)
echo "memcheck: leak growth natively: ${native:-no figures}"
if [[ $native_status != 0 || $native != *": no growth "* ]]; then
    failed=1
    keep=1
    echo "memcheck: LeakGrowthTests natively: failed, or the heap was not measured as not growing:" >&2
    sed 's/\x1b\[[0-9;]*m//g' "$work/native.out" | grep -E 'Expectation failed|recorded an issue|error' >&2 || true
fi

echo "memcheck: LuaKitTests+BindingsTests under memcheck: ${seconds[all]} s;" \
    "indirectly lost $(lost "indirectly lost" all) bytes, possibly lost $(lost "possibly lost" all) bytes;" \
    "lazy global initialisers' values (swift.supp): $(suppressed_by swift-once-lazy-global-initialiser all)"
echo "memcheck: LuaKitTests+BindingsTests: ${all_tests:-0} tests, ${all_errors:-?} errors, definitely lost ${all_definite} bytes"
exit "$failed"

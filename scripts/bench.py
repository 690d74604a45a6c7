"""procsh's benchmarks: each comparison runs its contenders interleaved, many
times, and reports the median, min and max of wall time and peak RSS.

Start-up: `procsh -e 'print(1)'` beside `lua5.4 -e 'print(1)'`.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def peak_rss(argv, runs=5):
    """Median peak RSS (KiB) of argv, read by GNU time. (A child spawned from
    Python would report Python's own high-water mark from before its exec.)"""
    samples = []
    for _ in range(runs):
        out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, check=True)
        samples.append(int(out.stderr.strip().splitlines()[-1]))
    return int(statistics.median(samples))


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
    contenders = [("procsh", [procsh, "-e", "print(1)"]), ("lua5.4", [lua, "-e", "print(1)"])]
    results = measure(contenders, rounds)
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
    print()
    print(f"procsh / lua5.4 start-up: {ratio:.2f}x (goal <= 2x, ceiling 3x)")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--procsh", required=True, help="the procsh binary to measure")
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke run for CI")
    args = parser.parse_args()
    startup(os.path.abspath(args.procsh), 20 if args.quick else 300)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# A one-off reset, side by side against one emulator (its published limits on): offsetdeck's whole command and a
# careful official-SDK script (benches/one_off_sdk.py), each a fresh process, 30 runs each a second apart, medians.
# Usage: benches/one_off.sh   (builds the release binary; needs python3 and the package index for the SDKs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
(cd "$root" && cargo build --release --quiet)
bin="$root/target/release/offsetdeck"
work="$(mktemp -d)"
cleanup() { [ -n "${emu:-}" ] && kill "$emu" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/vectors/requirements.txt"
"$bin" emulator --listen 127.0.0.1:0 --write-profile "$work/p.toml" > "$work/addr" 2>/dev/null &
emu=$!
for _ in $(seq 100); do [ -s "$work/addr" ] && break; sleep 0.05; done
sed -i "s|^\[settings\]|[settings]\naudit_log = \"$work/audit.jsonl\"|" "$work/p.toml"
HOME="$work" python3 - "$bin" "$work" "$here" <<'PY'
import json, statistics, subprocess, sys, time, tomllib
bin, work, bench = sys.argv[1], sys.argv[2], sys.argv[3]
addr = json.loads(open(f"{work}/addr").readline())["ckafka"]
profile = tomllib.load(open(f"{work}/p.toml", "rb"))
acc = next(iter(profile["tencent"].values()))
inst = acc["ckafka"]["events"]
od = [bin, "--profile", f"{work}/p.toml", "reset", "--instance", "events", "--group", "etl", "--topic", "clicks",
      "--to-latest", "--yes"]
sdk = [f"{work}/venv/bin/python", f"{bench}/one_off_sdk.py", addr, acc["secret_id"], acc["secret_key"], acc["region"],
       inst["id"], "etl", "clicks"]

def runs(cmd, n=30):
    t = []
    for _ in range(n):
        # A one-off: each run starts with the limits' one-second windows clear (30 back-to-back runs would measure
        # the published limits of the reads, e.g. DescribeTopicSyncReplica at 5/s, not the command).
        time.sleep(1.1)
        a = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True)
        t.append(time.perf_counter() - a)
        if r.returncode != 0:
            sys.exit(f"{cmd[0]} failed: {r.stdout.decode()}{r.stderr.decode()}")
    return statistics.median(t) * 1000

a, b = runs(od), runs(sdk)
print(f"offsetdeck reset --yes: {a:.1f} ms median; official SDK script: {b:.1f} ms median; offsetdeck is {b / a:.1f}x faster")
PY

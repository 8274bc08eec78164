#!/usr/bin/env bash
# Drives the OFFICIAL Python SDK clients against `offsetdeck emulator` over HTTP on 127.0.0.1, through every write
# and read offsetdeck uses, and fails unless every call is accepted and parses into the SDK's own response models.
# Usage: tests/sdk_conformance/run.sh [path/to/offsetdeck]   (default: builds and uses target/debug/offsetdeck)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --quiet)
  bin="$root/target/debug/offsetdeck"
fi
work="$(mktemp -d)"
cleanup() { [ -n "${emu_pid:-}" ] && kill "$emu_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/vectors/requirements.txt"
# Twice: one port for all three APIs, then each API on its own port.
for ports in "--listen 127.0.0.1:0" "--separate-ports"; do
  rm -f "$work/addr"
  # shellcheck disable=SC2086
  "$bin" emulator $ports --write-profile "$work/profile.toml" > "$work/addr" 2> "$work/emulator.log" &
  emu_pid=$!
  for _ in $(seq 100); do [ -s "$work/addr" ] && break; sleep 0.05; done
  echo "== emulator $ports"
  HOME="$work" "$work/venv/bin/python" "$here/conformance.py" "$(head -1 "$work/addr")" "$work/profile.toml"
  kill "$emu_pid" 2>/dev/null || true
  wait "$emu_pid" 2>/dev/null || true
  emu_pid=""
done

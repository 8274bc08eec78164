#!/usr/bin/env bash
# The official Python SDKs' signing time, on this machine, in a throwaway virtualenv with the pinned SDKs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/../tests/vectors/requirements.txt"
HOME="$work" "$work/venv/bin/python" "$here/python_signing.py"

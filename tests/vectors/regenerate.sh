#!/usr/bin/env bash
# Regenerates huawei.json and tencent.json from the official Python SDKs' own signing code.
# Installs the pinned SDKs (requirements.txt) into a throwaway virtualenv; needs python3 and access to PyPI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
# The Huawei SDK writes ~/.huaweicloud/application_id on import; keep that out of the real home.
HOME="$(dirname "$venv")" "$venv/bin/python" "$here/generate.py" "$here"

#!/usr/bin/env bash
# Set up and run saleshealth on the embedded SQLite default at http://127.0.0.1:5000
# (extra arguments go to `saleshealth serve`, e.g. --port 8000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/saleshealth serve "$@"

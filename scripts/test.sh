#!/usr/bin/env bash
# Set up everything and run every check: ruff, mypy, the test suite on SQLite, and the
# database and queue tests again on PostgreSQL (127.0.0.1:5432/test) and Redis (6379).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev

export SALESHEALTH_TEST_OUTPUT=${SALESHEALTH_TEST_OUTPUT:-$PWD/test-output}
mkdir -p "$SALESHEALTH_TEST_OUTPUT"

echo "== ruff"
.venv/bin/ruff check assessment reports tests bench
echo "== import-linter (layering contract in pyproject.toml)"
.venv/bin/lint-imports
echo "== mypy"
.venv/bin/mypy
echo "== questionnaires"
.venv/bin/saleshealth questionnaire validate questionnaires/*/

# Two parallel workers (pytest-xdist; tests/conftest.py says which tests share one) and the
# slowest tests listed at the end.  SALESHEALTH_TEST_WORKERS=0 runs everything in one process.
pytest_args=(-p no:cacheprovider --durations=15)
workers=${SALESHEALTH_TEST_WORKERS:-2}
if [[ $workers != 0 ]]; then
  pytest_args+=(-n "$workers" --dist loadgroup)
fi

echo "== pytest (SQLite)"
.venv/bin/python -m pytest "${pytest_args[@]}" "$@"

if [[ -z "${SALESHEALTH_SKIP_PG:-}" ]]; then
  echo "== pytest (PostgreSQL + Redis)"
  TEST_DATABASE_URL=${TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
  TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} \
    .venv/bin/python -m pytest "${pytest_args[@]}" -m "db or redis" "$@"
fi

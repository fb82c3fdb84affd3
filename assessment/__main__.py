"""``python -m assessment`` runs the saleshealth command line."""

from assessment.cli import run

run()

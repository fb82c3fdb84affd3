"""Follow-up assessments, trends across a client's assessments, portfolio benchmark."""

from flask import Blueprint

bp = Blueprint("trends", __name__)

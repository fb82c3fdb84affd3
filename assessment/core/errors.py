"""The base of every error that reaches a person: a message code with parameters.

The core and the file readers raise subclasses of :class:`CodedError`; the services' errors
build on it (:mod:`assessment.services.errors`).  ``str(exc)`` is the English text, for logs
and the command line; the web and the API render ``exc.message`` in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.messages import Message


class CodedError(Exception):
    """An error whose text is a :class:`~assessment.core.messages.Message`."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.message = Message(code, **params)
        super().__init__(str(self.message))

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take other arguments than ``args`` (the English text): restore the
        # state instead of calling __init__ again, so a pickled error keeps its code.
        return (_restore, (type(self), self.args, self.__dict__))

    @property
    def code(self) -> str:
        """The stable dotted code, e.g. ``answer.out_of_range``."""
        return self.message.code

    @property
    def params(self) -> Mapping[str, Any]:
        """The values the message names."""
        return self.message.params


def _restore(cls: type[CodedError], args: tuple[Any, ...], state: dict[str, Any]) -> CodedError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InvalidValue(CodedError, ValueError):
    """A value that breaks a rule (an amount, a date, a percentage), as a ``ValueError``."""

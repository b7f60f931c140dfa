"""One exception hierarchy for everything a user can get wrong.

The CLI catches :class:`BoilerplateError` and prints its message on one line;
anything else is a bug and keeps its traceback.
"""
from __future__ import annotations


class BoilerplateError(Exception):
    """Base class: a problem the user can fix (bad input, bad model file, bad arguments)."""


class InputError(BoilerplateError, ValueError):
    """The input text or file is not what we can read (wrong type, invalid UTF-8, bad JSON)."""


class DataError(BoilerplateError, ValueError):
    """Labelled training/evaluation data is malformed (unknown label, spans out of range, empty)."""


class ModelError(BoilerplateError):
    """A model file is missing, corrupted, or was made for another feature version."""

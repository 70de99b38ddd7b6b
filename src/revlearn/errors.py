"""Errors and warnings raised by revlearn.

Every error carries three parts: **what** was wrong, **where** (file, table, column, row or
parameter) and **how to fix** it. Interfaces translate them: the CLI exits with
``exit_code`` (2 for bad input, 1 for internal failures) and the REST API maps
:class:`InputError` to a 4xx response with the three parts as JSON fields.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

__all__ = [
    "InputError",
    "MissingDependencyError",
    "NotFittedError",
    "NotFoundError",
    "ParameterError",
    "RevlearnError",
    "RevlearnWarning",
    "SchemaError",
    "StoreError",
    "short_list",
]


class RevlearnError(Exception):
    """Base class of revlearn errors: what went wrong, where, and how to fix it.

    Parameters
    ----------
    what : str
        What was wrong, with the offending value shown.
    where : str, optional
        The file, table, column, row or parameter concerned.
    fix : str, optional
        What the user can do about it.
    """

    exit_code = 1

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what, self.where, self.fix = what, where, fix
        parts = [what, f"[{where}]" if where else None, fix]
        super().__init__(" ".join(p for p in parts if p))

    def to_dict(self) -> dict[str, str | None]:
        """Return the error as a JSON-ready mapping.

        Returns
        -------
        dict
            Keys ``error`` (the class name), ``what``, ``where`` and ``fix``.
        """
        return {
            "error": type(self).__name__,
            "what": self.what,
            "where": self.where,
            "fix": self.fix,
        }


class InputError(RevlearnError, ValueError):
    """Bad data or arguments supplied by the user (CLI exit code 2, HTTP 422)."""

    exit_code = 2


class SchemaError(InputError):
    """A column is missing, mistyped or unusable."""


class ParameterError(InputError):
    """A parameter has a value revlearn cannot use."""


class NotFittedError(InputError, AttributeError):
    """A model was used before ``fit``."""


class NotFoundError(InputError, LookupError):
    """A model, table or file does not exist."""


class MissingDependencyError(InputError, ImportError):
    """An optional extra needed for this call is not installed."""


class StoreError(RevlearnError):
    """The workspace could not be read or written."""


class RevlearnWarning(UserWarning):
    """A problem that does not stop the work (rows dropped, a fallback used)."""


_repr = reprlib.Repr()
_repr.maxlist = 12
_repr.maxstring = 60


def short_list(items: Iterable[object], limit: int = 12) -> str:
    """Format items as a short comma-separated list, truncated with a count.

    Parameters
    ----------
    items : iterable
        The values to show.
    limit : int, default=12
        How many to show before ``... (N more)``.

    Returns
    -------
    str
        For example ``"id, source, pages (+4 more)"``.
    """
    values = [str(v) for v in items]
    shown = ", ".join(values[:limit])
    return f"{shown} (+{len(values) - limit} more)" if len(values) > limit else shown

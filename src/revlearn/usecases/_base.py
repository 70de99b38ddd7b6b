"""The contract every use case follows (params-only ``__init__``, ``fit`` → self, ...).

It mirrors scikit-learn's ``BaseEstimator`` (``get_params``/``set_params`` read from the
``__init__`` signature) without inheriting from it: a use case takes whole business tables,
not ``X, y`` matrices, so scikit-learn's estimator checks do not apply.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

from revlearn.errors import NotFittedError, ParameterError

__all__ = ["UseCase"]


class UseCase:
    """Base class of the revlearn use cases.

    Subclasses set ``usecase`` (the word used by ``revlearn fit <usecase>``) and store each
    keyword-only ``__init__`` parameter under its own name.
    """

    usecase: ClassVar[str] = ""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind is p.KEYWORD_ONLY
        )

    def get_params(self) -> dict[str, Any]:
        """Return the parameters the object was built with.

        Returns
        -------
        dict
            Parameter name → value, enough to rebuild an unfitted copy.
        """
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> UseCase:
        """Change parameters (before ``fit``), scikit-learn style.

        Parameters
        ----------
        **params
            Parameter name → new value.

        Returns
        -------
        UseCase
            ``self``.

        Raises
        ------
        ParameterError
            If a name is not a parameter of this use case.
        """
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ParameterError(
                    f"Unknown parameter {name!r} for {type(self).__name__}.",
                    where=f"{type(self).__name__}.set_params",
                    fix=f"Valid parameters: {', '.join(valid)}.",
                )
            setattr(self, name, value)
        return self

    def is_fitted(self) -> bool:
        """Tell whether ``fit`` has run.

        Returns
        -------
        bool
            True when a learned attribute (name ending in ``_``) exists.
        """
        return any(k.endswith("_") and not k.startswith("_") for k in vars(self))

    def _check_fitted(self, call: str) -> None:
        if not self.is_fitted():
            name = type(self).__name__
            raise NotFittedError(
                f"This {name} is not fitted yet, so {call}() cannot run.",
                where=f"{name}.{call}",
                fix=f"Call {name}(...).fit(data) first, or load a fitted model from the "
                "workspace registry.",
            )

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a saved model; parameters added since it was saved get their defaults."""
        signature = inspect.signature(type(self).__init__)
        for name in self._param_names():
            default = signature.parameters[name].default
            if name not in state and default is not inspect.Parameter.empty:
                state[name] = default
        self.__dict__.update(state)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

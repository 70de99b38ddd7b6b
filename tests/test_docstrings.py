"""Every public name (in a module's ``__all__``) has a numpydoc docstring that validates."""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import pkgutil

import pytest
from numpydoc.validate import validate

import revlearn

#: Checks enforced (numpydoc codes): summary present and well formed, parameters documented
#: and in order, returns documented.
CHECKS = {"GL08", "SS01", "SS02", "SS03", "SS05", "PR01", "PR02", "PR03", "RT01"}


def _public_objects():
    for info in pkgutil.walk_packages(revlearn.__path__, prefix="revlearn."):
        if info.name.startswith("revlearn.cli"):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.getmodule(obj) is not module:
                continue  # re-exported: checked where it is defined
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{info.name}.{name}", obj
                if inspect.isclass(obj):
                    for meth_name, meth in vars(obj).items():
                        if inspect.isfunction(meth) and not meth_name.startswith("_"):
                            yield f"{info.name}.{name}.{meth_name}", meth


OBJECTS = dict(_public_objects())


def _generated_init(obj: object) -> bool:
    """Dataclasses, enums and exceptions: the constructor is generated or inherited."""
    return inspect.isclass(obj) and (
        dataclasses.is_dataclass(obj) or issubclass(obj, (enum.Enum, Exception))
    )


@pytest.mark.parametrize("qualname", sorted(OBJECTS))
def test_docstring(qualname):
    result = validate(qualname)
    skip = {"PR01", "PR02"} if _generated_init(OBJECTS[qualname]) else set()
    errors = [f"{code}: {msg}" for code, msg in result["errors"] if code in CHECKS - skip]
    assert not errors, "\n".join(errors)


def test_public_names_exist():
    assert len(OBJECTS) > 50

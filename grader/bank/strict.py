"""Frozen dataclasses checked against their type hints: the validator of the question schema.

pydantic did this before, at ~100 ms of import and model building on every command that
loads the bank; the schema needs only a small part of it.  ``@model`` makes a frozen,
keyword-only dataclass; ``spec()`` adds constraints to a field; ``validate(cls, data)``
checks a YAML mapping against the class and returns the instance, or raises
ValidationError listing every problem as (location, message) with pydantic's wording.

Supported hints: str, int, float, bool, Any, Literal[...], Optional[X], list[X],
dict[str, X] and nested models.  Constraints: min_length/max_length (strings and lists),
pattern (searched, with ``$`` meaning the very end), gt/ge/le, and ``check`` (a function of
the value that raises ValueError).  A model's ``_check(self)`` runs once all its fields are
valid, for rules across fields.  Keys not declared are errors.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

Loc = tuple  # of str keys and int indexes
Errors = list  # of (Loc, str)
_BAD = object()  # a value that failed; its error is already recorded


class ValidationError(ValueError):
    def __init__(self, errors: list[tuple[Loc, str]]):
        super().__init__(f"{len(errors)} validation error(s)")
        self.errors = errors


def spec(
    default: Any = dataclasses.MISSING,
    *,
    default_factory: Any = dataclasses.MISSING,
    description: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    check: Callable[[Any], None] | None = None,
) -> Any:
    """A dataclass field with constraints (kept in its metadata, also read by the JSON Schema)."""
    rules = dict(description=description, min_length=min_length, max_length=max_length, pattern=pattern, gt=gt, ge=ge, le=le, check=check)
    metadata = {k: v for k, v in rules.items() if v is not None}
    return dataclasses.field(default=default, default_factory=default_factory, metadata=metadata)


def model(cls: type) -> type:
    """A frozen keyword-only dataclass that ``validate`` accepts.

    dataclass(frozen=True) writes six methods per class as source and exec()s them: ~8 ms
    for the schema's twelve classes, on every command.  The same methods, written once
    below for any model, cost nothing at import.  The class's own docstring is kept for
    the JSON Schema (dataclass would invent one from the signature, slowly)."""
    own_doc = cls.__dict__.get("__doc__")
    cls.__doc__ = own_doc or "-"  # any docstring: dataclass then leaves it alone
    cls = dataclasses.dataclass(init=False, repr=False, eq=False, kw_only=True)(cls)
    cls.__doc__ = cls.__schema_doc__ = own_doc
    for name, method in _MODEL_METHODS.items():
        setattr(cls, name, method)
    return cls


def _init(self, **kwargs: Any) -> None:
    for f in dataclasses.fields(self):
        if f.name in kwargs:
            value = kwargs.pop(f.name)
        elif f.default is not dataclasses.MISSING:
            value = f.default
        elif f.default_factory is not dataclasses.MISSING:
            value = f.default_factory()
        else:
            raise TypeError(f"{type(self).__name__}() missing keyword argument {f.name!r}")
        object.__setattr__(self, f.name, value)
    if kwargs:
        raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments {', '.join(map(repr, kwargs))}")


def _values(self) -> tuple:
    return tuple(getattr(self, f.name) for f in dataclasses.fields(self))


def _eq(self, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self) -> int:
    return hash(_values(self))


def _repr(self) -> str:
    inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
    return f"{type(self).__qualname__}({inner})"


def _frozen(self, name: str, *value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


_MODEL_METHODS = {"__init__": _init, "__eq__": _eq, "__hash__": _hash, "__repr__": _repr, "__setattr__": _frozen, "__delattr__": _frozen}


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and "__schema_doc__" in tp.__dict__


def validate(cls: type, data: Any) -> Any:
    """``data`` checked against the model ``cls``; ValidationError lists every problem."""
    errors: Errors = []
    value = _plan_of(cls).convert(data, (), errors)
    if errors:
        raise ValidationError(errors)
    return value


def build(cls: type, data: dict) -> Any:
    """The model from data that ``dump`` wrote of an already validated instance: no checks."""
    return _plan_of(cls).build(data)


def dump(obj: Any) -> Any:
    """Plain JSON-able data of a model instance (every field, defaults included)."""
    if is_model(type(obj)):
        return {f.name: dump(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list):
        return [dump(v) for v in obj]
    if isinstance(obj, dict):
        return {k: dump(v) for k, v in obj.items()}
    return obj


# --------------------------------------------------------------------------- fields


class Field:
    """One field of a model: its converter, constraints and default."""

    def __init__(self, f: dataclasses.Field, hint: Any):
        self.name = f.name
        self.hint = hint
        self.meta = f.metadata
        self.default = f.default
        self.factory = f.default_factory
        self.required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        self.convert = _converter(hint)
        self.build = _builder(hint)
        pattern = self.meta.get("pattern")
        if pattern is not None and pattern.endswith("$") and not pattern.endswith("\\$"):
            pattern = pattern[:-1] + r"\Z"  # JSON Schema's `$` is the end of the text, not before a final newline
        self.regex = re.compile(pattern) if pattern is not None else None

    def missing_value(self) -> Any:
        return self.factory() if self.factory is not dataclasses.MISSING else self.default

    def check(self, value: Any, loc: Loc, errors: Errors) -> Any:
        """Constraints of the metadata on a converted, non-None value."""
        meta = self.meta
        n_before = len(errors)
        if "min_length" in meta or "max_length" in meta:
            _check_length(value, meta, loc, errors)
        if self.regex is not None and not self.regex.search(value):
            errors.append((loc, f"String should match pattern '{meta['pattern']}'"))
        if "gt" in meta and not value > meta["gt"]:
            errors.append((loc, f"Input should be greater than {meta['gt']}"))
        if "ge" in meta and not value >= meta["ge"]:
            errors.append((loc, f"Input should be greater than or equal to {meta['ge']}"))
        if "le" in meta and not value <= meta["le"]:
            errors.append((loc, f"Input should be less than or equal to {meta['le']}"))
        if "check" in meta and len(errors) == n_before:
            try:
                meta["check"](value)
            except ValueError as exc:
                errors.append((loc, str(exc)))
        return value if len(errors) == n_before else _BAD


def _check_length(value: Any, meta: dict, loc: Loc, errors: Errors) -> None:
    n = len(value)
    if isinstance(value, str):
        low, high = meta.get("min_length"), meta.get("max_length")
        if low is not None and n < low:
            errors.append((loc, f"String should have at least {low} character{'s' if low != 1 else ''}"))
        if high is not None and n > high:
            errors.append((loc, f"String should have at most {high} character{'s' if high != 1 else ''}"))
        return
    low, high = meta.get("min_length"), meta.get("max_length")
    if low is not None and n < low:
        errors.append((loc, f"List should have at least {low} item{'s' if low != 1 else ''} after validation, not {n}"))
    if high is not None and n > high:
        errors.append((loc, f"List should have at most {high} item{'s' if high != 1 else ''} after validation, not {n}"))


class Plan:
    """How to check and build one model class (made once per class, on first use)."""

    def __init__(self, cls: type):
        self.cls = cls
        hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
        self.fields = {f.name: Field(f, hints[f.name]) for f in dataclasses.fields(cls) if f.init}
        self.check = getattr(cls, "_check", None)
        self.names = frozenset(self.fields)
        # build: only fields holding models need work; the rest is copied as it is
        self.nested = [(name, f.build) for name, f in self.fields.items() if f.build is not _same]

    def convert(self, data: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(data, dict):
            errors.append((loc, f"Input should be a valid dictionary or instance of {self.cls.__name__}"))
            return _BAD
        n_before = len(errors)
        values = {}
        for name, f in self.fields.items():
            if name not in data:
                if f.required:
                    errors.append((loc + (name,), "Field required"))
                else:
                    values[name] = f.missing_value()
                continue
            raw = data[name]
            value = f.convert(raw, loc + (name,), errors)
            if value is not _BAD and value is not None:
                value = f.check(value, loc + (name,), errors)
            values[name] = value
        for key in data:
            if key not in self.fields:
                errors.append((loc + (key,), "Extra inputs are not permitted"))
        if len(errors) > n_before:
            return _BAD
        obj = self.build_from(values)
        if self.check is not None:
            try:
                self.check(obj)
            except ValueError as exc:
                errors.append((loc, str(exc)))
                return _BAD
        return obj

    def build_from(self, values: dict) -> Any:
        obj = object.__new__(self.cls)
        obj.__dict__.update(values)  # frozen: no __setattr__ per field
        return obj

    def build(self, data: dict) -> Any:
        if data.keys() != self.names:  # not what dump wrote of this model (a damaged cache entry)
            raise KeyError(f"{self.cls.__name__}: fields {sorted(data.keys() ^ self.names)}")
        values = dict(data)
        for name, build in self.nested:
            values[name] = build(values[name])
        return self.build_from(values)


_PLANS: dict[type, Plan] = {}


def _plan_of(cls: type) -> Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = Plan(cls)
    return plan


def fields_of(cls: type) -> dict[str, Field]:
    return _plan_of(cls).fields


# --------------------------------------------------------------------------- types

_TRUE = {"1", "on", "t", "true", "y", "yes"}
_BOOL_WORDS = _TRUE | {"0", "off", "f", "false", "n", "no"}


def _str(v, loc, errors):
    if isinstance(v, str):
        return v
    errors.append((loc, "Input should be a valid string"))
    return _BAD


def _bool(v, loc, errors):
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in _BOOL_WORDS:
        return v.strip().lower() in _TRUE
    readable = isinstance(v, (str, int)) or (isinstance(v, float) and v.is_integer())
    errors.append((loc, "Input should be a valid boolean" + (", unable to interpret input" if readable else "")))
    return _BAD


def _int(v, loc, errors):
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            errors.append((loc, "Input should be a finite number"))
        elif v != int(v):
            errors.append((loc, "Input should be a valid integer, got a number with a fractional part"))
        else:
            return int(v)
        return _BAD
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            errors.append((loc, "Input should be a valid integer, unable to parse string as an integer"))
            return _BAD
    errors.append((loc, "Input should be a valid integer"))
    return _BAD


def _float(v, loc, errors):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            errors.append((loc, "Input should be a valid number, unable to parse string as a number"))
            return _BAD
    errors.append((loc, "Input should be a valid number"))
    return _BAD


def _any(v, loc, errors):
    return v


def _same(v):
    return v


def _converter(hint: Any) -> Callable:
    simple = {str: _str, bool: _bool, int: _int, float: _float, Any: _any}
    if hint in simple:
        return simple[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        names = [repr(a) for a in args]
        expected = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

        def literal(v, loc, errors):
            if isinstance(v, str) and v in args:
                return v
            errors.append((loc, f"Input should be {expected}"))
            return _BAD

        return literal
    if origin is Union and len(args) == 2 and type(None) in args:
        inner = _converter(next(a for a in args if a is not type(None)))
        return lambda v, loc, errors: None if v is None else inner(v, loc, errors)
    if origin is list:
        item = _converter(args[0])

        def list_(v, loc, errors):
            if not isinstance(v, list):
                errors.append((loc, "Input should be a valid list"))
                return _BAD
            out = [item(x, loc + (i,), errors) for i, x in enumerate(v)]
            return _BAD if any(x is _BAD for x in out) else out

        return list_
    if origin is dict and args[0] is str:
        value = _converter(args[1])

        def dict_(v, loc, errors):
            if not isinstance(v, dict):
                errors.append((loc, "Input should be a valid dictionary"))
                return _BAD
            out = {}
            for k, x in v.items():
                if not isinstance(k, str):
                    errors.append((loc + (str(k), "[key]"), "Input should be a valid string"))
                    out[k] = _BAD
                else:
                    out[k] = value(x, loc + (k,), errors)
            return _BAD if any(x is _BAD for x in out.values()) else out

        return dict_
    if is_model(hint):
        return lambda v, loc, errors: _plan_of(hint).convert(v, loc, errors)
    raise TypeError(f"grader.bank.strict does not handle the type {hint!r}")


def _builder(hint: Any) -> Callable[[Any], Any]:
    """Rebuilds nested models from dumped data; everything else is already plain data."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if is_model(hint):
        return lambda v: _plan_of(hint).build(v)
    if origin is Union and len(args) == 2 and type(None) in args:
        inner = _builder(next(a for a in args if a is not type(None)))
        return _same if inner is _same else (lambda v: None if v is None else inner(v))
    if origin is list:
        item = _builder(args[0])
        return _same if item is _same else (lambda v: [item(x) for x in v])
    if origin is dict:
        value = _builder(args[1])
        return _same if value is _same else (lambda v: {k: value(x) for k, x in v.items()})
    return _same

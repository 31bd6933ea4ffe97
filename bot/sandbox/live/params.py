"""Request parameters of each action, decoded and checked the way Tencent checks them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.sandbox.live.codes import ApiError, Code, Params

_INTEGER: Final = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class Param:
    """One request parameter of an action, with the checks Tencent applies to it."""

    name: str
    kind: type[int] | type[str] | type[list]  # list: a list of strings
    required: bool = False
    choices: tuple[int, ...] | None = None
    minimum: int | None = None

    def decode(self, raw: object, *, from_query: bool) -> int | str | list[str]:
        """Check one value; query-string values arrive as text, so integers are parsed there."""
        value = self._typed(raw, from_query=from_query)
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            if self.required and not value:
                raise ApiError(
                    Code.INVALID_PARAMETER_VALUE, f"The parameter `{self.name}` must not be empty."
                )
            return value
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(map(str, self.choices))
            raise ApiError(
                Code.INVALID_PARAMETER_VALUE,
                f"The value `{value}` of parameter `{self.name}` is not allowed; "
                f"valid values: {allowed}.",
            )
        if self.minimum is not None and value < self.minimum:
            raise ApiError(
                Code.INVALID_PARAMETER_VALUE,
                f"The value `{value}` of parameter `{self.name}` must be at least {self.minimum}.",
            )
        return value

    def _typed(self, raw: object, *, from_query: bool) -> int | str | list[str]:
        if self.kind is str and isinstance(raw, str):
            return raw
        if self.kind is list and isinstance(raw, list) and all(isinstance(i, str) for i in raw):
            return list(raw)
        if self.kind is int:
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            if from_query and isinstance(raw, str) and _INTEGER.fullmatch(raw):
                return int(raw)
        expected = {int: "Integer", str: "String", list: "Array of String"}[self.kind]
        raise ApiError(
            Code.INVALID_PARAMETER,
            f"The value type of parameter `{self.name}` is not valid; expected {expected}.",
        )


def decode_params(
    params: Sequence[Param], raw: Mapping[str, Any], *, from_query: bool
) -> Params:
    """Validate the parameters of one call against its declaration.

    A JSON ``null`` counts as absent, because that is what the SDK means by an unset field.
    """
    known = {p.name for p in params}
    unknown = sorted(name for name in raw if name not in known)
    if unknown:
        raise ApiError(Code.UNKNOWN_PARAMETER, f"The parameter `{unknown[0]}` is not recognized.")
    decoded: Params = {}
    for param in params:
        value = raw.get(param.name)
        if value is None:
            if param.required:
                raise ApiError(
                    Code.MISSING_PARAMETER,
                    f"The request is missing a required parameter `{param.name}`.",
                )
            continue
        decoded[param.name] = param.decode(value, from_query=from_query)
    return decoded

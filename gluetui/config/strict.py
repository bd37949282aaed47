"""The base every config model shares, and the names of item kinds as the config spells them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from gluetui.model import Kind

if TYPE_CHECKING:
    #: The public name of an item kind (``stale_doc``...).
    KindName = str
else:
    # Derived from Kind, so a new kind is accepted in ``fits`` (and named in the error listing
    # the valid ones) without touching the config.
    KindName = Literal[tuple(k.value for k in Kind)]


class Strict(BaseModel):
    """Base of every config model: unknown keys are refused, values are not coerced loosely."""

    # allow_inf_nan=False: TOML can spell ``inf`` and ``nan``, and an infinite budget or timeout
    # would pass every ``ge=`` bound and then break the arithmetic downstream.
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )

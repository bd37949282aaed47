"""Whatever the file holds, the loader answers with a Config or a ConfigError — nothing else."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from gluetui.config.lines import key_lines
from gluetui.config.loader import load_config, load_config_text
from gluetui.config.schema import Config
from gluetui.errors import ConfigError

FUZZ = settings(max_examples=200, deadline=None)

# Real key names make the documents reach deep into the schema instead of failing at the top.
_NAMES = {
    name
    for model in (Config, *(f.annotation for f in Config.model_fields.values()))
    if isinstance(model, type) and issubclass(model, BaseModel)
    for name in model.model_fields
}
KEYS = st.sampled_from([*sorted(_NAMES), "kind", "name", "token", "min_age_days", "x y", "ü", ""])
KINDS = st.sampled_from(["github", "gitlab", "command", "webhook", "github.create_issue"])
SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    KINDS,
    st.sampled_from(["ghp_0123456789abcdefghij", "glpat-0123456789abcdefghij"]),
    st.dates(),
    st.datetimes(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
SOURCES = st.lists(st.dictionaries(KEYS, VALUES, max_size=5), max_size=3)
DOCUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "sources": SOURCES,
        "detectors": st.dictionaries(
            st.sampled_from(["stale_doc", "broken_ci", "flaky_test", "unreviewd_pr"]),
            st.dictionaries(KEYS, VALUES, max_size=4),
            max_size=3,
        ),
        "automations": st.dictionaries(
            st.text(alphabet=string.ascii_letters + " -", max_size=8),
            st.dictionaries(KEYS, VALUES, max_size=5),
            max_size=3,
        ),
        "capacity": st.dictionaries(KEYS, VALUES, max_size=4),
        "refresh_minutes": VALUES,
        "accountable": VALUES,
    },
).flatmap(lambda d: st.dictionaries(KEYS, VALUES, max_size=3).map(lambda extra: {**extra, **d}))


def _outcome(text: str) -> None:
    try:
        load_config_text(text, "fuzz.toml")
    except ConfigError as exc:
        assert exc.title  # every refusal says something
        assert "0123456789abcdefghij" not in str(exc) + " ".join(getattr(exc, "problems", []))


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _outcome(text)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "[a]",
                "[[sources]]",
                "x = 1",
                'k = "v"',
                "a.b = [",
                "]",
                "{",
                "}",
                '"""',
                "'''",
                "=",
                "#",
                "\n",
                " ",
                "name = 'n'",
                "kind = 'github'",
                "[detectors.stale_doc]",
                "min_age_days = -1",
                "\\",
                ",",
                "inf",
                "2026-01-05",
                "token = 'x'",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_toml_ish_fragments(text: str) -> None:
    _outcome(text)
    assert isinstance(key_lines(text), dict)


@FUZZ
@given(DOCUMENTS)
def test_random_documents(doc: dict[str, Any]) -> None:
    _outcome(tomli_w.dumps(doc))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200))
def test_random_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(raw)
    try:
        load_config(path)
    except ConfigError as exc:
        assert exc.title


def test_dates_survive_the_round_trip() -> None:
    """Sanity check that the document strategy's TOML dates are what the schema expects."""
    assert load_config_text(tomli_w.dumps({"capacity": {"sprint_start": dt.date(2026, 1, 5)}}))

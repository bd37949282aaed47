"""Which adapter serves which kind of source: the one place that maps a source ``kind`` to a forge.

A new forge (Bitbucket, Gitea...) is a package under ``gluetui/forges/`` plus one entry here. The
adapters are imported only when a source of that kind is configured, so a GitHub-only user never
loads python-gitlab. An unknown kind is a :class:`~gluetui.errors.ConfigError` here and everywhere
else: nothing falls through to a default forge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from gluetui.errors import ConfigError

if TYPE_CHECKING:
    from gluetui.config.schema import Config, SourceConfig
    from gluetui.forges.base import Forge
    from gluetui.forges.http import HttpCache

#: Builds a forge from its source config, the whole config, a resolved token and the HTTP cache.
AdapterFactory = Callable[["SourceConfig", "Config", str, "HttpCache"], "Forge"]


def _github(source: SourceConfig, config: Config, token: str, cache: HttpCache) -> Forge:
    from gluetui.forges.github.forge import GitHubForge

    return GitHubForge.from_config(source, config, token=token, cache=cache)


def _gitlab(source: SourceConfig, config: Config, token: str, cache: HttpCache) -> Forge:
    from gluetui.forges.gitlab.forge import GitLabForge

    return GitLabForge.from_config(source, config, token=token, cache=cache)


#: Source kind -> adapter. The config schema's ``kind`` accepts exactly these keys.
ADAPTERS: Mapping[str, AdapterFactory] = {"github": _github, "gitlab": _gitlab}

#: Asks a forge whose token this is: (source, token) -> login, "" when it cannot tell.
LoginProbe = Callable[["SourceConfig", str], str]


def _github_login(source: SourceConfig, token: str) -> str:
    from gluetui.forges.github.pygithub import viewer_login

    return viewer_login(source, token)


#: Source kind -> how ``gluetui init`` learns the user's login there (kinds without one: none).
LOGIN_PROBES: Mapping[str, LoginProbe] = {"github": _github_login}


def adapter_for(kind: str) -> AdapterFactory:
    """The adapter for a source kind; an unknown kind is a config error naming the known ones."""
    try:
        return ADAPTERS[kind]
    except KeyError:
        known = ", ".join(sorted(ADAPTERS))
        raise ConfigError(f"Unknown source kind {kind!r}.", f"Use one of: {known}.") from None


def build_forge(source: SourceConfig, config: Config, token: str, cache: HttpCache) -> Forge:
    """The forge adapter for one configured source."""
    return adapter_for(source.kind)(source, config, token, cache)

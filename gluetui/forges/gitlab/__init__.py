"""gitlab.com and self-hosted GitLab: python-gitlab for REST, httpx for batched GraphQL reads.

Imports only its own modules, :mod:`gluetui.forges.base` and :mod:`gluetui.forges.http` (an
import-linter contract keeps the three forge packages independent of each other).
"""

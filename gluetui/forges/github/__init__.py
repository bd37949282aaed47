"""GitHub and GitHub Enterprise Server: batched GraphQL and conditional REST reads, and actions.

Imports only its own modules, :mod:`gluetui.forges.base` and :mod:`gluetui.forges.http` (an
import-linter contract keeps the three forge packages independent of each other).
"""

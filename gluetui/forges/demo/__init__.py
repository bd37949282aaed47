"""The embedded demo organisation: a deterministic forge that needs no token and no network.

Imports only its own modules and :mod:`gluetui.forges.base` (an import-linter contract keeps the
three forge packages independent of each other).
"""

"""The config: its schema, where it is loaded from, tokens, secrets, and the starter ``init`` writes.

Empty on purpose: ``gluetui items --json`` imports :mod:`gluetui.config.schema` types only when a
config is loaded, so importing this package must not pull in pydantic.
"""

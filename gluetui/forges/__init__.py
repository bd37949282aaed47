"""Forge adapters: one module per forge, all behind :class:`gluetui.forges.base.Forge`."""

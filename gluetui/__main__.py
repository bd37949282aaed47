"""``python -m gluetui``."""

from gluetui.cli import main

raise SystemExit(main())

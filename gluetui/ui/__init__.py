"""The Textual dashboard; the only package of gluetui that imports Textual. Entry: :func:`app.make_app`."""

"""The width gluetui counts for cleaned text is the width a real terminal (tmux) draws.

A panel's right border stays in line only if the terminal advances the cursor by as many cells as
Rich counted. Terminals disagree about variation selectors and skin-tone modifiers (tmux draws
``❤️`` one cell wide and ``👍🏽`` four, Rich counts two and two), which is why ``textsafe.clean``
drops them; emoji joined by a ZWJ are one cluster in both. This test prints every sample of the
corpus, cleaned, in a private tmux server and asks the terminal where the cursor went (DSR).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from rel_hostile import CORPUS, FILE_NAMES

from gluetui.textsafe import cell_width, clean

TMUX = shutil.which("tmux")

SAMPLES = [
    "👩\u200d💻 fix 🏳️\u200d🌈 ci",
    "x❤️y",
    "👍🏽 thumbs",
    "🧑🏽\u200d💻 coder",
    "🇫🇷 flag",
    "1️⃣ keycap",
    "日本語 ｆｕｌｌ",
    "e\u0301\u0301 combining",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f scotland",
    "\U0001fae8 shaking face (Unicode 15)",
    *(t[:200] for _, t in CORPUS if t.strip()),
    *(t for _, t in FILE_NAMES),
]

PROBE = r"""
import json, os, sys, termios, tty
samples = json.loads(open(sys.argv[1], encoding="utf-8").read())
fd = sys.stdin.fileno()
tty.setraw(fd)
widths = []
for s in samples:
    os.write(1, ("\r\x1b[2K" + s).encode("utf-8"))
    os.write(1, b"\x1b[6n")
    answer = b""
    while not answer.endswith(b"R"):
        answer += os.read(fd, 1)
    col = int(answer.split(b";")[1][:-1])
    widths.append(col - 1)
open(sys.argv[2], "w").write(json.dumps(widths))
"""


def test_cleaned_text_is_as_wide_in_tmux_as_gluetui_counts(tmp_path: Path) -> None:
    if TMUX is None:
        pytest.skip("tmux is not installed (apt-get install -y tmux)")
    cleaned = [clean(s, 100) for s in SAMPLES]
    (tmp_path / "samples.json").write_text(json.dumps(cleaned), encoding="utf-8")
    (tmp_path / "probe.py").write_text(PROBE)
    out = tmp_path / "widths.json"
    socket = f"gluetui-width-{uuid.uuid4().hex[:10]}"
    base = [TMUX, "-L", socket]
    command = f"{sys.executable} {tmp_path / 'probe.py'} {tmp_path / 'samples.json'} {out}"
    subprocess.run([*base, "new-session", "-d", "-x", "250", "-y", "10", command], check=True)
    try:
        deadline = time.monotonic() + 20
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert out.exists(), "the probe did not finish in tmux"
        time.sleep(0.1)
        drawn = json.loads(out.read_text())
    finally:
        subprocess.run([*base, "kill-server"], check=False, capture_output=True)
    counted = [cell_width(s) for s in cleaned]
    wrong = [(s, c, d) for s, c, d in zip(cleaned, counted, drawn, strict=True) if c != d]
    assert wrong == []

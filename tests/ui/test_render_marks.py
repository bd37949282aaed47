"""Row cells say in symbols what the colours say: accountability, newness, staleness."""

from __future__ import annotations

import dataclasses

from ui_fakes import NOW, standard_items

from gluetui.ui.render import ACCOUNTABLE_MARK, COLUMN_KEYS, legend, row_cells

CI_1 = standard_items()["acme"][0]


def test_accountable_repositories_are_marked_so_the_ranking_explains_itself() -> None:
    mine = dataclasses.replace(CI_1, accountable=True)
    repo = row_cells(mine, NOW, is_new=False)[COLUMN_KEYS.index("repo")]
    assert repo.plain == f"{ACCOUNTABLE_MARK}{CI_1.repo}"
    other = row_cells(dataclasses.replace(CI_1, accountable=False), NOW, is_new=False)[
        COLUMN_KEYS.index("repo")
    ]
    assert other.plain == CI_1.repo
    assert ACCOUNTABLE_MARK in legend()

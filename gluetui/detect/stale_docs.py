"""Stale docs: docs that drifted from their code, point at paths that are gone, or are overdue.

Three independent signals, one item per doc carrying every signal that fired:

- drift: the doc has not changed for ``min_age_days`` while the code it describes (or, when it
  names no code, the repository's code) changed at least ``min_code_changes`` times;
- dead references: backticked paths and relative links that no longer exist in the tree;
- overdue review: front matter ``review_by`` has passed, or ``last_reviewed`` is too old.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from gluetui.detect import DetectContext
from gluetui.detect.common import build_item, hours_between, plural, short_sha
from gluetui.docrefs import existing_paths, front_matter, parse_date, referenced_paths, resolve
from gluetui.globs import glob_match
from gluetui.model import Evidence, Item, Kind, Severity, fingerprint
from gluetui.records import DocFile, RepoData

#: Commits named in the evidence; the count says how many more there were.
COMMITS_SHOWN = 3


@dataclass
class _Findings:
    evidence: list[Evidence] = field(default_factory=list)
    code_changes: int = 0
    dead: list[str] = field(default_factory=list)
    overdue_days: int = 0
    drift: bool = False


def dead_references(doc: DocFile, existing: frozenset[str]) -> list[str]:
    """Paths the doc mentions that resolve inside the repository but exist nowhere in its tree."""
    dead: list[str] = []
    for raw in referenced_paths(doc.text):
        path = resolve(raw, doc.path)
        if path and path not in existing and path != doc.path:
            dead.append(raw if path == raw else f"{raw} ({path})")
    return list(dict.fromkeys(dead))


def detect(data: RepoData, ctx: DetectContext) -> list[Item]:
    """One item per doc with at least one staleness signal."""
    settings = ctx.settings.stale_doc
    docs = [d for d in data.docs if any(glob_match(d.path, g) for g in settings.doc_globs)][
        : settings.max_docs_per_repo
    ]
    check_refs = settings.check_references and data.tree_complete
    existing = existing_paths(data.tree) if check_refs and docs else frozenset()
    items: list[Item] = []
    for doc in docs:
        found = _Findings()
        _drift(doc, ctx, found)
        if check_refs:
            _dead(doc, existing, found)
        _review(doc, ctx, found)
        if found.evidence:
            items.append(_item(data, ctx, doc, found))
    return items


def _drift(doc: DocFile, ctx: DetectContext, found: _Findings) -> None:
    settings = ctx.settings.stale_doc
    if doc.last_commit is None:
        return
    changes = (
        doc.code_commit_count if doc.code_commit_count is not None else len(doc.code_commits_since)
    )
    found.code_changes = max(0, changes)
    age = ctx.now - doc.last_commit.date
    if (
        age < timedelta(days=settings.min_age_days)
        or found.code_changes < settings.min_code_changes
    ):
        return
    found.drift = True
    described = ", ".join(doc.described_paths[:5]) if doc.described_paths else "repository code"
    if len(doc.described_paths) > 5:
        described += f" and {len(doc.described_paths) - 5} more"
    renamed = f" (renamed from {doc.renamed_from})" if doc.renamed_from else ""
    found.evidence.append(
        Evidence(
            "drift",
            f"Unchanged for {age.days} days{renamed} while {described} changed "
            f"{plural(found.code_changes, 'time')} since.",
            doc.last_commit.url or None,
        )
    )
    commits = sorted(doc.code_commits_since, key=lambda c: c.date, reverse=True)
    for commit in commits[:COMMITS_SHOWN]:
        who = f" by {commit.author}" if commit.author else ""
        found.evidence.append(
            Evidence(
                "code change",
                f"{short_sha(commit.sha)} {commit.title}{who} ({commit.date:%Y-%m-%d})",
                commit.url or None,
            )
        )
    hidden = found.code_changes - min(len(commits), COMMITS_SHOWN)
    if hidden > 0:
        found.evidence.append(Evidence("code change", f"…and {hidden} more."))


def _dead(doc: DocFile, existing: frozenset[str], found: _Findings) -> None:
    found.dead = dead_references(doc, existing)
    for ref in found.dead:
        found.evidence.append(
            Evidence("dead reference", f"{ref} does not exist in the default branch.")
        )


def _review(doc: DocFile, ctx: DetectContext, found: _Findings) -> None:
    settings = ctx.settings.stale_doc
    meta = front_matter(doc.text)
    today = ctx.now.date()
    for key in settings.review_keys:
        when = parse_date(meta.get(key.lower(), ""))
        if when is None:
            continue
        if _is_deadline(key):
            due = when
            detail = f"{key}: {when.isoformat()} has passed"
        else:
            due = when + timedelta(days=settings.review_interval_days)
            detail = (
                f"{key}: {when.isoformat()} is more than {settings.review_interval_days} days ago"
            )
        late = (today - due).days
        if late > 0:
            found.overdue_days = max(found.overdue_days, late)
            found.evidence.append(
                Evidence("review overdue", f"{detail} ({plural(late, 'day')} overdue).")
            )


def _is_deadline(key: str) -> bool:
    # ``review_by`` (or ``next_review_by``) names a deadline; other keys date the last review.
    low = key.lower()
    return low.endswith("_by") or low in ("review_due", "next_review")


def _severity(found: _Findings, ctx: DetectContext) -> Severity:
    settings = ctx.settings.stale_doc
    signals = sum((found.drift, bool(found.dead), found.overdue_days > 0))
    if signals >= 2 or found.code_changes >= 4 * settings.min_code_changes or len(found.dead) >= 3:
        return Severity.HIGH
    if found.drift or found.dead:
        return Severity.MEDIUM
    return Severity.LOW


def _since(doc: DocFile, ctx: DetectContext, found: _Findings) -> datetime:
    if doc.last_commit is not None:
        return doc.last_commit.date
    if found.overdue_days:
        due = ctx.now.date() - timedelta(days=found.overdue_days)
        return datetime.combine(due, time.min, tzinfo=UTC)
    return ctx.now


def _item(data: RepoData, ctx: DetectContext, doc: DocFile, found: _Findings) -> Item:
    since = _since(doc, ctx, found)
    signals = [
        name
        for name, on in (
            ("drifted from its code", found.drift),
            (f"{plural(len(found.dead), 'dead reference')}", bool(found.dead)),
            ("review overdue", found.overdue_days > 0),
        )
        if on
    ]
    last = doc.last_commit
    where = {"file": doc.path, "branch": data.repo.default_branch}
    if last is not None:
        where["commit"] = last.sha
    if doc.renamed_from:
        where["renamed_from"] = doc.renamed_from
    metrics = {
        "code_changes": float(found.code_changes),
        "dead_refs": float(len(found.dead)),
        "overdue_days": float(found.overdue_days),
        "drifted": 1.0 if found.drift else 0.0,
        "age_days": round(hours_between(since, ctx.now) / 24, 2),
    }
    return build_item(
        ctx,
        data.repo,
        Kind.STALE_DOC,
        doc.path,
        title=f"{doc.path}: {', '.join(signals)}",
        url=data.repo.file_url(doc.path),
        since=since,
        updated_at=last.date if last is not None else since,
        severity=_severity(found, ctx),
        evidence=found.evidence,
        metrics=metrics,
        where=where,
        # Not the code-change count: each new code commit would wake a "snooze until changed".
        fingerprint=fingerprint(last.sha if last else "", found.dead, found.overdue_days > 0),
        author=last.author if last is not None else None,
    )

"""The demo organisation's script: repositories, people, pull requests, CI histories and docs.

Plain data; :mod:`gluetui.forges.demo.build` turns it into records and :mod:`gluetui.forges.demo.forge`
serves them. Ages are hours (or days) before "now", so the demo looks the same whenever it runs.
A few entries carry hostile text on purpose (markup, escapes, right-to-left text, a huge title): the
demo is also how the UI's defences get exercised by hand.

CI patterns are read oldest commit first, one character per commit on the default branch:
``S`` success, ``F`` failure, ``X`` timed out, ``C`` cancelled, ``J`` the flaky job failed on the
first attempt and passed on a re-run, ``T`` the same with a named flaky test, ``P`` still running.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The person using the demo (review requests to them are "mine").
VIEWER = "dana"


@dataclass(frozen=True, slots=True)
class PRSpec:
    title: str
    author: str
    age_hours: float
    additions: int
    deletions: int
    files: int
    draft: bool = False
    bot: bool = False
    #: Reviewers who already reviewed (the PR is then not glue work).
    reviewed_by: tuple[str, ...] = ()
    #: The author replied to themselves; that does not count as a review.
    own_comment: bool = False
    requested: tuple[str, ...] = ()
    branch: str = ""
    #: Hours since it was marked ready (None: never a draft).
    ready_hours: float | None = None
    labels: tuple[str, ...] = ()
    status: str = "success"
    #: The description; empty: one is written from the title (see ``build.pull_body``).
    body: str = ""
    #: Who it is assigned to on the forge (a teammate: "taken by @login").
    assignees: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkflowSpec:
    name: str
    jobs: tuple[str, ...]
    pattern: str
    failing_jobs: tuple[str, ...] = ()
    flaky_job: str = ""
    #: ``suite::name`` of the flaky test (reported by ``flaky_job``).
    flaky_test: str = ""
    #: A test that fails with the red commits (not flaky: it never passes on them).
    broken_test: str = ""
    event: str = "push"


@dataclass(frozen=True, slots=True)
class DocSpec:
    path: str
    text: str
    age_days: float
    #: Code commits to what the doc describes since it last changed.
    code_changes: int
    author: str = "eve"
    renamed_from: str | None = None


@dataclass(frozen=True, slots=True)
class RepoSpec:
    full_name: str
    files: tuple[str, ...]
    workflows: tuple[WorkflowSpec, ...]
    prs: tuple[PRSpec, ...]
    docs: tuple[DocSpec, ...]
    default_branch: str = "main"


PEOPLE = (
    "alice-w", "bkumar", "chen-li", "diego-r", "eve", "farah.n", "gus", "hiro-t", "ines",
    "jonas", "kwame", "lena-k", "mateo", "nadia", "oskar", "priya-s",
)  # fmt: skip

COMMIT_TITLES = (
    "Refactor token cache eviction",
    "Move retry policy into its own module",
    "Switch JSON encoding to orjson",
    "Drop Python 3.10 support",
    "Rename `Client.fetch` to `Client.get`",
    "Add structured logging to the worker",
    "Bump grpcio from 1.64.1 to 1.66.0",
    "Tighten timeouts on outbound webhooks",
    "Split settings into env-specific files",
    "Replace hand-rolled pool with asyncio.TaskGroup",
    "Make pagination cursor opaque",
    "Remove deprecated v1 endpoints",
    "Cache feature flags per request",
    "Use monotonic clock for rate limiter",
    "Parallelise integration test setup",
    "Fix off-by-one in batch splitter",
    "Store timestamps as UTC everywhere",
    "Introduce health check for the queue consumer",
)

_LONG_TITLE = (
    "Refactor the ingestion pipeline so that every stage (decode, validate, enrich, dedupe, "
    "partition, compress, upload) reports its own metrics and errors with the batch id, the "
    "tenant, the source system and the retry count attached, because the on-call runbook "
    "currently asks people to grep four different log streams at three in the morning to "
    "figure out which of the stages dropped the records, and that has to stop this quarter"
)

_A = "acme"
_O = "orbital"
_G = "platform"

_PY_TREE = (
    "README.md", "LICENSE", "pyproject.toml", "Makefile", ".github/workflows/ci.yml",
    "CONTRIBUTING.md", "docs/index.md",
)  # fmt: skip

# fmt: off
REPOS: tuple[RepoSpec, ...] = (
    RepoSpec(
        f"{_A}/api",
        files=(
            *_PY_TREE,
            "src/api/__init__.py",
            "src/api/app.py",
            "src/api/auth/tokens.py",
            "src/api/auth/sessions.py",
            "src/api/routes/orders.py",
            "src/api/routes/users.py",
            "src/api/settings.py",
            "tests/test_auth.py",
            "tests/test_orders.py",
            "docs/architecture.md",
            "docs/runbook.md",
            "docker-compose.yml",
        ),
        workflows=(
            WorkflowSpec(
                "CI",
                ("lint", "test (3.11)", "test (3.12)", "build"),
                "SSJSSTSSFFF",
                failing_jobs=("test (3.11)", "test (3.12)"),
                flaky_job="test (3.12)",
                flaky_test="tests/test_auth.py::test_token_refresh_race",
                broken_test="tests/test_orders.py::test_cancel_refunds_once",
            ),
            WorkflowSpec("Release", ("build-wheel", "publish"), "SSS", event="release"),
        ),
        prs=(
            PRSpec(
                "Add idempotency keys to POST /orders",
                "bkumar",
                52,
                340,
                41,
                9,
                requested=(VIEWER,),
            ),
            PRSpec(
                "Rate-limit token refresh per client",
                "chen-li",
                30,
                120,
                18,
                4,
                requested=("acme/platform",),
            ),
            PRSpec(
                "Migrate sessions to Redis cluster", "farah.n", 190, 880, 310, 23, own_comment=True
            ),
            PRSpec("Document the v2 pagination contract", "gus", 75, 60, 12, 2),
            PRSpec(
                "Return 409 on duplicate user email",
                "hiro-t",
                40,
                45,
                6,
                3,
                reviewed_by=("alice-w",),
            ),
            PRSpec("WIP: GraphQL gateway spike", "ines", 20, 1200, 0, 31, draft=True),
            PRSpec(
                "Bump fastapi from 0.115.0 to 0.116.2", "dependabot[bot]", 96, 2, 2, 1, bot=True
            ),
        ),
        docs=(
            DocSpec(
                "README.md",
                "# acme/api\n\nOrders and users API. Configuration lives in "
                "`src/api/settings.py`; run `make dev` (see `Makefile`).\n\n"
                "Auth is handled in `src/api/auth/tokens.py`.\n",
                age_days=140,
                code_changes=17,
                author="alice-w",
            ),
            DocSpec(
                "docs/architecture.md",
                "# Architecture\n\nRequests enter through `src/api/app.py`. Sessions are kept by "
                "`src/api/auth/session_store.py` (see [the ADR](adr/0002-sessions.md)).\n"
                "Routes live in [routes](../src/api/routes/).\n",
                age_days=20,
                code_changes=2,
                author="farah.n",
            ),
            DocSpec(
                "docs/runbook.md",
                "---\ntitle: On-call runbook\nowner: platform\nlast_reviewed: 2025-09-01\n---\n"
                "# Runbook\n\nRestart the worker with `make restart`.\n",
                age_days=400,
                code_changes=1,
                author="kwame",
            ),
            DocSpec(
                "CONTRIBUTING.md",
                "# Contributing\n\nRun `make test` before opening a PR.\n",
                age_days=12,
                code_changes=3,
            ),
        ),
    ),
    RepoSpec(
        f"{_A}/web",
        files=(
            "README.md",
            "package.json",
            "tsconfig.json",
            "CONTRIBUTING.md",
            "src/app/layout.tsx",
            "src/app/page.tsx",
            "src/components/Cart.tsx",
            "src/components/Checkout.tsx",
            "e2e/checkout.spec.ts",
            "playwright.config.ts",
        ),
        workflows=(
            WorkflowSpec(
                "build",
                ("typecheck", "unit", "e2e (chromium)", "e2e (webkit)"),
                "SSSJSSJSS",
                flaky_job="e2e (webkit)",
            ),
            WorkflowSpec(
                "Lighthouse", ("audit",), "SSSSXX", failing_jobs=("audit",), event="schedule"
            ),
        ),
        prs=(
            PRSpec(
                "Checkout: show tax breakdown before payment",
                "mateo",
                49,
                210,
                35,
                6,
                requested=(VIEWER, "nadia"),
            ),
            PRSpec("Lazy-load the product carousel", "nadia", 28, 95, 40, 3),
            PRSpec(
                "Replace moment with date-fns", "oskar", 130, 640, 720, 41, labels=("dependencies",)
            ),
            PRSpec("Fix focus trap in the cart drawer", "priya-s", 6, 22, 4, 1),
        ),
        docs=(
            DocSpec(
                "README.md",
                "# acme/web\n\nStart with `npm run dev`. Components are in "
                "[src/components](src/components/) and the cart in "
                "[Cart.tsx](src/components/Cart.tsx); e2e config in `playwright.config.ts`.\n"
                "Styling guide: [STYLE.md](STYLE.md). Old setup: `webpack.config.js`.\n",
                age_days=9,
                code_changes=1,
                author="mateo",
            ),
            DocSpec(
                "CONTRIBUTING.md",
                "---\nreview_by: 2026-06-30\n---\n# Contributing\n\nOpen PRs against `main`.\n",
                age_days=210,
                code_changes=2,
            ),
        ),
    ),
    RepoSpec(
        f"{_A}/payments",
        files=(
            "README.md",
            "go.mod",
            "go.sum",
            "cmd/payments/main.go",
            "internal/ledger/ledger.go",
            "internal/ledger/ledger_test.go",
            "internal/webhooks/stripe.go",
            "internal/webhooks/adyen.go",
            "docs/webhooks.md",
        ),
        workflows=(
            WorkflowSpec(
                "CI",
                ("vet", "test", "integration"),
                "SFSSTSSJSF",
                failing_jobs=("integration",),
                flaky_job="integration",
                flaky_test="internal/ledger::TestSettlementRoundTrip",
            ),
        ),
        prs=(
            PRSpec(
                "Verify Adyen HMAC signatures in constant time",
                "diego-r",
                77,
                88,
                12,
                3,
                requested=(VIEWER,),
            ),
            PRSpec(
                "Ledger: reject negative refunds",
                "jonas",
                33,
                41,
                3,
                2,
                requested=("acme/platform",),
            ),
            # A teammate took this one on the forge: the dashboard says so and suggests leaving it.
            PRSpec(
                "Retry Stripe webhooks with exponential backoff",
                "kwame",
                260,
                305,
                120,
                8,
                assignees=("gus",),
            ),
            PRSpec(
                "Add payout reconciliation report", "lena-k", 45, 510, 0, 7, reviewed_by=(VIEWER,)
            ),
        ),
        docs=(
            DocSpec(
                "docs/webhooks.md",
                "# Webhooks\n\nStripe events are verified in `internal/webhooks/stripe.go`, "
                "Adyen in `internal/webhooks/adyen.go`. Retries: see `internal/retry/policy.go`.\n",
                age_days=95,
                code_changes=9,
                author="kwame",
            ),
        ),
    ),
    RepoSpec(
        f"{_A}/infra",
        files=(
            "README.md",
            "terraform/main.tf",
            "terraform/network.tf",
            "terraform/dns.tf",
            "ansible/site.yml",
            "runbooks/oncall.md",
            "runbooks/dns-failover.md",
        ),
        workflows=(
            WorkflowSpec(
                "terraform-plan",
                ("fmt", "validate", "plan"),
                "SSSCFCF",
                failing_jobs=("plan",),
            ),
            WorkflowSpec(
                "nightly-drift",
                ("drift-check",),
                "SJSSS",
                flaky_job="drift-check",
                event="schedule",
            ),
        ),
        prs=(
            PRSpec(
                "Move DNS to the new provider",
                "oskar",
                100,
                230,
                180,
                5,
                requested=("acme/platform",),
            ),
            PRSpec("Enable deletion protection on prod databases", "gus", 27, 14, 2, 1),
        ),
        docs=(
            DocSpec(
                "runbooks/oncall.md",
                "# On-call\n\nPaging rules are in `terraform/pagerduty.tf`; DNS failover is "
                "described in [dns-failover](dns-failover.md). Network: `terraform/network.tf`.\n",
                age_days=180,
                code_changes=11,
                author="oskar",
                renamed_from="docs/oncall.md",
            ),
        ),
    ),
    RepoSpec(
        f"{_A}/mobile",
        files=(
            "README.md",
            "ios/App/AppDelegate.swift",
            "ios/App/CartView.swift",
            "android/app/build.gradle",
            "android/app/src/main/java/com/acme/Cart.kt",
            "fastlane/Fastfile",
        ),
        workflows=(
            WorkflowSpec(
                "iOS",
                ("build", "ui-tests (iPhone 15)", "ui-tests (iPad)"),
                "SSJJSJS",
                flaky_job="ui-tests (iPhone 15)",
            ),
            WorkflowSpec(
                "Android",
                ("assemble", "unit", "instrumented"),
                "SSFFFFF",
                failing_jobs=("assemble", "unit", "instrumented"),
            ),
        ),
        prs=(
            PRSpec(_LONG_TITLE, "priya-s", 58, 1450, 980, 37),
            PRSpec(
                "Cart: keep quantity when app is backgrounded",
                "alice-w",
                36,
                64,
                10,
                2,
                branch="fix/\x1b[31mcart-state\x1b[0m",
                requested=(VIEWER,),
            ),
            PRSpec("Upgrade Kotlin to 2.1", "jonas", 150, 120, 118, 14),
        ),
        docs=(
            DocSpec(
                "README.md",
                "# acme/mobile\n\niOS entry point: `ios/App/AppDelegate.swift`. Android: "
                "`android/app/build.gradle`. Releases go through `fastlane/Fastfile`.\n",
                age_days=75,
                code_changes=8,
                author="priya-s",
            ),
        ),
    ),
    RepoSpec(
        f"{_A}/docs-site",
        files=(
            "README.md",
            "mkdocs.yml",
            "docs/index.md",
            "docs/getting-started.md",
            "docs/api/reference.md",
            "docs/img/logo.svg",
            "overrides/main.html",
        ),
        workflows=(
            WorkflowSpec("Deploy", ("build", "deploy"), "SSSS"),
            WorkflowSpec("Link check", ("lychee",), "SSSF", failing_jobs=("lychee",)),
        ),
        prs=(
            PRSpec("Add dark-mode screenshots 🌙✨ to the quick start 🚀", "hiro-t", 31, 12, 3, 4),
            PRSpec(
                "تحديث دليل التثبيت (update the install guide for Arabic readers)",
                "farah.n",
                72,
                140,
                60,
                3,
                requested=(VIEWER,),
            ),
        ),
        docs=(
            DocSpec(
                "docs/getting-started.md",
                "# Getting started\n\n![logo](img/logo.svg)\n\nInstall with "
                "[the installer](../scripts/install.sh), then read the "
                "[API reference](api/reference.md) and [old guide](guides/legacy.md).\n",
                age_days=40,
                code_changes=0,
                author="hiro-t",
            ),
            DocSpec(
                "docs/api/reference.md",
                "# API reference\n\nGenerated from `mkdocs.yml` and `overrides/main.html`.\n",
                age_days=300,
                code_changes=6,
                author="gus",
            ),
        ),
    ),
    RepoSpec(
        f"{_O}/telemetry",
        files=(
            "README.md",
            "Cargo.toml",
            "Cargo.lock",
            "src/main.rs",
            "src/decoder.rs",
            "src/frames.rs",
            "tests/decoder.rs",
            "benches/decode.rs",
        ),
        workflows=(
            WorkflowSpec(
                "CI",
                ("clippy", "test", "bench-smoke"),
                "STSTSJSF",
                failing_jobs=("test",),
                flaky_job="test",
                flaky_test="decoder::tests::decodes_partial_frame",
                broken_test="frames::tests::crc_matches_spec",
            ),
        ),
        prs=(
            PRSpec(
                "[bold]not bold[/bold]: decoder handles split frames",
                "kwame",
                44,
                150,
                30,
                3,
                requested=("orbital/maintainers",),
            ),
            PRSpec(
                "Link docs [link=https://evil.example]x[/link] from the CLI help",
                "mateo",
                29,
                20,
                5,
                2,
            ),
            PRSpec("Reduce allocations in frame parser", "chen-li", 300, 410, 390, 6),
        ),
        docs=(
            DocSpec(
                "README.md",
                "# orbital/telemetry\n\nFrames are decoded in `src/decoder.rs` and validated in "
                "`src/frames.rs`. Benchmarks: `benches/decode.rs`.\n",
                age_days=220,
                code_changes=26,
                author="chen-li",
            ),
        ),
    ),
    RepoSpec(
        f"{_O}/ground-station",
        files=(
            "README.md",
            "pyproject.toml",
            "gs/antenna.py",
            "gs/scheduler.py",
            "gs/radio.py",
            "tests/test_scheduler.py",
            "docs/setup.md",
            "docs/hardware.md",
        ),
        workflows=(
            WorkflowSpec(
                "CI",
                ("lint", "tests"),
                "SSTSSP",
                flaky_job="tests",
                flaky_test="tests/test_scheduler.py::test_pass_prediction_near_pole",
            ),
            WorkflowSpec(
                "hardware-in-loop",
                ("flash", "hil"),
                "SSFFP",
                failing_jobs=("hil",),
                event="schedule",
            ),
        ),
        prs=(
            PRSpec(
                "Scheduler: avoid passes below 10° elevation",
                "lena-k",
                55,
                90,
                20,
                3,
                requested=(VIEWER,),
            ),
            PRSpec(
                "Add SDR gain calibration", "diego-r", 80, 260, 15, 5, draft=True, ready_hours=26
            ),
        ),
        docs=(
            DocSpec(
                "docs/setup.md",
                "---\nreview_by: 2026-10-01\nowner: ground-ops\n---\n# Setup\n\n"
                "Configure the antenna in `gs/antenna.py`.\n",
                age_days=30,
                code_changes=1,
                author="lena-k",
            ),
            DocSpec(
                "docs/hardware.md",
                "# Hardware\n\nRadio driver: `gs/radio.py`.\n",
                age_days=3,
                code_changes=0,
            ),
        ),
    ),
    RepoSpec(
        f"{_O}/sdk-python",
        files=(
            "README.md",
            "pyproject.toml",
            "src/orbital/__init__.py",
            "src/orbital/client.py",
            "src/orbital/models.py",
            "tests/test_client.py",
        ),
        workflows=(
            WorkflowSpec(
                "tests",
                ("py3.11", "py3.12", "py3.13"),
                "SJSJSS",
                flaky_job="py3.13",
            ),
        ),
        prs=(
            PRSpec("Add async client", "ines", 120, 700, 40, 9, requested=("orbital/maintainers",)),
            PRSpec("Typed exceptions for HTTP errors", "bkumar", 34, 85, 20, 3),
            PRSpec(
                "chore(deps): update dependency httpx to v0.28.1",
                "renovate[bot]",
                200,
                3,
                3,
                1,
                bot=True,
            ),
        ),
        docs=(
            DocSpec(
                "README.md",
                "# orbital-sdk\n\n```python\nfrom orbital import Client\n```\n\nSee "
                "`src/orbital/client.py` and the [examples](examples/basic.py). Models: "
                "`src/orbital/models.py`.\n",
                age_days=88,
                code_changes=7,
                author="ines",
            ),
        ),
    ),
)

GITLAB_REPOS: tuple[RepoSpec, ...] = (
    RepoSpec(
        f"{_G}/auth-service",
        files=(
            "README.md",
            ".gitlab-ci.yml",
            "go.mod",
            "cmd/auth/main.go",
            "internal/oidc/provider.go",
            "internal/session/store.go",
            "internal/session/store_test.go",
            "docs/adr/0003-session-store.md",
        ),
        workflows=(
            WorkflowSpec(
                "push",
                ("lint", "unit", "integration", "image"),
                "SSTSJSFF",
                failing_jobs=("integration", "image"),
                flaky_job="unit",
                flaky_test="session::TestStoreExpiry",
            ),
        ),
        prs=(
            PRSpec(
                "OIDC: cache JWKS with ETag revalidation",
                "nadia",
                60,
                180,
                22,
                4,
                requested=(VIEWER,),
            ),
            # Taken through the team's glue label rather than an assignee.
            PRSpec(
                "Session store: switch to Valkey",
                "oskar",
                140,
                420,
                260,
                11,
                labels=("taken-by:mateo",),
            ),
            PRSpec("Add SCIM group sync", "alice-w", 38, 760, 12, 15, reviewed_by=("mateo",)),
            PRSpec("Harden cookie flags", "gus", 26, 18, 6, 2, requested=("hiro-t",)),
        ),
        docs=(
            DocSpec(
                "README.md",
                "# auth-service\n\nEntry point `cmd/auth/main.go`; OIDC in "
                "`internal/oidc/provider.go`; sessions in `internal/session/store.go`.\n",
                age_days=160,
                code_changes=14,
                author="nadia",
            ),
            DocSpec(
                "docs/adr/0003-session-store.md",
                "---\nstatus: accepted\nlast_reviewed: 2025-12-01\n---\n# ADR 3: session store\n\n"
                "We keep sessions in `internal/session/store.go`.\n",
                age_days=340,
                code_changes=4,
                author="oskar",
            ),
        ),
    ),
    RepoSpec(
        f"{_G}/ci-templates",
        files=("README.md", "templates/python.yml", "templates/go.yml", "templates/docker.yml"),
        workflows=(WorkflowSpec("push", ("validate", "render"), "SJSS", flaky_job="render"),),
        prs=(
            PRSpec("Add a Rust template", "kwame", 90, 140, 0, 2),
            PRSpec("Pin docker:dind to 27.3", "jonas", 25, 2, 2, 1, requested=(VIEWER,)),
        ),
        docs=(
            DocSpec(
                "README.md",
                "# CI templates\n\nInclude `templates/python.yml` or `templates/node.yml`; see "
                "[the docker template](templates/docker.yml) and [upgrade notes](UPGRADING.md).\n",
                age_days=25,
                code_changes=2,
                author="jonas",
            ),
        ),
    ),
    RepoSpec(
        f"{_G}/observability/collector",
        files=(
            "README.md",
            "config/collector.yaml",
            "config/pipelines.yaml",
            "Dockerfile",
            "docs/config.md",
            "tests/e2e/test_export.py",
        ),
        workflows=(
            WorkflowSpec(
                "push",
                ("build", "e2e"),
                "SSSCXF",
                failing_jobs=("e2e",),
            ),
            WorkflowSpec(
                "schedule",
                ("soak",),
                "STSTS",
                flaky_job="soak",
                flaky_test="tests/e2e/test_export.py::test_otlp_backpressure",
                event="schedule",
            ),
        ),
        prs=(
            PRSpec("Drop the Jaeger exporter", "chen-li", 70, 40, 380, 6),
            PRSpec("Sample health checks at 1%", "hiro-t", 30, 12, 2, 1, requested=("priya-s",)),
        ),
        docs=(
            DocSpec(
                "docs/config.md",
                "# Configuration\n\nThe main file is `config/collector.yaml`; pipelines are in "
                "`config/pipelines.yaml`.\n",
                age_days=120,
                code_changes=6,
                author="chen-li",
            ),
        ),
    ),
)
# fmt: on

#!/usr/bin/env python3
"""Generates a realistic PRD workspace (or one big release plan) for benchmarking dep-ls.

Workspace mode:

    python3 bench/gen_workspace.py OUT_DIR --files 5000 [--entries-per-file 20]
        [--kb-per-file 8] [--seed 1] [--force]

writes OUT_DIR/products/<product>/... : many PRD projects in the methodology's layout
(PRD.md, epics/EPIC-*.md, SoT/SoT.*.md, release/release-plan-v*.md, retros/retro-v*.md), on
average --entries-per-file entries and --kb-per-file KB per Markdown file. Trace IDs are unique
across the workspace (each file owns its own number block per prefix); most links resolve, a
few per cent are realistic defects (typo'd numbers, retired tests inside ranges, broken link
paths, vague thresholds, placeholders, ...). OUT_DIR/.bench-meta.json records the parameters
and totals; if it already matches the requested parameters (and this script's version), the
workspace is reused and nothing is written.

One-file mode (for the language-server benchmark):

    python3 bench/gen_workspace.py OUT --one-file 3500000 --shape nested|flat|flat-headings

writes one release plan of about BYTES bytes (~330 bytes per entry: 3.5 MB is ~10,500
entries, 6,000 of them DEP- entries and the rest table rows defining the IDs they link to, so
the file checks on its own). OUT is the file to write when it ends in .md, else a folder that gets
<shape>/release-plan.md (one folder per shape: the shapes reuse the same IDs, so two of them in
one workspace would be all duplicates).
  nested         everything under one `# Release plan` heading, `## DEP-…` entries
                 (mixed `**Key:** value` and `- Key: value` styles) in `## …` sections
  flat           top-level fenced blocks in the guide's plain `Key: value` style, no heading
  flat-headings  top-level `## DEP-…` headings with no enclosing `#` heading

Deterministic: the same arguments give byte-identical output. Python 3.11, stdlib only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import posixpath
import random
import shutil
import string
import sys
from pathlib import Path

GEN_VERSION = 3
META = ".bench-meta.json"
MAX_NUMBER = 999_999
# Scales every defect probability (--defects): 0 gives a workspace where every link resolves.
DEFECTS = 1.0

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell",
             "Soylent", "Vandelay", "Wonka", "Cyberdyne", "Oscorp", "Gringotts", "Monarch",
             "Aperture", "Massive", "Nakatomi", "Pied Piper", "Dunder"]
DOMAINS = ["Checkout", "Payments", "Catalog", "Search", "Inventory", "Loyalty", "Shipping",
           "Returns", "Billing", "Identity", "Pricing", "Reviews", "Notifications",
           "Marketplace", "Subscriptions", "Gift Cards", "Promotions", "Analytics", "Support",
           "Onboarding", "Ledger", "Tax", "Fraud", "Fulfilment", "Recommendations"]
FIRST = ["Priya", "Marcus", "Aisha", "Tomás", "Lena", "Jon", "Hannah", "Dev", "Mei", "Olu",
         "Sofia", "Kenji", "Fatima", "Lukas", "Amara", "Diego", "Ingrid", "Ravi", "Chloé",
         "Noah", "Zanele", "Mateo", "Yuki", "Elif", "Björn", "Anika", "Omar", "Grace",
         "Sven", "Nadia"]
LAST = ["Raman", "Okafor", "Khan", "Ibarra", "Fischer", "Park", "Lee", "Patel", "Chen",
        "Adeyemi", "Rossi", "Tanaka", "Haddad", "Becker", "Nwosu", "García", "Larsen",
        "Iyer", "Dubois", "Walsh", "Dlamini", "Silva", "Sato", "Yılmaz", "Nilsson",
        "Kowalski", "Farouk", "Murphy", "Berg", "Petrova"]
TEAMS = ["Platform Engineering", "QA Lead", "SRE, on-call", "Payments Engineering",
         "Application Security", "Release Manager", "Data Engineering", "Product",
         "Mobile", "Storefront", "Finance operations", "Customer Support", "Search team",
         "Infrastructure", "Developer Experience"]
SERVICES = ["api", "cart-service", "payments-worker", "catalog-indexer", "search-gateway",
            "inventory-sync", "pricing-engine", "shipping-rates", "notifier", "identity",
            "orders", "fulfilment-bridge", "returns-portal", "ledger-writer", "tax-service",
            "fraud-scorer", "webhook-receiver", "export-jobs", "admin-console", "edge-proxy"]
RESOURCES = ["orders", "carts", "payments", "refunds", "customers", "addresses",
             "shipments", "invoices", "coupons", "sessions", "products", "prices", "reviews",
             "subscriptions", "webhooks", "wallets", "tokens", "accounts", "returns",
             "stock-levels", "gift-cards", "promotions", "payouts", "disputes", "labels"]
FEATURES = ["One-page checkout", "Saved payment methods", "3-D Secure 2 challenge flow",
            "Idempotent order submission", "Express wallet buttons",
            "Order confirmation email", "Partial refunds", "Address autocomplete",
            "Guest order lookup", "Split shipments", "Subscription pause", "Loyalty points",
            "Gift card balance", "Fraud review queue", "Bulk price import",
            "Faceted search", "Back-in-stock alerts", "Return labels", "Tax exemptions",
            "Multi-currency display", "Invoice PDFs", "Saved carts", "Promo stacking rules",
            "Delivery time slots", "Account deletion"]
METRICS = ["Error rate", "Order latency", "Card authorization", "Queue backlog",
           "Data integrity", "Memory growth", "Webhook failure", "Search relevance",
           "Cache hit ratio", "Checkout conversion", "Refund failure", "Login failure",
           "Stock drift", "Email bounce", "Payout delay"]
ENV_KEYS = ["NODE_ENV", "LOG_LEVEL", "PAYMENTS_PROVIDER", "DB_POOL_SIZE", "CACHE_TTL",
            "FEATURE_FLAG_ENV", "OTEL_SAMPLING_RATIO", "RATE_LIMIT", "QUEUE_CONCURRENCY",
            "HTTP_TIMEOUT_MS", "SEARCH_SHARDS", "EMAIL_PROVIDER", "REGION", "MAX_BODY_KB"]
SUITES = ["smoke", "regression", "load", "security", "e2e", "contract"]
LEVELS = ["API", "UI", "Integration", "Load", "Security", "E2E", "Unit", "Contract"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
TECH = [("Node.js 22", "runtime"), ("PostgreSQL 16", "database"), ("Redis 7", "cache"),
        ("ECS Fargate", "compute"), ("Kafka 3.7", "messaging"), ("OpenSearch 2", "search"),
        ("Terraform 1.9", "infrastructure"), ("Datadog", "observability"),
        ("LaunchDarkly", "feature flags"), ("Stripe", "payments"), ("SES", "email"),
        ("CloudFront", "CDN"), ("Go 1.23", "runtime"), ("gRPC", "RPC"),
        ("GitHub Actions", "CI"), ("Argo Rollouts", "progressive delivery")]
VERBS = ["confirms", "tracks", "covers", "depends on", "replaces", "extends", "feeds",
         "blocks", "is verified by", "is measured by", "supersedes", "informs"]
NOISE = ["UTF-8", "SHA-256", "ISO-8601", "HTTP-2", "ISO-4217", "AES-256", "TLS-1", "P-256",
         "COVID-19", "RFC-7807", "X-509"]
SOT_FILE = {
    "API": "SoT/SoT.API_CONTRACTS.md", "DBT": "SoT/SoT.DATABASE.md",
    "TEST": "SoT/SoT.TESTING.md", "MON": "SoT/SoT.MONITORING.md",
    "RUN": "SoT/SoT.RUNBOOKS.md", "ARC": "SoT/SoT.ARCHITECTURE.md",
    "TECH": "SoT/SoT.ARCHITECTURE.md", "UJ": "SoT/SoT.USER_JOURNEYS.md",
    "SEC": "SoT/SoT.SECRETS.md", "DEP": "SoT/SoT.DEPLOYMENT.md",
    "FEA": "PRD.md", "RISK": "PRD.md", "GTM": "PRD.md",
}
# Broken-link variants of SoT file names (the typo a human makes).
BROKEN_NAME = {
    "SoT/SoT.RUNBOOKS.md": "SoT/SoT.RUNBOOK.md",
    "SoT/SoT.API_CONTRACTS.md": "SoT/SoT.API_CONTRACT.md",
    "SoT/SoT.TESTING.md": "SoT/SoT.TESTS.md",
    "SoT/SoT.MONITORING.md": "SoT/SoT.MONITORS.md",
    "SoT/SoT.DATABASE.md": "SoT/SoT.DB.md",
}

# The files of one product: (kind, entry weight). Weights are relative entry counts; they sum
# to ~20 per file, scaled by --entries-per-file.
PRODUCT_FILES = [
    ("prd", 23), ("epic", 7), ("epic", 7), ("epic", 7), ("api", 30), ("dbt", 20),
    ("test", 70), ("mon", 20), ("run", 15), ("arc", 20), ("uj", 10), ("sec", 15),
    ("dep", 15), ("plan", 25), ("plan", 25), ("retro", 10),
]
WEIGHT_SUM = sum(w for _, w in PRODUCT_FILES)
# How a kind's entries split over prefixes.
KIND_PREFIXES = {
    "prd": [("FEA", 0.45), ("RISK", 0.35), ("GTM", 0.20)],
    "epic": [("EPIC", None), ("BR-FEA", 1.0)],
    "api": [("API", 1.0)], "dbt": [("DBT", 1.0)], "test": [("TEST", 1.0)],
    "mon": [("MON", 1.0)], "run": [("RUN", 1.0)],
    "arc": [("ARC", 0.4), ("TECH", 0.6)], "uj": [("UJ", 1.0)], "sec": [("SEC", 1.0)],
    "dep": [("DEP", 1.0)], "plan": [("DEP", 1.0)],
    "retro": [("LL", 0.6), ("KPI", 0.4)],
}


def fmt_id(prefix: str, n: int) -> str:
    return f"{prefix}-{n:02d}" if prefix == "EPIC" else f"{prefix}-{n:03d}"


def anchor(i: str) -> str:
    return "#" + i.lower()


# ---------------------------------------------------------------------------------------------
# The workspace model
# ---------------------------------------------------------------------------------------------


class FileSpec:
    __slots__ = ("kind", "path", "ids", "undefined", "version", "epic_no", "title")

    def __init__(self, kind: str, path: str):
        self.kind = kind
        self.path = path  # workspace-relative
        self.ids: dict[str, list[str]] = {}  # prefix -> defined IDs, in order
        self.undefined: dict[str, list[str]] = {}  # prefix -> never-defined IDs near the block
        self.version = ""
        self.epic_no = 0
        self.title = ""


class Product:
    def __init__(self, idx: int, seed: int):
        self.idx = idx
        rng = random.Random(f"{seed}/product/{idx}")
        self.company = rng.choice(COMPANIES)
        self.domain = DOMAINS[(idx + rng.randrange(3)) % len(DOMAINS)]
        self.name = f"{self.company} {self.domain}"
        slug = self.name.lower().replace(" ", "-")
        self.dir = f"products/p{idx:05d}-{slug}"
        self.files: list[FileSpec] = []
        self.by_prefix: dict[str, list[tuple[str, str]]] = {}  # prefix -> [(id, path)]
        self.undefined: dict[str, list[str]] = {}
        self.deprecated: dict[str, str] = {}  # id -> replacement
        self.retired_tests: set[str] = set()
        self.test_runs: list[list[str]] = []  # contiguous runs of TEST numbers (for ranges)
        self.major = rng.randint(1, 6)


class Allocator:
    """Global per-prefix number counters: each file gets its own block per prefix."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def block(self, prefix: str, count: int, rng: random.Random, retire_rate: float = 0.0):
        start = self.next.get(prefix, 1)
        defined, retired = [], []
        n = start
        while len(defined) < count:
            if retire_rate and defined and rng.random() < retire_rate:
                retired.append(n)
            else:
                defined.append(n)
            n += 1
        gap = rng.randint(3, 6)  # numbers never defined, between this block and the next
        undefined = list(range(n, n + gap))
        self.next[prefix] = n + gap
        if self.next[prefix] > MAX_NUMBER:
            sys.exit(f"gen_workspace: {prefix} numbers exceed {MAX_NUMBER}; use fewer files "
                     f"or fewer entries per file")
        return defined, retired, undefined


def plan_products(n_files: int, epf: float, seed: int):
    """Decides every product's files and allocates their IDs (no text yet)."""
    alloc = Allocator()
    products: list[Product] = []
    remaining = n_files - 1  # the root README.md is one of the files
    idx = 0
    scale = epf * len(PRODUCT_FILES) / WEIGHT_SUM
    while remaining > 0:
        p = Product(idx, seed)
        rng = random.Random(f"{seed}/alloc/{idx}")
        kinds = PRODUCT_FILES[: min(remaining, len(PRODUCT_FILES))]
        remaining -= len(kinds)
        epic_i = plan_i = 0
        for kind, weight in kinds:
            count = max(1, round(weight * scale * rng.uniform(0.7, 1.3)))
            if kind == "epic":
                epic_i += 1
                fs = FileSpec(kind, "")
            elif kind == "plan":
                plan_i += 1
                fs = FileSpec(kind, "")
                fs.version = f"{p.major}.{plan_i + rng.randint(0, 3) * 2}"
                fs.path = f"{p.dir}/release/release-plan-v{fs.version}.md"
            elif kind == "prd":
                fs = FileSpec(kind, f"{p.dir}/PRD.md")
            elif kind == "retro":
                fs = FileSpec(kind, f"{p.dir}/retros/retro-v{p.major}.{rng.randint(0, 9)}.md")
            else:
                fs = FileSpec(kind, f"{p.dir}/{SOT_FILE[kind.upper()]}")
            left = count
            for prefix, share in KIND_PREFIXES[kind]:
                k = 1 if share is None else max(1, round(count * share))
                if share is not None and prefix == KIND_PREFIXES[kind][-1][0]:
                    k = max(1 if kind != "epic" else 0, left)
                left -= k
                if k <= 0:
                    continue
                retire = 0.01 * DEFECTS if prefix == "TEST" else 0.0
                defined, retired, undefined = alloc.block(prefix, k, rng, retire)
                ids = [fmt_id(prefix, n) for n in defined]
                fs.ids[prefix] = ids
                fs.undefined[prefix] = [fmt_id(prefix, n) for n in undefined]
                p.undefined.setdefault(prefix, []).extend(fs.undefined[prefix])
                if prefix == "TEST":
                    p.retired_tests.update(fmt_id(prefix, n) for n in retired)
                    p.test_runs.append(ids)
                if kind == "epic" and prefix == "EPIC":
                    fs.epic_no = defined[0]
                    fs.title = rng.choice(FEATURES)
                    slug = fs.title.lower().replace(" ", "-").replace("3-d", "3d")
                    fs.path = f"{p.dir}/epics/{ids[0]}-{slug}.md"
            p.files.append(fs)
            for prefix, ids in fs.ids.items():
                p.by_prefix.setdefault(prefix, []).extend((i, fs.path) for i in ids)
        # One API endpoint per product is deprecated, pointing at its replacement.
        apis = [i for i, _ in p.by_prefix.get("API", [])]
        if len(apis) >= 4:
            j = len(apis) // 2
            p.deprecated[apis[j]] = apis[j + 1]
        products.append(p)
        idx += 1
    return products


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------


class Ctx:
    """Rendering context for one file of one product."""

    def __init__(self, rng, product: Product, products: list[Product], fs: FileSpec, stats):
        self.rng = rng
        self.p = product
        self.all = products
        self.fs = fs
        self.dir = posixpath.dirname(fs.path)
        self.stats = stats

    # -- people, words
    def person(self) -> str:
        r = self.rng
        return f"{r.choice(FIRST)} {r.choice(LAST)} ({r.choice(TEAMS)})"

    def service(self) -> str:
        return f"{self.p.domain.lower().replace(' ', '-')}-{self.rng.choice(SERVICES)}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def defect(self, p: float) -> bool:
        """A realistic mistake with probability p (times --defects)."""
        return self.rng.random() < p * DEFECTS

    # -- references
    def pick(self, prefix: str, k: int = 1, other_product: float = 0.04) -> list[tuple[str, str]]:
        """k defined IDs of a prefix: (id, workspace-relative path of the defining file)."""
        out = []
        for _ in range(k):
            prod = self.p
            if self.chance(other_product) and len(self.all) > 1:
                prod = self.all[self.rng.randrange(len(self.all))]
            pool = prod.by_prefix.get(prefix) or self.p.by_prefix.get(prefix)
            if not pool:  # a truncated last product: borrow from the first that has one
                pool = next((q.by_prefix[prefix] for q in self.all if q.by_prefix.get(prefix)), None)
            if not pool:
                continue
            got = pool[self.rng.randrange(len(pool))]
            if got[0] in prod.deprecated and not self.defect(0.2):
                # Most writers link the replacement; a few still link the deprecated ID.
                rep = prod.deprecated[got[0]]
                got = next((x for x in pool if x[0] == rep), got)
            out.append(got)
        return out

    def typo(self, prefix: str) -> str | None:
        pool = self.p.undefined.get(prefix)
        if not pool:
            return None
        self.stats["typos"] += 1
        return self.rng.choice(pool)

    def link(self, i: str, path: str, broken: float = 0.01) -> str:
        target = path
        if self.defect(broken) and path.split("/", 2)[-1] in BROKEN_NAME:
            base = path.rsplit("/SoT/", 1)[0]
            target = base + "/" + BROKEN_NAME[path.split("/", 2)[-1]]
            self.stats["broken_links"] += 1
        rel = posixpath.relpath(target, self.dir)
        return f"[{i}]({rel}{anchor(i)})"

    def ref(self, prefix: str, link_rate: float = 0.25, typo_rate: float = 0.015) -> str | None:
        if self.defect(typo_rate):
            t = self.typo(prefix)
            if t:
                return t
        got = self.pick(prefix)
        if not got:
            return fmt_id(prefix, 1)  # nothing of this prefix anywhere (tiny workspaces)
        i, path = got[0]
        self.stats["refs"] += 1
        return self.link(i, path) if self.chance(link_rate) else i

    def test_range(self) -> str | None:
        runs = [r for r in self.p.test_runs if len(r) >= 4]
        if not runs:
            return None
        run = self.rng.choice(runs)
        a = self.rng.randrange(0, len(run) - 3)
        b = min(len(run) - 1, a + self.rng.randint(2, 40))
        sep = self.rng.choice([" to ", " to ", "..", "–", " - "])
        self.stats["ranges"] += 1
        return f"{run[a]}{sep}{run[b]}"

    def id_list(self, spec: list[tuple[str, int]], link_rate=0.2, ranges=0) -> str:
        """A Linked IDs value: groups of IDs per prefix, `,` inside groups, `;` or `,` between."""
        groups = []
        for prefix, k in spec:
            items = []
            for _ in range(k):
                r = self.ref(prefix, link_rate)
                if r and r not in items:
                    items.append(r)
            if items:
                groups.append(", ".join(items))
        for _ in range(ranges):
            r = self.test_range()
            if r:
                groups.append(r)
        if self.defect(0.01):
            groups.append(f"TST-{self.rng.randint(1, 99):03d}")  # unknown prefix (typo)
            self.stats["typos"] += 1
        if self.chance(0.06):
            groups[-1:] = [groups[-1] + " (" + self.rng.choice(["follow-up", "shared", "partial", "checkout"]) + ")"] if groups else []
        sep = "; " if self.chance(0.45) else ", "
        return sep.join(groups)

    # -- prose
    def sentence(self) -> str:
        r = self.rng
        t = r.randrange(12)
        svc = self.service()
        if t == 0:
            a, b = self.ref("FEA", 0.1), self.ref("API", 0.1)
            return f"{a} {r.choice(VERBS)} {b}, which the {svc} team owns end to end."
        if t == 1:
            return (f"The {svc} deploy pipeline verifies the {r.choice(NOISE)} digest of every "
                    f"image and rejects unsigned artefacts before the window opens.")
        if t == 2:
            m, run = self.ref("MON", 0.3), self.ref("RUN", 0.3)
            return (f"When {m} fires at its Critical level the on-call engineer follows {run} "
                    f"and posts in #{svc}-incidents within {r.randint(2, 15)} minutes.")
        if t == 3:
            return (f"Payloads are {r.choice(NOISE)} JSON, timestamps are ISO-8601 in UTC, and "
                    f"`{self.p.by_prefix.get('DEP', [('DEP-999', '')])[0][0]}` in code spans is "
                    f"never an entry.")
        if t == 4:
            e = self.ref("EPIC", 0.2)
            return (f"{e} moved {r.choice(RESOURCES)} handling to {svc}, cutting p95 latency "
                    f"from {r.randint(300, 900)}ms to {r.randint(80, 290)}ms at peak.")
        if t == 5:
            rk = self.ref("RISK", 0.1)
            return (f"The mitigation for {rk} was exercised in staging on "
                    f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} and recorded in the "
                    f"risk register.")
        if t == 6:
            tr = self.test_range() or self.ref("TEST", 0.1)
            return f"Tests {tr} run on every merge and again against staging before release."
        if t == 7:
            d = self.ref("DBT", 0.2)
            return (f"The {r.choice(RESOURCES)} table ({d}) only receives expand-only "
                    f"migrations, so the previous release keeps working during the switch.")
        if t == 8:
            u = self.ref("UJ", 0.2)
            return (f"Customers on the {u} journey see no change until the "
                    f"`{r.choice(RESOURCES)}-v{r.randint(2, 4)}` flag reaches "
                    f"{r.choice([5, 10, 25, 50, 100])}% of sessions.")
        if t == 9:
            return (f"{self.person().split(' (')[0]} reviews the dashboards with "
                    f"{self.person().split(' (')[0]} after every cutover; findings go to the "
                    f"release ticket, not to chat.")
        if t == 10:
            a = self.ref("ARC", 0.3)
            return (f"{a} explains why {r.choice(TECH)[0]} was chosen over the alternatives "
                    f"and what it costs to operate.")
        return (f"Traffic peaks at {r.randint(80, 900)} requests per second on weekdays between "
                f"{r.randint(9, 13)}:00 and {r.randint(14, 20)}:00 UTC; the release window "
                f"avoids that slot.")

    def paragraph(self, lo=2, hi=4) -> str:
        s = " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))
        return wrap(s)


def wrap(text: str, width: int = 100) -> str:
    out, line = [], ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        out.append(line)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# DEP- entries in the guide's styles
# ---------------------------------------------------------------------------------------------

STYLES = ["fence", "fence", "heading-bold", "heading-bold-outside", "list", "list-bold"]
HEADING_SEPS = [": ", ": ", ": ", " - ", " — ", " | ", " – "]


def render_dep(ctx: Ctx, style: str, id_: str, title: str, fields, level: int = 3) -> str:
    """fields: list of (key, value) where value is a str or a list of lines (a block value)."""
    r = ctx.rng
    out = []
    if style == "fence":
        out.append("```")
        out.append(f"{id_}: {title}")
        for k, v in fields:
            if k in ("Description", "Linked IDs", "Name", "Trigger", "Check"):
                out.append("")
            if isinstance(v, list):
                out.append(f"{k}:")
                out.extend(f"  {line}" for line in v)
            else:
                out.append(f"{k}: {v}")
        out.append("```")
        return "\n".join(out)
    sep = r.choice(HEADING_SEPS)
    out.append(f"{'#' * level} {id_}{sep}{title}")
    out.append("")
    for k, v in fields:
        if style == "heading-bold":
            key = f"**{k}:**"
        elif style == "heading-bold-outside":
            key = f"**{k}**:"
        elif style == "list":
            key = f"- {k}:"
        else:
            key = f"- **{k}:**"
        if isinstance(v, list):
            out.append(key)
            ind = "  " if style.startswith("list") else ""
            out.extend(f"{ind}{line}" for line in v)
            if not style.startswith("list"):
                out.append("")
        else:
            out.append(f"{key} {v}")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def secret_token(r: random.Random, n: int = 48) -> str:
    return "".join(r.choice(string.ascii_letters + string.digits) for _ in range(n))


def env_fields(ctx: Ctx, name: str, keys: list[str]):
    r = ctx.rng
    vals = {"NODE_ENV": "production", "LOG_LEVEL": "debug" if name != "production" else "info",
            "PAYMENTS_PROVIDER": "stripe", "DB_POOL_SIZE": str(r.choice([20, 40, 80])),
            "CACHE_TTL": f"{r.choice([30, 60, 300])}s", "FEATURE_FLAG_ENV": name,
            "OTEL_SAMPLING_RATIO": "1.0" if name != "production" else "0.1",
            "RATE_LIMIT": f"{r.choice([300, 600, 1200])}/min", "QUEUE_CONCURRENCY": "8",
            "HTTP_TIMEOUT_MS": "3000", "SEARCH_SHARDS": "6", "EMAIL_PROVIDER": "ses",
            "REGION": r.choice(["us-east-1", "eu-west-1"]), "MAX_BODY_KB": "256"}
    conf = [f"- {k}={vals[k]}" for k in keys]
    if ctx.defect(0.01):
        conf.append(f"- STRIPE_SECRET_KEY=sk_live_{secret_token(r)}")
        ctx.stats["defects"] += 1
    fields = [
        ("Type", "Environment"), ("Stage", "Pre-deploy"), ("Owner", ctx.person()),
        ("Description", f"{name.capitalize()} environment for {ctx.p.name}; "
                        f"{r.choice(['the full test suite runs here', 'built from the shared Terraform module', 'blue-green behind the public ALB', 'torn down after 72 hours'])}"),
        ("Name", name),
        ("Infrastructure", f"AWS {r.choice(['us-east-1', 'eu-west-1', 'eu-central-1'])}, ECS Fargate "
                           f"({r.randint(1, 6)} to {r.randint(8, 24)} tasks per colour), RDS PostgreSQL 16 "
                           f"{r.choice(['db.r6g.large', 'db.r6g.2xlarge', 'db.t4g.medium'])}, ElastiCache Redis 7"),
        ("Configuration", conf),
        ("Secrets", f"AWS Secrets Manager under {ctx.p.name.lower().replace(' ', '-')}/{name}, injected as ECS task "
                    f"secrets, rotated every {r.choice([30, 60, 90])} days"),
        ("Access", f"{r.choice(TEAMS)} and release managers (deploy), {r.choice(TEAMS)} (read-only)"),
        ("Linked IDs", ctx.id_list([("ARC", r.randint(1, 2)), ("TECH", r.randint(1, 3))])),
    ]
    return fields


THRESHOLDS = [">{p}% of requests for {m} minutes", "p99 latency > {ms}ms for {m} minutes",
              "error rate above {p}% over {m}m", "more than {n} user reports in {m} min",
              "queue depth > {big} messages for {m} minutes",
              "p95 latency above {ms}ms for {m} minutes",
              "authorization success rate below {pct}% for {m} minutes",
              "more than {n} mismatched {res} over {m} minutes"]
NO_WINDOW = ["p99 latency > {ms}ms", ">{p}% of requests", "error rate above {p}%"]
VAGUE = ["high", "TBD", "bad", "[Specific metric or condition]", "noticeably worse"]


def threshold(ctx: Ctx) -> str:
    r = ctx.rng
    x = r.random()
    if x < 0.02 * DEFECTS:
        ctx.stats["defects"] += 1
        return r.choice(VAGUE)
    tmpl = r.choice(NO_WINDOW) if x < 0.10 * DEFECTS else r.choice(THRESHOLDS)
    return tmpl.format(p=r.choice([0.5, 1, 1.5, 2, 5]), m=r.choice([5, 10, 15]),
                       ms=r.choice([300, 500, 800, 1200]), n=r.randint(3, 20),
                       big=r.choice([1000, 10000, 50000]), pct=r.randint(85, 98),
                       res=r.choice(RESOURCES))


def steps(ctx: Ctx, n: int, numbered=True) -> list[str]:
    r = ctx.rng
    acts = [f"Confirm on the {ctx.ref('MON', 0) or 'MON-001'} dashboard that the regression is on our side",
            "Shift ALB traffic back to the previous target group",
            f"Turn off the `{r.choice(RESOURCES)}-v2` flag and wait {r.randint(1, 5)} minutes",
            "Keep the new stack running for investigation, scaled to 1 task",
            "Open an incident and page the release manager",
            f"Run `make migrate ENV=production` with a lock timeout of {r.randint(1, 5)} seconds",
            f"Check that the {r.choice(RESOURCES)} reconciliation report is empty",
            f"Post the status in #{ctx.service()}-releases",
            "Record the applied version in the release ticket",
            f"Verify the {r.choice(NOISE)} checksum of the bundle against the signed manifest"]
    return [f"{i + 1}. {r.choice(acts)}" if numbered else f"- {r.choice(acts)}" for i in range(n)]


def dep_fields(ctx: Ctx, typ: str, extra_linked=None):
    """Fields of a DEP- entry of one Type, with occasional realistic defects."""
    r = ctx.rng
    owner = ctx.person()
    common_stage = {"Criteria": "Pre-deploy", "Rollback": r.choice(["Post-deploy", "Rollback"]),
                    "Validation": "Post-deploy", "Step": "Deploy"}[typ]
    if ctx.defect(0.02):
        common_stage = r.choice(["Pre-deploy", "Deploy", "Post-deploy"])
    f = [("Type", typ), ("Stage", common_stage)]
    res, svc = r.choice(RESOURCES), ctx.service()
    if typ == "Criteria":
        f += [("Description", f"{r.choice(['All tests pass', 'Contracts frozen', 'Load test green', 'Security review closed', 'Migration rehearsed'])} for {svc} before the window"),
              ("Requirement", f"{r.choice(['No open critical or high finding', 'p95 below 300ms at 150 requests per second for 30 minutes', 'All TEST- entries pass with a 100% success rate', 'Zero contract differences against the published reference'])} on {res}"),
              ("Verification", f"{r.choice(['Release pipeline', 'Contract diff job', 'k6 load profile', 'Security review ticket'])} green, report attached to the release ticket"),
              ("Blocker", r.choice(["Yes", "Yes", "No"]))]
        if not ctx.defect(0.02):
            f.append(("Owner", owner))
        else:
            ctx.stats["defects"] += 1
        spec = [("EPIC", 1), ("API", r.randint(1, 4))]
        if ctx.chance(0.3):
            spec.append(("RISK", 1))
        f.append(("Linked IDs", ctx.id_list(spec, ranges=1 if ctx.chance(0.7) else 0)))
    elif typ == "Rollback":
        f += [("Description", f"Roll back {svc} when {res} handling regresses after cutover"),
              ("Trigger", f"{r.choice(METRICS)} of {svc} exceeds the pre-deploy baseline"),
              ("Threshold", threshold(ctx)),
              ("Procedure", steps(ctx, r.randint(2, 4))),
              ("Notification", f"#{svc}-incidents Slack, PagerDuty service {svc}"),
              ("Owner", owner)]
        f.append(("Linked IDs", ctx.id_list([("MON", r.randint(1, 2)), ("RUN", r.randint(1, 2))])))
    elif typ == "Validation":
        method = r.choice(["Manual", "Automated", "Both"])
        if ctx.defect(0.015):
            method = r.choice(["Automatic", "Manually", "Auto"])
            ctx.stats["defects"] += 1
        esc = r.choice(["Release manager decides within 15 minutes between fix-forward and rollback",
                        "QA lead opens a severity 2 incident and holds the flag rollout"])
        if ctx.defect(0.015):
            esc = "[What if validation fails]"
            ctx.stats["defects"] += 1
        key = "Escalaton" if ctx.defect(0.01) else "Escalation"
        f += [("Description", f"Verify {res} on {svc} right after the new stack takes traffic"),
              ("Check", f"Create, fetch and cancel {r.randint(1, 50)} {res} through the public API"),
              ("Method", method),
              ("Success Criteria" if ctx.chance(0.8) else "Success criteria",
               f"{r.randint(10, 50)} of {r.randint(50, 60)} checks pass within {r.randint(2, 15)} minutes"),
              (key, esc), ("Owner", owner)]
        f.append(("Linked IDs", ctx.id_list([("UJ", r.randint(1, 2)), ("API", r.randint(1, 3))],
                                            ranges=1 if ctx.chance(0.5) else 0)))
    else:  # Step
        f += [("Description", f"Ordered steps to ship {svc} {res} changes"),
              ("Owner", owner), ("Procedure", steps(ctx, r.randint(3, 6)))]
        spec = [("DEP", r.randint(1, 3)), ("EPIC", 1)]
        if ctx.chance(0.4):
            spec.append(("GTM", 1))
        f.append(("Linked IDs", ctx.id_list(spec)))
    if extra_linked:
        f[-1] = ("Linked IDs", f[-1][1] + ", " + extra_linked if f[-1][1] else extra_linked)
    return f


def dep_title(ctx: Ctx, typ: str) -> str:
    r = ctx.rng
    res = r.choice(RESOURCES)
    if typ == "Criteria":
        return r.choice([f"All tests pass in staging for {res}", "API contracts published and frozen",
                         f"Performance baseline met for {res}", "Security review signed off",
                         "Risk register reviewed", f"Data migration rehearsed for {res}",
                         "On-call rota confirmed", f"Feature flags configured for {res}"])
    if typ == "Rollback":
        return f"{r.choice(METRICS)} rollback trigger"
    if typ == "Validation":
        return r.choice(["Post-deploy smoke tests", f"{r.choice(FEATURES)} verification",
                         "Metric baseline confirmation", f"{res.capitalize()} reconciliation"])
    return r.choice([f"Production deployment of {ctx.fs.version or 'the release'}",
                     f"Database migration for {res}", f"Enable the {res} flag for 5% of sessions",
                     f"Deploy {ctx.service()} blue-green", f"Warm the {res} cache"])


# ---------------------------------------------------------------------------------------------
# File renderers
# ---------------------------------------------------------------------------------------------


def render_plan(ctx: Ctx) -> str:
    r, p, fs = ctx.rng, ctx.p, ctx.fs
    ids = list(fs.ids.get("DEP", []))
    n = len(ids)
    n_env = min(n, 3 if n >= 12 else 2 if n >= 4 else 0)
    rest = n - n_env
    n_crit = round(rest * 0.27)
    n_roll = round(rest * 0.22)
    n_val = round(rest * 0.25)
    n_step = rest - n_crit - n_roll - n_val
    out = [f"# {p.name} v{fs.version} — Release Plan", "",
           f"**Release**: v{fs.version}, {r.choice(FEATURES).lower()} and {r.choice(FEATURES).lower()}",
           f"**Release manager**: {ctx.person()}",
           f"**Window**: Tuesday 2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}, 14:00 to 16:00 UTC",
           "**Go/no-go review**: the Monday before, with Product, QA, AppSec and SRE", "",
           ctx.paragraph(2, 3), ""]
    it = iter(ids)
    entries_by_type = []

    def section(title: str, typ: str, count: int, intro: bool = True):
        if count <= 0:
            return
        out.append(f"## {title}")
        out.append("")
        if intro:
            out.append(ctx.paragraph(1, 2))
            out.append("")
        for _ in range(count):
            i = next(it)
            entries_by_type.append((i, typ))
            style = r.choice(STYLES)
            out.append(render_dep(ctx, style, i, dep_title(ctx, typ), dep_fields(ctx, typ)))
            out.append("")
            if ctx.chance(0.15):
                out.append(ctx.paragraph(1, 2))
                out.append("")

    if n_env:
        out += ["## 1. Environments", "", ctx.paragraph(1, 2), ""]
        keys = r.sample(ENV_KEYS, r.randint(6, 10))
        for j, name in enumerate(["staging", "production", "preview"][:n_env]):
            i = next(it)
            entries_by_type.append((i, "Environment"))
            k = list(keys)
            if name == "staging" and ctx.defect(0.05):
                k.pop(r.randrange(len(k)))  # environment drift
                ctx.stats["defects"] += 1
            style = "fence" if ctx.chance(0.6) else r.choice(STYLES)
            out.append(render_dep(ctx, style, i, f"{name.capitalize()} Environment Configuration",
                                  env_fields(ctx, name, k)))
            out.append("")
    section("2. Release criteria", "Criteria", n_crit)
    section("3. Rollback triggers", "Rollback", n_roll)
    section("4. Post-deploy validation", "Validation", n_val)
    section("5. Deployment steps", "Step", n_step, intro=False)
    # Timeline table: first cells are times, not IDs (references only).
    out += ["## 6. Timeline", "", "| When (UTC) | Activity | Entries | Owner |",
            "|------------|----------|---------|-------|"]
    for when in ["T-7 days", "T-2 days", "T-1 day", "T 14:00", "T+0 to T+60 min", "T+1 day"]:
        sample = r.sample(entries_by_type, min(len(entries_by_type), r.randint(1, 3)))
        out.append(f"| {when} | {r.choice(['Code freeze', 'Load test', 'Go/no-go review', 'Blue-green deploy', 'Smoke tests and metrics', 'Flag rollout'])} | "
                   f"{', '.join(i for i, _ in sample)} | {ctx.person().split(' (')[0]} |")
    out.append("")
    if ctx.chance(0.5):
        gates = [i for i, t in entries_by_type if t == "Criteria"][:4]
        out += ["## 7. Pipeline gates", "", "The release pipeline reads its blocking gates from the repository:",
                "", "```yaml", f"# deploy/release-gates.yaml (excerpt)", f'release: "{fs.version}.0"',
                "blocking_gates:"]
        out += [f"  {g}: {r.choice(['staging-verify', 'contract-diff', 'load-test', 'appsec-signoff'])}" for g in gates]
        out += ["```", ""]
    out += ["## 8. Notes", "",
            f"- The pipeline verifies the SHA-256 digest of the image against the signed manifest; the ALB keeps HTTP-2 on.",
            f"- Release notes are UTF-8 Markdown with ISO-8601 timestamps in UTC.",
            f"- The pipeline reserves `DEP-999` for ad-hoc hotfix steps; it is not an entry of this plan.",
            "", f"<!-- TODO: DEP-998 cleanup step, planned for the next release -->", ""]
    return "\n".join(out)


def render_dep_sot(ctx: Ctx) -> str:
    r, p = ctx.rng, ctx.p
    ids = ctx.fs.ids.get("DEP", [])
    out = [f"# SoT — Deployment", "",
           f"Source of truth for the deployment procedures of {p.name}. The release plans under "
           "`release/` sequence these procedures.", "",
           "| Procedure | Entry | Used by |", "|-----------|-------|---------|"]
    for i in ids[: min(len(ids), 8)]:
        out.append(f"| {r.choice(['Database migration', 'Blue-green deploy', 'Cache warm-up', 'Flag rollout', 'Failover drill'])} | {i} | release timeline |")
    out.append("")
    for i in ids:
        typ_line = [] if ctx.defect(0.03) else [("Type", "Step")]
        if not typ_line:
            ctx.stats["defects"] += 1
        out.append(f"## {i}: {dep_title(ctx, 'Step')}")
        out.append("")
        fields = [("ID", i)] + typ_line + [("Stage", "Deploy"),
                                            ("Category", r.choice(["Database", "Application", "Infrastructure", "Release"])),
                                            ("Status", "Active"), ("Owner", ctx.person()),
                                            ("Description", f"Deploy {ctx.service()} changes safely with {r.choice(['expand-only migrations', 'a blue-green switch', 'a canary at 5%'])}")]
        for k, v in fields:
            out.append(f"**{k}**: {v}")
        out += ["", "### Steps", ""] + steps(ctx, r.randint(3, 5)) + ["", "### Rollback", "",
                                                                       wrap(f"Stop the deployment and switch back to the previous colour; {ctx.ref('RUN', 0.2)} has the full steps. " + ctx.sentence()), "",
                                                                       "### Related IDs", ""]
        for prefix in r.sample(["DBT", "RUN", "MON", "ARC", "API", "RISK"], r.randint(2, 4)):
            got = ctx.pick(prefix)
            if got:
                gi, gp = got[0]
                ctx.stats["refs"] += 1
                out.append(f"- {ctx.link(gi, gp)} - {r.choice(['migration rollback', 'blue-green decision', 'error rate', 'table created', 'lock on the table at peak'])}")
        out.append("")
    return "\n".join(out)


def render_api(ctx: Ctx) -> str:
    r, p = ctx.rng, ctx.p
    out = ["# SoT — API Contracts", "",
           f"Source of truth for the HTTP contracts of {p.name}.", "",
           "Conventions: bodies are UTF-8 JSON, money in minor units plus an ISO-4217 code, "
           "timestamps ISO-8601 in UTC; webhooks are verified with HMAC SHA-256.", ""]
    for i in ctx.fs.ids["API"]:
        res = r.choice(RESOURCES)
        m = r.choice(METHODS)
        path = f"/v{r.randint(1, 3)}/{res}" + ("/{id}" if m != "POST" else "")
        dep = i in p.deprecated
        out.append(f"## {i}: {'[DEPRECATED] ' if dep else ''}{m} {path}")
        out.append("")
        out += [f"**Method**: {m}", f"**Path**: {path}",
                f"**Summary**: {r.choice(['Create', 'Fetch', 'Replace', 'Cancel', 'List'])} {res} for the {r.choice(['storefront', 'mobile apps', 'admin console', 'partner API'])}",
                f"**Auth**: {r.choice(['Storefront session token', 'Service token', 'OAuth client credentials'])}",
                f"**Responses**: {r.choice([200, 201, 204])} on success; 404 when missing; 409 on conflict; 422 on validation errors",
                f"**Status**: {'Deprecated' if dep else 'Active'}"]
        if dep:
            out.append(f"**Replacement**: {p.deprecated[i]}")
        out.append(f"**Epic**: {ctx.ref('EPIC', 0.1)}")
        if ctx.chance(0.35):
            out += ["", "### Related IDs", ""]
            for prefix in ["TEST", "DBT", "FEA"][: r.randint(1, 3)]:
                got = ctx.pick(prefix)
                if got:
                    ctx.stats["refs"] += 1
                    out.append(f"- {ctx.link(*got[0])} - {r.choice(['happy path', 'stores the rows', 'the feature it serves'])}")
        if ctx.chance(0.15):
            out += ["", "Example error response:", "", "```json", "{", '  "error": {',
                    f'    "code": "{res}_conflict",', f'    "message": "The {res} changed.",',
                    f'    "ref": "{i}",', f'    "request_id": "req_{secret_token(r, 8)}"', "  }", "}", "```"]
        out.append("")
    return "\n".join(out)


def render_test(ctx: Ctx) -> str:
    r, p = ctx.rng, ctx.p
    ids = ctx.fs.ids["TEST"]
    out = ["# SoT — Testing", "", wrap(f"Source of truth for the {p.name} test inventory. Every test "
                                       "runs in CI against an ephemeral database and again against staging before release. "
                                       "Retired numbers are not reused."), ""]
    n_head = max(1, int(len(ids) * 0.35))
    out += [f"## Functional ({ctx.ref('EPIC', 0)})", ""]
    for i in ids[:n_head]:
        out += [f"### {i} | {r.choice(['Create', 'Fetch', 'Update', 'Cancel', 'Refund'])} {r.choice(RESOURCES)} {r.choice(['happy path', 'with a stale version', 'as another customer', 'after expiry'])}",
                f"**Level**: {r.choice(LEVELS)}",
                f"**Covers**: {ctx.id_list([('API', r.randint(1, 2)), ('UJ', 1)])}",
                f"**Suites**: {', '.join(r.sample(SUITES, 2))}",
                f"**Check**: {wrap(ctx.sentence())}", ""]
    out += ["## Inventory", "", "| ID | Title | Level | Covers | Suites |", "|----|-------|-------|--------|--------|"]
    for i in ids[n_head:]:
        out.append(f"| {i} | {r.choice(['Create', 'Fetch', 'Update', 'Cancel'])} {r.choice(RESOURCES)} {r.choice(['p95 below 300ms at 150 rps', 'rejected without a token', 'renders on mobile web', 'survives a retry'])} | "
                   f"{r.choice(LEVELS)} | {ctx.ref('API', 0, 0.005)}, {ctx.ref('FEA', 0, 0.005)} | {', '.join(r.sample(SUITES, 2))} |")
    out.append("")
    return "\n".join(out)


def render_generic_heading(ctx: Ctx, title: str, prefix: str, fields_fn, intro: str) -> str:
    out = [f"# {title}", "", wrap(intro), ""]
    for i in ctx.fs.ids[prefix]:
        head, body = fields_fn(i)
        out.append(f"## {i}{ctx.rng.choice(HEADING_SEPS[:4])}{head}")
        out.append("")
        out += body
        out.append("")
    return "\n".join(out)


def render_dbt(ctx: Ctx) -> str:
    r = ctx.rng

    def f(i):
        res = r.choice(RESOURCES).replace("-", "_")
        body = [f"**Owner**: {ctx.person()}", f"**Purpose**: Stores {res} for {ctx.service()}",
                f"**Related IDs**: {ctx.id_list([('API', r.randint(1, 2)), ('TEST', 1)])}"]
        if ctx.chance(0.5):
            body += ["", "```sql", f"CREATE TABLE {res} (", "  id uuid PRIMARY KEY,",
                     "  created_at timestamptz NOT NULL DEFAULT now(),",
                     f"  amount_minor bigint NOT NULL, -- see {i}", "  currency char(3) NOT NULL", ");", "```"]
        return res, body

    return render_generic_heading(ctx, "SoT — Database", "DBT", f,
                                  f"Tables of the {ctx.p.name} database. Migrations are expand-only.")


def render_mon(ctx: Ctx) -> str:
    r = ctx.rng

    def f(i):
        m = r.choice(METRICS)
        w, c = r.choice([(1, 2), (0.5, 1), (2, 5)])
        thr = f"Warning: > {w}% for 5 minutes | Critical: > {c}% for 5 minutes"
        if ctx.defect(0.01):
            thr = "Warning: elevated | Critical: high"
            ctx.stats["defects"] += 1
        body = [f"**Metric**: {m.lower()} of {ctx.service()}", f"**Thresholds**: {thr}",
                f"**Dashboard**: https://grafana.example.com/d/{secret_token(r, 8)}",
                f"**Runbook**: {ctx.ref('RUN', 0.5)}", f"**Owner**: {ctx.person()}"]
        return f"{m} monitor", body

    text = render_generic_heading(ctx, "SoT — Monitoring", "MON", f,
                                  f"Production monitors of {ctx.p.name}, with Warning and Critical thresholds.")
    ids = ctx.fs.ids["MON"][:3]
    text += "\n".join(["## Alert rules (excerpt)", "", "```yaml", "groups:"] +
                      [f"  - alert: {i}\n    expr: rate(http_5xx[5m]) > 0.02" for i in ids] + ["```", ""])
    return text


def render_run(ctx: Ctx) -> str:
    r = ctx.rng

    def f(i):
        body = [f"**Owner**: {ctx.person()}", f"**Trigger**: {r.choice(METRICS)} alert {ctx.ref('MON', 0)}", ""]
        body += steps(ctx, r.randint(3, 5))
        if ctx.chance(0.4):
            body += ["", "### Related IDs", ""]
            for prefix in ["DEP", "MON"]:
                got = ctx.pick(prefix)
                if got:
                    ctx.stats["refs"] += 1
                    body.append(f"- {ctx.link(*got[0])} - {r.choice(['the rollback trigger', 'the alert'])}")
        return f"{r.choice(['Blue-green rollback', 'Migration rollback', 'Provider failover', 'Cache flush', 'Queue drain'])}", body

    return render_generic_heading(ctx, "SoT — Runbooks", "RUN", f,
                                  f"Operational runbooks for {ctx.p.name} on-call and release managers.")


def render_arc(ctx: Ctx) -> str:
    r = ctx.rng
    out = ["# SoT — Architecture", "", f"Architecture decisions and technology choices of {ctx.p.name}.", ""]
    for i in ctx.fs.ids.get("ARC", []):
        out += [f"## {i}: {r.choice(['Blue-green deployments', 'Idempotency keys', 'Expand-only migrations', 'Outbox pattern', 'Per-tenant rate limits'])}", "",
                f"**Status**: {r.choice(['Accepted', 'Accepted', 'Superseded'])}", "",
                "### Context", "", ctx.paragraph(1, 2), "", "### Decision", "", ctx.paragraph(1, 1), ""]
    out += ["## Technology choices", "", "| ID | Technology | Area | Notes |", "|----|------------|------|-------|"]
    for i in ctx.fs.ids.get("TECH", []):
        t, area = r.choice(TECH)
        out.append(f"| {i} | {t} | {area} | chosen in {ctx.ref('ARC', 0)} |")
    out.append("")
    return "\n".join(out)


def render_uj(ctx: Ctx) -> str:
    r = ctx.rng

    def f(i):
        body = [f"**Persona**: {r.choice(['Guest buyer', 'Returning customer', 'EU customer', 'Support agent'])}",
                f"**Covers**: {ctx.id_list([('FEA', r.randint(1, 2))])}",
                f"**Tests**: {ctx.test_range() or ctx.ref('TEST')}", ""]
        body += steps(ctx, r.randint(2, 4))
        return r.choice(["Guest checkout", "Saved card checkout", "Bank challenge", "Order lookup", "Refund request"]), body

    return render_generic_heading(ctx, "SoT — User Journeys", "UJ", f,
                                  f"Customer journeys of {ctx.p.name}, verified after every deploy.")


def render_sec(ctx: Ctx) -> str:
    r = ctx.rng
    out = ["# SoT — Secrets inventory", "", wrap(f"Every secret {ctx.p.name} uses, where it lives and "
                                                   "how it rotates. No value is ever written here."), "",
           "| ID | Secret | Store | Rotation | Used by |", "|----|--------|-------|----------|---------|"]
    for i in ctx.fs.ids["SEC"]:
        out.append(f"| {i} | {r.choice(['STRIPE_SECRET_KEY', 'DB_PASSWORD', 'JWT_SIGNING_KEY', 'SES_SMTP_PASSWORD', 'WEBHOOK_SECRET'])} | "
                   f"AWS Secrets Manager | {r.choice([30, 60, 90])} days | {ctx.ref('DEP', 0)} |")
    out += ["", ctx.paragraph(1, 2), ""]
    return "\n".join(out)


def render_prd(ctx: Ctx) -> str:
    r, p = ctx.rng, ctx.p
    out = [f"# {p.name} — Product Requirements", "",
           f"**Product**: {p.name}", f"**Product owner**: {ctx.person()}",
           f"**PRD stage**: v0.8 Deployment & Ops", "", "## 1. Overview", "", ctx.paragraph(2, 4), "",
           "## 2. Features", ""]
    for i in ctx.fs.ids.get("FEA", []):
        out += [f"### {i}: {r.choice(FEATURES)}", "", ctx.paragraph(1, 2), ""]
    epics = [fs for fs in p.files if fs.kind == "epic"]
    if epics:
        out += ["## 3. Epics", "", "| Epic | ID | Features | Status |", "|------|----|----------|--------|"]
        for e in epics:
            out.append(f"| {e.title} | {e.ids['EPIC'][0]} | {ctx.ref('FEA', 0)}, {ctx.ref('FEA', 0)} | {r.choice(['Complete', 'In progress'])} |")
        out.append("")
    out += ["## 4. Risks", "", "| ID | Risk | Impact | Likelihood | Mitigation | Owner |", "|----|------|--------|------------|------------|-------|"]
    for i in ctx.fs.ids.get("RISK", []):
        out.append(f"| {i} | {r.choice(['Lock on a hot table at peak', 'Provider outage during cutover', 'Retry storm from old clients', 'Currency rounding drift'])} | "
                   f"{r.choice(['High', 'Medium', 'Low'])} | {r.choice(['High', 'Medium', 'Low'])} | rehearse in staging, see {ctx.ref('RUN', 0)} | {ctx.person().split(' (')[0]} |")
    out += ["", "## 5. Go-to-market", ""]
    for i in ctx.fs.ids.get("GTM", []):
        out += [f"### {i} – {r.choice(['Staff rollout', 'Percentage rollout', 'Launch announcement', 'Partner enablement'])}", "", ctx.paragraph(1, 1), ""]
    return "\n".join(out)


def render_epic(ctx: Ctx) -> str:
    r, p, fs = ctx.rng, ctx.p, ctx.fs
    eid = fs.ids["EPIC"][0]
    out = [f"# {eid} {fs.title}", "", f"**Status**: {r.choice(['Complete', 'In progress'])}",
           f"**Owner**: {ctx.person()}", f"**Release**: v{p.major}.0", "", ctx.paragraph(2, 3), "",
           "## Scope", "", "| Kind | ID | Title | Status |", "|------|----|-------|--------|"]
    for kind, prefix in [("Feature", "FEA"), ("API", "API"), ("API", "API"), ("Table", "DBT")]:
        out.append(f"| {kind} | {ctx.ref(prefix, 0)} | {r.choice(RESOURCES)} | {r.choice(['Done', 'Unchanged'])} |")
    brs = fs.ids.get("BR-FEA", [])
    if brs:
        out += ["", "## Business rules", "", "| ID | Rule | Feature |", "|----|------|---------|"]
        for i in brs:
            out.append(f"| {i} | {r.choice(['An order is charged once', 'Totals are recomputed on every change', 'A refund never exceeds the capture', 'Guest orders expire after 30 days'])} | {ctx.ref('FEA', 0)} |")
    out += ["", "## Tests", "", wrap(f"Functional tests {ctx.test_range() or ctx.ref('TEST')} and the "
                                     f"end-to-end journeys {ctx.ref('TEST', 0)} and {ctx.ref('TEST', 0)}."), "",
            "## Done when", "", "- [x] Behind a flag in production, off by default", "- [x] All tests above green in staging", ""]
    return "\n".join(out)


def render_retro(ctx: Ctx) -> str:
    r = ctx.rng
    out = [f"# Retrospective — {ctx.p.name}", "", ctx.paragraph(1, 2), "", "## Lessons learned", "",
           "| ID | Lesson | Came from |", "|----|--------|-----------|"]
    for i in ctx.fs.ids.get("LL", []):
        out.append(f"| {i} | {r.choice(['Rehearse the rollback, not only the deploy', 'Freeze contracts a week earlier', 'Page the owner, not the channel'])} | {ctx.ref('DEP', 0)} |")
    out += ["", "## KPIs", ""]
    for i in ctx.fs.ids.get("KPI", []):
        out += [f"## {i} - {r.choice(['Checkout conversion', 'Refund rate', 'p95 latency', 'Incident count'])}", "",
                f"**Target**: {r.randint(1, 60)}% within {r.choice([30, 60, 90])} days",
                f"**Measured by**: {ctx.ref('MON', 0)}", ""]
    return "\n".join(out)


RENDER = {"plan": render_plan, "dep": render_dep_sot, "api": render_api, "test": render_test,
          "dbt": render_dbt, "mon": render_mon, "run": render_run, "arc": render_arc,
          "uj": render_uj, "sec": render_sec, "prd": render_prd, "epic": render_epic,
          "retro": render_retro}


def notes_section(ctx: Ctx, nbytes: int) -> str:
    """Prose padding: notes and decisions, with references, noise tokens and inline code."""
    out = ["## Notes and decisions", ""]
    size = 0
    while size < nbytes:
        if ctx.chance(0.25):
            items = [f"- {ctx.sentence()}" for _ in range(ctx.rng.randint(2, 4))]
            block = "\n".join(items)
        else:
            block = ctx.paragraph(2, 4)
        out.append(block)
        out.append("")
        size += len(block.encode()) + 1
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Workspace
# ---------------------------------------------------------------------------------------------


def generator_digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def gen_workspace(out: Path, n_files: int, epf: float, kb: float, seed: int, force: bool) -> dict:
    params = {"files": n_files, "entries_per_file": epf, "kb_per_file": kb, "seed": seed,
              "defects": DEFECTS, "version": GEN_VERSION, "generator": generator_digest()}
    meta_path = out / META
    if meta_path.exists() and not force:
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("params") == params:
                print(f"{out}: reusing ({meta['files']} files, {meta['bytes'] / 1e6:.1f} MB, "
                      f"{meta['entries']} entries)", file=sys.stderr)
                return meta
        except (ValueError, KeyError):
            pass
    if out.exists() and any(out.iterdir()):
        if not meta_path.exists():
            sys.exit(f"gen_workspace: {out} exists, is not empty and was not made by this script; "
                     "refusing to overwrite it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)

    products = plan_products(n_files, epf, seed)
    stats = {"refs": 0, "typos": 0, "broken_links": 0, "ranges": 0, "defects": 0}
    total_bytes = 0
    total_entries = 0
    n_written = 0
    target = kb * 1024
    made_dirs: set[str] = set()

    def write(rel: str, text: str):
        d = posixpath.dirname(rel)
        if d not in made_dirs:
            (out / d).mkdir(parents=True, exist_ok=True)
            made_dirs.add(d)
        data = text.encode()
        (out / rel).write_bytes(data)
        return len(data)

    for p in products:
        rng = random.Random(f"{seed}/render/{p.idx}")
        texts = []
        for fs in p.files:
            ctx = Ctx(rng, p, products, fs, stats)
            texts.append((fs, ctx, RENDER[fs.kind](ctx)))
        natural = sum(len(t.encode()) for _, _, t in texts)
        deficit = max(0, int(target * len(texts) - natural))
        per_file = deficit // len(texts) if texts else 0
        for fs, ctx, text in texts:
            if per_file > 200:
                text = text.rstrip("\n") + "\n\n" + notes_section(ctx, per_file - 40)
            total_bytes += write(fs.path, text.rstrip("\n") + "\n")
            total_entries += sum(len(v) for v in fs.ids.values())
            n_written += 1
        # A non-Markdown file per product: link targets exist outside Markdown too.
        write(f"{p.dir}/deploy/release-gates.yaml", "release_gates:\n  - staging-verify\n  - contract-diff\n")

    readme = ["# Benchmark workspace", "",
              f"Generated by `bench/gen_workspace.py --files {n_files} --entries-per-file {epf} "
              f"--kb-per-file {kb} --seed {seed}`: {len(products)} products under `products/`,",
              "each in the PRD methodology's layout. Not a real product; do not edit by hand.", ""]
    total_bytes += write("README.md", "\n".join(readme))
    n_written += 1
    write("dep-ls.toml", "# Benchmark workspace: default settings.\nprefixes = []\nexclude = [\"drafts/**\"]\n")
    prof = ["domain: benchmark", "id_prefixes:"]
    for prefix, f in sorted(SOT_FILE.items()):
        prof += [f"  {prefix}:", f"    file: {f}", f"    description: {prefix} entries"]
    write(".claude/domain-profile.yaml", "\n".join(prof) + "\n")

    meta = {"params": params, "files": n_written, "products": len(products),
            "bytes": total_bytes, "entries": total_entries, **stats}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{out}: {n_written} files, {total_bytes / 1e6:.1f} MB, {total_entries} entries, "
          f"{stats['refs']} refs, {stats['ranges']} ranges, {stats['typos']} typo'd IDs, "
          f"{stats['broken_links']} broken links, {stats['defects']} other defects", file=sys.stderr)
    return meta


# ---------------------------------------------------------------------------------------------
# One big file
# ---------------------------------------------------------------------------------------------


def gen_one_file(out: Path, nbytes: int, shape: str, seed: int) -> dict:
    if out.suffix.lower() != ".md":
        out = out / shape / "release-plan.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}/one-file/{shape}")
    # A one-product context whose IDs are all defined in this file.
    p = Product(0, seed)
    p.dir = "."
    fs = FileSpec("plan", out.name)
    fs.version = "9.0"
    stats = {"refs": 0, "typos": 0, "broken_links": 0, "ranges": 0, "defects": 0}
    ctx = Ctx(rng, p, [p], fs, stats)
    ctx.dir = "."
    support = {"TEST": 0, "API": 0, "EPIC": 0, "MON": 0, "RUN": 0, "UJ": 0, "GTM": 0,
               "RISK": 0, "ARC": 0, "TECH": 0}
    parts: list[str] = []
    size = 0
    n_dep = n_rows = 0
    types = ["Criteria", "Rollback", "Validation", "Step", "Criteria", "Validation", "Step", "Rollback"]
    if shape == "nested":
        parts.append("# Release plan\n\n" + wrap("Every DEP- entry of the release, one `##` entry per item, "
                                                 "with the traceability tables between them.") + "\n")
    else:
        parts.append(wrap("Release plan generated for the language server benchmark. No heading encloses "
                          "the entries.") + "\n")
    size = len(parts[0].encode())
    block = 0
    while size < nbytes:
        # A traceability table defining the IDs the next entries link to.
        rows = ["| ID | Title | Owner |", "|----|-------|-------|"]
        for prefix in support:
            k = 5 if prefix == "TEST" else 1
            for _ in range(k):
                support[prefix] += 1
                i = fmt_id(prefix, support[prefix])
                p.by_prefix.setdefault(prefix, []).append((i, fs.path))
                rows.append(f"| {i} | {rng.choice(FEATURES)} | {ctx.person().split(' (')[0]} |")
                n_rows += 1
        if len(p.by_prefix["TEST"]) >= 4:
            p.test_runs = [[i for i, _ in p.by_prefix["TEST"][-12:]]]
        # Linked IDs pick from the IDs defined so far (they are all defined somewhere in the file).
        chunk = []
        if shape == "nested":
            chunk.append(f"## Traceability {block + 1}\n")
        chunk.append("\n".join(rows) + "\n")
        for _ in range(20):
            n_dep += 1
            i = f"DEP-{n_dep:05d}"
            p.by_prefix.setdefault("DEP", []).append((i, fs.path))
            typ = types[n_dep % len(types)]
            if n_dep % 97 == 1:
                typ = "Environment"
            if typ == "Environment":
                name = ["staging", "production", "preview"][(n_dep // 97) % 3]
                fields = env_fields(ctx, name, ENV_KEYS[:8])
                title = f"{name.capitalize()} Environment Configuration"
            else:
                fields = dep_fields(ctx, typ)
                title = dep_title(ctx, typ)
            if shape == "flat":
                style = "fence"
            elif shape == "nested":
                style = rng.choice(["heading-bold", "heading-bold", "list", "heading-bold-outside"])
            else:
                style = rng.choice(["heading-bold", "list"])
            chunk.append(render_dep(ctx, style, i, title, fields, level=2) + "\n")
        text = "\n".join(chunk) + "\n"
        parts.append(text)
        size += len(text.encode())
        block += 1
    out.write_text("\n".join(parts))
    total = out.stat().st_size
    info = {"path": str(out), "shape": shape, "bytes": total, "entries": n_dep + n_rows,
            "dep_entries": n_dep, "table_rows": n_rows}
    print(f"{out}: {total / 1e6:.2f} MB, {n_dep} DEP- entries + {n_rows} table-row entries "
          f"({shape})", file=sys.stderr)
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="output folder (or .md file with --one-file)")
    ap.add_argument("--files", type=int, default=500, help="Markdown files to write (default 500)")
    ap.add_argument("--entries-per-file", type=float, default=20.0,
                    help="average entries (ID definitions) per file (default 20)")
    ap.add_argument("--kb-per-file", type=float, default=8.0,
                    help="average size per file in KB; prose pads files up to it (default 8)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--defects", type=float, default=1.0,
                    help="scale the realistic defects (typo'd and retired IDs, broken links, vague "
                         "thresholds, ...); 0 = every link resolves (default 1)")
    ap.add_argument("--force", action="store_true", help="regenerate even if OUT matches")
    ap.add_argument("--one-file", type=int, metavar="BYTES",
                    help="write one big release plan of about BYTES bytes instead")
    ap.add_argument("--shape", choices=["nested", "flat", "flat-headings"], default="nested")
    a = ap.parse_args(argv)
    global DEFECTS
    DEFECTS = a.defects
    if a.one_file:
        gen_one_file(a.out, a.one_file, a.shape, a.seed)
        return 0
    if a.files < 1:
        ap.error("--files must be at least 1")
    gen_workspace(a.out, a.files, a.entries_per_file, a.kb_per_file, a.seed, a.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What one refresh did: the summary printed, logged and returned."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


class RefreshFailed(RuntimeError):
    def __init__(self, summary: RefreshSummary):
        self.summary = summary
        super().__init__(summary.error or "刷新失败")


@dataclass
class RefreshSummary:
    run_id: str
    started_at: datetime
    inbox: str
    warehouse: str
    status: str = "running"
    finished_at: datetime | None = None
    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_duplicate: int = 0
    files_missing: int = 0
    documents_parsed: int = 0
    documents_loaded: int = 0
    documents_quarantined: int = 0
    documents_superseding: int = 0
    units_flagged: int = 0
    findings: int | None = None
    parse_seconds: float = 0.0
    dbt_seconds: float = 0.0
    dq_seconds: float = 0.0
    total_seconds: float = 0.0
    error: str | None = None
    published: bool = False
    seed_path: str | None = None
    seed_changed: bool = False
    dq_ran: bool = False
    full_rebuild: bool = False
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): not regular files
    missing: list[str] = field(default_factory=list)  # paths gone from the inbox in this run
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def record(self) -> dict:
        d = asdict(self)
        for k in ("published", "seed_path", "seed_changed", "dq_ran", "full_rebuild", "quarantined", "notes",
                  "warehouse", "timings", "skipped", "missing"):  # fmt: skip
            d.pop(k)
        return d

"""The refresh's progress display (rich), or nothing when quiet."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported only when the display is shown
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

STEP_NAMES = {
    "scan": "扫描收件箱",
    "parse": "解析文件",
    "ocr": "文字识别（扫描页）",
    "load": "写入原始记录",
    "dbt": "构建数据集市 (dbt)",
    "dq": "数据质量检查",
    "publish": "发布",
}


class Progress:
    """A rich progress display (or nothing, when quiet)."""

    def __init__(self, show: bool, console=None):
        self.show = show
        self._p: RichProgress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._pages: set[str] = set()  # documents whose scanned pages are counted
        if show:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,  # fmt: skip
            )

            self._p = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                               MofNCompleteColumn(), TimeElapsedColumn(), console=console)  # fmt: skip

    def __enter__(self):
        if self._p:
            self._p.__enter__()
        return self

    def __exit__(self, *exc):
        if self._p:
            self._p.__exit__(*exc)

    def start(self, step: str, total: int | None = None) -> None:
        if self._p:
            self._tasks[step] = self._p.add_task(STEP_NAMES[step], total=total)

    def total(self, step: str, total: int) -> None:
        if self._p and step in self._tasks:
            self._p.update(self._tasks[step], total=total)

    def advance(self, step: str, n: int = 1) -> None:
        if self._p and step in self._tasks:
            self._p.advance(self._tasks[step], n)

    def page(self, key: str, done: int, total: int) -> None:
        """A scanned page read by OCR: the 文字识别 bar counts pages of every scan."""
        if not self._p:
            return
        if "ocr" not in self._tasks:
            self._tasks["ocr"] = self._p.add_task(STEP_NAMES["ocr"], total=0)
        if key not in self._pages:
            self._pages.add(key)
            task = self._p.tasks[self._tasks["ocr"]]
            self._p.update(self._tasks["ocr"], total=(task.total or 0) + total)
        self._p.advance(self._tasks["ocr"], 1)

    def done(self, step: str) -> None:
        if self._p and step in self._tasks:
            t = self._p.tasks[self._tasks[step]]
            total = t.total if t.total is not None else max(t.completed, 1)
            self._p.update(self._tasks[step], total=total, completed=total)

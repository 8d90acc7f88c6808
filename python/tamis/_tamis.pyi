"""Type stubs of the native module; the public API is `tamis` itself."""

from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from typing import Any

__version__: str

def extract(
    html: str | bytes,
    url: str | None = None,
    *,
    include_comments: bool = ...,
    max_bytes: int = ...,
    max_depth: int = ...,
    time_budget_ms: int = ...,
    strategy: str = ...,
) -> dict[str, Any] | None: ...
def extract_batch(
    pages: Iterable[str | bytes],
    urls: Sequence[str | None] | None = None,
    workers: int | None = None,
    *,
    include_comments: bool = ...,
    max_bytes: int = ...,
    max_depth: int = ...,
    time_budget_ms: int = ...,
    strategy: str = ...,
) -> list[dict[str, Any] | None]: ...
def predict_language(
    text: str,
    k: int = 1,
    model: str | PathLike[str] | None = None,
    threshold: float = 0.0,
) -> list[tuple[str, float]]: ...
def check_pipeline(text: str, name: str) -> dict[str, Any]: ...
def run_job(
    text: str,
    name: str,
    tasks: int = 1,
    indexes: Sequence[int] | None = None,
    workers: int | None = None,
    concurrent: int | None = None,
    phase: str | None = None,
    mem_budget: int | None = None,
    keep_global: bool = False,
) -> dict[str, Any]: ...
def merge_stats(output: str) -> dict[str, Any]: ...
def summary(stats: Mapping[str, Any]) -> str: ...
def cli_main(args: Sequence[str]) -> int: ...

class _Steps:
    def __init__(self, configs: Sequence[Mapping[str, Any]], workers: int | None = None) -> None: ...
    def names(self) -> list[str]: ...
    def process(
        self, documents: Iterable[str | Mapping[str, Any]]
    ) -> tuple[list[tuple[dict[str, Any], bool, str | None, str | None]], list[dict[str, Any]]]: ...

"""The exceptions tamis raises.

Defined in Python so that they carry typed attributes and pickle (Ray sends
them between processes); the native module instantiates them.

- `TamisError`: the base class of all of them.
- `ConfigError` (also a `ValueError`): a setting tamis cannot use, with its key.
- `PipelineError` (a `ConfigError`): a pipeline that does not parse or check,
  with the file, line and column as well.
- `RunError`: tasks failed, wait for other tasks, or run elsewhere; carries the
  job's report when there is one.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ConfigError", "PipelineError", "RunError", "TamisError"]


class TamisError(Exception):
    """Base class of the exceptions tamis raises."""


class ConfigError(TamisError, ValueError):
    """A setting tamis cannot use.

    Attributes:
        message: what is wrong, naming the setting.
        key: the setting at fault, dotted (``language.languages``), or ``""``.
    """

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message, key)
        self.message = message
        self.key = key

    def __str__(self) -> str:
        return self.message


class PipelineError(ConfigError):
    """A pipeline that does not parse or check, before any work started.

    Attributes:
        message: ``file:line:column: what is wrong``.
        key: the key at fault (``output.path``, ``line_dedup.min_docs``), or ``""``.
        file: the pipeline file, or ``<string>``/``<dict>`` for text and dicts.
        line: 1-based line in the file (for a dict: in its JSON, indented by 2), 0 if unknown.
        column: 1-based column, 0 if unknown.
    """

    def __init__(self, message: str, key: str = "", file: str = "", line: int = 0, column: int = 0) -> None:
        super().__init__(message, key)
        self.args = (message, key, file, line, column)
        self.file = file
        self.line = line
        self.column = column


class RunError(TamisError):
    """Tasks of a run failed, or could not run here.

    Attributes:
        message: what happened.
        report: the job's report (``ran``, ``skipped``, ``busy``, ``failed``,
            ``waiting``, ``stats``, ``warnings``), or None when the job did not start.
    """

    def __init__(self, message: str, report: dict[str, Any] | None = None) -> None:
        super().__init__(message, report)
        self.message = message
        self.report = report

    def __str__(self) -> str:
        return self.message

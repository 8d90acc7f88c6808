"""The ``tamis`` command, as installed by ``pip install tamis``: the same
command line as the Rust binary, run in this process by the native module."""

from __future__ import annotations

import signal
import sys

from tamis import _tamis


def main() -> None:
    """Runs ``tamis`` with ``sys.argv`` and exits with its exit code."""
    # Ctrl-C ends the command at once, as it ends the binary: Python's own
    # handler would only run once the native code returns.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(_tamis.cli_main(["tamis", *sys.argv[1:]]))


if __name__ == "__main__":
    main()

"""Running the zkinfer binary: where it is, its progress and its errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import IO, Callable, Optional, Sequence


class Error(Exception):
    """A zkinfer command failed; ``str(err)`` is its one-line message.

    Attributes:
        command: the subcommand that failed (``"prove"``, ...).
        message: the message without the ``zkinfer COMMAND:`` prefix.
        code: the exit status (1: the command failed, 2: a usage error).
        stderr: everything the command wrote on stderr.
    """

    def __init__(self, command: str, message: str, code: int, stderr: str = "") -> None:
        super().__init__(message)
        self.command, self.message, self.code, self.stderr = command, message, code, stderr


def binary() -> str:
    """The zkinfer binary: $ZKINFER_BINARY, the one built into this package,
    or zkinfer on PATH."""
    env = os.environ.get("ZKINFER_BINARY")
    if env:
        return env
    shipped = Path(__file__).resolve().parent / "bin" / "zkinfer"
    if shipped.is_file():
        return str(shipped)
    found = shutil.which("zkinfer")
    if found:
        return found
    raise Error("", "no zkinfer binary: install the package with pip install ./python "
                "from the repository (it builds one with Go), or set ZKINFER_BINARY", 1)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython  # type: ignore
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class _Progress:
    """Shows the command's progress lines: a tqdm bar where tqdm is
    installed, otherwise one rewritten line on a terminal."""

    def __init__(self, command: str, stream: IO[str]) -> None:
        self.bar = None
        self.stream = stream
        self.width = 0
        try:
            if _in_notebook():
                from tqdm.notebook import tqdm  # type: ignore
            else:
                from tqdm import tqdm  # type: ignore
            self.bar = tqdm(total=None, desc="zkinfer " + command, unit=" step", leave=False,
                            file=stream, bar_format="{desc} [{elapsed}]")
        except ImportError:
            pass

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_description_str(text[:100], refresh=False)
            self.bar.update(1)
            return
        text = text[:120]
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _want_progress(progress: Optional[bool]) -> bool:
    if progress is not None:
        return progress
    return _in_notebook() or sys.stderr.isatty()


# STDIN_PATH names the standard input as a file: an input passed this way
# costs no temporary file.
STDIN_PATH = "/dev/stdin" if os.path.exists("/dev/stdin") else None


def _feed(pipe: IO[str], data: str) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except BrokenPipeError:
        pass  # the command stopped before reading it: its error says why


# The commands that report progress unless --quiet.
_QUIET = {"calibrate", "compile", "setup", "prove"}


def run(command: str, args: Sequence[str], progress: Optional[bool] = False, stdin: Optional[str] = None) -> str:
    """Runs ``zkinfer COMMAND ARGS...`` and returns its stdout.

    Progress lines on stderr are shown (see _Progress) when progress is
    True, or None and stderr is a terminal or a notebook; warnings
    (``zkinfer X: warning: ...``) become Python warnings; a failure raises
    Error with the command's one-line message. stdin, when not None, is the
    command's standard input (an argument STDIN_PATH reads it).
    """
    argv = [binary(), command, *[str(a) for a in args]]
    show = _want_progress(progress)
    if not show and command in _QUIET and "--quiet" not in argv:
        argv.append("--quiet")  # progress nobody reads costs time
    if not show:  # nothing to stream: the cheapest way to run it
        try:
            done = subprocess.run(argv, capture_output=True, text=True, input=stdin)
        except OSError as e:
            raise Error(command, f"cannot start {argv[0]}: {e}", 1) from e
        lines = done.stderr.splitlines()
        _warn(command, lines)
        if done.returncode != 0:
            raise _error(command, done.returncode, lines)
        return done.stdout
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise Error(command, f"cannot start {argv[0]}: {e}", 1) from e
    if stdin is not None:
        threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True).start()
    out_chunks: list[str] = []
    reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True)
    reader.start()
    err_lines: list[str] = []
    bar: Optional[_Progress] = _Progress(command, sys.stderr) if show else None
    prefix = f"zkinfer {command}: "
    try:
        for raw in proc.stderr:
            line = raw.rstrip("\n")
            err_lines.append(line)
            if line.startswith(prefix + "warning: "):
                _warn(command, [line])
            elif bar is not None and line:
                bar.line(line)
    finally:
        if bar is not None:
            bar.close()
    code = proc.wait()
    reader.join()
    stdout = "".join(out_chunks)
    if code != 0:
        raise _error(command, code, err_lines)
    return stdout


def _warn(command: str, lines: list[str]) -> None:
    """Python warnings of the command's warning lines."""
    prefix = f"zkinfer {command}: warning: "
    for line in lines:
        if line.startswith(prefix):
            warnings.warn(line[len(prefix):], stacklevel=4)


def _error(command: str, code: int, lines: list[str]) -> Error:
    """The Error of a failed command: its last line naming it, else the
    last non-empty line."""
    prefix = f"zkinfer {command}: "
    message = ""
    for line in reversed(lines):
        if line.startswith(prefix) and not line.startswith(prefix + "warning: "):
            message = line[len(prefix):]
            break
    if not message:
        message = next((l for l in reversed(lines) if l.strip()), f"exit status {code}")
        message = message.removeprefix("zkinfer: ")
    return Error(command, message, code, "\n".join(lines))

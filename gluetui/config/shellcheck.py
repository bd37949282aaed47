"""Refuses a command automation whose template would hand forge text to a shell as code.

gluetui never runs a command through a shell: each argv element is templated on its own and a
placeholder's value is (part of) one element. That promise breaks when the program *is* a shell
or an interpreter: ``["sh", "-c", "echo {title} > out"]`` runs a PR titled ``$(touch ~/p)``. So a
``{placeholder}`` may not appear

- in any argument after a known shell or interpreter (``sh``, ``bash``, ``python3``, ``node``,
  ``awk``, ``osascript``...), named by path, with a version suffix (``python3.12``), through a
  wrapper (``env``, ``sudo``, ``nice``, ``xargs``, ``find -exec``...) or inside ``env -S "..."``;
  nor after a program that hands its arguments to a shell (``ssh``, ``su``, ``watch``, ``make``);
- in any argument after an option that takes code (``-c``, ``-e``, ``--eval``, ``--command``,
  ``-Command``, ``/c``...), alone, combined (``-lc``) or attached (``-c{title}``, ``--eval=...``);
- in the program itself (``argv[0]``): item data never chooses what runs.

The value belongs in the environment instead, which a shell reads as data:
``["sh", "-c", "echo \\"$GLUETUI_TITLE\\" > out"]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Shells and interpreters whose names are not everyday words: recognised in any argument.
INTERPRETERS = frozenset(
    {
        "sh", "ash", "bash", "dash", "ksh", "mksh", "pdksh", "oksh", "zsh", "csh", "tcsh", "fish",
        "yash", "xonsh", "elvish", "busybox", "toybox", "pwsh", "powershell", "python", "pypy",
        "ipython", "jython", "node", "nodejs", "deno", "bun", "perl", "ruby", "jruby", "irb",
        "php", "lua", "luajit", "tclsh", "awk", "gawk", "mawk", "nawk", "gsed", "osascript",
        "rscript", "escript", "runghc", "runhaskell", "ghci", "sqlite3", "nvim", "jshell",
    }
)  # fmt: skip
#: Interpreters, and programs that join their arguments into a shell command line, whose names
#: are also everyday words ("r", "at", "make", "script"): recognised as the program only (first,
#: given by path, or right after a wrapper such as ``env`` or ``sudo``).
PROGRAMS = frozenset(
    {
        "r", "rc", "es", "nu", "cmd", "sed", "expect", "wish", "julia", "groovy", "scala",
        "kotlin", "swift", "elixir", "iex", "erl", "guile", "racket", "sbcl", "clisp", "ocaml",
        "vim", "emacs", "gdb", "ssh", "su", "runuser", "sg", "watch", "script", "tmux", "screen",
        "at", "batch", "make", "gmake", "just", "eval", "exec",
    }
)  # fmt: skip
#: Programs that run the program named after them (their options in between).
WRAPPERS = frozenset(
    {
        "env", "sudo", "doas", "nice", "ionice", "nohup", "timeout", "stdbuf", "setsid", "time",
        "command", "builtin", "exec", "xargs", "flock", "chroot", "unshare", "nsenter", "chrt",
        "taskset", "firejail", "systemd-run", "unbuffer", "faketime", "strace", "ltrace",
        "valgrind", "caffeinate", "runuser", "-exec", "-execdir", "-ok", "-okdir",
    }
)  # fmt: skip
#: Options whose value (the next argument, or the rest of the same one) is code.
CODE_OPTIONS = frozenset(
    {
        "-c", "-e", "--eval", "--command", "--exec", "--execute", "-exec", "-execdir", "-ok",
        "-okdir", "-command", "-encodedcommand", "-ec", "/c", "/k",
    }
)  # fmt: skip

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_VERSION_SUFFIX = re.compile(r"[\d._-]+$")
#: A cluster of short flags (``-lc``, ``-xec``): code when it holds c or e.
_SHORT_CLUSTER = re.compile(r"^-[A-Za-z]{2,3}$")
_ENV_SPLIT = ("-S", "--split-string")


def placeholders(arg: str) -> list[str]:
    """The placeholder names in ``arg`` (``{{``/``}}`` are literal braces, not placeholders)."""
    return _PLACEHOLDER.findall(arg.replace("{{", "").replace("}}", ""))


def program_name(word: str) -> str:
    """``/usr/bin/python3.12`` -> ``python``; ``C:\\\\Tools\\\\pwsh.exe`` -> ``pwsh``."""
    base = re.split(r"[/\\]", word)[-1].lower()
    base = re.sub(r"\.(exe|com|bat|cmd)$", "", base)
    return _VERSION_SUFFIX.sub("", base) or base


def _takes_code(arg: str) -> str:
    """The option in ``arg`` that takes code (``-c``, ``--eval=...``, ``-lc``), or ``""``."""
    low = arg.lower()
    if low in CODE_OPTIONS:
        return arg
    head = low.split("=", 1)[0]
    if "=" in low and head in CODE_OPTIONS:
        return arg.split("=", 1)[0]
    if _SHORT_CLUSTER.match(arg) and ("c" in low[1:] or "e" in low[1:]):
        return arg
    return ""


def _attached_code(arg: str) -> str:
    """``-c{title}``/``-e{title}``: a short code option with its value attached."""
    if len(arg) > 2 and arg[0] == "-" and arg[1] in "cCeE" and arg[2] != "-":
        return arg[:2]
    return ""


def shell_problem(argv: Sequence[str]) -> tuple[int, str] | None:
    """The first argument of ``argv`` whose placeholder a shell or interpreter would run as code,
    and why (one sentence with the fix); ``None`` when every placeholder stays data."""
    code_from = ""  # what turned later arguments into code: "bash", "-c", "env -S"
    previous = ""
    for index, arg in enumerate(argv):
        names = placeholders(arg)
        if names:
            if index == 0 or (previous in WRAPPERS and not arg.startswith("-") and "=" not in arg):
                return index, _message(index, names[0], "", "the program itself")
            why = (
                code_from
                or _attached_code(arg)
                or _takes_code(arg)
                or _code_from(_PLACEHOLDER.sub("x", arg), program=False)
            )
            if why:
                return index, _message(index, names[0], why, "")
            previous = arg
            continue
        if not code_from:
            code_from = _code_from(arg, program=index == 0 or previous in WRAPPERS)
        previous = program_name(arg) if not arg.startswith("-") else arg
    return None


def _code_from(arg: str, *, program: bool) -> str:
    """What ``arg`` makes of the arguments after it: an interpreter's name, a code option,
    ``env -S``, or ``""`` (they stay data)."""
    name = program_name(arg)
    if name in INTERPRETERS or (name in PROGRAMS and (program or "/" in arg or "\\" in arg)):
        return name
    if option := _takes_code(arg):
        return option
    if arg in _ENV_SPLIT or arg.startswith(("-S", "--split-string=")):
        inline = arg.split("=", 1)[1] if "=" in arg else arg[2:]
        for word in inline.split():
            if program_name(word) in INTERPRETERS | PROGRAMS:
                return program_name(word)
        return "env -S"
    return ""


def _message(index: int, name: str, why: str, what: str) -> str:
    var = f"GLUETUI_{name.upper()}"
    if what:
        subject = f"{{{name}}} in {what}: item data never chooses what runs"
    elif why.startswith("-") or why.startswith("/"):
        subject = f"{{{name}}} follows {why}, an option that takes code"
    elif why == "env -S":
        subject = f"{{{name}}} is inside env -S, which splits it into words"
    else:
        subject = f"{{{name}}} is an argument of {why}, which would run forge text as code"
    return (
        f"argv[{index}]: {subject}; read the ${var} environment variable instead, "
        f'e.g. ["sh", "-c", "echo \\"${var}\\""]'
    )

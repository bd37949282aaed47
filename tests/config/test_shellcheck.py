"""A {placeholder} never reaches a shell or an interpreter as code (gluetui/config/shellcheck.py)."""

from __future__ import annotations

import pytest

from gluetui.config.loader import ConfigInvalid, load_config_text
from gluetui.config.shellcheck import placeholders, program_name, shell_problem

REFUSED = [
    # (argv, index of the refused argument, what the message blames)
    (["sh", "-c", "echo {title} > out"], 2, "an argument of sh"),
    (["/bin/bash", "-lc", "notify {title}"], 2, "an argument of bash"),
    (["bash", "script.sh", "{title}"], 2, "an argument of bash"),
    (["zsh", "-c", "{branch}"], 2, "an argument of zsh"),
    (["dash", "-ec", "{title}"], 2, "an argument of dash"),
    (["/usr/local/bin/fish", "-c", "{title}"], 2, "an argument of fish"),
    (["busybox", "sh", "-c", "{title}"], 3, "an argument of busybox"),
    (["pwsh", "-Command", "{title}"], 2, "an argument of pwsh"),
    (["C:\\Tools\\powershell.exe", "-File", "x.ps1", "{title}"], 3, "an argument of powershell"),
    (["python3", "-c", "print('{title}')"], 2, "an argument of python"),
    (["/usr/bin/python3.12", "notify.py", "{title}"], 2, "an argument of python"),
    (["node", "-e", "{title}"], 2, "an argument of node"),
    (["perl", "-e", "print q({title})"], 2, "an argument of perl"),
    (["ruby", "-e", "{title}"], 2, "an argument of ruby"),
    (["awk", 'BEGIN{{print "{title}"}}'], 1, "an argument of awk"),
    (["gawk", "-v", "t={title}", "BEGIN{{print t}}"], 2, "an argument of gawk"),
    (["osascript", "-e", 'display notification "{title}"'], 2, "an argument of osascript"),
    (["php", "-r", "{title}"], 2, "an argument of php"),
    (["lua5.4", "-e", "{title}"], 2, "an argument of lua"),
    (["tclsh8.6", "x.tcl", "{title}"], 2, "an argument of tclsh"),
    (["env", "python3", "-c", "{title}"], 3, "an argument of python"),
    (["/usr/bin/env", "FOO=1", "node", "-e", "{title}"], 4, "an argument of node"),
    (["env", "-S", "bash -c", "{title}"], 3, "inside env -S"),
    (["env", "-Sbash -c {title}"], 1, "an argument of bash"),
    (["env", "--split-string=sh -c {title}"], 1, "an argument of sh"),
    (["sudo", "-u", "bot", "bash", "-c", "{title}"], 5, "an argument of bash"),
    (["nice", "-n", "5", "sh", "-c", "{title}"], 5, "an argument of sh"),
    (["xargs", "-I", "X", "sh", "-c", "{title}"], 5, "an argument of sh"),
    (["find", ".", "-exec", "sh", "-c", "x", "{title}", ";"], 6, "follows -exec"),
    (["ssh", "build-host", "notify {title}"], 2, "an argument of ssh"),
    (["make", "notify", "TITLE={title}"], 2, "an argument of make"),
    (["tool", "-c", "cfg.yml", "{title}"], 3, "follows -c"),
    (["tool", "-e", "{title}"], 2, "follows -e"),
    (["tool", "--eval", "{title}"], 2, "follows --eval"),
    (["tool", "--eval={title}"], 1, "follows --eval"),
    (["tool", "--command", "{title}"], 2, "follows --command"),
    (["tool", "-c{title}"], 1, "follows -c"),
    (["tool", "-lc", "{title}"], 2, "follows -lc"),
    (["{title}"], 0, "the program itself"),
    (["env", "{title}"], 1, "the program itself"),
]


@pytest.mark.parametrize(
    ("argv", "index", "blame"), REFUSED, ids=[" ".join(a) for a, _, _ in REFUSED]
)
def test_a_placeholder_that_would_be_code_is_refused(
    argv: list[str], index: int, blame: str
) -> None:
    problem = shell_problem(argv)
    assert problem is not None
    at, message = problem
    assert at == index and blame in message
    name = placeholders(argv[index])[0]
    assert f"${'GLUETUI_' + name.upper()}" in message  # says what to use instead


ALLOWED = [
    ["tracker", "new", "--title", "{title}", "--link", "{url}"],
    ["notify", "--", "{title}"],
    ["notify", "--flag={title}"],
    ["notify", "--lang", "es", "{title}"],  # "es" is a word here, not the es shell
    ["find", ".", "-name", "{title}"],
    ["sh", "-c", 'echo "$GLUETUI_TITLE" >> out'],  # the advice: data through the environment
    ["env", "TITLE={title}", "sh", "-c", 'echo "$TITLE"'],  # assigned before the shell
    ["python3", "notify.py"],
    ["notify", "{{title}}"],  # a literal brace pair, not a placeholder
]


@pytest.mark.parametrize("argv", ALLOWED, ids=[" ".join(a) for a in ALLOWED])
def test_elsewhere_a_placeholder_stays_data(argv: list[str]) -> None:
    assert shell_problem(argv) is None


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("/usr/bin/python3.12", "python"),
        ("pypy3", "pypy"),
        ("C:\\Windows\\System32\\cmd.exe", "cmd"),
        ("nodejs", "nodejs"),
        ("/opt/homebrew/bin/bash", "bash"),
        ("perl5.36", "perl"),
    ],
)
def test_program_names_are_read_through_paths_and_versions(word: str, name: str) -> None:
    assert program_name(word) == name


def test_the_loader_refuses_it_with_the_line_and_key() -> None:
    text = (
        '[automations.notes]\nkind = "command"\nfits = ["unreviewed_pr"]\n'
        'argv = ["sh", "-c", "echo {title} > out"]\n'
    )
    with pytest.raises(ConfigInvalid) as caught:
        load_config_text(text, "c.toml")
    problem = caught.value.found[0]
    assert (problem.line, problem.key) == (4, "automations.notes.argv[2]")
    assert caught.value.exit_code == 3


def test_the_same_command_through_the_environment_is_accepted() -> None:
    text = (
        '[automations.notes]\nkind = "command"\nfits = ["unreviewed_pr"]\n'
        'argv = ["sh", "-c", "echo \\"$GLUETUI_TITLE\\" > out"]\n'
    )
    assert load_config_text(text).automations["notes"].argv[2] == 'echo "$GLUETUI_TITLE" > out'

"""The one error parse_window raises, with a message meant for the user."""

from __future__ import annotations

EXAMPLES_EN = ("tomorrow 8pm to 10pm", "today 20:00 for 90 minutes", "in 10 minutes for 1 hour")
EXAMPLES_ZH = ("明天晚上8点到10点", "今天20:00录90分钟", "10分钟后开始，录一个小时")


class TimeParseError(ValueError):
    """The text could not be fully understood.

    ``str(err)`` is the user-facing message: it quotes the part that was not
    understood (``err.fragment``) and gives a few phrasings that work
    (``err.examples``).
    """

    def __init__(self, reason: str, fragment: str, text: str = "", chinese: bool = False):
        """``reason`` may place the quoted fragment with ``{q}``; otherwise it goes last."""
        self.reason = reason
        self.fragment = fragment
        self.text = text
        self.examples = EXAMPLES_ZH[:2] + EXAMPLES_EN[:1] if chinese else EXAMPLES_EN
        q = f'"{fragment}"'
        what = reason.format(q=q) if "{q}" in reason else f"{reason}: {q}"
        examples = ", ".join(f'"{e}"' for e in self.examples)
        super().__init__(f"{what}. Try something like {examples}.")

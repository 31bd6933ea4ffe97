"""The scheduling form (a modal with the same fields as the inline command)."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.recording.ports import RecordTemplate
from bot.slack.blocks.values import FORM_CALLBACK_ID
from bot.slack.i18n import Tr


def _template_input(tr: Tr, templates: list[RecordTemplate] | None) -> InputBlock:
    """A select of the account's templates; a text field when Tencent could not list them."""
    if templates:
        options = template_options(tr, templates)
        return InputBlock(
            block_id="template", label=tr._("Recording template"), optional=True,
            element=StaticSelectElement(action_id="value", options=options,
                                        initial_option=options[0]),
        )
    return InputBlock(
        block_id="template",
        label=tr._("Recording template id"),
        optional=True,
        hint=tr._("Leave empty for Tencent's default (HLS, kept permanently)."),
        element=PlainTextInputElement(action_id="value", placeholder="12345", max_length=20),
    )


#: The Repeat select's values, as the words the time parser reads.
REPEAT_WORDS = {"daily": "every day", "weekdays": "weekdays", "weekly": "every week"}


def _repeat_inputs(tr: Tr) -> list[InputBlock]:
    """Repeat (none, daily, weekdays, weekly on the start's day), and its end: a last day or a
    number of times (with neither, the series stops after 90 days)."""
    none = Option(text=tr._("Does not repeat"), value="none")
    options = [none,
               Option(text=tr._("Every day"), value="daily"),
               Option(text=tr._("Weekdays (Monday to Friday)"), value="weekdays"),
               Option(text=tr._("Every week, on the day of the start"), value="weekly")]
    return [
        InputBlock(block_id="repeat", label=tr._("Repeat"), optional=True,
                   element=StaticSelectElement(action_id="value", options=options,
                                               initial_option=none)),
        InputBlock(block_id="repeat_until", label=tr._("Repeat until (last day)"),
                   optional=True, element=DatePickerElement(action_id="value"),
                   hint=tr._("Or give a number of times below. With neither, a repeat stops "
                             "after 90 days.")),
        InputBlock(block_id="repeat_count", label=tr._("Number of times"), optional=True,
                   element=NumberInputElement(action_id="value", is_decimal_allowed=False,
                                              min_value="1", max_value="366")),
    ]


def record_form(
    tr: Tr, channel_id: str, domains: tuple[str, ...], app_name: str,
    templates: list[RecordTemplate] | None = None, initial: dict | None = None,
) -> View:
    """The modal: the same fields as the inline command, in ``tr``'s language (its submission
    is answered in it too). Block ids key the field errors."""
    initial = initial or {}
    if len(domains) > 1:
        domain_element = StaticSelectElement(
            action_id="value",
            options=[Option(text=d, value=d) for d in domains],
            initial_option=Option(text=domains[0], value=domains[0]),
        )
    else:
        domain_element = PlainTextInputElement(
            action_id="value", initial_value=domains[0] if domains else "", max_length=253
        )
    live = Option(text=tr._("Live push"), value="0")
    mixed = Option(text=tr._("Mixed stream (A+B=C)"), value="1")
    blocks: list = []
    if initial.get("note"):  # e.g. where the form's prefill came from (a message shortcut)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=initial["note"])]))
    if not channel_id:  # opened from App Home or a global shortcut: where to post?
        blocks.append(InputBlock(
            block_id="channel", label=tr._("Post in"),
            hint=tr._("The root message and its thread go to this channel."),
            element=ConversationSelectElement(
                action_id="value", filter=ConversationFilter(include=["public", "private"],
                                                             exclude_bot_users=True)),
        ))
    blocks += [
        InputBlock(
            block_id="stream",
            label=tr._("Stream name"),
            element=PlainTextInputElement(
                action_id="value", placeholder="livetest", max_length=256,
                initial_value=initial.get("stream"),
            ),
        ),
        InputBlock(block_id="domain", label=tr._("Push domain"), element=domain_element),
        InputBlock(
            block_id="app",
            label=tr._("App name"),
            element=PlainTextInputElement(action_id="value", initial_value=app_name, max_length=64),
        ),
        InputBlock(
            block_id="when",
            label=tr.p_("form field", "When"),
            hint=tr._("A start and an end, in your Slack time zone unless you name one."),
            element=PlainTextInputElement(
                action_id="value",
                placeholder="tomorrow 8pm to 10pm · 明天晚上8点到10点",
                max_length=300, initial_value=initial.get("when"),
            ),
        ),
        *_repeat_inputs(tr),
        _template_input(tr, templates),
        InputBlock(
            block_id="stream_type",
            label=tr._("Stream type"),
            element=RadioButtonsElement(
                action_id="value", options=[live, mixed], initial_option=live
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=FORM_CALLBACK_ID,
        title=PlainTextObject(text=tr._("Schedule a recording")),
        submit=PlainTextObject(text=tr.p_("button", "Schedule")),
        close=PlainTextObject(text=tr.p_("button", "Cancel")),
        private_metadata=json.dumps({"channel_id": channel_id, "lang": tr.lang.value,
                                     **({} if channel_id else {"pick": True})}),
        blocks=blocks,
    )


def template_options(tr: Tr, templates: list[RecordTemplate]) -> list[Option]:
    default = Option(text=tr._("Tencent default (HLS, kept permanently)"), value="default")
    options = [default]
    unnamed, no_format = tr._("unnamed"), tr._("no format enabled")
    for t in templates[:99]:  # a select holds at most 100 options
        formats = ", ".join(t.formats) or no_format
        label = f"{t.name or unnamed} ({formats}) · {t.template_id}"
        options.append(Option(text=label[:75], value=str(t.template_id)))
    return options

"""Block Kit for every message and view the bot shows, by message family, built with
slack_sdk's model classes (``to_dict()`` validates lengths).

- ``text``: escaping, code spans, links, date tokens, units, the message envelope;
- ``values``: action ids and what buttons carry;
- ``root``: a request's root message; ``outcome``: what its thread is told;
- ``problems``: refusals and requests the bot cannot use; ``help``: usage and examples;
- ``form``: the modal; ``listing``: `/record list`; ``notices``: Tencent's callbacks;
- ``tencent_errors``: what each Tencent error code means, and what to do.

User-supplied text is escaped everywhere, so it can neither mention (`<!channel>`) nor link.
"""

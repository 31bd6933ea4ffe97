import logging

from bot.logging_setup import SecretMasker


def capture(masker: SecretMasker, msg: str, *args: object) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)
    masker.filter(record)
    return record.getMessage()


def test_configured_secrets_and_token_shapes_are_masked():
    masker = SecretMasker(["tencent-secret-key-value"])
    out = capture(
        masker,
        "key=%s bot=%s app=%s url=%s",
        "tencent-secret-key-value",
        "xoxb-12-ab",
        "xapp-1-A1-xyz",
        "https://hooks.slack.com/commands/T1/2/abc",
    )
    for secret in ("tencent-secret-key-value", "xoxb-12-ab", "xapp-1-A1-xyz",
                   "hooks.slack.com/commands"):
        assert secret not in out
    assert out.count("***") == 4


def test_response_url_in_a_logged_body_is_masked():
    masker = SecretMasker()
    out = capture(masker, "body: token=x&response_url=http%3A%2F%2Fexample%2Fr%2F1&text=hi")
    assert "example" not in out and "text=hi" in out


def test_exception_text_is_masked_too():
    masker = SecretMasker(["sekrit-value"])
    try:
        raise RuntimeError("failed with sekrit-value")
    except RuntimeError:
        import sys
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    masker.filter(record)
    line = logging.Formatter().format(record)
    assert "sekrit-value" not in line
    assert "RuntimeError" in line and "RuntimeError" in (record.exc_text or "")

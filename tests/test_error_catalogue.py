from bot.slack.blocks.tencent_errors import advice_for, known_codes
from bot.slack.i18n import EN

# Every error code listed on the CreateRecordTask API page (section 6).
API_PAGE_CODES = [
    "InternalError", "InternalError.GetConfigError", "InternalError.NetworkError",
    "InvalidParameter", "LimitExceeded.MaximumRunningTask", "ResourceNotFound.ForbidService",
    "ResourceNotFound.FreezeService", "ResourceNotFound.StopService",
    "ResourceNotFound.UserDisableService", "ResourceUnavailable.InvalidVodStatus",
    "UnsupportedOperation",
]


def test_every_code_on_the_api_page_has_its_own_advice():
    missing = [c for c in API_PAGE_CODES if c not in known_codes()]
    assert missing == []
    hints = {advice_for(EN, c).hint for c in API_PAGE_CODES}
    assert len(hints) >= 9  # distinct, not one generic text


def test_vod_not_activated_says_to_activate_vod():
    assert "Activate VOD" in advice_for(EN, "ResourceUnavailable.InvalidVodStatus").hint


def test_unlisted_sub_code_falls_back_to_its_family():
    assert advice_for(EN, "AuthFailure.Whatever") == advice_for(EN, "AuthFailure")
    assert "does not know" in advice_for(EN, "Totally.New").meaning

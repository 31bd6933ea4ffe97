"""The callback's ``t``: not passed, and not too far ahead (a far-future t/sign pair, which
signs any body, is refused rather than honoured for years)."""

from __future__ import annotations

import hashlib

import pytest

from bot.tencent.callbacks import MAX_T_AHEAD, CallbackRejected, verify_sign

KEY = "callback-key"
NOW = 1_703_731_478.25  # any instant: the clock is passed in
EVENT = {"event_type": 1, "stream_id": "s", "app": "push.example.com", "appname": "live"}


def signed(t: int) -> dict:
    return {**EVENT, "t": t, "sign": hashlib.md5(f"{KEY}{t}".encode()).hexdigest()}


@pytest.mark.parametrize("ahead", [1, 600, 3600, MAX_T_AHEAD])
def test_t_from_now_up_to_a_day_ahead_passes(ahead):
    t = int(NOW) + ahead
    assert verify_sign(KEY, signed(t), NOW) == t


@pytest.mark.parametrize("ahead", [MAX_T_AHEAD + 1, 7 * 86400, 10 * 365 * 86400])
def test_t_more_than_a_day_ahead_is_401(ahead):
    payload = signed(int(NOW) + ahead)
    with pytest.raises(CallbackRejected) as refused:
        verify_sign(KEY, payload, NOW)
    assert refused.value.status == 401
    assert f"t is {ahead} s ahead" in refused.value.reason
    assert KEY not in refused.value.reason and payload["sign"] not in refused.value.reason


def test_a_forged_far_future_t_is_a_bad_sign_first():
    forged = {**signed(int(NOW) + 10 * 365 * 86400), "sign": "0" * 32}
    with pytest.raises(CallbackRejected, match="bad sign"):
        verify_sign(KEY, forged, NOW)


def test_the_bound_is_a_day():
    assert MAX_T_AHEAD == 24 * 3600

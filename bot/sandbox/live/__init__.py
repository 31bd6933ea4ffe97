"""An in-process emulator of Tencent Cloud Live (CSS) API 3.0, version 2018-08-01.

Why it exists: the bot talks to Tencent through the real ``tencentcloud`` SDK, and the failure
modes that matter (signature errors, rate limits, timeouts after a task was created, error bodies
the SDK silently ignores) only show up when that SDK speaks real HTTP. So the emulator is a real
HTTP server on 127.0.0.1 that the unmodified SDK can be pointed at::

    with LiveEmulator() as live:
        profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=live.endpoint),
                                language="en-US")
        client = LiveClient(Credential(*live.default_credentials), "ap-guangzhou", profile)

It verifies TC3-HMAC-SHA256 signatures the way Tencent does, applies the documented rules of the
recording-task APIs, keeps tasks in memory, logs every request, and can inject faults. Tests, the
``--sandbox`` console and benchmarks all use it; ``python -m bot.sandbox.live`` runs it alone.

Deliberate choices where Tencent's behaviour is not documented:

* A bad task time on CreateRecordTask answers ``InvalidParameter.InvalidTaskTime``.
* An unknown, or deleted, TaskId answers ``InvalidParameter.TaskNotExist`` (Stop and Delete).
* A value of the wrong type answers ``InvalidParameter``; a well-typed value outside the allowed
  set (StreamType 2, a negative time, an empty required string) answers ``InvalidParameterValue``;
  a parameter the action does not define answers ``UnknownParameter``.
* Error messages are always English, whatever ``X-TC-Language`` asks for.
* Callback templates may share a name. A second CreateLiveCallbackRule for a domain and app
  that already have one answers ``InternalError.RuleAlreadyExist``; one naming an unknown
  template answers ``InvalidParameter.ConfNotFound``; a template beyond the 50th answers
  ``InternalError.ConfOutLimit``; a callback URL that is not http(s) answers
  ``InvalidParameter.InvalidCallbackUrl``.
"""


from bot.sandbox.live.codes import (
    DEFAULT_SECRET_ID,
    DEFAULT_SECRET_KEY,
    JSON_CONTENT_TYPE,
    SUPPORTED_REGIONS,
    ApiError,
    Code,
)
from bot.sandbox.live.faults import Fault
from bot.sandbox.live.server import EMULATOR_APP_KEY, LiveEmulator, RecordedRequest
from bot.sandbox.live.signing import sign_request
from bot.sandbox.live.state import RecordTask, record_template

__all__ = [
    "DEFAULT_SECRET_ID", "DEFAULT_SECRET_KEY", "EMULATOR_APP_KEY", "JSON_CONTENT_TYPE",
    "SUPPORTED_REGIONS", "ApiError", "Code", "Fault", "LiveEmulator", "RecordTask",
    "RecordedRequest", "record_template", "sign_request",
]

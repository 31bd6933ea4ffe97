"""Constants of the emulated API and the error codes it answers with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

API_VERSION: Final = "2018-08-01"
SERVICE: Final = "live"
ALGORITHM: Final = "TC3-HMAC-SHA256"
JSON_CONTENT_TYPE: Final = "application/json"
MAX_CLOCK_SKEW: Final = 300  # seconds between X-TC-Timestamp and the server clock
DAY: Final = 86_400
DEFAULT_PAGE_SIZE: Final = 20

#: Regions the record-task APIs accept (international API page for CreateRecordTask).
SUPPORTED_REGIONS: Final = frozenset({
    "ap-bangkok", "ap-guangzhou", "ap-hongkong", "ap-jakarta", "ap-mumbai", "ap-seoul",
    "ap-singapore", "ap-tokyo", "eu-frankfurt", "na-ashburn", "na-siliconvalley", "na-toronto",
    "sa-saopaulo",
})

#: A made-up credential pair so that tests and the sandbox need no configuration.
DEFAULT_SECRET_ID: Final = "emulator-secret-id"
DEFAULT_SECRET_KEY: Final = "live-emulator-test-key-not-secret"

Params = dict[str, Any]
Clock = Callable[[], float]


class Code:
    """The error codes the emulator answers with; all are on Tencent's public lists."""

    INVALID_AUTHORIZATION = "AuthFailure.InvalidAuthorization"
    SIGNATURE_EXPIRE = "AuthFailure.SignatureExpire"
    SECRET_ID_NOT_FOUND = "AuthFailure.SecretIdNotFound"
    SIGNATURE_FAILURE = "AuthFailure.SignatureFailure"
    MISSING_PARAMETER = "MissingParameter"
    UNKNOWN_PARAMETER = "UnknownParameter"
    INVALID_PARAMETER = "InvalidParameter"
    INVALID_PARAMETER_VALUE = "InvalidParameterValue"
    INVALID_ACTION = "InvalidAction"
    NO_SUCH_VERSION = "NoSuchVersion"
    UNSUPPORTED_REGION = "UnsupportedRegion"
    UNSUPPORTED_PROTOCOL = "UnsupportedProtocol"
    INVALID_TASK_TIME = "InvalidParameter.InvalidTaskTime"
    TASK_NOT_EXIST = "InvalidParameter.TaskNotExist"
    TEMPLATE_NOT_FOUND = "FailedOperation.NotFound"
    REQUEST_LIMIT_EXCEEDED = "RequestLimitExceeded"
    INTERNAL_ERROR = "InternalError"
    CONF_NOT_FOUND = "InvalidParameter.ConfNotFound"
    CONF_OUT_LIMIT = "InternalError.ConfOutLimit"
    RULE_ALREADY_EXIST = "InternalError.RuleAlreadyExist"
    INVALID_CALLBACK_URL = "InvalidParameter.InvalidCallbackUrl"


class ApiError(Exception):
    """An error answered inside the normal HTTP 200 ``{"Response": {"Error": ...}}`` envelope."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

"""The only decoder of qiita_client request bodies and encoder of Qiita-style responses.

plugin-api.md §1.3 (arguments) and §1.4 (responses).
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

import orjson
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response

JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
HTML_CONTENT_TYPE = "text/html; charset=UTF-8"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class MissingArgument(Exception):
    """A required form field is absent (plugin-api.md §1.3: `Missing argument <name>`)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Missing argument {name}")
        self.name = name


class MalformedBody(Exception):
    """The body could not be decoded as the endpoint expects."""


def clean_value(value: str) -> str:
    """Control characters other than TAB/LF/CR become spaces; surrounding blanks stripped."""
    return _CONTROL.sub(" ", value).strip()


class Arguments:
    """Form fields from the query string, then the form body; the last value of a name wins."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in reversed(self._pairs):
            if key == name:
                return clean_value(value)
        return default

    def get_raw(self, name: str) -> str | None:
        """The last value of `name` exactly as sent, for values whose resolver must see
        (and refuse) control characters instead of having them replaced."""
        for key, value in reversed(self._pairs):
            if key == name:
                return value
        return None

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise MissingArgument(name)
        return value

    def get_list(self, name: str) -> list[str]:
        """Every value of a repeated key, unprocessed (archive `features`, §5.5)."""
        values = [value for key, value in self._pairs if key == name]
        without_nul(values, f"Argument {name}")
        return values

    def __contains__(self, name: str) -> bool:
        return any(key == name for key, _ in self._pairs)


async def read_arguments(request: Request) -> Arguments:
    pairs = [(k, v) for k, v in request.query_params.multi_items()]
    form = await read_form(request)
    pairs.extend((key, value) for key, value in form.multi_items() if isinstance(value, str))
    return Arguments(pairs)


async def read_uploaded_files(request: Request) -> list[tuple[str, str, bytes]]:
    """Multipart file parts as (field name, file name, content) (cloud push, §6.2)."""
    form = await read_form(request)
    files: list[tuple[str, str, bytes]] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            files.append((key, value.filename or "", await value.read()))
    await form.close()
    return files


async def read_form(request: Request) -> FormData:
    """The form body (empty unless the Content-Type is a form type), parsed once per request.

    A URL-encoded body is read whole first and kept, so a route may also read it as JSON
    (curl's default Content-Type). A multipart body is parsed as it streams in (its files
    spill to disk) and cannot be read again. A form that cannot be parsed is a
    MalformedBody with the parser's reason.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _FORM_TYPES:
        return FormData()
    # Fields may be as large as the body, which the body limit middleware bounds.
    max_part_size = sys.maxsize
    if content_type != "multipart/form-data":
        max_part_size = len(await request.body()) + 1
    try:
        return await request.form(max_part_size=max_part_size)
    except (HTTPException, MultiPartException) as exc:
        detail = getattr(exc, "detail", None) or getattr(exc, "message", "")
        raise MalformedBody(f"The request body is not a valid form: {detail}") from None


async def read_raw_body(request: Request) -> bytes:
    """The whole body, once read kept for every later reader of the same request."""
    try:
        return await request.body()
    except RuntimeError:  # Starlette's "Stream consumed": a multipart form was parsed
        raise MalformedBody(
            "The request body was sent as multipart/form-data; send it as application/json."
        ) from None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def without_nul(value: Any, where: str) -> Any:
    """NUL characters cannot be stored (PostgreSQL text); the plugin routes refuse them."""
    if _has_nul(value):
        raise MalformedBody(f"{where} must not contain NUL characters")
    return value


async def read_json_body(request: Request) -> Any:
    """Parse the raw body as JSON whatever the Content-Type (qiita_client sends none)."""
    body = await read_raw_body(request)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody(f"The request body is not valid JSON: {exc}") from None


async def read_json_body_keeping_numbers(request: Request) -> Any:
    """Like `read_json_body`, but numbers stay the text they were sent as.

    Metadata values are text (domain.md §2.5): `7.10` must be stored as `7.10`, not `7.1`.
    """
    body = await read_raw_body(request)
    try:
        return json.loads(body, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, RecursionError) as exc:
        raise MalformedBody(f"The request body is not valid JSON: {exc}") from None


def parse_json_field(value: str, name: str) -> Any:
    """A JSON document in a plugin-API form field; NUL characters refused (PostgreSQL text)."""
    return without_nul(parse_json_text(value, name), f"Argument {name}")


async def read_json_document(request: Request) -> Any:
    """A raw JSON body of the plugin API (step, complete); NUL characters refused."""
    return without_nul(await read_json_body(request), "The request body")


def parse_json_or_text(value: str) -> Any:
    """A form field holding JSON or plain text (artifact PATCH `value`, §4.4): text as is."""
    try:
        return without_nul(orjson.loads(value), "The value")
    except orjson.JSONDecodeError:
        return value


def parse_json_text(value: str, name: str) -> Any:
    """A JSON document sent inside a form field."""
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        raise MalformedBody(f"Argument {name} is not valid JSON") from None


MAX_ID = 2**63 - 1
"""Ids are 64-bit integers on every database."""


def parse_id(value: str, name: str) -> int:
    """A numeric id sent in a form field; anything else (or too large) is a MalformedBody."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise MalformedBody(f"Argument {name} must be a numeric id, not {value!r}")
    return int(text)


_BOOLEAN_WORDS = {
    "true": True, "t": True, "yes": True, "y": True, "on": True, "1": True,
    "false": False, "f": False, "no": False, "n": False, "off": False, "0": False,
}  # fmt: skip


def parse_boolean(value: str, name: str) -> bool:
    """Any spelling PostgreSQL accepts as a boolean (plugin-api.md §1.3)."""
    try:
        return _BOOLEAN_WORDS[value.strip().lower()]
    except KeyError:
        raise MalformedBody(f"Argument {name} must be true or false, not {value!r}") from None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def json_response(content: Any, status_code: int = 200) -> Response:
    """JSON with `application/json; charset=UTF-8`; non-finite floats become null.

    orjson already writes non-finite floats as null, so a document whose keys are all
    strings is encoded in one pass; only others are walked to turn their keys into text.
    """
    try:
        body = orjson.dumps(content)
    except orjson.JSONEncodeError:
        body = orjson.dumps(_finite(content), option=orjson.OPT_NON_STR_KEYS)
    return Response(body, status_code=status_code, media_type=None,
                    headers={"content-type": JSON_CONTENT_TYPE})  # fmt: skip


def raw_json_response(body: bytes, status_code: int = 200) -> Response:
    """Pre-serialised JSON (whole templates spliced from stored documents)."""
    return Response(body, status_code=status_code, headers={"content-type": JSON_CONTENT_TYPE})


def empty_response(status_code: int = 200) -> Response:
    """Qiita's "empty 200": no body, text/html content type (plugin-api.md §1.4)."""
    return Response(b"", status_code=status_code, headers={"content-type": HTML_CONTENT_TYPE})


def text_response(message: str, status_code: int) -> Response:
    return Response(message, status_code=status_code, media_type="text/plain")

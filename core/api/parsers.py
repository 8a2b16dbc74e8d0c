"""The API's only body parser: JSON, with the limits of API.md "Limits" checked before anything reads the data.

- a body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (env `MAX_REQUEST_BODY_BYTES`) is a 413 (`payload_too_large`),
  read no further than the limit (Django's own check on `request.body` answers the same, see core.api.errors);
- a body that is not UTF-8 or not JSON (NaN and Infinity included) is a 400 (`bad_request`);
- JSON nested deeper than `MAX_JSON_DEPTH` is a 400 (`too_deep`), however deep it goes;
- a NUL or an unpaired surrogate (`\\u0000`, `\\ud800`) in any string or key is a 422 naming where it is:
  PostgreSQL refuses NUL in text and jsonb, and no database can store half a surrogate pair.

Every JSON body, free-form `meta`, `attributes` and questionnaire `answers` included, goes through here once.
"""

from __future__ import annotations

import re

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

from core.errors import ValidationFailed

MAX_JSON_DEPTH = 16
BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")
NUL_MESSAGE = "Null characters are not allowed."
REPLACEMENT = "\ufffd"
SURROGATE_MESSAGE = "Unpaired surrogate characters are not allowed."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class TooDeep(exceptions.ParseError):
    default_code = "too_deep"


def body_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than {body_limit()} bytes.")


def _bad_string(text: str, where: str) -> None:
    match = BAD_CHARACTER.search(text)
    if match is not None:
        message = NUL_MESSAGE if match.group() == "\x00" else SURROGATE_MESSAGE
        raise ValidationFailed.on(where or "non_field_errors", message)


def check_tree(data) -> None:
    """Depth and characters, without recursion: `meta.a.0.b` names the place of a bad string."""
    stack = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise TooDeep(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                # The key names the place in the answer, so it cannot carry a bad character itself.
                safe = BAD_CHARACTER.sub(REPLACEMENT, key) if isinstance(key, str) else str(key)
                name = f"{where}.{safe}" if where else safe
                if isinstance(key, str):
                    _bad_string(key, name)
                stack.append((item, name, depth + 1))
        elif isinstance(value, str):
            _bad_string(value, where)


class GuardedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = body_limit()
        request = parser_context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and str(declared).isdigit() and int(declared) > limit:
            raise too_large()
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise too_large()
        encoding = get_encoding(parser_context)  # DRF's: text codecs only
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"The request body is not valid {encoding}.") from exc
        try:
            data = json.loads(text)  # DRF's json: NaN and Infinity are refused
        except RecursionError as exc:
            raise TooDeep(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.") from exc
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        check_tree(data)
        return data

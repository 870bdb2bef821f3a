"""The content types of the plugin API's answers."""

from __future__ import annotations

JSON = "application/json; charset=UTF-8"
HTML = "text/html; charset=UTF-8"

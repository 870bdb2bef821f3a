"""The type of the `client_for` fixture: `async with client_for(**settings) as http`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx

ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]

"""Uploads: the tus headers and metadata, and the world upload tests start from."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from tests.builders.callers import SignedInCaller

TUS = {"Tus-Resumable": "1.0.0"}


@dataclass(frozen=True)
class UploadWorld:
    owner: SignedInCaller
    other: SignedInCaller
    study_id: int
    upload_folder: Path
    staging: Path


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def sha1_header(chunk: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(chunk).digest()).decode()

"""GraphQL documents stored under their SHA-256 hash, shared by every worker.

Frontends (Apollo Client, urql) send the hash of a document instead of the document;
the server answers from the stored text, or asks for the document once when it does not
know the hash. With `settings.persisted_queries_only` only stored documents run, and
documents are stored only by the operator (`qiita-gateway graphql persist`).
"""

from __future__ import annotations

import hashlib
import weakref

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.models import PersistedQuery
from resolvers.context import Services

CACHE_MAX_ENTRIES = 2048

_caches: weakref.WeakKeyDictionary[object, dict[str, str]] = weakref.WeakKeyDictionary()


def document_hash(document: str) -> str:
    """Lower-case hex SHA-256 of the UTF-8 document, as Apollo Client and urql compute it."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def _cache_for(services: Services) -> dict[str, str]:
    """One cache per database (per session factory); stored documents never change."""
    return _caches.setdefault(services.sessions, {})


def _remember(services: Services, sha256: str, document: str) -> None:
    cache = _cache_for(services)
    if len(cache) >= CACHE_MAX_ENTRIES:
        cache.clear()
    cache[sha256] = document


async def find_document(services: Services, sha256: str) -> str | None:
    """The stored document with this hash, or None."""
    cache = _cache_for(services)
    if sha256 in cache:
        return cache[sha256]
    async with services.sessions() as session:
        document = await session.scalar(
            select(PersistedQuery.document).where(PersistedQuery.sha256 == sha256)
        )
    if document is not None:
        _remember(services, sha256, document)
    return document


async def store_document(services: Services, document: str) -> tuple[str, bool]:
    """Store `document` under its hash: (hash, whether it was new). Safe to race."""
    sha256 = document_hash(document)
    if await find_document(services, sha256) is not None:
        return sha256, False
    try:
        async with services.sessions() as session, session.begin():
            session.add(PersistedQuery(sha256=sha256, document=document))
    except IntegrityError:
        return sha256, False
    _remember(services, sha256, document)
    return sha256, True

"""Batch functions behind the GraphQL DataLoaders, one module per resource.

Each function takes a `ReadScope` and a sequence of keys, opens its own short
session (sibling GraphQL fields resolve concurrently, and an async session must
not be shared between tasks), applies the access rules of `resolvers.access`
in SQL, and returns a list aligned with the keys: `None` or `[]` for a miss.
"""

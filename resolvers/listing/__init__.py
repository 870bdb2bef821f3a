"""Filtered, ordered, paginated lists behind the GraphQL root connections."""

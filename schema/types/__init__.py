"""GraphQL object types, one module per resource."""

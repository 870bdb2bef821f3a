"""Mutations: one input, a payload with the changed object and `userErrors`.

Each mixin calls the resolvers that the REST routes call, inside one unit of work;
`Invalid` becomes `userErrors` (nothing is changed), other domain errors are GraphQL
errors with `extensions.code`.
"""

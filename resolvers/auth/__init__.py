"""Accounts, credentials, tokens and the rule book of who may do what."""

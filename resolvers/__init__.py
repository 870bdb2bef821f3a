"""The domain: every business rule, once; called by schema/ and rest_compat/ alike."""

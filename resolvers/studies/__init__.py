"""Studies and what hangs off them: samples, metadata rules, preparations, template files."""

"""The builders of the test suite: every row, caller and world a test starts from.

They write straight through the session factory or a unit of work (no HTTP), so they are
fast. One module per kind of thing:

- `accounts.py`: `make_user`, `make_principal`, OAuth2 clients (`make_plugin_client`, ...),
  `make_software` (the row a plugin client binds), `token_for`, `bearer`, `unique`;
- `callers.py`: `Caller`/`SignedInCaller`/`Callers`, `make_caller`, `make_callers`, and
  `run_graphql`/`error_codes` to post a document as one;
- `seeded.py`: ids of the vocabulary every migrated database holds (artifact types, mounts);
- `studies.py`: `make_person`, `make_study` (the one study builder), `make_study_with_prep`,
  `make_study_tree`, `make_owned_study`, `make_artifact`, `make_analysis`, `make_reference`;
- `plugins.py`: `make_command`, `make_plugin` (a command with parameters and an output),
  `make_runnable_command`;
- `jobs.py`: `make_job` (the one job builder);
- `world.py`: the plugin-API world (a type plugin, Deblur, a study with a FASTQ artifact)
  and what its tests post (`completion`, `refusal`).

A builder used by one folder only may stay in that folder, in a module named after what it
holds (never in a conftest.py: conftest.py files hold fixtures, and tests import nothing
from them).
"""

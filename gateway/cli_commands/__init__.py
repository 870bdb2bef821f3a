"""The handlers of the `qiita-gateway` commands, one module per family.

`gateway/cli.py` parses argv, loads the settings and calls a handler; the
modules here hold the handlers and register them:

- `registry.py`: `add_group`, `add_command`, `CommandError` (a one-line user error, exit 2);
- `database.py`: `ensure_database`, `run_in_database`, `with_services` (shared steps);
- `serve.py`: `serve`;
- `maintenance.py`: `db upgrade`, `fsck`, `status`, `config`;
- `data.py`: `demo load`, `backup`, `restore`, `import-qiita`;
- `accounts.py`: `user ...`, `client ...`, `token ...`;
- `plugins.py`: `plugin ...`;
- `graphql.py`: `graphql persist`.

To add a command: write `cmd_<name>(args, settings) -> int` in the module of its family
(or a new module named after it), and register it with
`add_command(<group>, "<name>", cmd_<name>, "<help>")` in that module's
`register_<group>(commands)` function. A new group gets its own `register_<group>`
(using `add_group`), listed in `REGISTRARS` in `gateway/cli.py` (the order there is the order
of `qiita-gateway --help`). Document the command in README (tests/cli/test_documentation.py
checks it).
"""

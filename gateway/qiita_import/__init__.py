"""`qiita-gateway import-qiita`: move a Qiita site (its PostgreSQL database and data dir)
onto the gateway, keeping Qiita's ids.

An adapter between two databases: `source` reads Qiita in one read-only snapshot, one
module per resource group maps rows onto the gateway's tables, `files` places the files,
`runner` ties the phases into one all-or-nothing transaction.
"""

from gateway.qiita_import.report import ImportReport
from gateway.qiita_import.runner import ImportOptions, ImportRefused, run_import

__all__ = ["ImportOptions", "ImportRefused", "ImportReport", "run_import"]

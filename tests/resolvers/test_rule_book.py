"""resolvers/auth/access.py is the one rule book: its rules are listed here, and no other
module of resolvers/ decides who may do what by looking at a principal itself."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from resolvers.auth import access
from resolvers.context import SYSTEM, Principal

RESOLVERS = Path(__file__).resolve().parents[2] / "resolvers"

RULES = {
    "acting_on_jobs_filter",
    "awaits_verification",
    "can_act_on_job",
    "can_add_persons",
    "can_be_shared_with",
    "can_cancel_job",
    "can_change_plugin",
    "can_change_tag",
    "can_change_workflow",
    "can_create_analysis",
    "can_create_study_for",
    "can_create_tags",
    "can_define_vocabulary",
    "can_delete_analysis",
    "can_delete_study",
    "can_edit_analysis",
    "can_edit_study",
    "can_manage_accounts",
    "can_moderate_visibility",
    "can_read_analysis",
    "can_read_artifact",
    "can_read_audit_log",
    "can_read_study",
    "can_resume_upload",
    "can_see_account_details",
    "can_submit_jobs",
    "can_trust_plugins",
    "can_work_on_analyses",
    "can_write_plugin_api",
    "deletable_studies_filter",
    "editable_analyses_filter",
    "editable_studies_filter",
    "has_admin_rights",
    "has_plugin_api_rights",
    "is_client",
    "is_member",
    "is_untrusted_plugin",
    "nameable_parent_jobs_filter",
    "readable_analyses_filter",
    "readable_artifacts_filter",
    "readable_jobs_filter",
    "readable_studies_filter",
    "readable_workflows_filter",
    "reads_everything",
    "require_act_on_job",
    "require_analysis_creator",
    "require_authenticated",
    "require_delete_analysis",
    "require_delete_study",
    "require_edit_analysis",
    "require_edit_study",
    "require_job_submitter",
    "require_plugin_api",
    "require_plugin_api_writer",
    "require_read_analysis",
    "require_read_artifact",
    "require_user",
    "shared_with_caller_filter",
}
"""Every public function of access.py. A new rule is added here and to access.py together."""

EXEMPT = {
    "auth/access.py": "the rule book itself",
    "context.py": "defines Principal and its is_admin property",
    "auth/client_writes.py": "names the writer in the log, grants nothing; context.py imports it",
    "auth/request_budget.py": "the daily request limit counts users' requests, grants nothing",
}

LOOKS_AT_PRINCIPAL = [
    re.compile(r"\bprincipal\.(kind|level|is_admin|trusted)\b"),
    re.compile(r"\.is_admin\b"),
    re.compile(r"\.level\s*(==|!=|in\b|not\s+in\b)"),
    re.compile(r"\.kind\s*(==|!=|in\b|not\s+in\b)\s*\(?\s*[\"'](user|plugin|system|anonymous)"),
    re.compile(r"\bREAD_ONLY_LEVELS\b"),
]


def test_the_rule_book_lists_every_rule() -> None:
    functions = {
        name
        for name, member in inspect.getmembers(access, inspect.isfunction)
        if member.__module__ == access.__name__ and not name.startswith("_")
    }
    assert functions == RULES


def test_no_resolver_outside_the_rule_book_looks_at_a_principal_itself() -> None:
    offenders = []
    for path in sorted(RESOLVERS.rglob("*.py")):
        relative = path.relative_to(RESOLVERS).as_posix()
        if relative in EXEMPT:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(pattern.search(line) for pattern in LOOKS_AT_PRINCIPAL):
                offenders.append(f"resolvers/{relative}:{number}: {line.strip()}")
    assert offenders == [], "use a predicate of resolvers/auth/access.py instead"


def test_the_exemptions_still_exist() -> None:
    assert all((RESOLVERS / relative).is_file() for relative in EXEMPT)


ADMIN = Principal(kind="user", account_id=1, email="a@x.org", level="admin")
USER = Principal(kind="user", account_id=2, email="u@x.org", level="user")
GUEST = Principal(kind="user", account_id=3, email="g@x.org", level="guest")
PLUGIN = Principal(kind="plugin", client_id="c", software_id=7, plugin=("p", "1"))
TRUSTED = Principal(kind="plugin", client_id="t", software_id=8, plugin=("t", "1"), trusted=True)
OPERATOR = SYSTEM


@pytest.mark.parametrize(
    ("principal", "own_plugin", "accounts", "audit", "submit", "moderate"),
    [
        (ADMIN, True, True, True, True, True),
        (USER, False, False, False, True, False),
        (GUEST, False, False, False, False, False),
        (PLUGIN, True, False, False, False, False),
        (TRUSTED, False, False, False, False, True),
        (OPERATOR, True, True, False, False, True),
    ],
)
def test_who_may_do_what(
    principal: Principal, own_plugin: bool, accounts: bool, audit: bool, submit: bool,
    moderate: bool,
) -> None:  # fmt: skip
    assert access.can_change_plugin(principal, 7) is own_plugin
    assert access.can_manage_accounts(principal) is accounts
    assert access.can_read_audit_log(principal) is audit
    assert access.can_submit_jobs(principal) is submit
    assert access.can_moderate_visibility(principal) is moderate


def test_uploads_are_resumed_by_their_uploader_or_an_admin() -> None:
    assert access.can_resume_upload(USER, USER.account_id)
    assert not access.can_resume_upload(USER, GUEST.account_id)
    assert access.can_resume_upload(ADMIN, USER.account_id)
    assert not access.can_resume_upload(PLUGIN, None)


def test_studies_are_shared_with_verified_accounts_only() -> None:
    assert access.can_be_shared_with("user")
    assert not access.can_be_shared_with("unverified")

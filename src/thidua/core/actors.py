"""The system actor: used by the command line and data loaders that act on the operator's authority.

It passes permission checks like a system administrator and is recorded in the audit log with no user
(shown as "Hệ thống"). It is never available to a web request.
"""

from __future__ import annotations


class SystemActor:
    pk = None
    id = None
    unit_id = None
    username = "system"
    display_name = "Hệ thống"
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = True
    is_staff = True

    def has_perm(self, perm: str, obj=None) -> bool:
        return True

    def __str__(self) -> str:
        return self.display_name


SYSTEM = SystemActor()

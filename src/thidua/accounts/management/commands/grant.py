from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.models import User
from thidua.accounts.services import role_grant
from thidua.core.actors import SYSTEM
from thidua.core.errors import DomainError
from thidua.organisations.models import Cluster, ClusterYear, Unit


class Command(BaseCommand):
    help = (
        "Cấp vai trò: thidua grant USERNAME ROLE --unit CODE | --organiser CODE | --cluster CODE | --cluster CODE --year N. "
        "ROLE: organiser_admin, secretariat, unit_officer, unit_leader, observer."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role")
        parser.add_argument("--unit")
        parser.add_argument("--organiser")
        parser.add_argument("--cluster")
        parser.add_argument("--year", type=int)

    def handle(self, *args, username, role, unit, organiser, cluster, year, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}.")
        try:
            if unit:
                scope_kind, scope_id = "unit", Unit.objects.get(code=unit).pk
            elif organiser:
                scope_kind, scope_id = "organiser", Unit.objects.get(code=organiser).pk
            elif cluster and year:
                scope_kind, scope_id = "cluster_year", ClusterYear.objects.get(cluster__code=cluster, year=year).pk
            elif cluster:
                scope_kind, scope_id = "cluster", Cluster.objects.get(code=cluster).pk
            else:
                raise CommandError("Cần chỉ rõ phạm vi: --unit, --organiser, --cluster [--year].")
        except (Unit.DoesNotExist, Cluster.DoesNotExist, ClusterYear.DoesNotExist) as exc:
            raise CommandError("Không tìm thấy phạm vi đã chỉ định.") from exc
        try:
            role_grant(actor=SYSTEM, user_id=user.pk, role=role, scope_kind=scope_kind, scope_id=scope_id)
        except DomainError as exc:
            # The message often repeats the single detail (services.invalid): print each text once.
            parts = list(dict.fromkeys([str(exc.message)] + [str(d.message) for d in exc.details]))
            if len(parts) > 1 and exc.details:
                parts = parts[1:] if parts[0] == str(exc.default_message) else parts
            raise CommandError("; ".join(parts)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã cấp vai trò {role} cho {username}."))

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.services import login_unlock
from thidua.core.actors import SYSTEM
from thidua.core.errors import DomainError


class Command(BaseCommand):
    help = "Mở khóa đăng nhập: thidua unlock USERNAME (xóa các lần đăng nhập sai đang khóa tài khoản; có ghi nhật ký)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            n = login_unlock(actor=SYSTEM, username=username)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã mở khóa đăng nhập cho {username} (xóa {n} lần đăng nhập sai)."))

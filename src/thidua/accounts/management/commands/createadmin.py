import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.services import user_create
from thidua.core.actors import SYSTEM
from thidua.core.errors import DomainError


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị hệ thống. Mật khẩu lấy từ --password-env, hoặc được hỏi khi chạy."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", help="tên biến môi trường chứa mật khẩu (không truyền mật khẩu trên dòng lệnh)")

    def handle(self, *args, username, full_name, email, password_env, **options):
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"Biến môi trường {password_env} trống.")
        else:
            password = getpass.getpass("Mật khẩu: ")
            if password != getpass.getpass("Nhập lại mật khẩu: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp.")
        try:
            user = user_create(actor=SYSTEM, username=username, password=password, full_name=full_name, email=email,
                               is_superuser=True)
        except DomainError as exc:
            lines = [str(exc.message)] + [f"  - {d.field or ''}: {d.message}" for d in exc.details]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã tạo tài khoản quản trị {user.username}."))

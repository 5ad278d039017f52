from django.core.management.base import BaseCommand

from thidua.demo.data import DEMO_PASSWORD
from thidua.demo.loader import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn (cụm thi đua các thành phố trực thuộc Trung ương và một khối khác). Chạy lại nhiều lần vẫn an toàn."

    def handle(self, *args, **options):
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu trình diễn."))
        self.stdout.write(f"Tài khoản trình diễn (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, name, roles in accounts:
            self.stdout.write(f"  {username:<16} {name}{' – ' + roles if roles else ''}")

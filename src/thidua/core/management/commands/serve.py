import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Chạy máy chủ tích hợp (dùng cho máy đơn, trình diễn, mạng nội bộ nhỏ). Cổng lấy từ biến PORT (mặc định 8000). "
        "Triển khai nhiều tiến trình sau reverse proxy: xem docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, host: str, port: str, **options):
        # --insecure: let the embedded server serve the vendored static files itself (no CDN, no proxy needed).
        call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=True, use_threading=True)

from django.core.management.base import BaseCommand, CommandError

from thidua.core.audit import audit_verify


class Command(BaseCommand):
    help = "Nhật ký kiểm toán: `thidua audit verify` kiểm tra toàn bộ chuỗi băm và báo liên kết hỏng đầu tiên."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"], help="verify: kiểm tra chuỗi băm")

    def handle(self, *args, action: str, **options):
        result = audit_verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"OK: chuỗi nhật ký toàn vẹn, {result.checked} bản ghi."))
            return
        raise CommandError(
            f"HỎNG: bản ghi #{result.broken_id}: {result.reason} (đã kiểm tra đúng {result.checked} bản ghi trước đó)."
        )

from datetime import date

import pytest

from thidua.documents.views import download_name


@pytest.mark.parametrize(("symbol", "expected"), [
    ("Số: 02/TTr-UBND", "02_TTr-UBND-20261124.docx"),
    ("01/BC-CTĐ", "01_BC-CTĐ-20261124.docx"),
    ('a:b*c?"d<e>f|g h', "a_b_c_d_e_f_g_h-20261124.docx"),
    ("", "van-ban-20261124.docx"),
])
def test_download_name_is_safe_on_every_file_system(symbol, expected):
    assert download_name(symbol, date(2026, 11, 24), "docx") == expected

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation


@pytest.mark.parametrize(("language", "expected"), [("vi", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
                                                     ("en", "Password too short: at least 10 characters are required.")])
def test_short_password_message_is_in_the_users_language(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        password_validation.validate_password("Ab3$xy")
    assert expected in caught.value.messages
    assert not any("This password is too short" in m for m in caught.value.messages)

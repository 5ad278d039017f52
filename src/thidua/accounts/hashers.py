from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with a small cost, used only by the test suite (settings.TESTING)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1

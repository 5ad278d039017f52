# thidua – the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# PostgreSQL on every development and CI machine (trust auth); the suite runs there as well as on SQLite.
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PG_TEST_NAME ?= test_thidua
PYTEST_ARGS ?=

.PHONY: demo test test-sqlite test-postgres install serve lint migrations-check messages bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements/lock.txt pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

# A local secret for this machine only (never committed: .env is in .gitignore).
.env:
	@$(BIN)/python -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	@echo "THIDUA_SECURE_COOKIES=0" >> .env
	@echo "Đã tạo khóa bí mật cục bộ trong .env"

demo: install .env
	@mkdir -p var
	$(BIN)/thidua migrate --noinput
	$(BIN)/thidua demo
	@echo ""
	@echo "Mở http://127.0.0.1:$(PORT) và đăng nhập bằng một tài khoản ở trên. Dừng máy chủ: Ctrl+C."
	PORT=$(PORT) $(BIN)/thidua serve

serve: install .env
	PORT=$(PORT) $(BIN)/thidua serve

test: install migrations-check test-sqlite test-postgres

migrations-check: install
	THIDUA_TESTING=1 $(BIN)/thidua makemigrations --check --dry-run

test-sqlite: install
	@echo "== Bộ kiểm thử trên SQLite =="
	env -u DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)

# Runs when PostgreSQL answers; required (fails otherwise) when CI=true or THIDUA_REQUIRE_PG=1.
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== Bộ kiểm thử trên PostgreSQL =="; \
		DATABASE_URL=$(PG_URL) DATABASE_TEST_NAME=$(PG_TEST_NAME) $(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ] || [ "$${THIDUA_REQUIRE_PG:-}" = "1" ]; then \
		echo "PostgreSQL không kết nối được tại $(PG_URL) nhưng là bắt buộc trong CI." >&2; exit 1; \
	else \
		echo "Bỏ qua PostgreSQL: không kết nối được tại $(PG_URL)."; \
	fi

lint: install
	$(BIN)/ruff check src

# Run from the app folder (makemessages scans the current directory); the .env of the checkout still applies.
messages: install .env
	cd src/thidua && export THIDUA_ENV_FILE=$(CURDIR)/.env && ../../$(BIN)/thidua makemessages -l en --no-obsolete \
		&& ../../$(BIN)/thidua compilemessages -l en

clean:
	rm -rf $(VENV) var .pytest_cache

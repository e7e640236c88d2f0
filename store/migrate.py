"""``python -m store.migrate``: bring the configured database to the current schema.

The same as ``python -m ops migrate`` without its report; ``scripts/run`` calls it before
it starts the worker and the API, which refuse to start on another schema.
"""

from logs import configure_logging
from settings import get_settings
from store.db import create_schema, engine_for


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_format, "WARNING")
    create_schema(engine_for(settings))


if __name__ == "__main__":
    main()

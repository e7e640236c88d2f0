"""The API process: ``python -m api.main`` serves `api.app` with uvicorn on the configured port."""

import uvicorn

from api.app import create_app
from logs import configure_logging
from settings import get_settings


def serve() -> None:
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    uvicorn.run(
        create_app(settings), host=settings.api_host, port=settings.api_port, log_config=None
    )


if __name__ == "__main__":
    serve()

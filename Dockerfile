# One image for every daiban process; the command picks which:
#   python -m worker            the worker (case and matter workflows, activities, notice relay)
#   python -m api.main          the API and the console (DAIBAN_API_HOST=0.0.0.0 in a container)
#   python -m ops migrate       the one migrator (a job, before new processes start)
#   python -m ops ...           every other ops command (search-attributes register, verify-ledger, ...)
# Built with `docker build -t daiban .` (not run on the development machine: no daemon there).
FROM python:3.11-slim-bookworm

# Pango and the Noto CJK fonts: the papers' PDFs embed them (weasyprint). The PostgreSQL
# client: deploy/backup.sh and restore.sh run from this image too.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY activities activities
COPY api api
COPY console console
COPY documents documents
COPY domain domain
COPY notifications notifications
COPY ops ops
COPY papers papers
COPY policies policies
COPY services services
COPY simulation simulation
COPY store store
COPY workflows workflows
COPY deploy/backup.sh deploy/restore.sh deploy/
COPY settings.py logs.py worker.py temporal_client.py temporal_worker.py temporal_runner.py temporal_metrics.py temporal_dev.py ./
# compileall: the processes run /app's modules (the working directory comes first on the
# path), which the daiban user cannot write to, and the worker's sandbox imports the
# workflow modules afresh for every workflow it starts or replays: without .pyc files each
# of those imports compiled the source again.
RUN pip install --no-cache-dir . && python -m compileall -q /app \
    && useradd --system --uid 10001 --home /app daiban \
    && mkdir -p /app/var && chown daiban /app/var

USER daiban
ENV DAIBAN_LOG_FORMAT=json \
    DAIBAN_API_HOST=0.0.0.0 \
    DAIBAN_DOCUMENTS_DIR=/app/var/documents \
    PYTHONUNBUFFERED=1
EXPOSE 8000 9464
# The worker finishes its ledger writes on SIGTERM (DAIBAN_WORKER_GRACEFUL_SHUTDOWN_SECONDS).
STOPSIGNAL SIGTERM
CMD ["python", "-m", "api.main"]

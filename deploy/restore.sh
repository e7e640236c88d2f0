#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database and documents directory the
# settings name (an empty database, or one to be replaced), then prove it: the ledger's hash
# chain (python -m ops verify-ledger) and every document against the ledger's hash
# (python -m ops verify-documents). Exits non-zero if the backup's checksums, the restore or
# either check fails. Stop the worker and the API first; start them after it succeeds.
#   deploy/restore.sh /backups/daiban-20270105T020000Z
set -euo pipefail
from="${1:?usage: deploy/restore.sh BACKUP_DIR}"
url="${DAIBAN_DATABASE_URL:?set DAIBAN_DATABASE_URL}"
case "$url" in
    postgresql+psycopg://*) url="postgresql://${url#postgresql+psycopg://}" ;;
    postgresql://*) ;;
    *) echo "restore.sh restores PostgreSQL" >&2; exit 2 ;;
esac
echo "==> checksums"
(cd "$from" && sha256sum --quiet --check SHA256SUMS)
echo "==> database"
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --dbname "$url" \
    "$from/database.dump"
if [ -f "$from/documents.tar" ]; then
    documents="${DAIBAN_DOCUMENTS_DIR:-var/documents}"
    echo "==> documents into $documents"
    mkdir -p "$documents"
    tar -C "$documents" -xf "$from/documents.tar"
fi
echo "==> verify-ledger"
python -m ops verify-ledger
echo "==> verify-documents"
python -m ops verify-documents
echo "restored and verified: $from"

#!/usr/bin/env bash
# Back up daiban: the database (pg_dump, custom format) and the documents, into
# DEST/daiban-<UTC time>/ with a SHA256SUMS file. Reads the same DAIBAN_DATABASE_URL and
# DAIBAN_DOCUMENTS_DIR as the processes. Safe while daiban runs:
#   the dump is one consistent snapshot, and it is taken before the documents are copied;
#   documents are stored by their SHA-256 and never changed or deleted, so every document
#   the dumped ledger names is in the copy made after it.
# With DAIBAN_DOCUMENTS_S3_BUCKET set, the bucket's own versioning or replication keeps
# the documents; this script then backs up the database only.
#   deploy/backup.sh /backups
set -euo pipefail
dest="${1:?usage: deploy/backup.sh DEST_DIR}"
url="${DAIBAN_DATABASE_URL:?set DAIBAN_DATABASE_URL}"
case "$url" in
    postgresql+psycopg://*) url="postgresql://${url#postgresql+psycopg://}" ;;
    postgresql://*) ;;
    *) echo "backup.sh backs up PostgreSQL; for the embedded SQLite file stop daiban and copy var/" >&2; exit 2 ;;
esac
out="$dest/daiban-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
echo "==> database to $out/database.dump"
pg_dump --format=custom --no-owner --no-privileges --file "$out/database.dump" "$url"
if [ -z "${DAIBAN_DOCUMENTS_S3_BUCKET:-}" ]; then
    documents="${DAIBAN_DOCUMENTS_DIR:-var/documents}"
    echo "==> documents ($documents/objects) to $out/documents.tar"
    mkdir -p "$documents/objects"
    tar -C "$documents" -cf "$out/documents.tar" objects
fi
(cd "$out" && sha256sum ./* > SHA256SUMS)
echo "$out"

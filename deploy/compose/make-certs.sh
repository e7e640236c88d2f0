#!/bin/sh
# A self-signed certificate for trying the compose stack (certs/daiban.pem, certs/daiban.key).
# A real deployment puts its CA-issued certificate and key there instead.
set -eu
cd "$(dirname "$0")"
mkdir -p certs
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=${1:-daiban.local}" \
    -addext "subjectAltName=DNS:${1:-daiban.local}" \
    -keyout certs/daiban.key -out certs/daiban.pem
chmod 600 certs/daiban.key

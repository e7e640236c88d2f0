#!/bin/sh
# First start of the PostgreSQL volume: one role and database for daiban, one role for
# Temporal (auto-setup creates its temporal and temporal_visibility databases).
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE daiban LOGIN PASSWORD '${DAIBAN_DB_PASSWORD}';
CREATE DATABASE daiban OWNER daiban;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD '${TEMPORAL_DB_PASSWORD}';
SQL

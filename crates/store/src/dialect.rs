//! The few places SQLite and PostgreSQL differ: full-text search, upserts, row locks.

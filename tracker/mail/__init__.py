"""E-mail through a transactional outbox: operations add rows in the caller's transaction,
the sender delivers them over SMTP later (see docs/mail.md)."""

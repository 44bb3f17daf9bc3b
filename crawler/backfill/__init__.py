"""Pure backfill: date windows, the doors into an outlet's past, and which door fits a source."""

"""newsmon: scheduled monitoring crawler for Korean regional news (command-line front door)."""

"""Platform: the database and its migrations, backup, mail, and shared throttles."""

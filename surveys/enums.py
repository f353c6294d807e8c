"""States, their allowed transitions, and audit action codes."""

"""The emulator's web console: server-rendered pages for the admin."""

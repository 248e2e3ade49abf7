"""Exports: the alert feed with checkpoints, windowed hunting export, and the sinks they write."""

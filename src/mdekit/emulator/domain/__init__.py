"""Pure rules of the emulator: no web framework, no SQL, no HTTP client."""

"""Assembly: the app factory, CLI, launchers, event bus and watchdog."""

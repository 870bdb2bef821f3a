"""Plugins: registration from configuration files, commands, parameter types and trust."""

"""The /_mock control plane: reset, health (more lands with the sandbox-plane issue)."""

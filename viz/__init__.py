"""Interactive, offline graph pages built with pyvis."""

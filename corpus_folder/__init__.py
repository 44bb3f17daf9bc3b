"""The corpus folder: `NNN_<h>.txt` files kept in step with their rows, staged, locked, verified."""

# contrib: filled in by its issue

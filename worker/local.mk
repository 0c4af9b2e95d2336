# worker: filled in by its issue

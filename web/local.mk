# web: filled in by its issue

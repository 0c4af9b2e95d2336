# doc: filled in by its issue

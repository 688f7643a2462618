"""Getting articles in: files, feeds, pages and chat submissions."""

"""Reference data, the demo and national profiles, and the loader that writes them."""

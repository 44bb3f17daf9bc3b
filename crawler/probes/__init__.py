"""Live probes of the world: fetch a URL, check a source's discovery URLs, discover a site."""

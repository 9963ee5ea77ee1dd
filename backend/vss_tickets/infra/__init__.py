"""Storage, settings, the clock and throttling the domain runs on."""

"""Following a factory by e-mail: double opt-in, one-click unsubscribe, a daily digest of what changed."""

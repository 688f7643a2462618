"""Platform adapters: Discord, Slack, the console, and a recording fake for tests."""

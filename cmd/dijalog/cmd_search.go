package main

// searchCommands are the search module's subcommands.
func searchCommands() map[string]command { return nil }

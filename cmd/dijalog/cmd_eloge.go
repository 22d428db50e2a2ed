package main

// elogeCommands are the eloge module's subcommands.
func elogeCommands() map[string]command { return nil }

package main

// grantsCommands are the grants module's subcommands.
func grantsCommands() map[string]command { return nil }

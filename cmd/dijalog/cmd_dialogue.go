package main

// dialogueCommands are the dialogue module's subcommands.
func dialogueCommands() map[string]command { return nil }

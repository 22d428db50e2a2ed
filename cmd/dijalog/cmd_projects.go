package main

// projectsCommands are the projects module's subcommands.
func projectsCommands() map[string]command { return nil }

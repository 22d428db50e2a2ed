// Package migrations holds the numbered, forward-only SQL migrations of both
// dialects, embedded into the binary. Each change has one file per dialect
// with the same number; a merged migration is never edited.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS

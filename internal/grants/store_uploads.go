package grants

import (
	"context"

	"github.com/dijalog/dijalog/internal/db"
)

// storedFile is one attachment row as dijalog check reads it.
type storedFile struct {
	ID, OwnerID    int64
	PublicID, Kind string
	Size           int64
	SHA256         string
}

// allFiles lists every attachment row (calls', applications' and reports').
func allFiles(ctx context.Context, q db.Querier) ([]storedFile, error) {
	return db.All(ctx, q, func(r db.Scanner) (storedFile, error) {
		var f storedFile
		return f, r.Scan(&f.ID, &f.PublicID, &f.Kind, &f.OwnerID, &f.Size, &f.SHA256)
	}, `SELECT id, public_id, owner_kind, owner_id, size, sha256 FROM grant_files ORDER BY id`)
}

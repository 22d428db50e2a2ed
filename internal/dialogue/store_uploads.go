package dialogue

import (
	"context"

	"github.com/dijalog/dijalog/internal/db"
)

// storedPhoto is one photo row as dijalog check reads it.
type storedPhoto struct {
	ID         int64
	PublicID   string
	Size       int64
	Initiative string // the initiative's public id
}

// allPhotos lists every photo row with its initiative.
func allPhotos(ctx context.Context, q db.Querier) ([]storedPhoto, error) {
	return db.All(ctx, q, func(r db.Scanner) (storedPhoto, error) {
		var ph storedPhoto
		return ph, r.Scan(&ph.ID, &ph.PublicID, &ph.Size, &ph.Initiative)
	}, `SELECT p.id, p.public_id, p.size, i.public_id FROM dlg_photos p JOIN dlg_initiatives i ON i.id = p.initiative_id ORDER BY p.id`)
}

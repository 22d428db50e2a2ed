package search

// maxTypos is how many edits a query word of n letters may contain: 1 from
// 5 letters, 2 from 9. The engine finds the candidates (internal/db/fts);
// fts.EditDistance checks them.
func maxTypos(n int) int {
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

package search

// Typo correction. Keys are ASCII ([a-z0-9]), so the functions below work
// on bytes.

// maxTypos is how many edits a query word of n letters may contain: 1 from
// 5 letters, 2 from 9.
func maxTypos(n int) int {
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// deletes1 returns the distinct strings made by deleting one letter of t.
func deletes1(t string) []string {
	out := make([]string, 0, len(t))
	for i := 0; i < len(t); i++ {
		if i > 0 && t[i] == t[i-1] {
			continue // same result as deleting the previous letter
		}
		out = append(out, t[:i]+t[i+1:])
	}
	return out
}

// typoKeys are the keys to look up in the deletion table for the query
// word w: w itself, its deletions and, when two edits are allowed, the
// deletions of those.
func typoKeys(w string) []string {
	seen := map[string]bool{w: true}
	keys := []string{w}
	d1 := deletes1(w)
	for _, d := range d1 {
		if !seen[d] {
			seen[d] = true
			keys = append(keys, d)
		}
	}
	if maxTypos(len(w)) >= 2 {
		for _, d := range d1 {
			for _, dd := range deletes1(d) {
				if !seen[dd] {
					seen[dd] = true
					keys = append(keys, dd)
				}
			}
		}
	}
	return keys
}

// editDistance is the optimal-string-alignment distance of a and b
// (insertions, deletions, substitutions and adjacent transpositions), or
// max+1 when it exceeds max.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

package search

import (
	"strings"
)

// How much each kind of match of a query word is worth, before the field's
// weight: the strict key (Đ stays apart from D) beats the search key, an
// exact word beats an alias, the extra Macedonian reading and a prefix, and
// a corrected word comes last.
const (
	scoreStrict    = 1.0
	scoreExact     = 0.9
	scoreCompact   = 0.85
	scoreExtra     = 0.8
	scoreAlias     = 0.75
	scorePrefix    = 0.6 // plus up to 0.3 for how much of the word was typed
	scoreExtraPref = 0.5
	scoreTypo      = 0.45

	bonusWhole     = 3.0 // a field is exactly the query (a place's name)
	bonusStarts    = 1.0 // a field starts with the query
	bonusProximity = 0.3 // per pair of query words next to each other
	bonusScript    = 0.2 // the document's title is in the query's script
	bonusEngine    = 0.05
)

// score re-ranks one candidate: for every query word its best match over
// the fields (times the field's weight), with bonuses for whole-field and
// leading matches, words next to each other and the same script, and a
// little of the engine's own order to break ties.
func (p *plan) score(c *candidate, n int) float64 {
	best := make([]float64, len(p.terms))
	bonus := 0.0
	for _, f := range c.keys {
		pos := p.matchWords(f, best)
		p.matchCompactQuery(f, best)
		bonus = max(bonus, p.proximityBonus(pos, f.Weight), p.wholeBonus(f))
	}
	return p.total(c, n, best, bonus)
}

// matchWords raises best[i] to the best match of query word i in field f
// (times its weight) and returns the position of each word's first match
// among the field's words (-1 for none).
func (p *plan) matchWords(f fieldKeys, best []float64) []int {
	w := f.Weight
	strict := strings.Fields(f.Strict)
	extra := strings.Fields(f.Extra)
	pos := make([]int, len(p.terms))
	for i := range p.terms {
		pos[i] = -1
		t := &p.terms[i]
		for j, s := range strict {
			m := t.match(s, searchKey(s))
			if m > 0 && pos[i] < 0 {
				pos[i] = j
			}
			best[i] = max(best[i], m*w)
		}
		for _, a := range extra {
			best[i] = max(best[i], t.matchExtra(a)*w)
		}
		for _, cp := range f.Compact {
			if cp == t.word || t.prefix && strings.HasPrefix(cp, t.word) {
				best[i] = max(best[i], scoreCompact*w)
			}
		}
	}
	return pos
}

// matchCompactQuery: a name written together ("Banjaluka") that starts
// with the query's words written together matches every word.
func (p *plan) matchCompactQuery(f fieldKeys, best []float64) {
	if p.compact == "" {
		return
	}
	for _, cp := range f.Compact {
		if strings.HasPrefix(cp, p.compact) {
			for i := range best {
				best[i] = max(best[i], scoreCompact*f.Weight)
			}
		}
	}
}

// proximityBonus rewards query words matched next to each other, in order.
func (p *plan) proximityBonus(pos []int, w float64) float64 {
	bonus := 0.0
	for i := 1; i < len(pos); i++ {
		if pos[i-1] >= 0 && pos[i] == pos[i-1]+1 {
			bonus = max(bonus, bonusProximity*w*float64(i))
		}
	}
	return bonus
}

// wholeBonus rewards a field that is the query, or starts with it.
func (p *plan) wholeBonus(f fieldKeys) float64 {
	l := searchKey(f.Strict)
	whole := l == p.key
	starts := strings.HasPrefix(l, p.key+" ") || p.terms[len(p.terms)-1].prefix && strings.HasPrefix(l, p.key)
	for _, cp := range f.Compact {
		if p.compact != "" && cp == p.compact || len(p.terms) == 1 && cp == p.key {
			whole = true
		} else if p.compact != "" && strings.HasPrefix(cp, p.compact) || len(p.terms) == 1 && strings.HasPrefix(cp, p.key) {
			starts = true
		}
	}
	switch {
	case whole:
		return bonusWhole * f.Weight
	case starts:
		return bonusStarts * f.Weight
	}
	return 0
}

// total sums the words' best matches, scaled by the share of words
// matched, adds the bonuses and breaks ties by script and engine order.
func (p *plan) total(c *candidate, n int, best []float64, bonus float64) float64 {
	total, matched := 0.0, 0
	for _, b := range best {
		total += b
		if b > 0 {
			matched++
		}
	}
	// Several-word aliases ("local community" for "mjesna zajednica") match
	// no single word: count them as matched.
	if matched == 0 {
		matched = len(p.terms)
		total = scoreAlias * float64(len(p.terms))
	}
	s := total*float64(matched)/float64(len(p.terms)) + bonus
	if (c.script == "cyrl") == p.cyrl {
		s += bonusScript
	}
	if n > 0 {
		s += bonusEngine * (1 - float64(c.order)/float64(n))
	}
	if c.hit.Typo {
		s *= 0.9
	}
	return s
}

// matchExtra scores an extra key a (the Macedonian reading) against the
// query word t.
func (t *term) matchExtra(a string) float64 {
	switch {
	case a == t.word:
		return scoreExtra
	case t.prefix && strings.HasPrefix(a, t.word):
		return scoreExtraPref
	}
	return 0
}

// match scores one indexed word (its strict key s and search key l)
// against the query word t.
func (t *term) match(s, l string) float64 {
	switch {
	case s == t.strict:
		return scoreStrict
	case l == t.word:
		return scoreExact
	case contains(t.alts, l):
		return scoreAlias
	case t.prefix && strings.HasPrefix(l, t.word):
		return scorePrefix + 0.3*float64(len(t.word))/float64(len(l))
	case contains(t.typos, l):
		return scoreTypo
	}
	return 0
}

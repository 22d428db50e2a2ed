package web

// Choice is one entry of a pick list (a <select> or a <datalist>): the
// value sent, the label people read (in their language and script), and
// the group it is listed under ("" for none).
type Choice struct {
	Value, Label, Group string
}

// ChoiceGroup is the choices of one <optgroup>.
type ChoiceGroup struct {
	Label   string
	Choices []PickedChoice
}

// PickedChoice is a Choice with whether it is selected.
type PickedChoice struct {
	Choice
	Selected bool
}

// Pick is a pick list for the "pick" template of every page: the places,
// organisations, tags and sectors a form or a filter asks for are chosen
// from a list by their names, never typed as codes (ba-fbih-mostar).
// It is a plain <select> (grouped, optionally multiple), so it works
// without JavaScript and with a keyboard and a screen reader.
type Pick struct {
	Name     string // the form field
	Label    string // catalogue key of the label
	Empty    string // catalogue key of the "any"/"none" entry of a single pick ("" for none)
	Hint     string // catalogue key of a hint ("" for none)
	Error    string // catalogue key of the field's error ("" for none)
	Multiple bool
	Groups   []ChoiceGroup
}

// NewPick groups choices (in their order; a group is listed where its
// first choice is) and selects the values given.
func NewPick(name, label string, choices []Choice, selected ...string) Pick {
	p := Pick{Name: name, Label: label}
	sel := map[string]bool{}
	for _, s := range selected {
		if s != "" {
			sel[s] = true
		}
	}
	at := map[string]int{}
	for _, c := range choices {
		i, ok := at[c.Group]
		if !ok {
			i = len(p.Groups)
			at[c.Group] = i
			p.Groups = append(p.Groups, ChoiceGroup{Label: c.Group})
		}
		p.Groups[i].Choices = append(p.Groups[i].Choices, PickedChoice{Choice: c, Selected: sel[c.Value]})
	}
	return p
}

// Has reports whether value is one of the choices.
func (p Pick) Has(value string) bool {
	for _, g := range p.Groups {
		for _, c := range g.Choices {
			if c.Value == value {
				return true
			}
		}
	}
	return false
}

// LabelOf is the label of value, or value itself when it is not a choice.
func LabelOf(choices []Choice, value string) string {
	for _, c := range choices {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}

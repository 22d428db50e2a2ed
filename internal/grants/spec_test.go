package grants

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseForm(t *testing.T) {
	t.Parallel()
	got, err := ParseForm("text | Naziv | required\n# comment\n\nchoice | Oblast | required | Kultura; Sport\nbudget | Budžet")
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{Key: "f1", Type: "text", Label: "Naziv", Required: true}, {Key: "f2", Type: "choice", Label: "Oblast", Required: true, Options: []string{"Kultura", "Sport"}}, {Key: "f3", Type: "budget", Label: "Budžet"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	for _, c := range []struct{ in, key string }{
		{"", "grants.spec.empty"},
		{"text | Naziv", "grants.spec.need_budget"},
		{"budget | A\nbudget | B", "grants.spec.one_budget"},
		{"choice | A | jedan\nbudget | B", "grants.spec.options"},
		{"picture | A\nbudget | B", "grants.spec.field_type"},
		{"text | \nbudget | B", "grants.spec.label"},
		{"text | A | optional\nbudget | B", "grants.spec.extra"},
	} {
		_, err := ParseForm(c.in)
		var se *SpecError
		if !errors.As(err, &se) || se.Key != c.key {
			t.Errorf("ParseForm(%q) = %v, want %s", c.in, err, c.key)
		}
	}
}

func TestWeightedPct(t *testing.T) {
	t.Parallel()
	grid, err := ParseCriteria("30 | 10 | A\n70 | 5 | B | uputa")
	if err != nil {
		t.Fatal(err)
	}
	if got := WeightedPct(grid, map[int]int{1: 10, 2: 5}); got != 1000 {
		t.Errorf("full marks = %d", got)
	}
	if got := WeightedPct(grid, map[int]int{1: 5, 2: 0}); got != 150 {
		t.Errorf("half of A = %d, want 150 (15.0 %%)", got)
	}
}

func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"text | A | required\nbudget | B", "choice | X | a; b | required\nbudget|B", "|||", "budget"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fields, err := ParseForm(s)
		if err != nil {
			return
		}
		budgets := 0
		for i, fl := range fields {
			if fl.Key != "f"+strconv.Itoa(i+1) || fl.Label == "" {
				t.Fatalf("bad field %+v", fl)
			}
			if fl.Type == FieldBudget {
				budgets++
			}
		}
		if budgets != 1 {
			t.Fatalf("%d budgets", budgets)
		}
		ParseEligibility(s)
		ParseCriteria(s)
	})
}

func FuzzParseSupportCSV(f *testing.F) {
	f.Add("year,lsg,funder,recipient,amount,currency,purpose,procedure\n2025,ba-fbih-mostar,Grad Mostar,Udruženje,\"1.500,00\",BAM,Program,direct\n")
	f.Add("year,lsg,funder,recipient,amount,currency,purpose,procedure,award_date\n2024,,X,Y,10,EUR,,open_call,2024-05-01\n")
	f.Fuzz(func(t *testing.T, s string) {
		recs, errs, err := ParseSupportCSV(strings.NewReader(s))
		if err != nil || len(errs) > 0 {
			return
		}
		var buf bytes.Buffer
		if err := WriteSupportCSV(&buf, recs); err != nil {
			t.Fatal(err)
		}
		again, errs, err := ParseSupportCSV(&buf)
		if err != nil || len(errs) > 0 {
			t.Fatalf("round trip: %v %v\n%s", err, errs, buf.String())
		}
		if d := cmp.Diff(recs, again); d != "" {
			t.Fatalf("round trip differs: %s", d)
		}
	})
}

func TestParseSupportCSV(t *testing.T) {
	t.Parallel()
	in := "year,lsg,funder,recipient,amount,currency,purpose,procedure\n" +
		"2025,ba-fbih-mostar,Grad Mostar,Udruženje Most,\"1.500,50\",BAM,Program,direct\n" +
		"1980,x,,Y,-5,XXX,,gift\n"
	recs, errs, err := ParseSupportCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Amount != 150050 || recs[0].Procedure != "direct" || recs[0].AwardDate != "2025-12-31" {
		t.Errorf("records: %+v", recs)
	}
	fields := map[string]bool{}
	for _, e := range errs {
		if e.Line != 3 {
			t.Errorf("error on line %d: %v", e.Line, e)
		}
		fields[e.Field] = true
	}
	for _, f := range []string{"year", "funder", "procedure", "currency"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, errs)
		}
	}
}

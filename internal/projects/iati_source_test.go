package projects

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/google/go-cmp/cmp"
)

// thirdParty is a publisher's file with many elements the registry does
// not show.
var thirdParty = filepath.Join("testdata", "iati-undp-roundtrip.xml")

// elementCounts counts the elements of an IATI file per type
// ("{namespace}name" for an extension's), the root left out.
func elementCounts(t *testing.T, file string) map[string]int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int{}
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local != "iati-activities" {
			out[elementKey(&node{name: se.Name.Local, space: se.Name.Space})]++
		}
	}
}

// activities reads the activities of file as canonical XML by identifier.
func activities(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := newReader(f)
	out := map[string]string{}
	err = eachActivity(context.Background(), rd, func(a *node) error {
		var b strings.Builder
		canonical(&b, a, "")
		out[idOf(a)] = b.String()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIATIThirdPartyRoundTrip: everything a publisher's 2.03 activity
// carries comes back out on export, element for element (counts per type
// and each activity's canonical XML), the publisher's
// last-updated-datetime included, and the export validates; once someone
// edits the budget, the export gives the registry's budget and the time
// of the change, and keeps the rest.
func TestIATIThirdPartyRoundTrip(t *testing.T) {
	t.Parallel()
	xmllint(t, thirdParty)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		sum := importFile(t, s, thirdParty)
		if sum.Created != 3 {
			t.Fatalf("import: %+v", sum)
		}
		checkNotes(t, sum.Notes)
		out := export(t, d, s)
		xmllint(t, out)
		if diff := cmp.Diff(elementCounts(t, thirdParty), elementCounts(t, out)); diff != "" {
			t.Errorf("element counts -in +out:\n%s", diff)
		}
		if diff := cmp.Diff(activities(t, thirdParty), activities(t, out)); diff != "" {
			t.Errorf("activities -in +out:\n%s", diff)
		}
		if again := importFile(t, s, out); again.Skipped != 3 {
			t.Errorf("importing the export again changed something: %+v", again)
		}

		p, err := s.ByIATI(ctx, "XM-DAC-41114-OUTPUT-00123456")
		if err != nil {
			t.Fatal(err)
		}
		if p.Budget != money.New(13_800_000_50, "USD") {
			t.Errorf("budget %v, want the original budgets in USD: 13800000.50 USD", p.Budget)
		}
		p.Budget = money.New(15_000_000_00, "USD")
		if err := s.Update(ctx, Actor{}, p, p.Version); err != nil {
			t.Fatal(err)
		}
		edited := export(t, d, s)
		xmllint(t, edited)
		in, got := elementCounts(t, thirdParty), elementCounts(t, edited)
		for _, name := range []string{"budget", "period-start", "period-end", "value"} {
			in[name] -= 10 - 1 // ten budgets became the registry's one
		}
		if diff := cmp.Diff(in, got); diff != "" {
			t.Errorf("after the budget's edit, element counts -want +got:\n%s", diff)
		}
		acts := activities(t, edited)
		if a := acts["XM-DAC-41114-OUTPUT-00123456"]; !strings.Contains(a, ">15000000.00</value>") || strings.Contains(a, `last-updated-datetime="2026-09-28T11:04:51Z"`) {
			t.Errorf("edited activity: the registry's budget and time of change expected:\n%s", a)
		}
		if a := acts["XM-DAC-41114-OUTPUT-00123457"]; !strings.Contains(a, `last-updated-datetime="2026-09-28T11:04:51Z"`) {
			t.Errorf("unchanged activity lost its last-updated-datetime:\n%s", a)
		}
	})
}

// checkNotes: the import report names, element by element, what the
// registry's fields do not take.
func checkNotes(t *testing.T, notes []ImportNote) {
	t.Helper()
	var got []string
	for _, n := range notes {
		got = append(got, n.Element)
	}
	for _, want := range []string{"location", "budget", "policy-marker", "default-aid-type", "crs-add", "fss", "tag", "sector", "{http://undp.org/iati-extensions}output-status"} {
		if !slices.Contains(got, want) {
			t.Errorf("no note on <%s>; notes: %v", want, notes)
		}
	}
	for _, n := range notes {
		if n.Line == 0 || n.Activity == "" || n.Msg == "" {
			t.Errorf("note without line, activity or message: %+v", n)
		}
	}
}

package projects

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const schemaDir = "../../../shared/data/iati-schema"

func names(t testing.TB, d *db.DB) func(string) string {
	lsgs, err := places.NewService(d).LSGs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, p := range lsgs {
		m[p.Code] = p.NameLat
	}
	return func(c string) string { return m[c] }
}

// demoRegistry fills s with the seed projects and n generated ones.
func demoRegistry(t testing.TB, d *db.DB, s *Service, n int) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.LoadRates(ctx, DemoRates()); err != nil {
		t.Fatal(err)
	}
	seeds, err := SeedProjects(noOrgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range seeds {
		if err := s.Create(ctx, Actor{Name: "seed"}, p); err != nil {
			t.Fatal(err)
		}
	}
	// the volunteers' project belongs to no programme; make one child of Link
	child := validProject()
	child.Texts[0].Title = "Mali grantovi za OCD u Jablanici"
	// IATI requires a description and a date: a record without them gets
	// its title and the funding year on export (tested elsewhere).
	child.Texts[0].Summary = "Grant šema za organizacije civilnog društva."
	child.PlannedStart = "2022-03-01"
	child.Programme = seeds[1].PublicID
	if err := s.Create(ctx, Actor{}, child); err != nil {
		t.Fatal(err)
	}
	lsgs, err := places.NewService(d).LSGs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateMany(ctx, Actor{Name: "gen"}, GenerateProjects(n, 11, lsgs, noOrgs)); err != nil {
		t.Fatal(err)
	}
}

func xmllint(t *testing.T, file string) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint is not installed (apt-get install libxml2-utils)")
	}
	out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", filepath.Join(schemaDir, "iati-activities-schema.xsd"), file).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint --schema: %v\n%s", err, tailLines(string(out), 20))
	}
}

func tailLines(s string, n int) string {
	l := strings.Split(s, "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

func export(t *testing.T, d *db.DB, s *Service) string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.ExportIATI(context.Background(), &buf, Filter{}, names(t, d)); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(f, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func importFile(t *testing.T, s *Service, file string) ImportSummary {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, err := s.ImportIATI(context.Background(), f, ImportOptions{Actor: Actor{Name: "import"}})
	if err != nil {
		t.Fatalf("import %s: %v", file, err)
	}
	return sum
}

func allByIATI(t *testing.T, s *Service) map[string]*Project {
	t.Helper()
	out := map[string]*Project{}
	err := s.Each(context.Background(), Filter{}, func(p *Project) error {
		out[IATIIdentifierOf(p)] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIATIExportValidates runs the official XSD on the export of the demo.
func TestIATIExportValidates(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	s := newService(t, d)
	demoRegistry(t, d, s, 120)
	xmllint(t, export(t, d, s))
}

// TestIATIRoundTrip: import -> export -> import gives the same records, and
// a second import of the same file changes nothing.
func TestIATIRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		src := newService(t, dbtest.SQLite(t))
		demoRegistry(t, src.d, src, 60)
		file1 := export(t, src.d, src)

		a := newService(t, d)
		sum := importFile(t, a, file1)
		if sum.Created != 64 || sum.Updated != 0 || sum.Skipped != 0 {
			t.Fatalf("first import: %+v", sum)
		}
		again := importFile(t, a, file1)
		if again.Created != 0 || again.Updated != 0 || again.Skipped != 64 {
			t.Fatalf("re-import is not idempotent: %+v", again)
		}
		file2 := export(t, d, a)
		xmllint(t, file2)
		b := newService(t, dbtest.SQLite(t))
		importFile(t, b, file2)
		ignore := cmpopts.IgnoreFields(Project{}, "ID", "PublicID", "Programme", "Version", "CreatedAt", "UpdatedAt", "rowIndex", "parentRef", "iati", "OwnerOrg", "Milestones", "FundingYear")
		pa, pb := allByIATI(t, a), allByIATI(t, b)
		if len(pa) != 64 || len(pb) != 64 {
			t.Fatalf("%d and %d projects", len(pa), len(pb))
		}
		for id, x := range pa {
			if diff := cmp.Diff(x, pb[id], ignore, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s after import -> export -> import, -first +second:\n%s", id, diff)
			}
		}
		// What IATI carries survives the first trip too (seed MAKERS).
		src0 := allByIATI(t, src)
		for id, x := range src0 {
			y := pa[id]
			if y == nil {
				t.Fatalf("%s not imported", id)
			}
			ignoreSrc := cmpopts.IgnoreFields(Project{}, "ID", "PublicID", "Programme", "Version", "CreatedAt", "UpdatedAt", "rowIndex", "parentRef", "iati", "OwnerOrg", "Milestones", "FundingYear", "IATIIdentifier", "Orgs", "ValueEUR")
			if diff := cmp.Diff(x, y, ignoreSrc, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: -registry +imported:\n%s", id, diff)
			}
		}
		// The child keeps its programme.
		var child *Project
		for _, p := range pa {
			if p.Title() == "Mali grantovi za OCD u Jablanici" {
				child = p
			}
		}
		if child == nil || child.Programme == "" {
			t.Errorf("programme link lost: %+v", child)
		}
	})
}

func TestIATIImportSample(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	s := newService(t, d)
	sum := importFile(t, s, filepath.Join(schemaDir, "sample-activity-ba.xml"))
	if sum.Created != 1 {
		t.Fatalf("summary %+v", sum)
	}
	p, err := s.ByIATI(context.Background(), "XM-DAC-41114-PROJECT-00123456")
	if err != nil {
		t.Fatal(err)
	}
	if p.Budget.Decimal() != "1000000.00" || p.Budget.Currency != "EUR" || len(p.Locations) != 1 || p.Locations[0].Place != "ba-fbih-tuzla" || !p.Locations[0].HasPoint {
		t.Errorf("imported %+v", p)
	}
	if p.Transactions[0].Amount.Decimal() != "250000.00" || p.Status != 2 || p.PlannedEnd != "2026-12-31" || len(p.Texts) != 2 {
		t.Errorf("imported %+v", p)
	}
}

const good = `<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity xml:lang="en" default-currency="EUR">
  <iati-identifier>XI-TEST-1</iati-identifier>
  <reporting-org ref="XI-TEST" type="22"><narrative>Test</narrative></reporting-org>
  <title><narrative>Test activity</narrative></title>
  <description type="1"><narrative>Text</narrative></description>
  <participating-org role="1" type="10"><narrative>Donor</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date iso-date="2023-01-01" type="1"/>
  %s
 </iati-activity>
</iati-activities>`

func TestIATIImportRefusals(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	s := newService(t, d)
	replace := func(old, new string) string { return strings.Replace(strings.Replace(good, "%s", "", 1), old, new, 1) }
	for _, c := range []struct {
		name, in, want string
	}{
		{"not XML", "this is not xml", "not an IATI file"},
		{"empty", "", "not an IATI file"},
		{"not IATI", `<?xml version="1.0"?><rss version="2.0"></rss>`, "root must be <iati-activities>"},
		{"wrong version", replace(`version="2.03"`, `version="2.02"`), `version "2.02" is not supported`},
		{"truncated", good[:len(good)/2], "truncated"},
		{"unknown status", replace(`code="2"`, `code="9"`), `<activity-status>: code "9" is not in the ActivityStatus codelist`},
		{"unknown sector", strings.Replace(good, "%s", `<sector vocabulary="1" code="99999"/>`, 1), `code "99999" is not in the Sector`},
		{"unknown currency", strings.Replace(good, "%s", `<budget><period-start iso-date="2023-01-01"/><period-end iso-date="2023-12-31"/><value currency="ZZZ" value-date="2023-01-01">5</value></budget>`, 1), `currency "ZZZ"`},
		{"out of order", strings.Replace(good, "%s", `<iati-identifier>again</iati-identifier>`, 1), "out of order"},
		{"missing title", replace(`<title><narrative>Test activity</narrative></title>`, ""), "<title>: required element missing"},
		{"unknown element", strings.Replace(good, "%s", `<evil/>`, 1), "<evil>: element not allowed"},
		{"bad amount", strings.Replace(good, "%s", `<budget><period-start iso-date="2023-01-01"/><period-end iso-date="2023-12-31"/><value value-date="2023-01-01">1.234</value></budget>`, 1), `value "1.234"`},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><iati-activities version="2.03">&lol2;</iati-activities>`, "DTD"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><iati-activities version="2.03"><iati-activity>&xxe;</iati-activity></iati-activities>`, "DTD"},
		{"undefined entity", strings.Replace(good, "Test activity", "&xxe;", 1), "not well-formed"},
		{"latin-1", strings.Replace(good, "UTF-8", "ISO-8859-1", 1), "not supported"},
		{"second bad activity", strings.Replace(good, "%s", "", 1)[:strings.LastIndex(good, "</iati-activities>")-2] + `<iati-activity><iati-identifier>X2</iati-identifier></iati-activity></iati-activities>`, `activity "X2"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.ImportIATI(context.Background(), strings.NewReader(c.in), ImportOptions{})
			var ie *ImportError
			if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want an ImportError with %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("the message does not name the line: %v", err)
			}
		})
	}
	res, err := s.List(context.Background(), Filter{})
	if err != nil || res.Total != 0 {
		t.Errorf("refused files wrote %d projects (%v)", res.Total, err)
	}
	// The good file is accepted.
	if _, err := s.ImportIATI(context.Background(), strings.NewReader(strings.Replace(good, "%s", "", 1)), ImportOptions{}); err != nil {
		t.Fatalf("good file: %v", err)
	}
}

// fakePlaces knows three LSGs, for parser tests without a database.
type fakePlaces struct{}

var fakeLSGs = []places.Place{
	{Code: "ba-fbih-mostar", Kind: places.KindLSG, NameLat: "Mostar"},
	{Code: "ba-fbih-tuzla", Kind: places.KindLSG, NameLat: "Tuzla"},
	{Code: "ba-rs-trebinje", Kind: places.KindLSG, NameLat: "Trebinje"},
}

func (fakePlaces) LSGs(context.Context) ([]places.Place, error) { return fakeLSGs, nil }
func (fakePlaces) ByCode(_ context.Context, code string) (places.Place, error) {
	for _, p := range fakeLSGs {
		if p.Code == code {
			return p, nil
		}
	}
	return places.Place{}, refuse.ErrNotFound
}
func (fakePlaces) ResolveLSG(ctx context.Context, name string) (places.Place, error) {
	for _, p := range fakeLSGs {
		if strings.EqualFold(p.NameLat, name) {
			return p, nil
		}
	}
	return places.Place{}, refuse.ErrNotFound
}

// FuzzIATIImport runs the streaming parser and the mapping of activities
// (order, cardinality, codes, amounts, dates) on arbitrary input, without a
// database: it must never panic, and every refusal is an ImportError.
func FuzzIATIImport(f *testing.F) {
	s, err := NewService(nil, fakePlaces{}, nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(strings.Replace(good, "%s", "", 1))
	f.Add(strings.Replace(good, "%s", `<location><name><narrative>Mostar</narrative></name><point><pos>43.3 17.8</pos></point></location><sector code="15150"/><budget><period-start iso-date="2023-01-01"/><period-end iso-date="2023-12-31"/><value value-date="2023-01-01">100.5</value></budget><transaction><transaction-type code="3"/><transaction-date iso-date="2023-02-01"/><value>5</value></transaction><result type="1"><title><narrative>R</narrative></title><indicator measure="1"><title><narrative>LSGs</narrative></title><period><period-start iso-date="2023-01-01"/><period-end iso-date="2023-06-01"/><target value="12"/><actual value="11"/></period></indicator></result>`, 1))
	if b, err := os.ReadFile(filepath.Join(schemaDir, "sample-activity-ba.xml")); err == nil {
		f.Add(string(b))
	}
	f.Add(`<!DOCTYPE a [<!ENTITY b "c">]><iati-activities version="2.03"/>`)
	f.Fuzz(func(t *testing.T, in string) {
		_, err := s.ImportIATI(context.Background(), strings.NewReader(in), ImportOptions{CheckOnly: true})
		var ie *ImportError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("error is not an ImportError: %v", err)
		}
	})
}

func FuzzParseRates(f *testing.F) {
	f.Add("currency,date,per_eur,source\nUSD,2022-01-03,1.1355,ECB\nBAM,2002-01-01,1.95583,CBBH\n")
	f.Add("\ufeffcurrency,date,per_eur\n\"USD\",2022-01-03,\"1.1\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		rates, err := ParseRates(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, r := range rates {
			if !ValidDate(r.Date) || r.PerEUR <= 0 || len(r.Currency) != 3 {
				t.Fatalf("accepted a bad rate %+v", r)
			}
		}
	})
}

// TestIATIImportRealisticBiH imports a file shaped like the ones UNDP, the
// EU and bilateral donors publish for Bosnia and Herzegovina (programme and
// component in one batch, several languages, points, yearly budgets,
// provider and receiver, policy markers, indicator periods), on both
// databases; the file is valid by the official XSD, and a second import
// changes nothing.
func TestIATIImportRealisticBiH(t *testing.T) {
	t.Parallel()
	file := filepath.Join("testdata", "iati-ba-realistic.xml")
	xmllint(t, file)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		sum := importFile(t, s, file)
		if sum.Activities != 3 || sum.Created != 3 || sum.Updated != 0 || sum.Skipped != 0 {
			t.Fatalf("first import: %+v", sum)
		}
		all := allByIATI(t, s)
		prog, child, eu := all["XM-DAC-41114-PROJECT-00990001"], all["XM-DAC-41114-PROJECT-00990002"], all["XI-IATI-EC_NEAR-2023-445566"]
		if prog == nil || child == nil || eu == nil {
			t.Fatalf("imported: %v", all)
		}
		if prog.Kind != KindProgramme || child.Programme != prog.PublicID {
			t.Errorf("programme %q (kind %s), component's programme %q", prog.PublicID, prog.Kind, child.Programme)
		}
		if diff := cmp.Diff([]string{"ba-fbih-zenica", "ba-rs-bijeljina", "ba-rs-trebinje"}, prog.Places(), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("programme LSGs -want +got:\n%s", diff)
		}
		points := 0
		for _, l := range prog.Locations {
			if l.HasPoint {
				points++
			}
		}
		if points != 2 || prog.Budget.Currency != "USD" || prog.Budget.Minor <= 0 || prog.Status != 2 || prog.PlannedEnd != "2025-12-31" {
			t.Errorf("programme: %d points, budget %v, status %d, end %q", points, prog.Budget, prog.Status, prog.PlannedEnd)
		}
		if diff := cmp.Diff([]string{"Swiss Agency for Development and Cooperation (SDC)"}, prog.Donors()); diff != "" {
			t.Errorf("donors -want +got:\n%s", diff)
		}
		if diff := cmp.Diff([]string{"15112", "15150"}, prog.Sectors); diff != "" {
			t.Errorf("sectors -want +got:\n%s", diff)
		}
		if len(prog.Transactions) != 3 || len(prog.Targets) != 1 || len(prog.Targets[0].Actuals) != 2 || prog.Targets[0].Actuals[1].Value != 15 {
			t.Errorf("transactions %+v, targets %+v", prog.Transactions, prog.Targets)
		}
		if tx, bs := prog.TextFor("bs"); bs || tx.Title != "Lokalni integrirani razvoj u Bosni i Hercegovini" {
			t.Errorf("Bosnian title %q (fallback %v)", tx.Title, bs)
		}
		if eu.Budget.Decimal() != "4500000.00" || eu.Budget.Currency != "EUR" || eu.DefaultLang != "bs" || len(eu.Locations) != 2 {
			t.Errorf("EU activity: %v, lang %s, %d LSGs", eu.Budget, eu.DefaultLang, len(eu.Locations))
		}
		res, err := s.List(context.Background(), Filter{LSG: "ba-fbih-zenica"})
		if err != nil || res.Total != 2 {
			t.Errorf("projects in Zenica: %d, %v", res.Total, err)
		}
		again := importFile(t, s, file)
		if again.Created != 0 || again.Updated != 0 || again.Skipped != 3 {
			t.Errorf("second import: %+v", again)
		}
	})
}

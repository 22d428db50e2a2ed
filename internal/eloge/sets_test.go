package eloge

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/surveys"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// testUser stores a person (the audit log refers to users) holding the
// given grants.
func testUser(t *testing.T, d *db.DB, email string, grants ...auth.Grant) *auth.User {
	t.Helper()
	id := dbtest.User(t, d, email, email, email)
	return &auth.User{ID: id, PublicID: email, Email: email, Name: email, Status: auth.StatusActive, Grants: grants}
}

// testPlatform stores a platform for the organisation orgPID.
func testPlatform(t *testing.T, d *db.DB, orgPID string) *Platform {
	t.Helper()
	now := db.Now()
	p := &Platform{PublicID: "pl-" + orgPID, OrgID: orgPID, Name: "Platform " + orgPID, Country: "BA"}
	id, err := db.InsertID(context.Background(), d, `INSERT INTO eloge_platforms (public_id, org_id, name, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, p.PublicID, p.OrgID, p.Name, p.Country, now, now)
	if err != nil {
		t.Fatal(err)
	}
	p.ID = id
	return p
}

func rep(org string) auth.Grant {
	return auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: org}
}

// principleInput turns a stored principle back into editor input.
func principleInput(p *Principle) PrincipleInput {
	in := PrincipleInput{Number: p.Number, Title: p.Title, Description: p.Description}
	for _, i := range p.Indicators {
		in.Indicators = append(in.Indicators, IndicatorInput{ID: i.ID, Code: i.Code, Text: i.Text})
	}
	return in
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v, want %v", what, err, want)
	}
}

func wantField(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	var fe FieldErrors
	if !errors.As(err, &fe) || fe[field] != key {
		t.Fatalf("%s: err = %v (%v), want %s = %s", what, err, fe, field, key)
	}
}

func TestBuiltinSetsStored(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(d, surveys.NewService(d, surveys.Options{}), nil, nil)
		if err := s.EnsureSets(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureSets(ctx); err != nil { // idempotent
			t.Fatal(err)
		}
		sets, err := s.Sets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, st := range sets {
			got = append(got, st.Code+"/"+st.Family+"/"+st.Status)
			if st.Version != 1 {
				t.Errorf("%s: version %d", st.Code, st.Version)
			}
		}
		if diff := cmp.Diff([]string{"2008/2008/published", "2023/2023/published"}, got); diff != "" {
			t.Fatalf("sets (-want +got):\n%s", diff)
		}
		st, err := s.SetByCode(ctx, "2008")
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Principles) != 12 {
			t.Fatalf("2008: %d principles", len(st.Principles))
		}
		// Every text in the six written languages; Serbian Cyrillic is
		// generated from Serbian Latin.
		for _, p := range st.Principles {
			for _, loc := range TextLocales() {
				if p.Title[loc] == "" {
					t.Errorf("2008 principle %d: no %s title", p.Number, loc)
				}
				for _, in := range p.Indicators {
					if in.Text[loc] == "" {
						t.Errorf("2008 indicator %s: no %s text", in.Code, loc)
					}
				}
			}
			if p.Title.In("sr-Cyrl") == p.Title["sr-Latn"] {
				t.Errorf("2008 principle %d: sr-Cyrl not transliterated", p.Number)
			}
		}
		st23, err := s.SetByCode(ctx, "2023")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range st23.Principles {
			if p.Title["en"] == "" {
				t.Errorf("2023 principle %d: no English title", p.Number)
			}
		}
	})
}

func TestSetVersions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(d, surveys.NewService(d, surveys.Options{}), nil, nil)
		if err := s.EnsureSets(ctx); err != nil {
			t.Fatal(err)
		}
		pl := testPlatform(t, d, "org-lda")
		other := testPlatform(t, d, "org-other")
		manager := testUser(t, d, "m@lda.ba", rep("org-lda"))
		outsider := testUser(t, d, "o@other.ba", rep("org-other"))
		citizen := testUser(t, d, "c@example.ba")

		v1, err := s.SetByCode(ctx, "2008")
		if err != nil {
			t.Fatal(err)
		}
		cycle, err := s.OpenCycle(ctx, manager, pl, CycleInput{Year: 2023, Title: "ELoGE 2023", SetCode: "2008", ScaleMax: 5, Weights: Weights{40, 20, 20, 20}, Threshold: 60, RequireJustification: true})
		if err != nil {
			t.Fatal(err)
		}

		// A published version is never changed in place.
		wantErr(t, "edit published title", s.UpdateSet(ctx, manager, v1, surveys.Text{"en": "Changed"}, ""), ErrSetFrozen)
		wantErr(t, "edit published principle", s.SavePrinciple(ctx, manager, v1, principleInput(&v1.Principles[0]), false), ErrSetFrozen)
		wantErr(t, "delete published principle", s.DeletePrinciple(ctx, manager, v1, 1), ErrSetFrozen)
		wantErr(t, "publish published", s.PublishSet(ctx, manager, v1), ErrSetFrozen)

		// Only a platform's managers make versions.
		_, err = s.NewVersion(ctx, citizen, pl, v1)
		wantErr(t, "citizen new version", err, ErrNotManager)
		_, err = s.NewVersion(ctx, outsider, pl, v1)
		wantErr(t, "other platform's manager for this platform", err, ErrNotManager)

		v2, err := s.NewVersion(ctx, manager, pl, v1)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Code != "2008-v2" || v2.Family != "2008" || v2.Version != 2 || v2.Status != SetDraft || v2.BasedOn.V != v1.ID || v2.PlatformID.V != pl.ID {
			t.Fatalf("v2 = %+v", v2)
		}
		if len(v2.Principles) != 12 || v2.IndicatorCount() != v1.IndicatorCount() {
			t.Fatalf("v2: %d principles, %d indicators; want 12, %d", len(v2.Principles), v2.IndicatorCount(), v1.IndicatorCount())
		}
		_, err = s.NewVersion(ctx, manager, pl, v1)
		wantErr(t, "second draft", err, ErrDraftExists)

		// A draft cannot run a cycle.
		_, err = s.OpenCycle(ctx, manager, pl, CycleInput{Year: 2024, Title: "ELoGE 2024", SetCode: "2008-v2", ScaleMax: 5, Weights: Weights{40, 20, 20, 20}, Threshold: 60})
		wantField(t, "cycle on a draft", err, "set", "eloge.sets.not_published")

		// Only the draft's platform edits it.
		for _, u := range []*auth.User{citizen, outsider} {
			ok, err := s.CanEditSet(ctx, u, v2)
			if err != nil || ok {
				t.Fatalf("CanEditSet(%s) = %v, %v", u.Email, ok, err)
			}
			wantErr(t, "outsider edits draft", s.UpdateSet(ctx, u, v2, surveys.Text{"en": "x"}, ""), ErrNotManager)
		}
		if ok, _ := s.CanEditSet(ctx, manager, v2); !ok {
			t.Fatal("manager cannot edit the draft")
		}
		_ = other

		// Edits: title, one principle's texts, an indicator changed, one
		// removed, one added.
		if err := s.UpdateSet(ctx, manager, v2, surveys.Text{"en": " 12 Principles (2008, national edition) ", "bs": "12 principa (2008, nacionalno izdanje)"}, "LDA Mostar"); err != nil {
			t.Fatal(err)
		}
		p4 := principleInput(v2.Principle(4))
		p4.Title = surveys.Text{"en": "Openness and transparency (revised)", "bs": "Otvorenost i transparentnost (revidirano)"}
		p4.Indicators[0].Text = surveys.Text{"en": "The council's sessions are streamed.", "bs": "Sjednice vijeća se prenose uživo."}
		p4.Indicators[1].Delete = true
		p4.Indicators = append(p4.Indicators, IndicatorInput{Code: "4.9", Text: surveys.Text{"en": "Budget data are published as open data."}}, IndicatorInput{})
		if err := s.SavePrinciple(ctx, manager, v2, p4, false); err != nil {
			t.Fatal(err)
		}
		// Swapping two codes in one save works.
		p5 := principleInput(v2.Principle(5))
		if len(p5.Indicators) >= 2 {
			p5.Indicators[0].Code, p5.Indicators[1].Code = p5.Indicators[1].Code, p5.Indicators[0].Code
			if err := s.SavePrinciple(ctx, manager, v2, p5, false); err != nil {
				t.Fatalf("swap codes: %v", err)
			}
		}

		// Refusals of bad input, nothing saved.
		bad := principleInput(v2.Principle(6))
		bad.Indicators[0].Code = "7.1"
		wantField(t, "code of another principle", s.SavePrinciple(ctx, manager, v2, bad, false), "ind.0.code", "eloge.sets.code_number")
		bad = principleInput(v2.Principle(6))
		bad.Indicators = append(bad.Indicators, IndicatorInput{Code: bad.Indicators[0].Code, Text: surveys.Text{"en": "dup"}})
		wantField(t, "duplicate code", s.SavePrinciple(ctx, manager, v2, bad, false), "ind."+itoaInt(len(bad.Indicators)-1)+".code", "eloge.sets.code_taken")
		bad = principleInput(v2.Principle(6))
		bad.Title = surveys.Text{"en": "  "}
		wantField(t, "empty title", s.SavePrinciple(ctx, manager, v2, bad, false), "title", "eloge.sets.text_required")
		bad = principleInput(v2.Principle(6))
		bad.Indicators = append(bad.Indicators, IndicatorInput{Code: "6.9"})
		wantField(t, "indicator without text", s.SavePrinciple(ctx, manager, v2, bad, false), "ind."+itoaInt(len(bad.Indicators)-1)+".text", "eloge.sets.text_required")
		dup := principleInput(v2.Principle(6))
		wantField(t, "new principle with a taken number", s.SavePrinciple(ctx, manager, v2, dup, true), "number", "eloge.sets.number_taken")
		foreign := principleInput(v2.Principle(6))
		foreign.Indicators[0].ID = v2.Principle(7).Indicators[0].ID
		wantErr(t, "indicator of another principle", s.SavePrinciple(ctx, manager, v2, foreign, false), refuse.ErrNotFound)

		// A principle without indicators blocks publication.
		if err := s.SavePrinciple(ctx, manager, v2, PrincipleInput{Number: 13, Title: surveys.Text{"en": "Digital participation"}}, true); err != nil {
			t.Fatal(err)
		}
		wantField(t, "publish incomplete", s.PublishSet(ctx, manager, v2), "principle.13", "eloge.sets.no_indicators")
		if err := s.DeletePrinciple(ctx, manager, v2, 13); err != nil {
			t.Fatal(err)
		}

		got, err := s.SetByID(ctx, v2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title["en"] != "12 Principles (2008, national edition)" || got.Source != "LDA Mostar" || len(got.Principles) != 12 {
			t.Fatalf("v2 after edits: %q %q %d principles", got.Title["en"], got.Source, len(got.Principles))
		}
		g4 := got.Principle(4)
		var codes []string
		for _, in := range g4.Indicators {
			codes = append(codes, in.Code)
		}
		want := []string{v1.Principle(4).Indicators[0].Code}
		for _, in := range v1.Principle(4).Indicators[2:] {
			want = append(want, in.Code)
		}
		want = append(want, "4.9")
		if diff := cmp.Diff(want, codes); diff != "" {
			t.Fatalf("principle 4 codes (-want +got):\n%s", diff)
		}
		if g4.Title["en"] != "Openness and transparency (revised)" || g4.Indicators[0].Text["en"] != "The council's sessions are streamed." {
			t.Fatalf("principle 4 = %+v", g4)
		}

		// The finished cycle's version is untouched.
		again, err := s.SetByID(ctx, cycle.SetID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(v1.Principles, again.Principles); diff != "" {
			t.Fatalf("cycle's set changed (-before +after):\n%s", diff)
		}

		if err := s.PublishSet(ctx, manager, v2); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "edit after publication", s.UpdateSet(ctx, manager, v2, surveys.Text{"en": "x"}, ""), ErrSetFrozen)
		c2, err := s.OpenCycle(ctx, manager, pl, CycleInput{Year: 2024, Title: "ELoGE 2024", SetCode: "2008-v2", ScaleMax: 5, Weights: Weights{40, 20, 20, 20}, Threshold: 60})
		if err != nil {
			t.Fatal(err)
		}
		if c2.SetCode != "2008-v2" {
			t.Fatalf("cycle 2024 set = %s", c2.SetCode)
		}

		// A new draft can be discarded; a published one cannot.
		v3, err := s.NewVersion(ctx, manager, pl, v2)
		if err != nil {
			t.Fatal(err)
		}
		if v3.Version != 3 || v3.Code != "2008-v3" {
			t.Fatalf("v3 = %s %d", v3.Code, v3.Version)
		}
		wantErr(t, "discard published", s.DiscardDraft(ctx, manager, v2), ErrSetFrozen)
		wantErr(t, "outsider discards", s.DiscardDraft(ctx, outsider, v3), ErrNotManager)
		if err := s.DiscardDraft(ctx, manager, v3); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetByID(ctx, v3.ID); !errors.Is(err, refuse.ErrNotFound) {
			t.Fatalf("v3 after discard: %v", err)
		}
		pub, err := s.PublishedSets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, st := range pub {
			names = append(names, st.Code)
		}
		if diff := cmp.Diff([]string{"2008", "2008-v2", "2023"}, names); diff != "" {
			t.Fatalf("published (-want +got):\n%s", diff)
		}
	})
}

func itoaInt(n int) string { return strconv.Itoa(n) }

func TestValidatePrinciple(t *testing.T) {
	t.Parallel()
	long := make([]rune, maxTitle+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name  string
		in    PrincipleInput
		field string
		key   string
	}{
		{"number zero", PrincipleInput{Number: 0, Title: surveys.Text{"en": "x"}}, "number", "eloge.sets.number"},
		{"number 100", PrincipleInput{Number: 100, Title: surveys.Text{"en": "x"}}, "number", "eloge.sets.number"},
		{"title too long", PrincipleInput{Number: 1, Title: surveys.Text{"bs": string(long)}}, "title", "eloge.sets.too_long"},
		{"code letters", PrincipleInput{Number: 1, Title: surveys.Text{"en": "x"}, Indicators: []IndicatorInput{{Code: "1.a", Text: surveys.Text{"en": "y"}}}}, "ind.0.code", "eloge.sets.code"},
		{"code zero", PrincipleInput{Number: 1, Title: surveys.Text{"en": "x"}, Indicators: []IndicatorInput{{Code: "1.0", Text: surveys.Text{"en": "y"}}}}, "ind.0.code", "eloge.sets.code"},
		{"unknown locale ignored", PrincipleInput{Number: 1, Title: surveys.Text{"de": "x"}}, "title", "eloge.sets.text_required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fe := ValidatePrinciple(tc.in)
			if fe[tc.field] != tc.key {
				t.Fatalf("errors = %v, want %s = %s", fe, tc.field, tc.key)
			}
		})
	}
	out, fe := ValidatePrinciple(PrincipleInput{Number: 3, Title: surveys.Text{"en": " T ", "sq": ""}, Indicators: []IndicatorInput{{}, {ID: 9, Delete: true}, {Code: " 3.1 ", Text: surveys.Text{"mk": " т "}}}})
	if len(fe) != 0 {
		t.Fatal(fe)
	}
	want := PrincipleInput{Number: 3, Title: surveys.Text{"en": "T"}, Description: surveys.Text{}, Indicators: []IndicatorInput{{ID: 9, Delete: true}, {Code: "3.1", Text: surveys.Text{"mk": "т"}}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Fatalf("cleaned (-want +got):\n%s", diff)
	}
}

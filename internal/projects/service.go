package projects

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/cache"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/translit"
)

// Places is what the registry needs of the places module; *places.Service
// implements it.
type Places interface {
	LSGs(ctx context.Context) ([]places.Place, error)
	ByCode(ctx context.Context, code string) (places.Place, error)
	ResolveLSG(ctx context.Context, name string) (places.Place, error)
}

// Actor is who makes a change: the account (UserID 0 for the system:
// demo data, an import) and the role it acts in. The public history shows
// the role only, never a person's name or e-mail; the audit log keeps the
// account.
type Actor struct {
	UserID int64
	Name   string // for the CLI's own messages (the import names its file); never shown
	Role   string // set by ActorOf: see the Actor* role terms; "" for the system
	IP     string
}

// The role terms of the public history: a role of the platform, with the
// place code of the LSG ("lsg_staff:ba-fbih-trnovo") where it is scoped to
// one.
const (
	ActorAdmin          = "admin"           // a platform administrator
	ActorOwnerOrg       = "owner_org"       // a programme manager of the owner organisation
	ActorPartnerOrg     = "partner_org"     // a programme manager of a participating organisation
	ActorLSGCoordinator = "lsg_coordinator" // + ":" + LSG code
	ActorLSGStaff       = "lsg_staff"       // + ":" + LSG code
	ActorEditor         = "editor"          // a signed-in editor in no role above
	ActorImport         = "import"          // an IATI import
	ActorSystem         = "system"          // demo data, the CLI
)

// ActorOf is u writing p, in the role that lets u edit p: a programme
// manager of its owner or of a participating organisation, a coordinator
// or staff of one of its LSGs, else an administrator.
func ActorOf(u *auth.User, p *Project) Actor {
	if u == nil {
		return Actor{Name: ActorSystem}
	}
	a := Actor{UserID: u.ID, Name: u.Name, Role: ActorEditor}
	switch {
	case p.OwnerOrg != "" && u.Has(auth.RoleProgrammeManager, auth.ScopeOrg, p.OwnerOrg):
		a.Role = ActorOwnerOrg
		return a
	case slices.ContainsFunc(p.Orgs, func(o Org) bool { return o.OrgID != "" && u.Has(auth.RoleProgrammeManager, auth.ScopeOrg, o.OrgID) }):
		a.Role = ActorPartnerOrg
		return a
	}
	for _, r := range []auth.Role{auth.RoleLSGCoordinator, auth.RoleLSGStaff} {
		for _, l := range p.Locations {
			if u.Has(r, auth.ScopeLSG, l.Place) {
				a.Role = string(r) + ":" + l.Place
				return a
			}
		}
	}
	if u.IsAdmin() {
		a.Role = ActorAdmin
	}
	return a
}

// role is the role term the history stores for a.
func (a Actor) role() string {
	switch {
	case a.Role != "":
		return a.Role
	case a.UserID != 0:
		return ActorEditor
	case strings.HasPrefix(a.Name, ActorImport):
		return ActorImport
	}
	return ActorSystem
}

// Service is the registry's API for pages, API, CLI and other modules.
type Service struct {
	d      *db.DB
	st     store
	places Places
	idx    search.Indexer
	cl     *Codelists
	log    *slog.Logger

	// The aggregates the pages and the API ask again and again. Every
	// write in this process empties them when it commits (invalidate);
	// writes made by other instances show after cacheTTL.
	rates  *cache.Cache[string, []Rate]     // the rate table, key ""
	dash   *cache.Cache[string, *Dashboard] // by currency
	donors *cache.Cache[string, []string]   // the donor names of the filter, key ""
	counts *cache.Cache[string, int]        // counts of list filters and facets
	state  *cache.Cache[string, string]     // the registry's state for ETags, key ""
}

// cacheTTL bounds how stale a cached aggregate may be when another
// instance wrote (writes in this process invalidate at once).
const cacheTTL = time.Minute

// NewService makes the service. idx may be nil (no search index).
func NewService(d *db.DB, pl Places, idx search.Indexer, log *slog.Logger) (*Service, error) {
	cl, err := LoadCodelists()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d, places: pl, idx: idx, cl: cl, log: log,
		rates:  cache.New[string, []Rate](cacheTTL, 1),
		dash:   cache.New[string, *Dashboard](cacheTTL, 16),
		donors: cache.New[string, []string](cacheTTL, 1),
		counts: cache.New[string, int](cacheTTL, 2000),
		state:  cache.New[string, string](cacheTTL, 1),
	}, nil
}

// Codelists are the IATI codelists used for labels and validation.
func (s *Service) Codelists() *Codelists { return s.cl }

// invalidate empties the aggregates a project write changes (the rates
// change only with LoadRates).
func (s *Service) invalidate() {
	s.dash.Clear()
	s.donors.Clear()
	s.counts.Clear()
	s.state.Clear()
}

type rowKeys struct {
	sortTitle, donors, search string
	facets                    []string // the filter values the project matches (project_facets)
}

func orgKey(name string) string { return translit.Fold(name).Search }

func (s *Service) keys(ctx context.Context, p *Project) rowKeys {
	var k rowKeys
	k.sortTitle = translit.Fold(p.Title()).Search
	if len(k.sortTitle) > 200 {
		k.sortTitle = k.sortTitle[:200]
	}
	k.donors = strings.Join(p.Donors(), "; ")
	parts := []string{p.PublicID, p.IATIIdentifier}
	for _, t := range p.Texts {
		parts = append(parts, t.Title)
	}
	parts = append(parts, s.names(ctx, p)...)
	k.search = " " + translit.Fold(strings.Join(parts, " ")).Search + " "
	k.facets = s.facets(ctx, p)
	return k
}

// names are the names of p's organisations and LSGs (for search).
func (s *Service) names(ctx context.Context, p *Project) []string {
	var out []string
	for _, o := range p.Orgs {
		out = append(out, o.Name)
	}
	for _, l := range p.Locations {
		if pl, err := s.places.ByCode(ctx, l.Place); err == nil {
			out = append(out, pl.NameLat)
		}
	}
	return out
}

// facets are the filter values p matches, as stored in project_facets:
// every project is in "all" and its status; its LSGs and the entities,
// cantons and districts they lie in; its donors by folded name; its DAC
// codes and their 3-digit categories.
func (s *Service) facets(ctx context.Context, p *Project) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	add(facetAll)
	add(facetStatus + strconv.Itoa(p.Status))
	for _, l := range p.Locations {
		add(facetLSG + l.Place)
		if pl, err := s.places.ByCode(ctx, l.Place); err == nil {
			for _, c := range []string{pl.EntityCode, pl.CantonCode, pl.ParentCode} {
				if c != "" {
					add(facetRegion + c)
				}
			}
		}
	}
	for _, o := range p.Orgs {
		if o.Role == RoleFunding {
			add(facetDonor + orgKey(o.Name))
		}
	}
	for _, c := range p.Sectors {
		add(facetDAC + c)
		if len(c) == 5 {
			add(facetDAC3 + c[:3])
		}
	}
	return out
}

// Facet prefixes of project_facets.
const (
	facetAll    = "all"
	facetStatus = "status:"
	facetLSG    = "lsg:"
	facetRegion = "region:"
	facetDonor  = "donor:"
	facetDAC    = "dac:"
	facetDAC3   = "dac3:"
)

// newPublicID makes a readable, unguessable public id: a slug of the title
// and eight random characters (31^8 ≈ 8.5·10^11 ids per title).
func newPublicID(title string) string {
	slug := auth.Slugify(title)
	if len(slug) > 48 {
		slug = strings.TrimRight(slug[:48], "-")
	}
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	var b [8]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return slug + "-" + string(b[:])
}

// normalise trims and de-duplicates what a person typed.
func normalise(p *Project) {
	var texts []Text
	for _, t := range p.Texts {
		t.Title, t.Summary, t.Objectives, t.Results = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary), strings.TrimSpace(t.Objectives), strings.TrimSpace(t.Results)
		if t.Title == "" && t.Summary == "" && t.Objectives == "" && t.Results == "" {
			continue
		}
		texts = append(texts, t)
	}
	p.Texts = texts
	slices.Sort(p.Sectors)
	p.Sectors = slices.Compact(p.Sectors)
	slices.Sort(p.Acquis)
	p.Acquis = slices.Compact(p.Acquis)
	slices.Sort(p.SDGs)
	p.SDGs = slices.Compact(p.SDGs)
	seen := map[string]bool{}
	var locs []Location
	for _, l := range p.Locations {
		if !seen[l.Place] {
			seen[l.Place] = true
			locs = append(locs, l)
		}
	}
	slices.SortFunc(locs, func(a, b Location) int { return strings.Compare(a.Place, b.Place) })
	p.Locations = locs
	for i := range p.Targets {
		slices.SortFunc(p.Targets[i].Actuals, func(a, b Actual) int { return strings.Compare(a.Date, b.Date) })
		p.Targets[i].Actuals = slices.CompactFunc(p.Targets[i].Actuals, func(a, b Actual) bool { return a.Date == b.Date })
	}
}

func (s *Service) knownLSG(ctx context.Context) func(string) bool {
	return func(code string) bool {
		pl, err := s.places.ByCode(ctx, code)
		return err == nil && pl.IsLSG()
	}
}

// Validate checks p as Create and Update would.
func (s *Service) Validate(ctx context.Context, p *Project) FieldErrors {
	normalise(p)
	return p.Validate(s.cl, s.knownLSG(ctx))
}

func (s *Service) parentID(ctx context.Context, q db.Querier, p *Project) (sql.NullInt64, error) {
	if p.Programme == "" {
		return sql.NullInt64{}, nil
	}
	id, kind, err := s.st.idKind(ctx, q, "public_id", p.Programme)
	if errors.Is(err, refuse.ErrNotFound) || (err == nil && (kind != KindProgramme || id == p.ID)) {
		return sql.NullInt64{}, FieldErrors{"programme": "projects.err.programme"}
	}
	if err != nil {
		return sql.NullInt64{}, fmt.Errorf("projects: programme %q: %w", p.Programme, err)
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// Create validates and stores a new project; p.PublicID is set.
func (s *Service) Create(ctx context.Context, a Actor, p *Project) error {
	if err := s.prepareCreate(ctx, p); err != nil {
		return err
	}
	return s.write(ctx, func(tx *db.Tx) error { return s.createTx(ctx, tx, a, p, nil) })
}

// write runs fn in a transaction and, once it is committed, empties the
// aggregates it changed.
func (s *Service) write(ctx context.Context, fn func(tx *db.Tx) error) error {
	if err := s.d.InTx(ctx, fn); err != nil {
		return err
	}
	s.invalidate()
	return nil
}

// prepareCreate validates p and sets its public id and euro value.
func (s *Service) prepareCreate(ctx context.Context, p *Project) error {
	if err := s.prepareUpdate(ctx, p); err != nil {
		return err
	}
	if p.PublicID == "" {
		p.PublicID = newPublicID(p.Title())
	}
	return nil
}

// createTx writes a prepared new project, its history and its search
// document in tx.
func (s *Service) createTx(ctx context.Context, tx *db.Tx, a Actor, p *Project, pend *pending) error {
	parent, err := s.parentID(ctx, tx, p)
	if err != nil {
		return err
	}
	if err := s.st.insert(ctx, tx, p, parent, s.keys(ctx, p)); err != nil {
		return err
	}
	return s.recordTx(ctx, tx, a, p, "create", Diff(nil, p), pend)
}

// recordTx adds the history entry of a written project and its search
// document in tx.
// The audit entry goes to pend when there is one (a batch writes its
// entries together), else straight into the log.
func (s *Service) recordTx(ctx context.Context, tx *db.Tx, a Actor, p *Project, action string, changes []FieldChange, pend *pending) error {
	diff, _ := json.Marshal(changes)
	if err := s.st.addHistory(ctx, tx, p.ID, a.UserID, a.role(), action, string(diff)); err != nil {
		return err
	}
	e := projectEntry(a, p.PublicID, action, changes)
	if pend != nil {
		pend.audits = append(pend.audits, e)
	} else if err := audit.Record(ctx, tx, e); err != nil {
		return err
	}
	return s.index(ctx, tx, p)
}

// pending is what a batch of writes records together, with one statement
// each, before it commits: audit entries and the imported activities' IATI
// sources.
type pending struct {
	audits  []audit.Entry
	sources []sourceRow
}

// sourceRow is the IATI source of a new project.
type sourceRow struct {
	id     int64
	source string
}

// flush writes what pend collected, in tx.
func (s *Service) flush(ctx context.Context, tx *db.Tx, pend *pending) error {
	if err := audit.RecordMany(ctx, tx, pend.audits); err != nil {
		return err
	}
	if err := s.st.insertSources(ctx, tx, pend.sources); err != nil {
		return err
	}
	pend.audits, pend.sources = pend.audits[:0], pend.sources[:0]
	return nil
}

// projectEntry is the audit entry of a write of the project publicID: the
// role, the fields changed and, in full, the budget and the transactions
// before and after.
func projectEntry(a Actor, publicID, action string, changes []FieldChange) audit.Entry {
	details := map[string]string{"role": a.role()}
	var fields []string
	for _, c := range changes {
		fields = append(fields, c.Field)
		if c.Field == "budget" || c.Field == "transactions" {
			details[c.Field+".old"], details[c.Field+".new"] = c.Old, c.New
		}
	}
	if len(fields) > 0 {
		details["fields"] = strings.Join(fields, ", ")
	}
	return audit.Entry{ActorID: a.UserID, Action: "projects.project." + action, ObjectKind: "project", ObjectRef: publicID, Details: details, IP: a.IP}
}

// Update stores a changed project; version is the version the person
// edited (a newer one in the database gives refuse.ErrConflict).
func (s *Service) Update(ctx context.Context, a Actor, p *Project, version int) error {
	if err := s.prepareUpdate(ctx, p); err != nil {
		return err
	}
	return s.write(ctx, func(tx *db.Tx) error {
		old, err := s.st.byWhere(ctx, tx, "p.public_id = ?", p.PublicID)
		if err != nil {
			return err
		}
		return s.updateTx(ctx, tx, a, old, p, version, nil)
	})
}

// prepareUpdate validates p and sets its euro value.
func (s *Service) prepareUpdate(ctx context.Context, p *Project) error {
	if fe := s.Validate(ctx, p); fe != nil {
		return fe
	}
	if v, err := s.valueEUR(ctx, p); err == nil {
		p.ValueEUR = v
	}
	return nil
}

// updateTx writes the prepared change of old into p in tx, with its
// history and search document; nothing is written when nothing changed.
func (s *Service) updateTx(ctx context.Context, tx *db.Tx, a Actor, old, p *Project, version int, pend *pending) error {
	p.ID, p.CreatedAt = old.ID, old.CreatedAt
	parent, err := s.parentID(ctx, tx, p)
	if err != nil {
		return err
	}
	changes := Diff(old, p)
	if len(changes) == 0 {
		p.Version, p.UpdatedAt = old.Version, old.UpdatedAt
		return nil
	}
	if err := s.st.update(ctx, tx, p, parent, s.keys(ctx, p), version); err != nil {
		return err
	}
	return s.recordTx(ctx, tx, a, p, "update", changes, pend)
}

// Delete hides a project (soft delete, kept in the history).
func (s *Service) Delete(ctx context.Context, a Actor, publicID string) error {
	return s.write(ctx, func(tx *db.Tx) error {
		p, err := s.st.byWhere(ctx, tx, "p.public_id = ?", publicID)
		if err != nil {
			return err
		}
		if err := s.st.softDelete(ctx, tx, p); err != nil {
			return err
		}
		if err := s.st.addHistory(ctx, tx, p.ID, a.UserID, a.role(), "delete", "[]"); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, projectEntry(a, p.PublicID, "delete", nil)); err != nil {
			return err
		}
		if s.idx != nil {
			return s.idx.Delete(ctx, tx, "project", p.PublicID)
		}
		return nil
	})
}

func (s *Service) index(ctx context.Context, q db.Querier, p *Project) error {
	if s.idx == nil {
		return nil
	}
	if err := s.idx.Upsert(ctx, q, s.document(ctx, p)); err != nil {
		return fmt.Errorf("projects: index %q: %w", p.PublicID, err)
	}
	return nil
}

// Documents hands every project to put as a search document (for a full
// rebuild of the index).
func (s *Service) Documents(ctx context.Context, put func(search.Document) error) error {
	return s.Each(ctx, Filter{}, func(p *Project) error { return put(s.document(ctx, p)) })
}

// document is the search document of a project: titles in every language,
// donors, partners and LSG names, summaries.
func (s *Service) document(ctx context.Context, p *Project) search.Document {
	doc := search.Document{Type: search.TypeProject, ID: p.PublicID, Lang: p.DefaultLang, Year: p.StartYear(), Title: p.Title(), URL: "/projects/" + p.PublicID}
	if len(p.Locations) == 1 {
		doc.LSG = p.Locations[0].Place
	}
	var titles, summaries []string
	for _, t := range p.Texts {
		titles = append(titles, t.Title)
		summaries = append(summaries, t.Summary)
	}
	names := s.names(ctx, p)
	doc.Fields = []search.Field{
		{Name: "title", Text: strings.Join(titles, "\n"), Weight: 4},
		{Name: "names", Text: strings.Join(names, "\n"), Weight: 3, IsName: true},
		{Name: "summary", Text: strings.Join(summaries, "\n"), Weight: 2},
	}
	return doc
}

// Get returns a project by its public id (refuse.ErrNotFound when none).
func (s *Service) Get(ctx context.Context, publicID string) (*Project, error) {
	p, err := s.st.byWhere(ctx, s.d, "p.public_id = ?", publicID)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ByIATI returns a project by its IATI identifier.
func (s *Service) ByIATI(ctx context.Context, id string) (*Project, error) {
	return s.st.byWhere(ctx, s.d, "p.iati_identifier = ?", id)
}

// History lists the changes of a project, newest first.
func (s *Service) History(ctx context.Context, p *Project) ([]HistoryEntry, error) {
	hs, diffs, err := s.st.history(ctx, s.d, p.ID)
	if err != nil {
		return nil, err
	}
	for i := range hs {
		_ = json.Unmarshal([]byte(diffs[i]), &hs[i].Diff)
	}
	return hs, nil
}

// Programmes lists the programmes (for the form's programme choice).
func (s *Service) Programmes(ctx context.Context) ([]*Project, error) {
	res, err := s.List(ctx, Filter{Kind: KindProgramme, Sort: "title", PerPage: 200})
	if err != nil {
		return nil, err
	}
	return res.Items, nil
}

// Diff lists the fields that differ between old (nil for a new project)
// and p, as shown on the history page.
func Diff(old, p *Project) []FieldChange {
	a := map[string]string{}
	if old != nil {
		a = flatten(old)
	}
	b := flatten(p)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []FieldChange
	for _, k := range sortedKeys(keys) {
		if a[k] != b[k] {
			out = append(out, FieldChange{Field: k, Old: a[k], New: b[k]})
		}
	}
	return out
}

func flatten(p *Project) map[string]string {
	m := map[string]string{
		"kind": p.Kind, "status": strconv.Itoa(p.Status), "default_lang": p.DefaultLang, "iati_identifier": p.IATIIdentifier,
		"programme": p.Programme, "planned_start": p.PlannedStart, "planned_end": p.PlannedEnd, "actual_start": p.ActualStart,
		"actual_end": p.ActualEnd, "budget": p.Budget.String(), "website": p.Website, "contact": strings.TrimSpace(p.ContactName + " " + p.ContactEmail + " " + p.ContactPhone),
		"sectors": strings.Join(p.Sectors, ", "), "acquis": strings.Join(joinInts(p.Acquis), ", "), "sdgs": strings.Join(joinInts(p.SDGs), ", "),
		"lsgs": strings.Join(p.Places(), ", "), "owner_org": p.OwnerOrg,
	}
	if p.FundingYear != 0 {
		m["funding_year"] = strconv.Itoa(p.FundingYear)
	}
	for _, t := range p.Texts {
		m["title."+t.Lang], m["summary."+t.Lang], m["objectives."+t.Lang], m["results."+t.Lang] = t.Title, t.Summary, t.Objectives, t.Results
	}
	var lines []string
	for _, o := range p.Orgs {
		lines = append(lines, fmt.Sprintf("%d %s %s", o.Role, o.Name, o.Ref))
	}
	m["organisations"] = strings.Join(lines, "; ")
	lines = nil
	for _, t := range p.Transactions {
		lines = append(lines, fmt.Sprintf("%d %s %s %s", t.Type, t.Date, t.Amount.String(), t.Note))
	}
	m["transactions"] = strings.Join(lines, "; ")
	lines = nil
	for _, t := range p.Targets {
		l := fmt.Sprintf("%s: %d", t.Label, t.Target)
		for _, a := range t.Actuals {
			l += fmt.Sprintf(" [%s %d]", a.Date, a.Value)
		}
		lines = append(lines, l)
	}
	m["targets"] = strings.Join(lines, "; ")
	lines = nil
	for _, x := range p.Milestones {
		lines = append(lines, fmt.Sprintf("%s %s %v", x.Date, x.Title, x.Done))
	}
	m["milestones"] = strings.Join(lines, "; ")
	lines = nil
	for _, l := range p.Links {
		lines = append(lines, l.Title+" "+l.URL)
	}
	m["links"] = strings.Join(lines, "; ")
	for k, v := range m {
		if v == "" || v == "0" && k == "status" {
			delete(m, k)
		}
	}
	return m
}

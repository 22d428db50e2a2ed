package grants

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/google/uuid"
)

func matches(c *Call, q string) bool {
	key := translit.Fold(q).Search
	if key == "" {
		return true
	}
	for _, t := range c.Texts {
		if strings.Contains(translit.Fold(t.Title+" "+c.Funder).Search, key) {
			return true
		}
	}
	return false
}

// CanApplyFor reports whether u may act for the organisation in calls.
func CanApplyFor(u *auth.User, orgPID string) bool {
	return auth.Can(u, auth.ActManageOrg, auth.Object{Org: orgPID})
}

// ApplicantOrgs are the organisations u acts for.
func ApplicantOrgs(u *auth.User) []string {
	if u == nil {
		return nil
	}
	var out []string
	for _, g := range u.Grants {
		if g.ScopeKind == auth.ScopeOrg && CanApplyFor(u, g.ScopeRef) {
			dup := false
			for _, o := range out {
				dup = dup || o == g.ScopeRef
			}
			if !dup {
				out = append(out, g.ScopeRef)
			}
		}
	}
	return out
}

// NotEligible lists the questions whose answers exclude the applicant.
func NotEligible(c *Call, answers map[string]string) []Question {
	var out []Question
	for _, q := range c.Eligibility {
		want := "no"
		if q.Want {
			want = "yes"
		}
		if answers[q.Key] != want {
			out = append(out, q)
		}
	}
	return out
}

// Start opens an organisation's application with its eligibility answers
// (or changes the answers of its draft). An applicant that is not eligible
// gets no form; the page says why.
func (s *Applications) Start(ctx context.Context, u *auth.User, c *Call, orgPID string, answers map[string]string, m Meta) (*Application, error) {
	if !CanApplyFor(u, orgPID) {
		return nil, refuse.ErrForbidden
	}
	if !c.AcceptsAt(s.Now()) {
		return nil, ErrClosed
	}
	if err := s.ownCall(ctx, u, c, orgPID); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	clean := map[string]string{}
	for _, q := range c.Eligibility {
		v := answers[q.Key]
		if v != "yes" && v != "no" {
			fe[q.Key] = "grants.eligibility.answer"
			continue
		}
		clean[q.Key] = v
	}
	if len(fe) > 0 {
		return nil, fe
	}
	org, err := s.dir.Organisation(ctx, orgPID)
	if err != nil {
		return nil, err
	}
	eligible := len(NotEligible(c, clean)) == 0
	var app *Application
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.Now()
		existing, err := appByCallOrg(ctx, tx, c.ID, orgPID)
		switch {
		case errors.Is(err, refuse.ErrNotFound):
			pid := uuid.NewString()
			if err := insertApp(ctx, tx, pid, c.ID, orgPID, org.Name, clean, eligible, u.ID, now); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "grants.application.start", ObjectKind: "grant_application", ObjectRef: pid, Details: map[string]string{"call": c.Slug, "eligible": strconv.FormatBool(eligible)}, IP: m.IP}); err != nil {
				return err
			}
			app, err = appBy(ctx, tx, "public_id", pid)
			return err
		case err != nil:
			return err
		}
		if existing.Status == AppSubmitted {
			return ErrState
		}
		if err := setEligibility(ctx, tx, existing.ID, clean, eligible, u.ID, now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "grants.application.eligibility", ObjectKind: "grant_application", ObjectRef: existing.PublicID, Details: map[string]string{"eligible": strconv.FormatBool(eligible)}, IP: m.IP}); err != nil {
			return err
		}
		app, err = appBy(ctx, tx, "id", existing.ID)
		return err
	})
	if err != nil {
		return nil, wrap("Start", err)
	}
	return app, nil
}

// ApplicationOf returns the application of an organisation to a call.
func (s *Applications) Of(ctx context.Context, callID int64, orgPID string) (*Application, error) {
	return appByCallOrg(ctx, s.db, callID, orgPID)
}

// Application returns one application by its public id.
func (s *core) application(ctx context.Context, pid string) (*Application, error) {
	if len(pid) > 64 {
		return nil, refuse.ErrNotFound
	}
	return appBy(ctx, s.db, "public_id", pid)
}

// Get returns one application by its public id.
func (s *Applications) Get(ctx context.Context, pid string) (*Application, error) {
	return s.application(ctx, pid)
}

// OrgsFor are the organisations u may apply for to c: those u acts for,
// less the call's publisher; none when u is one of the publisher's people
// (they do not apply to their own call).
func (s *Applications) OrgsFor(ctx context.Context, u *auth.User, c *Call) ([]string, error) {
	var out []string
	for _, org := range ApplicantOrgs(u) {
		err := s.ownCall(ctx, u, c, org)
		if errors.Is(err, ErrOwnCall) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, org)
	}
	return out, nil
}

// MyApplications lists the applications of the organisations u acts for.
func (s *Applications) Mine(ctx context.Context, u *auth.User) ([]*Application, error) {
	var out []*Application
	for _, org := range ApplicantOrgs(u) {
		apps, err := appsOfOrg(ctx, s.db, org)
		if err != nil {
			return nil, err
		}
		out = append(out, apps...)
	}
	return out, nil
}

// Draft is what a member typed into the form.
type Draft struct {
	Version int               // the version the member loaded
	Title   string            // the project's title
	JIB     string            // the organisation's registration number (JIB), optional
	Values  map[string]string // field key -> value
	Budget  []BudgetLineInput
	Files   map[string]Upload // field key -> a new file
}

// BudgetLineInput is a budget line as typed.
type BudgetLineInput struct{ Item, Cost, Requested string }

// readDraft checks formats and computes the budget; rule checks (required
// fields, own share, grant limits) are submit's.
func readDraft(c *Call, d Draft) (map[string]string, []BudgetLine, int64, int64, FieldErrors) {
	fe := FieldErrors{}
	vals := map[string]string{}
	var lines []BudgetLine
	var total, requested int64
	if !validText(d.Title, 200) {
		fe["title"] = "grants.too_long"
	}
	if jib := strings.TrimSpace(d.JIB); jib != "" && !ValidJIB(jib) {
		fe["jib"] = "grants.jib.invalid"
	}
	for _, f := range c.Form {
		switch f.Type {
		case FieldBudget:
			l, t, r := readBudget(fe, d.Budget, c.Currency)
			lines, total, requested = append(lines, l...), total+t, requested+r
			if len(lines) > 50 {
				fe[f.Key] = "grants.budget.too_many"
			}
			continue
		case FieldFile:
			continue
		}
		v := strings.TrimSpace(d.Values[f.Key])
		if k := checkValue(f, v, c.Currency); k != "" {
			fe[f.Key] = k
		}
		if v != "" {
			vals[f.Key] = v
		}
	}
	return vals, lines, total, requested, fe
}

// readBudget reads the budget lines typed (skipping empty ones) and sums
// their costs and the amounts requested.
func readBudget(fe FieldErrors, in []BudgetLineInput, cur string) (lines []BudgetLine, total, requested int64) {
	for i, l := range in {
		item := strings.TrimSpace(l.Item)
		if item == "" && strings.TrimSpace(l.Cost) == "" && strings.TrimSpace(l.Requested) == "" {
			continue
		}
		key := "budget_" + strconv.Itoa(i)
		if item == "" || !validText(item, 200) {
			fe[key+"_item"] = "form.required"
		}
		cost, err1 := money.Parse(l.Cost, cur)
		req := money.Amount{Currency: cur}
		var err2 error
		if strings.TrimSpace(l.Requested) != "" {
			req, err2 = money.Parse(l.Requested, cur)
		}
		switch {
		case err1 != nil:
			fe[key+"_cost"] = "grants.amount.invalid"
		case cost.Minor <= 0:
			fe[key+"_cost"] = "grants.budget.negative"
		}
		switch {
		case err2 != nil:
			fe[key+"_requested"] = "grants.amount.invalid"
		case req.Minor < 0:
			fe[key+"_requested"] = "grants.budget.negative"
		case err1 == nil && req.Minor > cost.Minor:
			fe[key+"_requested"] = "grants.budget.requested_over_cost"
		}
		lines = append(lines, BudgetLine{Item: item, Cost: cost.Minor, Requested: req.Minor})
		total += cost.Minor
		requested += req.Minor
	}
	return lines, total, requested
}

// checkValue is the catalogue key of what is wrong with the value v of a
// form field in its format, or "" (an empty value is submit's concern).
func checkValue(f Field, v, cur string) string {
	switch f.Type {
	case FieldText:
		if !validText(v, 500) || strings.ContainsAny(v, "\r\n") {
			return "grants.too_long"
		}
	case FieldLongText:
		if !validText(v, 10000) {
			return "grants.too_long"
		}
	}
	if v == "" {
		return ""
	}
	switch f.Type {
	case FieldNumber:
		if _, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64); err != nil || len(v) > 30 {
			return "grants.number.invalid"
		}
	case FieldMoney:
		if a, err := money.Parse(v, cur); err != nil || a.Minor < 0 {
			return "grants.amount.invalid"
		}
	case FieldDate:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "grants.date.invalid"
		}
	case FieldChoice:
		if !slices.Contains(f.Options, v) {
			return "form.invalid_choice"
		}
	}
	return ""
}

// CheckRules are the checks before submission: required fields, the budget
// against the grant limits and the own-share rule.
func CheckRules(c *Call, a *Application) FieldErrors {
	fe := FieldErrors{}
	if strings.TrimSpace(a.Title) == "" {
		fe["title"] = "form.required"
	}
	for _, f := range c.Form {
		if !f.Required {
			continue
		}
		if f.Type == FieldBudget {
			if len(a.Budget) == 0 {
				fe[f.Key] = "grants.budget.empty"
			}
			continue
		}
		if a.Answers[f.Key] == "" {
			fe[f.Key] = "form.required"
		}
	}
	hasBudget := false
	for _, f := range c.Form {
		hasBudget = hasBudget || f.Type == FieldBudget
	}
	if hasBudget && len(a.Budget) > 0 {
		switch {
		case a.Requested > c.Max:
			fe["budget"] = "grants.budget.over_max"
		case a.Requested < c.Min:
			fe["budget"] = "grants.budget.under_min"
		case a.OwnSharePermille() < int64(c.OwnSharePct)*10:
			fe["budget"] = "grants.budget.own_share"
		}
	}
	return fe
}

// CanEdit reports whether u may edit (or see) an application as its applicant.
func CanEdit(u *auth.User, a *Application) bool { return CanApplyFor(u, a.OrgPID) }

// Save stores a draft. A version other than the stored one means another
// member saved since the page was loaded: nothing is overwritten and
// ErrStale says so.
func (s *Applications) Save(ctx context.Context, u *auth.User, c *Call, pid string, d Draft, m Meta) (*Application, error) {
	a, err := s.editable(ctx, u, c, pid)
	if err != nil {
		return nil, err
	}
	if a.Status != AppDraft || !a.Eligible {
		return nil, ErrState
	}
	vals, lines, total, requested, fe := readDraft(c, d)
	for key, up := range d.Files {
		if k := checkUpload(up); k != "" {
			fe[key] = k
		}
	}
	if len(fe) > 0 {
		return nil, fe
	}
	// Files kept from earlier saves.
	for _, f := range c.Form {
		if f.Type == FieldFile && a.Answers[f.Key] != "" {
			if _, replaced := d.Files[f.Key]; !replaced {
				vals[f.Key] = a.Answers[f.Key]
			}
		}
	}
	var stored []string
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for key, up := range d.Files {
			f, err := s.storeFile(ctx, tx, u, "application", a.ID, key, up)
			if err != nil {
				return err
			}
			stored = append(stored, f.PublicID)
			vals[key] = f.PublicID
		}
		draft := &Application{ID: a.ID, Version: d.Version, Title: strings.TrimSpace(d.Title), OrgJIB: strings.TrimSpace(d.JIB), Answers: vals, Budget: lines, TotalCost: total, Requested: requested}
		if err := saveDraft(ctx, tx, draft, u.ID, s.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "grants.application.save", ObjectKind: "grant_application", ObjectRef: a.PublicID, Details: map[string]string{"version": strconv.Itoa(d.Version + 1)}, IP: m.IP})
	})
	if err != nil {
		s.removeFiles(stored)
		return nil, wrap("Save", err)
	}
	return s.application(ctx, pid)
}

// Receipt is the canonical content of a submission; its SHA-256 is the
// receipt's hash.
type Receipt struct {
	Application  string            `json:"application"`
	Call         string            `json:"call"`
	Organisation string            `json:"organisation"`
	Title        string            `json:"title"`
	Eligibility  map[string]string `json:"eligibility"`
	Answers      map[string]string `json:"answers"`
	Budget       []BudgetLine      `json:"budget"`
	Currency     string            `json:"currency"`
	Files        map[string]string `json:"files"` // field key -> SHA-256 of the file
	SubmittedAt  string            `json:"submitted_at"`
}

// Canonical is the receipt's canonical JSON (sorted keys, no spaces).
func (r Receipt) Canonical() []byte {
	if r.Budget == nil {
		r.Budget = []BudgetLine{}
	}
	b, _ := json.Marshal(r)
	return b
}

// Hash is the hex SHA-256 of the canonical content.
func (r Receipt) Hash() string {
	sum := sha256.Sum256(r.Canonical())
	return hex.EncodeToString(sum[:])
}

// ReceiptOf rebuilds the receipt of a submitted application.
func (s *Applications) ReceiptOf(ctx context.Context, c *Call, a *Application) (Receipt, error) {
	files, err := filesOf(ctx, s.db, "application", a.ID)
	if err != nil {
		return Receipt{}, err
	}
	r := Receipt{Application: a.PublicID, Call: c.Slug, Organisation: a.OrgPID, Title: a.Title, Eligibility: a.Eligibility, Answers: a.Answers, Budget: a.Budget, Currency: c.Currency, Files: map[string]string{}}
	for _, f := range files {
		if a.Answers[f.Field] == f.PublicID {
			r.Files[f.Field] = f.SHA256
		}
	}
	if a.SubmittedAt.Valid {
		r.SubmittedAt = a.SubmittedAt.Time.UTC().Format(time.RFC3339)
	}
	return r, nil
}

// Submit submits an application before the deadline and returns it with
// its receipt. Submitting twice (two tabs) gives one submission: the
// second call finds it submitted and returns the same receipt.
func (s *Applications) Submit(ctx context.Context, u *auth.User, c *Call, pid string, version int, m Meta) (*Application, error) {
	a, err := s.application(ctx, pid)
	if err != nil {
		return nil, err
	}
	if a.CallID != c.ID || !CanEdit(u, a) {
		return nil, refuse.ErrNotFound
	}
	if a.Status == AppSubmitted {
		return a, nil
	}
	now := s.Now()
	if !c.AcceptsAt(now) {
		return nil, ErrClosed
	}
	if a.Status != AppDraft || !a.Eligible {
		return nil, ErrState
	}
	if a.Version != version {
		return nil, ErrStale
	}
	if fe := CheckRules(c, a); len(fe) > 0 {
		return nil, fe
	}
	a.SubmittedAt.Time, a.SubmittedAt.Valid = now, true
	r, err := s.ReceiptOf(ctx, c, a)
	if err != nil {
		return nil, err
	}
	hash := r.Hash()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := submitApp(ctx, tx, a.ID, version, hash, u.ID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "grants.application.submit", ObjectKind: "grant_application", ObjectRef: a.PublicID, Details: map[string]string{"sha256": hash}, IP: m.IP})
	})
	if errors.Is(err, ErrStale) {
		// The other tab may have submitted the same version a moment ago.
		if again, err2 := s.application(ctx, pid); err2 == nil && again.Status == AppSubmitted {
			return again, nil
		}
	}
	if err != nil {
		return nil, wrap("Submit", err)
	}
	return s.application(ctx, pid)
}

// editable is u's application pid to c while c accepts applications
// (refuse.ErrNotFound when it is not u's to change, ErrClosed after the
// deadline).
func (s *Applications) editable(ctx context.Context, u *auth.User, c *Call, pid string) (*Application, error) {
	a, err := s.application(ctx, pid)
	if err != nil {
		return nil, err
	}
	if a.CallID != c.ID || !CanEdit(u, a) {
		return nil, refuse.ErrNotFound
	}
	if !c.AcceptsAt(s.Now()) {
		return nil, ErrClosed
	}
	return a, nil
}

// Withdraw takes a submitted or draft application back before the deadline.
func (s *Applications) Withdraw(ctx context.Context, u *auth.User, c *Call, pid string, m Meta) error {
	a, err := s.editable(ctx, u, c, pid)
	if err != nil {
		return err
	}
	if a.Status == AppWithdrawn {
		return nil
	}
	return wrap("Withdraw", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := setAppStatus(ctx, tx, a.ID, AppWithdrawn, u.ID, s.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "grants.application.withdraw", ObjectKind: "grant_application", ObjectRef: a.PublicID, IP: m.IP})
	}))
}

// Reopen turns a withdrawn application back into a draft before the deadline.
func (s *Applications) Reopen(ctx context.Context, u *auth.User, c *Call, pid string, m Meta) error {
	a, err := s.editable(ctx, u, c, pid)
	if err != nil {
		return err
	}
	if a.Status != AppWithdrawn {
		return ErrState
	}
	return wrap("Reopen", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := setAppStatus(ctx, tx, a.ID, AppDraft, u.ID, s.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "grants.application.reopen", ObjectKind: "grant_application", ObjectRef: a.PublicID, IP: m.IP})
	}))
}

// Applications lists a call's applications that its managers may see:
// submitted and withdrawn ones (drafts belong to the applicant).
func (s *Applications) List(ctx context.Context, c *Call) ([]*Application, error) {
	return submittedApps(ctx, s.db, c.ID)
}

// Files lists an application's (or call's, report's) attachments.
func (s *Applications) Files(ctx context.Context, kind string, owner int64) ([]File, error) {
	return filesOf(ctx, s.db, kind, owner)
}

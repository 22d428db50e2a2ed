package surveys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Refusals a respondent or a manager can meet beside the shared ones of
// internal/refuse; each is a flavour of one of those (errors.Is holds),
// and ErrorKey gives each its catalogue key.
var (
	ErrClosed          = fmt.Errorf("surveys: not open: %w", refuse.ErrConflict)
	ErrAlreadyAnswered = fmt.Errorf("surveys: already answered: %w", refuse.ErrConflict)
	ErrTokenUsed       = fmt.Errorf("surveys: token already used: %w", refuse.ErrConflict)
	ErrTokenInvalid    = fmt.Errorf("surveys: unknown token: %w", refuse.ErrInvalid)
	ErrNoBrowser       = fmt.Errorf("surveys: no browser token: %w", refuse.ErrForbidden)
	ErrHasResponses    = fmt.Errorf("surveys: the questions of a survey with answers cannot change: %w", refuse.ErrConflict)
)

// errorKeys are the catalogue keys of the refusals, the survey's own
// before the shared ones they are flavours of.
var errorKeys = []struct {
	err error
	key string
}{
	{ErrClosed, "surveys.err.closed"}, {ErrAlreadyAnswered, "surveys.err.already"}, {ErrTokenUsed, "surveys.err.token_used"},
	{ErrTokenInvalid, "surveys.err.token_invalid"}, {ErrNoBrowser, "surveys.err.cookies"}, {ErrHasResponses, "surveys.err.has_responses"},
	{refuse.ErrRateLimited, "surveys.err.rate"}, {refuse.ErrSignIn, "surveys.err.signin"}, {refuse.ErrForbidden, "surveys.err.forbidden"},
}

// ErrorKey is the catalogue key of a refusal ("" for other errors).
func ErrorKey(err error) string {
	for _, e := range errorKeys {
		if errors.Is(err, e.err) {
			return e.key
		}
	}
	return ""
}

// Options tune the service.
type Options struct {
	// RateLimit is how many public answers one IP address may send to one
	// survey per RateWindow (a household, a school or a kiosk shares one).
	RateLimit  int
	RateWindow time.Duration
	// Now is the clock (tests); nil for time.Now.
	Now func() time.Time
}

// Service holds the rules of the survey engine.
type Service struct {
	db   *db.DB
	st   store
	opts Options
}

// NewService makes the service.
func NewService(d *db.DB, o Options) *Service {
	if o.RateLimit <= 0 {
		o.RateLimit = 30
	}
	if o.RateWindow <= 0 {
		o.RateWindow = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: d, st: newStore(), opts: o}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.opts.Now() }

// DB is the database (for the ELoGE package's transactions).
func (s *Service) DB() *db.DB { return s.db }

// CanManage reports whether u manages the survey: the team of its LSG, the
// representatives of its organisation, administrators.
func CanManage(u *auth.User, sv *Survey) bool {
	switch sv.OwnerKind {
	case OwnerLSG:
		return auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: sv.OwnerRef})
	case OwnerOrg:
		return auth.Can(u, auth.ActManageOrg, auth.Object{Org: sv.OwnerRef})
	}
	return false
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NewKey is a fresh idempotency key or browser token.
func NewKey() string { return randomHex(16) }

func hashOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

const tokenAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func newTokenCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	out := make([]byte, 0, 11)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, tokenAlphabet[int(c)%len(tokenAlphabet)])
	}
	return string(out)
}

// NormalizeToken makes a typed token comparable ("k7m2q xp9rt" -> "K7M2Q-XP9RT").
func NormalizeToken(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if strings.ContainsRune(tokenAlphabet, r) {
			b.WriteRune(r)
		}
	}
	t := b.String()
	if len(t) != 10 {
		return t
	}
	return t[:5] + "-" + t[5:]
}

// Input is what a manager sets on a survey.
type Input struct {
	OwnerKind, OwnerRef string
	Template            string
	Title               Text
	Def                 *Definition
	Audience            string
	Status              string
	OpensAt, ClosesAt   sql.Null[time.Time]
	ResultsPublic       bool
}

// FieldErrors maps form fields to catalogue keys (the one type of internal/web).
type FieldErrors = refuse.FieldErrors

func validate(in *Input) FieldErrors {
	fe := FieldErrors{}
	if !validText(in.Title) {
		fe["title"] = "surveys.form.title.required"
	}
	switch in.Audience {
	case AudiencePublic, AudienceAccount, AudienceToken:
	default:
		fe["audience"] = "form.invalid_choice"
	}
	switch in.Status {
	case StatusDraft, StatusOpen, StatusClosed:
	default:
		fe["status"] = "form.invalid_choice"
	}
	if in.OpensAt.Valid && in.ClosesAt.Valid && !in.OpensAt.V.Before(in.ClosesAt.V) {
		fe["closes_at"] = "surveys.form.dates"
	}
	if in.Def == nil {
		fe["definition"] = "surveys.def.empty"
	} else if err := in.Def.Validate(); err != nil {
		var de *DefinitionError
		if errors.As(err, &de) {
			fe["definition"] = de.Key
		}
	}
	if in.OwnerKind != OwnerLSG && in.OwnerKind != OwnerOrg || in.OwnerRef == "" || len(in.OwnerRef) > 100 {
		fe["owner"] = "form.invalid_choice"
	}
	return fe
}

// Create stores a new survey. actor nil is the system (demo, ELoGE
// generation on behalf of an authorised caller).
func (s *Service) Create(ctx context.Context, actor *auth.User, in Input) (*Survey, error) {
	if fe := validate(&in); len(fe) > 0 {
		return nil, fe
	}
	sv := &Survey{PublicID: randomHex(6), OwnerKind: in.OwnerKind, OwnerRef: in.OwnerRef, Template: in.Template, Title: in.Title, Def: in.Def,
		Audience: in.Audience, Status: in.Status, OpensAt: in.OpensAt, ClosesAt: in.ClosesAt, ResultsPublic: in.ResultsPublic}
	if actor != nil {
		if !CanManage(actor, sv) {
			return nil, refuse.ErrForbidden
		}
		sv.CreatedBy = actor.ID
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.insertSurvey(ctx, tx, sv); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: sv.CreatedBy, Action: "survey.create", ObjectKind: "survey", ObjectRef: sv.PublicID, Details: map[string]string{"owner": sv.OwnerRef, "template": sv.Template}})
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// Update changes a survey's settings; its questions may change only while
// nobody has answered.
func (s *Service) Update(ctx context.Context, actor *auth.User, sv *Survey, in Input) error {
	if actor != nil && !CanManage(actor, sv) {
		return refuse.ErrForbidden
	}
	in.OwnerKind, in.OwnerRef = sv.OwnerKind, sv.OwnerRef
	if fe := validate(&in); len(fe) > 0 {
		return fe
	}
	cur, err := s.st.surveyByPublicID(ctx, s.db, sv.PublicID)
	if err != nil {
		return err
	}
	sv.Responses = cur.Responses
	if sv.Responses > 0 && string(in.Def.Marshal()) != string(sv.Def.Marshal()) {
		return ErrHasResponses
	}
	next := *sv
	next.Title, next.Def, next.Audience, next.Status, next.OpensAt, next.ClosesAt, next.ResultsPublic = in.Title, in.Def, in.Audience, in.Status, in.OpensAt, in.ClosesAt, in.ResultsPublic
	if sv.Responses > 0 && next.Audience != sv.Audience {
		return ErrHasResponses
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.updateSurvey(ctx, tx, &next); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "survey.update", ObjectKind: "survey", ObjectRef: sv.PublicID, Details: map[string]string{"status": next.Status}})
	})
	if err != nil {
		return err
	}
	*sv = next
	return nil
}

func actorID(u *auth.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// ByPublicID returns one survey.
func (s *Service) ByPublicID(ctx context.Context, pid string) (*Survey, error) {
	if len(pid) > 40 {
		return nil, refuse.ErrNotFound
	}
	return s.st.surveyByPublicID(ctx, s.db, pid)
}

// List lists surveys.
func (s *Service) List(ctx context.Context, f ListFilter) ([]*Survey, error) {
	return s.st.listSurveys(ctx, s.db, f)
}

// Submission is one filled-in questionnaire.
type Submission struct {
	IdemKey      string // from the form; the same key twice stores once
	Answers      []Answer
	Channel      string // "web" or "paper"
	Lang         string
	BrowserToken string // public audience: the browser's random cookie
	UserID       int64  // account audience: the signed-in person
	Token        string // token audience: the invitation token
	IP           string // public audience: for the rate limit
}

// Receipt says what happened to a submission.
type Receipt struct {
	ResponseID string
	Duplicate  bool // the same idempotency key was stored before: nothing new
}

var errDuplicate = errors.New("surveys: duplicate idempotency key")

// Submit stores a response exactly once. In one transaction it inserts the
// response under its idempotency key (a retry or a double click finds the
// key and stores nothing), records that this browser, account or token has
// answered (without linking that record to the response), and adds the
// answers and their running totals.
func (s *Service) Submit(ctx context.Context, sv *Survey, sub Submission) (Receipt, error) {
	if sub.Channel == "" {
		sub.Channel = "web"
	}
	now := s.opts.Now()
	if err := admit(sv, &sub, now); err != nil {
		return Receipt{}, err
	}
	// Everything that needs no database is done before the transaction,
	// so that the write lock is held only for the statements.
	w := prepareWrite(sv, sub, now)
	unlock := s.db.SerializeWrites()
	defer unlock()
	err := s.db.InTx(ctx, func(tx *db.Tx) error { return s.writeResponse(ctx, tx, w) })
	if errors.Is(err, errDuplicate) {
		return Receipt{Duplicate: true}, nil
	}
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{ResponseID: w.rid}, nil
}

// admit checks that sub may be stored: a key, a channel the survey is
// open to, and what the audience needs (a browser token, an account, an
// invitation token, which it normalises).
func admit(sv *Survey, sub *Submission, now time.Time) error {
	if sub.IdemKey == "" || len(sub.IdemKey) > 64 {
		return refuse.ErrInvalid
	}
	switch sub.Channel {
	case "web":
		if !sv.IsOpen(now) {
			return ErrClosed
		}
	case "paper":
		if sv.Status == StatusDraft {
			return ErrClosed
		}
		return nil
	default:
		return refuse.ErrInvalid
	}
	switch sv.Audience {
	case AudiencePublic:
		if sub.BrowserToken == "" {
			return ErrNoBrowser
		}
	case AudienceAccount:
		if sub.UserID == 0 {
			return refuse.ErrSignIn
		}
	case AudienceToken:
		sub.Token = NormalizeToken(sub.Token)
		if sub.Token == "" {
			return ErrTokenInvalid
		}
	}
	return nil
}

// responseWrite is a submission ready to write: the response, the mark of
// who answered (browser, account or token), the rate key and the batched
// statements of the answers and running totals.
type responseWrite struct {
	sv                         *Survey
	rid, idem, channel, lang   string
	day                        time.Time
	rateKey, markKind, markRef string
	tokenHash                  string
	answers, counts            []batch
}

func prepareWrite(sv *Survey, sub Submission, now time.Time) *responseWrite {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	w := &responseWrite{sv: sv, rid: randomHex(8), idem: sub.IdemKey, channel: sub.Channel, lang: sub.Lang, day: day,
		answers: answerRows(sv.ID, sub.Answers, day), counts: counterRows(sv.ID, counters(sv.Def, sub.Answers))}
	if sub.Channel == "web" {
		switch sv.Audience {
		case AudiencePublic:
			w.rateKey = hashOf("ip", sv.PublicID, sub.IP)
			w.markKind, w.markRef = "browser", hashOf("browser", sv.PublicID, sub.BrowserToken)
		case AudienceAccount:
			w.markKind, w.markRef = "account", fmt.Sprint(sub.UserID)
		case AudienceToken:
			w.tokenHash = hashOf("token", sub.Token)
		}
	}
	return w
}

// writeResponse writes w in tx: the response (errDuplicate when its key
// was stored before), the rate count, the mark or the token's use, the
// answers and the totals.
func (s *Service) writeResponse(ctx context.Context, tx *db.Tx, w *responseWrite) error {
	respID, err := s.st.insertResponse(ctx, tx, w)
	if err != nil {
		return err
	}
	if w.rateKey != "" {
		// The rate limit counts in the same transaction: one write
		// instead of two per answer.
		if err := s.hit(ctx, tx, w.rateKey); err != nil {
			return err
		}
	}
	if w.markKind != "" {
		if err := s.st.addMark(ctx, tx, w.sv.ID, w.markKind, w.markRef, w.day); err != nil {
			return err
		}
	}
	if w.tokenHash != "" {
		if err := s.st.useToken(ctx, tx, w.sv.ID, w.tokenHash, w.day); err != nil {
			return err
		}
	}
	return s.st.addAnswers(ctx, tx, w.sv.ID, respID, w.answers, w.counts)
}

// Rows per statement of the batched inserts (SQLite allows 32766
// parameters, PostgreSQL 65535).
const (
	batchRows  = 100
	answerCols = 8
)

// batch is one statement of a batched insert with its arguments.
type batch struct {
	sql  string
	args []any
}

// answerRows builds the statements that insert the answers, in batches;
// the first argument of each row is the response id, filled in once the
// response exists.
func answerRows(surveyID int64, answers []Answer, now time.Time) []batch {
	var out []batch
	for len(answers) > 0 {
		n := min(len(answers), batchRows)
		var b strings.Builder
		b.WriteString(`INSERT INTO survey_answers (response_id, survey_id, question, item, value, num, created_at, updated_at) VALUES `)
		a := make([]any, 0, n*answerCols)
		for i, ans := range answers[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			var num any
			if ans.Num != nil {
				num = *ans.Num
			}
			a = append(a, int64(0), surveyID, ans.Question, ans.Item, ans.Value, num, now, now)
		}
		out = append(out, batch{b.String(), a})
		answers = answers[n:]
	}
	return out
}

// counterRows builds the upserts of the running totals, many rows per
// statement, in key order (so that concurrent PostgreSQL transactions
// lock the rows in the same order and never deadlock).
func counterRows(surveyID int64, c map[counterKey]float64) []batch {
	keys := sortedKeys(c)
	var out []batch
	for len(keys) > 0 {
		n := min(len(keys), batchRows)
		var b strings.Builder
		b.WriteString(`INSERT INTO survey_counts (survey_id, question, item, value, n, total) VALUES `)
		a := make([]any, 0, n*5)
		for i, k := range keys[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, 1, ?)")
			a = append(a, surveyID, k.Question, k.Item, k.Value, c[k])
		}
		b.WriteString(` ON CONFLICT (survey_id, question, item, value) DO UPDATE SET n = survey_counts.n + 1, total = survey_counts.total + excluded.total`)
		out = append(out, batch{b.String(), a})
		keys = keys[n:]
	}
	return out
}

// hit counts one public answer from an address and refuses past the limit.
func (s *Service) hit(ctx context.Context, q db.Querier, key string) error {
	hits, err := s.st.hit(ctx, q, key, db.Now(), s.opts.RateWindow)
	if err != nil {
		return err
	}
	if hits > s.opts.RateLimit {
		return refuse.ErrRateLimited
	}
	return nil
}

// HasAnswered reports whether this browser or account has answered.
func (s *Service) HasAnswered(ctx context.Context, sv *Survey, browserToken string, userID int64) (bool, error) {
	kind, ref := "browser", hashOf("browser", sv.PublicID, browserToken)
	switch {
	case sv.Audience == AudienceAccount && userID != 0:
		kind, ref = "account", fmt.Sprint(userID)
	case sv.Audience == AudiencePublic && browserToken != "":
	default:
		return false, nil
	}
	return s.st.hasMark(ctx, s.db, sv.ID, kind, ref)
}

// TokenState reports whether a token is valid and unused.
func (s *Service) TokenState(ctx context.Context, sv *Survey, token string) error {
	return s.st.tokenState(ctx, s.db, sv.ID, hashOf("token", NormalizeToken(token)))
}

// MaxTokens bounds one import.
const MaxTokens = 2000

// ParseTokenCSV reads a list of invitees: one row per token, the first
// column a label ("Council", "Staff – finance"), an optional second column
// a number of tokens with that label. A header row "label,count" is
// skipped. Names are not needed and not wanted: tokens are anonymous.
func ParseTokenCSV(r io.Reader) ([]string, error) {
	cr := csv.NewReader(io.LimitReader(r, 1<<20))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var labels []string
	for line := 0; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, refuse.ErrInvalid
		}
		if len(rec) == 0 {
			continue
		}
		label := strings.TrimSpace(rec[0])
		if line == 0 && strings.EqualFold(label, "label") {
			continue
		}
		if !utf8.ValidString(label) || utf8.RuneCountInString(label) > 120 {
			return nil, refuse.ErrInvalid
		}
		n := 1
		if len(rec) > 1 && strings.TrimSpace(rec[1]) != "" {
			if _, err := fmt.Sscan(strings.TrimSpace(rec[1]), &n); err != nil || n < 1 || n > MaxTokens {
				return nil, refuse.ErrInvalid
			}
		}
		for i := 0; i < n; i++ {
			labels = append(labels, label)
			if len(labels) > MaxTokens {
				return nil, refuse.ErrInvalid
			}
		}
	}
	if len(labels) == 0 {
		return nil, refuse.ErrInvalid
	}
	return labels, nil
}

// IssueTokens creates one invitation token per label.
func (s *Service) IssueTokens(ctx context.Context, actor *auth.User, sv *Survey, labels []string) ([]Token, error) {
	if actor != nil && !CanManage(actor, sv) {
		return nil, refuse.ErrForbidden
	}
	if sv.Audience != AudienceToken {
		return nil, refuse.ErrInvalid
	}
	var out []Token
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		for _, l := range labels {
			code := newTokenCode()
			id, err := s.st.insertToken(ctx, tx, sv.ID, hashOf("token", code), code, l, now)
			if err != nil {
				return err
			}
			out = append(out, Token{ID: id, Code: code, Label: l})
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "survey.tokens", ObjectKind: "survey", ObjectRef: sv.PublicID, Details: map[string]string{"count": fmt.Sprint(len(labels))}})
	})
	return out, err
}

// Tokens lists a survey's invitation tokens (managers).
func (s *Service) Tokens(ctx context.Context, actor *auth.User, sv *Survey) ([]Token, error) {
	if actor != nil && !CanManage(actor, sv) {
		return nil, refuse.ErrForbidden
	}
	return s.st.tokens(ctx, s.db, sv.ID)
}

// CountResponses counts the stored responses from the database (bench).
func (s *Service) CountResponses(ctx context.Context, sv *Survey) (responses, distinctKeys int, err error) {
	return s.st.countResponses(ctx, s.db, sv.ID)
}

package grants

import (
	"context"

	"fmt"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/uuid"
)

const awardColumns = `w.id, w.public_id, w.application_id, a.public_id, a.title, a.org_public_id, a.org_name, c.slug, c.lsg_code, c.funder_name,
w.amount, w.currency, w.contract_no, w.starts_on, w.ends_on, w.awarded_at, c.id`
const awardFrom = ` FROM grant_awards w JOIN grant_applications a ON a.id = w.application_id JOIN grant_calls c ON c.id = a.call_id`

func (s *Service) listAwards(ctx context.Context, where string, args ...any) ([]*Award, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+awardColumns+awardFrom+` WHERE `+where+` ORDER BY w.awarded_at DESC, a.org_name`, args...)
	if err != nil {
		return nil, wrap("listAwards", err)
	}
	defer rows.Close()
	var out []*Award
	var callIDs []int64
	for rows.Next() {
		w := &Award{}
		var callID int64
		if err := rows.Scan(&w.ID, &w.PublicID, &w.AppID, &w.AppPID, &w.Title, &w.OrgPID, &w.OrgName, &w.CallSlug, &w.LSG, &w.Funder, &w.Amount, &w.Currency, &w.ContractNo, &w.StartsOn, &w.EndsOn, &w.AwardedAt, &callID); err != nil {
			return nil, wrap("listAwards", err)
		}
		out = append(out, w)
		callIDs = append(callIDs, callID)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("listAwards", err)
	}
	rows.Close()
	for i, w := range out {
		c, err := s.CallByID(ctx, callIDs[i])
		if err != nil {
			return nil, err
		}
		w.CallTitle = c.TextIn(c.Lang).Title
	}
	return out, nil
}

// Award returns one award by its public id.
func (s *Service) Award(ctx context.Context, pid string) (*Award, error) {
	list, err := s.listAwards(ctx, `w.public_id = ?`, pid)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, refuse.ErrNotFound
	}
	return list[0], nil
}

// AwardsOfCall lists a call's awards.
func (s *Service) AwardsOfCall(ctx context.Context, c *Call) ([]*Award, error) {
	return s.listAwards(ctx, `c.id = ?`, c.ID)
}

// AwardOfApp returns the award of an application, if any.
func (s *Service) AwardOfApp(ctx context.Context, appID int64) (*Award, error) {
	list, err := s.listAwards(ctx, `w.application_id = ?`, appID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, refuse.ErrNotFound
	}
	return list[0], nil
}

func validDate(s string) bool {
	t, err := time.Parse("2006-01-02", s)
	return err == nil && t.Year() >= 2000 && t.Year() <= 2100
}

// UpdateContract sets the contract number and period (the call's managers).
func (s *Service) UpdateContract(ctx context.Context, u *auth.User, c *Call, w *Award, no, starts, ends string, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	no = strings.TrimSpace(no)
	fe := FieldErrors{}
	if no == "" || !validText(no, 100) {
		fe["contract_no"] = "form.required"
	}
	if !validDate(starts) {
		fe["starts_on"] = "grants.date.invalid"
	}
	if !validDate(ends) {
		fe["ends_on"] = "grants.date.invalid"
	}
	if len(fe) == 0 && ends < starts {
		fe["ends_on"] = "grants.date.end_before_start"
	}
	if len(fe) > 0 {
		return fe
	}
	return wrap("UpdateContract", s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE grant_awards SET contract_no = ?, starts_on = ?, ends_on = ?, updated_at = ? WHERE id = ?`, no, starts, ends, s.Now(), w.ID); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.award.contract", "grant_award", w.PublicID, map[string]string{"contract_no": no}, m)
	}))
}

// Instalments lists an award's planned payments.
func (s *Service) Instalments(ctx context.Context, awardID int64) ([]Instalment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, due_on, amount, paid_at FROM grant_instalments WHERE award_id = ? ORDER BY due_on, id`, awardID)
	if err != nil {
		return nil, wrap("Instalments", err)
	}
	defer rows.Close()
	var out []Instalment
	for rows.Next() {
		var i Instalment
		if err := rows.Scan(&i.ID, &i.DueOn, &i.Amount, &i.PaidAt); err != nil {
			return nil, wrap("Instalments", err)
		}
		out = append(out, i)
	}
	return out, wrap("Instalments", rows.Err())
}

// AddInstalment plans a payment; the planned payments cannot exceed the award.
func (s *Service) AddInstalment(ctx context.Context, u *auth.User, c *Call, w *Award, due, amount string, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	fe := FieldErrors{}
	if !validDate(due) {
		fe["due_on"] = "grants.date.invalid"
	}
	a, err := money.Parse(amount, w.Currency)
	if err != nil || a.Minor <= 0 {
		fe["amount"] = "grants.amount.invalid"
	}
	if len(fe) > 0 {
		return fe
	}
	return wrap("AddInstalment", s.db.InTx(ctx, func(tx *db.Tx) error {
		var planned int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM grant_instalments WHERE award_id = ?`, w.ID).Scan(&planned); err != nil {
			return err
		}
		if planned+a.Minor > w.Amount {
			return FieldErrors{"amount": "grants.instalment.over_award"}
		}
		now := s.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO grant_instalments (award_id, due_on, amount, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, w.ID, due, a.Minor, now, now); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.award.instalment", "grant_award", w.PublicID, map[string]string{"due_on": due, "amount": a.Decimal()}, m)
	}))
}

// MarkPaid records that an instalment was paid.
func (s *Service) MarkPaid(ctx context.Context, u *auth.User, c *Call, w *Award, instID int64, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	return wrap("MarkPaid", s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE grant_instalments SET paid_at = ?, updated_at = ? WHERE id = ? AND award_id = ? AND paid_at IS NULL`, s.Now(), s.Now(), instID, w.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return refuse.ErrNotFound
		}
		return recordAudit(ctx, tx, u, "grants.award.paid", "grant_award", w.PublicID, map[string]string{"instalment": fmt.Sprint(instID)}, m)
	}))
}

// Reports lists an award's reports with their files.
func (s *Service) Reports(ctx context.Context, awardID int64) ([]Report, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, public_id, award_id, kind, due_on, status, body, review, submitted_at, reviewed_at FROM grant_reports WHERE award_id = ? ORDER BY due_on, id`, awardID)
	if err != nil {
		return nil, wrap("Reports", err)
	}
	var out []Report
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.PublicID, &r.AwardID, &r.Kind, &r.DueOn, &r.Status, &r.Body, &r.Review, &r.SubmittedAt, &r.ReviewedAt); err != nil {
			rows.Close()
			return nil, wrap("Reports", err)
		}
		out = append(out, r)
	}
	rows.Close()
	for i := range out {
		if out[i].Files, err = filesOf(ctx, s.db, "report", out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, wrap("Reports", rows.Err())
}

// AddReport sets a report due on a date (the call's managers).
func (s *Service) AddReport(ctx context.Context, u *auth.User, c *Call, w *Award, kind, due string, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	fe := FieldErrors{}
	if kind != "narrative" && kind != "financial" {
		fe["kind"] = "form.invalid_choice"
	}
	if !validDate(due) {
		fe["due_on"] = "grants.date.invalid"
	}
	if len(fe) > 0 {
		return fe
	}
	return wrap("AddReport", s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.Now()
		pid := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO grant_reports (public_id, award_id, kind, due_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, pid, w.ID, kind, due, now, now); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.report.due", "grant_award", w.PublicID, map[string]string{"report": pid, "kind": kind, "due_on": due}, m)
	}))
}

func (s *Service) reportOf(ctx context.Context, w *Award, pid string) (*Report, error) {
	list, err := s.Reports(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].PublicID == pid {
			return &list[i], nil
		}
	}
	return nil, refuse.ErrNotFound
}

// SubmitReport submits a report with an optional attachment (the grantee).
func (s *Service) SubmitReport(ctx context.Context, u *auth.User, w *Award, pid, body string, up *Upload, m Meta) error {
	if !CanApplyFor(u, w.OrgPID) {
		return refuse.ErrForbidden
	}
	r, err := s.reportOf(ctx, w, pid)
	if err != nil {
		return err
	}
	if r.Status != "due" && r.Status != "returned" {
		return ErrState
	}
	body = strings.TrimSpace(body)
	fe := FieldErrors{}
	if body == "" || !validText(body, 20000) {
		fe["body"] = "form.required"
	}
	if up != nil {
		if k := checkUpload(*up); k != "" {
			fe["file"] = k
		}
	}
	if len(fe) > 0 {
		return fe
	}
	var stored string
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if up != nil {
			f, err := s.storeFile(ctx, tx, u, "report", r.ID, "attachment", *up)
			if err != nil {
				return err
			}
			stored = f.PublicID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE grant_reports SET status = 'submitted', body = ?, submitted_at = ?, updated_at = ? WHERE id = ?`, body, s.Now(), s.Now(), r.ID); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.report.submit", "grant_award", w.PublicID, map[string]string{"report": pid}, m)
	})
	if err != nil && stored != "" {
		s.removeFiles([]string{stored})
	}
	return wrap("SubmitReport", err)
}

// ReviewReport approves or returns a submitted report (the call's managers).
func (s *Service) ReviewReport(ctx context.Context, u *auth.User, c *Call, w *Award, pid string, approve bool, review string, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	r, err := s.reportOf(ctx, w, pid)
	if err != nil {
		return err
	}
	if r.Status != "submitted" {
		return ErrState
	}
	review = strings.TrimSpace(review)
	if !validText(review, 5000) || (!approve && review == "") {
		return FieldErrors{"review": "form.required"}
	}
	status := "approved"
	if !approve {
		status = "returned"
	}
	return wrap("ReviewReport", s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE grant_reports SET status = ?, review = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`, status, review, s.Now(), s.Now(), r.ID); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.report."+status, "grant_award", w.PublicID, map[string]string{"report": pid}, m)
	}))
}

// Remind mails the members of each grantee whose report is due within the
// next days (or overdue) and not yet submitted: once when it comes within
// reach, then at most once a week, and once more on the due date itself.
// It returns the number of messages sent.
func (s *Service) Remind(ctx context.Context, within time.Duration) (int, error) {
	now := s.Now()
	local := now.In(s.o.Zone)
	today := local.Format("2006-01-02")
	startOfDay := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.o.Zone)
	horizon := now.Add(within).In(s.o.Zone).Format("2006-01-02")
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.kind, r.due_on, w.public_id, a.org_public_id, a.title FROM grant_reports r
JOIN grant_awards w ON w.id = r.award_id JOIN grant_applications a ON a.id = w.application_id
WHERE r.status IN ('due', 'returned') AND r.due_on <= ?
AND (r.reminded_at IS NULL OR r.reminded_at <= ? OR (r.due_on = ? AND r.reminded_at < ?))`, horizon, db.Time(now.Add(-7*24*time.Hour)), today, db.Time(startOfDay))
	if err != nil {
		return 0, wrap("Remind", err)
	}
	type due struct {
		id                             int64
		kind, dueOn, award, org, title string
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.kind, &d.dueOn, &d.award, &d.org, &d.title); err != nil {
			rows.Close()
			return 0, wrap("Remind", err)
		}
		list = append(list, d)
	}
	rows.Close()
	sent := 0
	for _, d := range list {
		org, err := s.dir.Organisation(ctx, d.org)
		if err != nil {
			return sent, err
		}
		members, err := s.dir.Members(ctx, org.ID)
		if err != nil {
			return sent, err
		}
		for _, mbr := range members {
			p := s.o.Cat.Printer(locOr(mbr.Locale))
			msg := mail.Message{
				To:      mbr.Email,
				Subject: p.T("grants.remind.subject", "title", d.title),
				Text:    p.T("grants.remind.text", "kind", p.T("grants.report.kind."+d.kind), "title", d.title, "due", d.dueOn, "url", s.o.BaseURL+"/"+locOr(mbr.Locale)+"/awards/"+d.award),
				ID:      "grants-report-" + fmt.Sprint(d.id) + "-" + now.Format("20060102") + "@dijalog",
			}
			if err := s.o.Mail.Send(ctx, msg); err != nil {
				return sent, wrap("Remind", err)
			}
			sent++
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE grant_reports SET reminded_at = ?, updated_at = ? WHERE id = ?`, db.Time(now), db.Time(now), d.id); err != nil {
			return sent, wrap("Remind", err)
		}
	}
	return sent, nil
}

func locOr(l string) string {
	if l == "" {
		return "bs"
	}
	return l
}

// ---- the registry of who funded whom ----

// SupportFilter narrows the registry.
type SupportFilter struct {
	Year      int
	LSG       string
	Procedure string
}

// Support lists registry records, newest first.
func (s *Service) Support(ctx context.Context, f SupportFilter) ([]Support, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT g.id, g.public_id, g.year, g.lsg_code, g.funder_name, g.recipient_name, g.recipient_org, g.amount, g.currency, g.purpose, g.procedure,
COALESCE(w.public_id, ''), g.source, g.award_date, COALESCE(w.starts_on, ''), COALESCE(w.ends_on, '')
FROM grant_support g LEFT JOIN grant_awards w ON w.id = g.award_id
WHERE (? = 0 OR g.year = ?) AND (? = '' OR g.lsg_code = ?) AND (? = '' OR g.procedure = ?)
ORDER BY g.year DESC, g.amount DESC, g.id`, f.Year, f.Year, f.LSG, f.LSG, f.Procedure, f.Procedure)
	if err != nil {
		return nil, wrap("Support", err)
	}
	defer rows.Close()
	var out []Support
	for rows.Next() {
		var r Support
		if err := rows.Scan(&r.ID, &r.PublicID, &r.Year, &r.LSG, &r.Funder, &r.Recipient, &r.OrgPID, &r.Amount, &r.Currency, &r.Purpose, &r.Procedure, &r.AwardPID, &r.Source, &r.AwardDate, &r.StartsOn, &r.EndsOn); err != nil {
			return nil, wrap("Support", err)
		}
		out = append(out, r)
	}
	return out, wrap("Support", rows.Err())
}

// Dashboard summarises one LSG's (or all) support in one year (or all).
type Dashboard struct {
	Currency      string
	Total         int64
	OpenCall      int64
	Direct        int64
	OpenCallPct   int // share of the total given through open calls, percent
	Recipients    int
	Records       int
	Largest       []Recipient
	Years         []int
	OtherCurrency int // records in other currencies, not in the totals
}

// Recipient is a recipient and the sum it received.
type Recipient struct {
	Name   string
	Amount int64
	Pct    int
}

// Summarise builds the dashboard of records (one currency: the most common).
func Summarise(records []Support) Dashboard {
	d := Dashboard{}
	counts := map[string]int{}
	for _, r := range records {
		counts[r.Currency]++
	}
	for c, n := range counts {
		if n > counts[d.Currency] || (n == counts[d.Currency] && c < d.Currency) {
			d.Currency = c
		}
	}
	by := map[string]int64{}
	years := map[int]bool{}
	for _, r := range records {
		years[r.Year] = true
		if r.Currency != d.Currency {
			d.OtherCurrency++
			continue
		}
		d.Records++
		d.Total += r.Amount
		if r.Procedure == "open_call" {
			d.OpenCall += r.Amount
		} else {
			d.Direct += r.Amount
		}
		by[r.Recipient] += r.Amount
	}
	d.OpenCallPct = pct(d.OpenCall, d.Total)
	d.Recipients = len(by)
	for name, amt := range by {
		d.Largest = append(d.Largest, Recipient{Name: name, Amount: amt})
	}
	sortRecipients(d.Largest)
	if len(d.Largest) > 10 {
		d.Largest = d.Largest[:10]
	}
	for i := range d.Largest {
		d.Largest[i].Pct = pct(d.Largest[i].Amount, d.Total)
	}
	for y := range years {
		d.Years = append(d.Years, y)
	}
	sortDesc(d.Years)
	return d
}

// SupportYears lists the years that have records.
func (s *Service) SupportYears(ctx context.Context) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT year FROM grant_support ORDER BY year DESC`)
	if err != nil {
		return nil, wrap("SupportYears", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, wrap("SupportYears", err)
		}
		out = append(out, y)
	}
	return out, wrap("SupportYears", rows.Err())
}

// SupportLSGs lists the LSG codes that have records.
func (s *Service) SupportLSGs(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT lsg_code FROM grant_support WHERE lsg_code <> '' ORDER BY lsg_code`)
	if err != nil {
		return nil, wrap("SupportLSGs", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, wrap("SupportLSGs", err)
		}
		out = append(out, c)
	}
	return out, wrap("SupportLSGs", rows.Err())
}

// AddSupport adds one record given outside the platform (importer, demo).
func (s *Service) AddSupport(ctx context.Context, q db.Querier, r *Support) error {
	r.PublicID = uuid.NewString()
	now := s.Now()
	_, err := q.ExecContext(ctx, `INSERT INTO grant_support (public_id, year, lsg_code, funder_name, recipient_name, recipient_org, amount, currency, purpose, procedure, source, award_date, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?, ?, ?)`, r.PublicID, r.Year, r.LSG, r.Funder, r.Recipient, r.OrgPID, r.Amount, r.Currency, r.Purpose, r.Procedure, r.AwardDate, now, now)
	return wrap("AddSupport", err)
}

// DB exposes the database for the importer's transaction.
func (s *Service) InTx(ctx context.Context, fn func(tx *db.Tx) error) error {
	return s.db.InTx(ctx, fn)
}

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

func (s *core) listAwards(ctx context.Context, where string, args ...any) ([]*Award, error) {
	out, callIDs, err := awardsWhere(ctx, s.db, where, args...)
	if err != nil {
		return nil, wrap("listAwards", err)
	}
	for i, w := range out {
		c, err := s.callByID(ctx, callIDs[i])
		if err != nil {
			return nil, err
		}
		w.CallTitle = c.TextIn(c.Lang).Title
	}
	return out, nil
}

// Award returns one award by its public id.
func (s *core) award(ctx context.Context, pid string) (*Award, error) {
	list, err := s.listAwards(ctx, awardByPID, pid)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, refuse.ErrNotFound
	}
	return list[0], nil
}

// Get returns one award by its public id.
func (s *Awards) Get(ctx context.Context, pid string) (*Award, error) {
	return s.award(ctx, pid)
}

// AwardsOfCall lists a call's awards.
func (s *Awards) OfCall(ctx context.Context, c *Call) ([]*Award, error) {
	return s.listAwards(ctx, awardsOfCall, c.ID)
}

// AwardOfApp returns the award of an application, if any.
func (s *Awards) OfApp(ctx context.Context, appID int64) (*Award, error) {
	list, err := s.listAwards(ctx, awardOfApp, appID)
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
// The period must hold every instalment already planned.
func (s *Awards) UpdateContract(ctx context.Context, u *auth.User, c *Call, w *Award, no, starts, ends string, m Meta) error {
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
		old, err := lockAward(ctx, tx, w.ID)
		if err != nil {
			return err
		}
		fe := FieldErrors{}
		if old.firstDue != "" && old.firstDue < starts {
			fe["starts_on"] = "grants.contract.instalment_before_start"
		}
		if old.last != "" && old.last > ends {
			fe["ends_on"] = "grants.contract.instalment_after_end"
		}
		if len(fe) > 0 {
			return fe
		}
		if err := setContract(ctx, tx, w.ID, no, starts, ends, s.Now()); err != nil {
			return err
		}
		return moneyAudit(ctx, tx, u, c, actContract, w.PublicID, map[string]string{"contract_no": no, "starts_on": starts, "ends_on": ends,
			"old_contract_no": old.contractNo, "old_starts_on": old.starts, "old_ends_on": old.ends}, m)
	}))
}

// Instalments lists an award's planned payments.
func (s *Awards) Instalments(ctx context.Context, awardID int64) ([]Instalment, error) {
	out, err := listInstalments(ctx, s.db, awardID)
	return out, wrap("Instalments", err)
}

// AddInstalment plans a payment: a positive amount, due within the
// contract's period once it has one; the planned payments together cannot
// exceed the award.
func (s *Awards) AddInstalment(ctx context.Context, u *auth.User, c *Call, w *Award, due, amount string, m Meta) error {
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
		old, err := lockAward(ctx, tx, w.ID)
		if err != nil {
			return err
		}
		if k := instalmentRule(old, due, a.Minor); len(k) > 0 {
			return k
		}
		if err := insertInstalment(ctx, tx, w.ID, due, a.Minor, s.Now()); err != nil {
			return err
		}
		return moneyAudit(ctx, tx, u, c, actInstalment, w.PublicID, map[string]string{"due_on": due, "amount": a.Decimal(),
			"old": dec(old.planned, w.Currency), "new": dec(old.planned+a.Minor, w.Currency)}, m)
	}))
}

// instalmentRule is what is wrong with an instalment of amount due on due
// for an award whose money is old: due outside the contract's period, or
// more than the award leaves unplanned.
func instalmentRule(old awardMoney, due string, amount int64) FieldErrors {
	fe := FieldErrors{}
	switch {
	case old.ends != "" && due > old.ends:
		fe["due_on"] = "grants.instalment.after_contract"
	case old.starts != "" && due < old.starts:
		fe["due_on"] = "grants.instalment.before_contract"
	}
	if old.planned+amount > old.amount {
		fe["amount"] = "grants.instalment.over_award"
	}
	return fe
}

// MarkPaid records that an instalment was paid.
func (s *Awards) MarkPaid(ctx context.Context, u *auth.User, c *Call, w *Award, instID int64, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	return wrap("MarkPaid", s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := lockAward(ctx, tx, w.ID)
		if err != nil {
			return err
		}
		in, err := instalmentOf(ctx, tx, w.ID, instID)
		if err != nil {
			return err
		}
		if err := markPaid(ctx, tx, w.ID, instID, s.Now()); err != nil {
			return err
		}
		return moneyAudit(ctx, tx, u, c, actPaid, w.PublicID, map[string]string{"instalment": fmt.Sprint(instID), "due_on": in.DueOn, "amount": dec(in.Amount, w.Currency),
			"old": dec(old.paid, w.Currency), "new": dec(old.paid+in.Amount, w.Currency)}, m)
	}))
}

// Reports lists an award's reports with their files.
func (s *Awards) Reports(ctx context.Context, awardID int64) ([]Report, error) {
	out, err := listReports(ctx, s.db, awardID)
	return out, wrap("Reports", err)
}

// AddReport sets a report due on a date (the call's managers).
func (s *Awards) AddReport(ctx context.Context, u *auth.User, c *Call, w *Award, kind, due string, m Meta) error {
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
		pid := uuid.NewString()
		if err := insertReport(ctx, tx, pid, w.ID, kind, due, s.Now()); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.report.due", "grant_award", w.PublicID, map[string]string{"report": pid, "kind": kind, "due_on": due}, m)
	}))
}

func (s *core) reportOf(ctx context.Context, w *Award, pid string) (*Report, error) {
	list, err := listReports(ctx, s.db, w.ID)
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
func (s *Awards) SubmitReport(ctx context.Context, u *auth.User, w *Award, pid, body string, up *Upload, m Meta) error {
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
		if err := submitReport(ctx, tx, r.ID, body, s.Now()); err != nil {
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
func (s *Awards) ReviewReport(ctx context.Context, u *auth.User, c *Call, w *Award, pid string, approve bool, review string, m Meta) error {
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
		if err := reviewReport(ctx, tx, r.ID, status, review, s.Now()); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.report."+status, "grant_award", w.PublicID, map[string]string{"report": pid}, m)
	}))
}

// Remind mails the members of each grantee whose report is due within the
// next days (or overdue) and not yet submitted: once when it comes within
// reach, then at most once a week, and once more on the due date itself.
// It returns the number of messages sent.
func (s *Awards) Remind(ctx context.Context, within time.Duration) (int, error) {
	now := s.Now()
	local := now.In(s.o.Zone)
	today := local.Format("2006-01-02")
	startOfDay := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.o.Zone)
	horizon := now.Add(within).In(s.o.Zone).Format("2006-01-02")
	list, err := remindersDue(ctx, s.db, now, horizon, today, startOfDay)
	if err != nil {
		return 0, wrap("Remind", err)
	}
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
		if err := setReminded(ctx, s.db, d.id, now); err != nil {
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

package dialogue

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // decoders for the header check of photos
	_ "image/png"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Sources of co-financing.
func Sources() []string { return []string{"lsg", "donor", "other"} }

// ShareInput is one line of a financing plan.
type ShareInput struct {
	Source, Name, ProjectRef string
	Amount, Currency         string
}

func canMoney(x *Initiative) bool {
	switch x.State {
	case StateSelected, StateCofinanced, StateImplementation, StateDone:
		return true
	}
	return false
}

// AddShare adds a source to x's financing plan (LSG editors, once x is
// selected). The donor share names a programme or a project public id of
// the registry (stored as text).
func (s *Service) AddShare(ctx context.Context, u *auth.User, p *Platform, x *Initiative, in ShareInput, m Meta) error {
	if u != nil && !CanFinance(u, p) {
		return refuse.ErrForbidden
	}
	if !canMoney(x) {
		return ErrBadTransition
	}
	fe := FieldErrors{}
	if in.Source != "lsg" && in.Source != "donor" && in.Source != "other" {
		fe["source"] = "dialogue.source.invalid"
	}
	name, k := cleanLine(in.Name, 200, true)
	if k != "" {
		fe["name"] = k
	}
	ref, k := cleanLine(in.ProjectRef, 100, false)
	if k != "" {
		fe["project_ref"] = k
	}
	a, err := parseAmount(in.Amount, in.Currency)
	if err != "" {
		fe["amount"] = err
	}
	if len(fe) > 0 {
		return fe
	}
	now := s.now()
	return wrap("AddShare", s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_shares (initiative_id, source, name, project_ref, amount_minor, currency, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			x.ID, in.Source, name, ref, a.Minor, a.Currency, now, now); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.financing.share", "initiative", x.PublicID, map[string]string{"source": in.Source, "name": name, "amount": a.String()}, m)
	}))
}

func parseAmount(s, cur string) (money.Amount, string) {
	cur = strings.ToUpper(strings.TrimSpace(cur))
	if !money.Valid(cur) {
		return money.Amount{}, "dialogue.currency.invalid"
	}
	if strings.TrimSpace(s) == "" {
		return money.Amount{}, "form.required"
	}
	a, err := money.Parse(s, cur)
	if err != nil || a.Minor <= 0 || a.Minor > 1e13 {
		return money.Amount{}, "dialogue.amount.invalid"
	}
	return a, ""
}

// Shares lists x's financing plan.
func (s *Service) Shares(ctx context.Context, x *Initiative) ([]Share, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, source, name, project_ref, amount_minor, currency FROM dlg_shares WHERE initiative_id = ? ORDER BY CASE source WHEN 'lsg' THEN 0 WHEN 'donor' THEN 1 ELSE 2 END, id`, x.ID)
	if err != nil {
		return nil, wrap("Shares", err)
	}
	defer rows.Close()
	var out []Share
	for rows.Next() {
		var sh Share
		var minor int64
		var cur string
		if err := rows.Scan(&sh.ID, &sh.Source, &sh.Name, &sh.ProjectRef, &minor, &cur); err != nil {
			return nil, wrap("Shares", err)
		}
		sh.Amount = money.New(minor, cur)
		out = append(out, sh)
	}
	return out, wrap("Shares", rows.Err())
}

// AddDisbursement records money paid out for x (LSG editors).
func (s *Service) AddDisbursement(ctx context.Context, u *auth.User, p *Platform, x *Initiative, paidOn, amount, currency, note string, m Meta) error {
	if u != nil && !CanFinance(u, p) {
		return refuse.ErrForbidden
	}
	if x.State != StateCofinanced && x.State != StateImplementation && x.State != StateDone {
		return ErrBadTransition
	}
	fe := FieldErrors{}
	if _, err := time.Parse("2006-01-02", paidOn); err != nil {
		fe["paid_on"] = "dialogue.date.invalid"
	}
	a, k := parseAmount(amount, currency)
	if k != "" {
		fe["d_amount"] = k
	}
	note, k = cleanLine(note, 300, false)
	if k != "" {
		fe["note"] = k
	}
	if len(fe) > 0 {
		return fe
	}
	now := s.now()
	return wrap("AddDisbursement", s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_disbursements (initiative_id, paid_on, amount_minor, currency, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			x.ID, paidOn, a.Minor, a.Currency, note, actorID(u), now, now); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.financing.disbursement", "initiative", x.PublicID, map[string]string{"amount": a.String(), "paid_on": paidOn}, m)
	}))
}

// Disbursements lists what was paid for x.
func (s *Service) Disbursements(ctx context.Context, x *Initiative) ([]Disbursement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, paid_on, amount_minor, currency, note FROM dlg_disbursements WHERE initiative_id = ? ORDER BY paid_on, id`, x.ID)
	if err != nil {
		return nil, wrap("Disbursements", err)
	}
	defer rows.Close()
	var out []Disbursement
	for rows.Next() {
		var d Disbursement
		var minor int64
		var cur string
		if err := rows.Scan(&d.ID, &d.PaidOn, &minor, &cur, &d.Note); err != nil {
			return nil, wrap("Disbursements", err)
		}
		d.Amount = money.New(minor, cur)
		out = append(out, d)
	}
	return out, wrap("Disbursements", rows.Err())
}

// AddReport adds a progress report (LSG editors or the author) once x is
// co-financed, with an optional photo.
func (s *Service) AddReport(ctx context.Context, u *auth.User, p *Platform, x *Initiative, body string, percent int, photo *Upload, m Meta) error {
	if u != nil && !CanFinance(u, p) && u.ID != x.AuthorID {
		return refuse.ErrForbidden
	}
	if x.State != StateCofinanced && x.State != StateImplementation && x.State != StateDone {
		return ErrBadTransition
	}
	fe := FieldErrors{}
	body, k := cleanLine(body, 5000, true)
	if k != "" {
		fe["body"] = k
	}
	if percent < 0 || percent > 100 {
		fe["percent"] = "dialogue.percent.invalid"
	}
	var img imageInfo
	if photo != nil {
		var key string
		img, key = checkPhoto(photo.Data)
		if key != "" {
			fe["photo"] = key
		}
	}
	if len(fe) > 0 {
		return fe
	}
	now := s.now()
	var stored string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_reports (initiative_id, author_id, body, percent, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, x.ID, actorID(u), body, percent, now, now)
		if err != nil {
			return err
		}
		if photo != nil {
			stored, err = s.storePhoto(ctx, tx, u, x, id, img, photo)
			if err != nil {
				return err
			}
		}
		if err := record(ctx, tx, u, "dialogue.report.add", "initiative", x.PublicID, map[string]string{"percent": strconv.Itoa(percent)}, m); err != nil {
			return err
		}
		return s.notify(ctx, tx, u, x, "report:"+strconv.FormatInt(id, 10), "report", body, percent)
	})
	if err != nil && stored != "" {
		os.Remove(filepath.Join(s.files, stored))
	}
	if err == nil {
		s.kick()
	}
	return wrap("AddReport", err)
}

// Reports lists x's progress reports with their photos, oldest first.
func (s *Service) Reports(ctx context.Context, x *Initiative) ([]Report, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, COALESCE(u.display_name, ''), r.body, r.percent, r.created_at FROM dlg_reports r LEFT JOIN users u ON u.id = r.author_id WHERE r.initiative_id = ? ORDER BY r.id`, x.ID)
	if err != nil {
		return nil, wrap("Reports", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.AuthorName, &r.Body, &r.Percent, &r.At); err != nil {
			return nil, wrap("Reports", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("Reports", err)
	}
	photos, err := s.Photos(ctx, x)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for _, ph := range photos {
			if ph.ReportID == out[i].ID {
				out[i].Photos = append(out[i].Photos, ph)
			}
		}
	}
	return out, nil
}

func amounts(m map[string]int64) []money.Amount {
	var out []money.Amount
	for c, v := range m {
		out = append(out, money.New(v, c))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

// ---- photos ----

// Limits of photos.
const (
	MaxPhoto       = 5 << 20  // bytes
	MaxPhotoPixels = 40 << 20 // width x height: refuses decompression bombs
)

// Upload is a file a person sent.
type Upload struct {
	Filename string
	Data     []byte
	Caption  string
}

type imageInfo struct {
	contentType   string
	width, height int
}

// checkPhoto accepts PNG and JPEG up to MaxPhoto bytes and MaxPhotoPixels
// pixels; it reads only the header, so an image bomb is refused before
// anything is decoded.
func checkPhoto(b []byte) (imageInfo, string) {
	if len(b) == 0 {
		return imageInfo{}, "dialogue.photo.empty"
	}
	if len(b) > MaxPhoto {
		return imageInfo{}, "dialogue.photo.too_large"
	}
	ct := http.DetectContentType(b)
	if ct != "image/png" && ct != "image/jpeg" {
		return imageInfo{}, "dialogue.photo.type"
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || "image/"+format != ct {
		return imageInfo{}, "dialogue.photo.type"
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPhotoPixels {
		return imageInfo{}, "dialogue.photo.dimensions"
	}
	return imageInfo{contentType: ct, width: cfg.Width, height: cfg.Height}, ""
}

func (s *Service) storePhoto(ctx context.Context, tx *db.Tx, u *auth.User, x *Initiative, reportID int64, img imageInfo, up *Upload) (string, error) {
	if err := os.MkdirAll(s.files, 0o750); err != nil {
		return "", err
	}
	pid := newPID()
	tmp := filepath.Join(s.files, pid+".tmp")
	if err := os.WriteFile(tmp, up.Data, 0o640); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, filepath.Join(s.files, pid)); err != nil {
		os.Remove(tmp)
		return "", err
	}
	caption, _ := cleanLine(up.Caption, 200, false)
	var rid any
	if reportID != 0 {
		rid = reportID
	}
	now := s.now()
	_, err := tx.ExecContext(ctx, `INSERT INTO dlg_photos (public_id, initiative_id, report_id, content_type, size, width, height, caption, uploaded_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pid, x.ID, rid, img.contentType, len(up.Data), img.width, img.height, caption, actorID(u), now, now)
	if err != nil {
		os.Remove(filepath.Join(s.files, pid))
		return "", err
	}
	return pid, nil
}

// AddPhoto adds a photo to x (its author, or the platform's managers).
func (s *Service) AddPhoto(ctx context.Context, u *auth.User, p *Platform, x *Initiative, up *Upload, m Meta) error {
	if u == nil || (u.ID != x.AuthorID && !s.CanManage(ctx, u, p)) {
		return refuse.ErrForbidden
	}
	img, k := checkPhoto(up.Data)
	if k != "" {
		return FieldErrors{"photo": k}
	}
	var stored string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		stored, err = s.storePhoto(ctx, tx, u, x, 0, img, up)
		if err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.photo.add", "initiative", x.PublicID, map[string]string{"photo": stored}, m)
	})
	if err != nil && stored != "" {
		os.Remove(filepath.Join(s.files, stored))
	}
	return wrap("AddPhoto", err)
}

// Photos lists x's photos.
func (s *Service) Photos(ctx context.Context, x *Initiative) ([]Photo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, public_id, COALESCE(report_id, 0), content_type, size, width, height, caption FROM dlg_photos WHERE initiative_id = ? ORDER BY id`, x.ID)
	if err != nil {
		return nil, wrap("Photos", err)
	}
	defer rows.Close()
	var out []Photo
	for rows.Next() {
		var ph Photo
		if err := rows.Scan(&ph.ID, &ph.PublicID, &ph.ReportID, &ph.ContentType, &ph.Size, &ph.Width, &ph.Height, &ph.Caption); err != nil {
			return nil, wrap("Photos", err)
		}
		out = append(out, ph)
	}
	return out, wrap("Photos", rows.Err())
}

// Photo returns a photo's record and the initiative it belongs to.
func (s *Service) Photo(ctx context.Context, pid string) (*Photo, string, error) {
	if len(pid) > 40 {
		return nil, "", refuse.ErrNotFound
	}
	ph := &Photo{}
	var ipid, state string
	var author int64
	err := s.db.QueryRowContext(ctx, `SELECT p.id, p.public_id, COALESCE(p.report_id, 0), p.content_type, p.size, p.width, p.height, p.caption, i.public_id, i.state, i.author_id
FROM dlg_photos p JOIN dlg_initiatives i ON i.id = p.initiative_id WHERE p.public_id = ?`, pid).
		Scan(&ph.ID, &ph.PublicID, &ph.ReportID, &ph.ContentType, &ph.Size, &ph.Width, &ph.Height, &ph.Caption, &ipid, &state, &author)
	if err != nil {
		return nil, "", wrap("Photo", notFound(err))
	}
	return ph, ipid, nil
}

// OpenPhoto opens a photo's stored bytes.
func (s *Service) OpenPhoto(ph *Photo) (*os.File, error) {
	return os.Open(filepath.Join(s.files, filepath.Base(ph.PublicID)))
}

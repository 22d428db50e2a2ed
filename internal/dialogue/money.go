package dialogue

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for the header check of photos
	_ "image/png"
	"io/fs"
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

// Money is the municipality's record of an initiative's money: the
// financing plan, payments, progress reports with photos, and the public
// pages of where the money went.
type Money struct{ *core }

// Sources of co-financing.
func Sources() []string { return []string{"lsg", "donor", "other"} }

// ShareInput is one line of a financing plan.
type ShareInput struct {
	Source, Name, ProjectRef string
	Amount, Currency         string
	// Note says why the plan goes over the initiative's estimated cost;
	// without one such a share is refused.
	Note string
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
// the registry (stored as text). The plan is in the currency of x's
// estimated cost, and a share that takes it over that cost needs a note
// saying why.
func (s *Money) AddShare(ctx context.Context, u *auth.User, p *Platform, x *Initiative, in ShareInput, m Meta) error {
	if u != nil && !CanFinance(u, p, x) {
		return refuse.ErrForbidden
	}
	if !canMoney(x) {
		return ErrBadTransition
	}
	fe := checks{}
	if in.Source != "lsg" && in.Source != "donor" && in.Source != "other" {
		fe["source"] = "dialogue.source.invalid"
	}
	sh := Share{Source: in.Source}
	sh.Name = fe.line("name", in.Name, 200, true)
	sh.ProjectRef = fe.line("project_ref", in.ProjectRef, 100, false)
	sh.Note = fe.line("share_note", in.Note, 300, false)
	var k string
	sh.Amount, k = parseAmount(in.Amount, in.Currency)
	fe.set("amount", k)
	if k == "" && sh.Amount.Currency != x.Cost.Currency {
		fe["currency"] = "dialogue.share.currency"
	}
	if len(fe) > 0 {
		return FieldErrors(fe)
	}
	now := s.now()
	return wrap("AddShare", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockInitiative(ctx, tx, x.ID); err != nil {
			return err
		}
		planned, _, err := initiativeTotals(ctx, tx, x.ID, sh.Amount.Currency)
		if err != nil {
			return err
		}
		if planned+sh.Amount.Minor > x.Cost.Minor && sh.Note == "" {
			return FieldErrors{"amount": "dialogue.share.over_cost"}
		}
		if err := insertShare(ctx, tx, x.ID, sh, now); err != nil {
			return err
		}
		d := moneyDetails(u, p, x, sh.Amount, planned)
		d["source"], d["name"], d["note"] = sh.Source, sh.Name, sh.Note
		return record(ctx, tx, u, actShare, "initiative", x.PublicID, d, m)
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
func (s *Money) Shares(ctx context.Context, x *Initiative) ([]Share, error) {
	out, err := listShares(ctx, s.db, x.ID)
	return out, wrap("Shares", err)
}

// AddDisbursement records money paid out for x (LSG editors): on a day
// that has come, and no more than x's financing plan holds in that
// currency.
func (s *Money) AddDisbursement(ctx context.Context, u *auth.User, p *Platform, x *Initiative, paidOn, amount, currency, note string, m Meta) error {
	if u != nil && !CanFinance(u, p, x) {
		return refuse.ErrForbidden
	}
	if x.State != StateCofinanced && x.State != StateImplementation && x.State != StateDone {
		return ErrBadTransition
	}
	fe := checks{}
	now := s.now()
	fe.set("paid_on", paidOnRule(paidOn, now))
	a, k := parseAmount(amount, currency)
	fe.set("d_amount", k)
	note = fe.line("note", note, 300, false)
	if len(fe) > 0 {
		return FieldErrors(fe)
	}
	return wrap("AddDisbursement", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockInitiative(ctx, tx, x.ID); err != nil {
			return err
		}
		planned, paid, err := initiativeTotals(ctx, tx, x.ID, a.Currency)
		if err != nil {
			return err
		}
		if paid+a.Minor > planned {
			return FieldErrors{"d_amount": "dialogue.disbursement.over_plan"}
		}
		if err := insertDisbursement(ctx, tx, x.ID, Disbursement{PaidOn: paidOn, Amount: a, Note: note}, actorID(u), now); err != nil {
			return err
		}
		d := moneyDetails(u, p, x, a, paid)
		d["paid_on"] = paidOn
		return record(ctx, tx, u, actDisbursement, "initiative", x.PublicID, d, m)
	}))
}

// paidOnRule is the catalogue key of what is wrong with the day a payment
// was made (YYYY-MM-DD), or "": not a date, or a day still to come (a day
// of slack for the time zones).
func paidOnRule(paidOn string, now time.Time) string {
	t, err := time.Parse("2006-01-02", paidOn)
	switch {
	case err != nil || t.Year() < 2000:
		return "dialogue.date.invalid"
	case t.After(now.Add(24 * time.Hour)):
		return "dialogue.paid_on.future"
	}
	return ""
}

// Disbursements lists what was paid for x.
func (s *Money) Disbursements(ctx context.Context, x *Initiative) ([]Disbursement, error) {
	out, err := listDisbursements(ctx, s.db, x.ID)
	return out, wrap("Disbursements", err)
}

// AddReport adds a progress report (LSG editors or the author) once x is
// co-financed, with an optional photo.
func (s *Money) AddReport(ctx context.Context, u *auth.User, p *Platform, x *Initiative, body string, percent int, photo *Upload, m Meta) error {
	if u != nil && !CanFinance(u, p, x) && u.ID != x.AuthorID {
		return refuse.ErrForbidden
	}
	if x.State != StateCofinanced && x.State != StateImplementation && x.State != StateDone {
		return ErrBadTransition
	}
	fe := checks{}
	body = fe.line("body", body, 5000, true)
	if percent < 0 || percent > 100 {
		fe["percent"] = "dialogue.percent.invalid"
	}
	var img imageInfo
	if photo != nil {
		var k string
		img, k = checkPhoto(photo.Data)
		fe.set("photo", k)
	}
	if len(fe) > 0 {
		return FieldErrors(fe)
	}
	now := s.now()
	var stored string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := insertReport(ctx, tx, x.ID, actorID(u), body, percent, now)
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
func (s *Money) Reports(ctx context.Context, x *Initiative) ([]Report, error) {
	out, err := listReports(ctx, s.db, x.ID)
	if err != nil {
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

func (s *Money) storePhoto(ctx context.Context, tx *db.Tx, u *auth.User, x *Initiative, reportID int64, img imageInfo, up *Upload) (string, error) {
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
	rid := reportID
	ph := Photo{PublicID: pid, ContentType: img.contentType, Size: int64(len(up.Data)), Width: img.width, Height: img.height, Caption: caption}
	if err := insertPhoto(ctx, tx, x.ID, rid, ph, actorID(u), s.now()); err != nil {
		os.Remove(filepath.Join(s.files, pid))
		return "", err
	}
	return pid, nil
}

// AddPhoto adds a photo to x (its author, or the platform's managers).
func (s *Money) AddPhoto(ctx context.Context, u *auth.User, p *Platform, x *Initiative, up *Upload, m Meta) error {
	if u == nil || (u.ID != x.AuthorID && !s.canManage(ctx, u, p)) {
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
func (s *Money) Photos(ctx context.Context, x *Initiative) ([]Photo, error) {
	out, err := listPhotos(ctx, s.db, x.ID)
	return out, wrap("Photos", err)
}

// Photo returns a photo's record and the initiative it belongs to.
func (s *Money) Photo(ctx context.Context, pid string) (*Photo, string, error) {
	if len(pid) > 40 {
		return nil, "", refuse.ErrNotFound
	}
	ph, ipid, err := photoByPID(ctx, s.db, pid)
	if err != nil {
		return nil, "", wrap("Photo", err)
	}
	return ph, ipid, nil
}

// OpenPhoto opens a photo's stored bytes. A photo whose row exists and
// whose file is gone (a restore without its uploads, a deleted file) is a
// refusal, not found, that says so: dijalog check lists such files.
func (s *Money) OpenPhoto(ph *Photo) (*os.File, error) {
	f, err := os.Open(filepath.Join(s.files, filepath.Base(ph.PublicID)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("dialogue: the file of photo %s is missing from the uploads: %w", ph.PublicID, refuse.ErrNotFound)
	}
	return f, err
}

// StoredFiles hands every photo row's file to put: its name in the photo
// directory, its size and the row (dijalog check; no checksum is kept).
func (s *Money) StoredFiles(ctx context.Context, put func(name string, size int64, sha256, row string) error) error {
	photos, err := allPhotos(ctx, s.db)
	if err != nil {
		return wrap("StoredFiles", err)
	}
	for _, ph := range photos {
		if err := put(filepath.Base(ph.PublicID), ph.Size, "", fmt.Sprintf("dlg_photos %d, initiative %s", ph.ID, ph.Initiative)); err != nil {
			return err
		}
	}
	return nil
}

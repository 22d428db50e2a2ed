package grants

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/uuid"
)

// MaxFile is the largest attachment accepted (the request body limit of the
// server may be lower).
const MaxFile = 4 << 20

// Upload is a file a person sent.
type Upload struct {
	Filename string
	Data     []byte
}

// allowed maps file extensions to the content type sniffed from the bytes.
var allowed = map[string]string{
	".pdf":  "application/pdf",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".odt":  "application/zip",
	".ods":  "application/zip",
	".docx": "application/zip",
	".xlsx": "application/zip",
	".txt":  "text/plain; charset=utf-8",
	".csv":  "text/plain; charset=utf-8",
}

// ContentTypes of stored files by extension.
var storedType = map[string]string{
	".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".txt":  "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
}

// checkUpload returns the catalogue key of what is wrong with a file, or "".
func checkUpload(u Upload) string {
	if len(u.Data) == 0 {
		return "grants.file.empty"
	}
	if len(u.Data) > MaxFile {
		return "grants.file.too_large"
	}
	ext := strings.ToLower(filepath.Ext(u.Filename))
	want, ok := allowed[ext]
	if !ok {
		return "grants.file.type"
	}
	got := http.DetectContentType(u.Data)
	if got != want {
		return "grants.file.type"
	}
	if strings.HasPrefix(want, "text/") && !utf8.Valid(u.Data) {
		return "grants.file.type"
	}
	return ""
}

// cleanName keeps a safe display name for the Content-Disposition header.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '"' || r == '/' || r == '\\' {
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	if utf8.RuneCountInString(out) > 120 {
		out = string([]rune(out)[:120])
	}
	if out == "" || out == "." {
		out = "file"
	}
	return out
}

func (s *core) path(pid string) string { return filepath.Join(s.o.Files, pid) }

func (s *core) storeFile(ctx context.Context, tx *db.Tx, u *auth.User, kind string, owner int64, field string, up Upload) (File, error) {
	if s.o.Files == "" {
		return File{}, errors.New("grants: no attachments directory configured")
	}
	if err := os.MkdirAll(s.o.Files, 0o750); err != nil {
		return File{}, err
	}
	sum := sha256.Sum256(up.Data)
	ext := strings.ToLower(filepath.Ext(up.Filename))
	f := File{PublicID: uuid.NewString(), OwnerKind: kind, OwnerID: owner, Field: field, Filename: cleanName(up.Filename), ContentType: storedType[ext], Size: int64(len(up.Data)), SHA256: hex.EncodeToString(sum[:])}
	tmp := s.path(f.PublicID) + ".tmp"
	if err := os.WriteFile(tmp, up.Data, 0o640); err != nil {
		return File{}, err
	}
	if err := os.Rename(tmp, s.path(f.PublicID)); err != nil {
		os.Remove(tmp)
		return File{}, err
	}
	if err := insertFile(ctx, tx, &f, actor(u), s.Now()); err != nil {
		os.Remove(s.path(f.PublicID))
		return File{}, err
	}
	return f, nil
}

func (s *core) removeFiles(pids []string) {
	for _, pid := range pids {
		os.Remove(s.path(pid))
	}
}

// FileByPID returns a file's record.
func (s *Applications) FileByPID(ctx context.Context, pid string) (*File, error) {
	if len(pid) > 64 {
		return nil, refuse.ErrNotFound
	}
	f, err := fileByPID(ctx, s.db, pid)
	if err != nil {
		return nil, wrap("FileByPID", err)
	}
	return f, nil
}

// CanReadFile reports whether u may download f: call documents are public;
// an application's files are its applicant's, its call managers' and its
// declared assessors'; a report's files are the award's applicant's and
// the call managers'.
func (s *Applications) CanReadFile(ctx context.Context, u *auth.User, f *File) (bool, error) {
	switch f.OwnerKind {
	case "call":
		c, err := s.callByID(ctx, f.OwnerID)
		if err != nil {
			return false, err
		}
		return CallVisible(u, c), nil
	case "application":
		a, err := appBy(ctx, s.db, "id", f.OwnerID)
		if err != nil {
			return false, err
		}
		return s.canReadApplication(ctx, u, a)
	case "report":
		appID, err := reportApp(ctx, s.db, f.OwnerID)
		if err != nil {
			return false, wrap("CanReadFile", err)
		}
		a, err := appBy(ctx, s.db, "id", appID)
		if err != nil {
			return false, err
		}
		if CanEdit(u, a) {
			return true, nil
		}
		c, err := s.callByID(ctx, a.CallID)
		if err != nil {
			return false, err
		}
		return CanManage(u, c), nil
	}
	return false, nil
}

// OpenFile opens the stored bytes of f. A file whose row exists and whose
// bytes are gone (a restore without its uploads, a deleted file) is a
// refusal, not found, that says so: dijalog check lists such files.
func (s *Applications) OpenFile(f *File) (*os.File, error) {
	rd, err := os.Open(s.path(f.PublicID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("grants: the file of attachment %s is missing from the uploads: %w", f.PublicID, refuse.ErrNotFound)
	}
	return rd, err
}

// StoredFiles hands every attachment row's file to put: its name in the
// attachments directory, size, SHA-256 and the row (dijalog check).
func (s *Applications) StoredFiles(ctx context.Context, put func(name string, size int64, sha256, row string) error) error {
	files, err := allFiles(ctx, s.db)
	if err != nil {
		return wrap("StoredFiles", err)
	}
	for _, f := range files {
		if err := put(f.PublicID, f.Size, f.SHA256, fmt.Sprintf("grant_files %d, %s %d", f.ID, f.Kind, f.OwnerID)); err != nil {
			return err
		}
	}
	return nil
}

// AddDocument attaches a document to a call (its managers).
func (s *Applications) AddDocument(ctx context.Context, u *auth.User, c *Call, up Upload, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	if k := checkUpload(up); k != "" {
		return FieldErrors{"document": k}
	}
	var stored string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.storeFile(ctx, tx, u, "call", c.ID, "document", up)
		if err != nil {
			return err
		}
		stored = f.PublicID
		return recordAudit(ctx, tx, u, "grants.call.document", "grant_call", c.Slug, map[string]string{"file": f.PublicID, "sha256": f.SHA256}, m)
	})
	if err != nil && stored != "" {
		s.removeFiles([]string{stored})
	}
	return wrap("AddDocument", err)
}

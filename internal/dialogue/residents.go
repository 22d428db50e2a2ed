package dialogue

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Residents verifies that people live in an LSG: in person at a citizens'
// office or with a one-time code handed out on paper.
type Residents struct{ *core }

// Verify marks the person userID as a verified resident of lsg after an
// in-person check (managers of a platform of that LSG who hold a role in
// lsg itself, see mayCertify).
func (s *Residents) Verify(ctx context.Context, u *auth.User, p *Platform, userID int64, userPID, lsg string, m Meta) error {
	if u != nil {
		if err := s.mayCertify(ctx, u, p, lsg); err != nil {
			return err
		}
	}
	if !p.HasLSG(lsg) {
		return FieldErrors{"lsg": "dialogue.lsg.not_on_platform"}
	}
	return wrap("VerifyResident", s.db.InTx(ctx, func(tx *db.Tx) error {
		added, err := insertResident(ctx, tx, userID, lsg, "in_person", actorID(u), s.now())
		if err != nil || !added {
			return err // nil when already verified: nothing to do
		}
		return record(ctx, tx, u, "dialogue.resident.verify", "user", userPID, map[string]string{"lsg": lsg, "method": "in_person"}, m)
	}))
}

// mayCertify says whether u may vouch that someone lives in lsg: u manages
// p and holds a role in lsg itself (its coordinator or staff; admins all).
// Residency is global, so a Mostar coordinator confirming a Trnovo resident
// would add a voter to Trnovo's own ballots: ErrNotYourLSG.
func (s *Residents) mayCertify(ctx context.Context, u *auth.User, p *Platform, lsg string) error {
	if !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if p.HasLSG(lsg) && !auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: lsg}) {
		return ErrNotYourLSG
	}
	return nil
}

// CanCertify lists the LSGs of p in which u may verify residents.
func (s *Residents) CanCertify(ctx context.Context, u *auth.User, p *Platform) []string {
	var out []string
	for _, c := range p.LSGs {
		if s.mayCertify(ctx, u, p, c) == nil {
			out = append(out, c)
		}
	}
	return out
}

// codeAlphabet avoids letters and digits that look alike on paper.
const codeAlphabet = "ACDEFGHJKLMNPQRTUVWXY34679"

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(normalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

func normalizeCode(c string) string {
	c = strings.ToUpper(c)
	var b strings.Builder
	for _, r := range c {
		if strings.ContainsRune(codeAlphabet, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// newCode is a random code in groups of four ("ACDE-FGHJ-KLMN").
func newCode() string {
	var raw [12]byte
	_, _ = rand.Read(raw[:])
	var b strings.Builder
	for j, c := range raw {
		if j == 4 || j == 8 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return b.String()
}

// IssueCodes makes n one-time verification codes for lsg; only their hashes
// are stored, so the printed sheet is the only copy.
func (s *Residents) IssueCodes(ctx context.Context, u *auth.User, p *Platform, lsg string, n int, m Meta) ([]string, error) {
	if err := s.mayCertify(ctx, u, p, lsg); err != nil {
		return nil, err
	}
	if !p.HasLSG(lsg) {
		return nil, FieldErrors{"lsg": "dialogue.lsg.not_on_platform"}
	}
	if n < 1 || n > 200 {
		return nil, FieldErrors{"count": "dialogue.codes.count"}
	}
	codes := make([]string, n)
	now := s.now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		for i := range codes {
			codes[i] = newCode()
			if err := insertCode(ctx, tx, lsg, hashCode(codes[i]), actorID(u), now); err != nil {
				return err
			}
		}
		return record(ctx, tx, u, "dialogue.codes.issue", "platform", p.Slug, map[string]string{"lsg": lsg, "count": strconv.Itoa(n)}, m)
	})
	if err != nil {
		return nil, wrap("IssueCodes", err)
	}
	return codes, nil
}

// Redeem verifies u as a resident with a one-time code; a code works once.
// It returns the code's LSG.
func (s *Residents) Redeem(ctx context.Context, u *auth.User, code string, m Meta) (string, error) {
	if u == nil {
		return "", refuse.ErrForbidden
	}
	if normalizeCode(code) == "" || len(code) > 40 {
		return "", FieldErrors{"code": "dialogue.code.invalid"}
	}
	var lsg string
	now := s.now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		lsg, err = useCode(ctx, tx, hashCode(code), u.ID, now)
		if errors.Is(err, refuse.ErrNotFound) {
			return FieldErrors{"code": "dialogue.code.invalid"}
		}
		if err != nil {
			return err
		}
		if _, err := insertResident(ctx, tx, u.ID, lsg, "code", nil, now); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.resident.verify", "user", u.PublicID, map[string]string{"lsg": lsg, "method": "code"}, m)
	})
	return lsg, wrap("RedeemCode", err)
}

// Of lists the LSG codes where u is a verified resident.
func (s *Residents) Of(ctx context.Context, u *auth.User) ([]string, error) {
	if u == nil {
		return nil, nil
	}
	out, err := residencies(ctx, s.db, u.ID)
	return out, wrap("Residencies", err)
}

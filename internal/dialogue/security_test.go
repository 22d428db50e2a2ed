package dialogue

import (
	"context"
	"errors"
	"testing"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
)

// withGrant is a copy of u holding role in the LSG code (in memory: the
// rules read u.Grants).
func withGrant(u *auth.User, role auth.Role, code string) *auth.User {
	c := *u
	c.Grants = append([]auth.Grant{}, u.Grants...)
	c.Grants = append(c.Grants, auth.Grant{Role: role, ScopeKind: auth.ScopeLSG, ScopeRef: code})
	return &c
}

// TestFinding03CrossLSGResidency: on an inter-municipal platform the
// coordinator of Mostar manages the platform but neither confirms Trnovo's
// residents, nor issues Trnovo's codes, nor keeps the books of a Trnovo
// initiative; each LSG's own people (and admins) do. Both databases.
func TestFinding03CrossLSGResidency(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 4)
		ctx := context.Background()
		const mostar, trnovo = "ba-fbih-mostar", "ba-fbih-trnovo"
		p, err := f.s.Platforms.Create(ctx, nil, PlatformInput{Name: "MLDP", LSGs: []string{mostar, trnovo}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		coordMostar := withGrant(f.users[0], auth.RoleLSGCoordinator, mostar)
		coordTrnovo := withGrant(f.users[1], auth.RoleLSGCoordinator, trnovo)
		staffTrnovo := withGrant(f.users[1], auth.RoleLSGStaff, trnovo)
		resident := f.users[2]
		if !f.s.Platforms.CanManage(ctx, coordMostar, p) {
			t.Fatal("the Mostar coordinator should manage the inter-municipal platform")
		}
		// Mostar's coordinator: Trnovo refused, Mostar accepted.
		if err := f.s.Residents.Verify(ctx, coordMostar, p, resident.ID, resident.PublicID, trnovo, Meta{}); !errors.Is(err, ErrNotYourLSG) || !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("Mostar verifies a Trnovo resident: %v, want ErrNotYourLSG", err)
		}
		if _, err := f.s.Residents.IssueCodes(ctx, coordMostar, p, trnovo, 3, Meta{}); !errors.Is(err, ErrNotYourLSG) {
			t.Errorf("Mostar issues Trnovo's codes: %v, want ErrNotYourLSG", err)
		}
		if got, _ := f.s.Residents.Of(ctx, resident); len(got) != 0 {
			t.Errorf("resident of %v after refusals", got)
		}
		if err := f.s.Residents.Verify(ctx, coordMostar, p, resident.ID, resident.PublicID, mostar, Meta{}); err != nil {
			t.Errorf("Mostar verifies a Mostar resident: %v", err)
		}
		if _, err := f.s.Residents.IssueCodes(ctx, coordMostar, p, mostar, 2, Meta{}); err != nil {
			t.Errorf("Mostar issues Mostar's codes: %v", err)
		}
		// Trnovo's own coordinator, and a platform coordinator with no LSG role.
		if err := f.s.Residents.Verify(ctx, coordTrnovo, p, resident.ID, resident.PublicID, trnovo, Meta{}); err != nil {
			t.Errorf("Trnovo verifies a Trnovo resident: %v", err)
		}
		if err := f.s.Platforms.AddMemberDirect(ctx, p, f.coord.ID, RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Residents.IssueCodes(ctx, f.coord, p, trnovo, 1, Meta{}); !errors.Is(err, ErrNotYourLSG) {
			t.Errorf("platform coordinator without an LSG role issues codes: %v", err)
		}
		if got := f.s.Residents.CanCertify(ctx, coordMostar, p); len(got) != 1 || got[0] != mostar {
			t.Errorf("CanCertify(Mostar) = %v", got)
		}
		admin := withGrant(f.users[3], auth.RoleAdmin, "")
		admin.Grants[len(admin.Grants)-1].ScopeKind = auth.ScopeGlobal
		if got := f.s.Residents.CanCertify(ctx, admin, p); len(got) != 2 {
			t.Errorf("CanCertify(admin) = %v", got)
		}
		// The money of a Trnovo initiative is Trnovo's record.
		x, err := f.s.Initiatives.Create(ctx, resident, p, InitiativeInput{Title: "Klupe", Problem: "p", Solution: "s", LSG: trnovo}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if CanFinance(withGrant(f.users[0], auth.RoleLSGStaff, mostar), p, x) || CanFinance(coordMostar, p, x) {
			t.Error("Mostar keeps the books of a Trnovo initiative")
		}
		if !CanFinance(staffTrnovo, p, x) || !CanFinance(admin, p, x) {
			t.Error("Trnovo's staff or an admin may not keep Trnovo's books")
		}
		x.State = StateSelected
		if err := f.s.Money.AddShare(ctx, coordMostar, p, x, ShareInput{Source: "lsg", Name: "Mostar", Amount: "10", Currency: "BAM"}, Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("Mostar adds to a Trnovo financing plan: %v", err)
		}
	})
}

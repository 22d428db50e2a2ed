package grants

import (
	"context"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Conflicts of interest (issue 14, finding 4). The people of an
// organisation are its members and everyone holding a role scoped to it;
// the people of an LSG that publishes a call are its coordinators and
// staff. Administrators count only through such ties, like anyone else.
//
//   - The publisher and its people do not apply to their own call
//     (ErrOwnCall).
//   - An assessor who is one of the publisher's or the applicant's people
//     is not assigned to the application, nor reads or scores it.
//   - A manager of the call who is one of an applicant's people reads only
//     that application (as its applicant) and decides nothing in the call
//     (ErrConflictOfInterest).
var (
	ErrOwnCall            = refuse.Key(refuse.ErrForbidden, "grants.error.own_call")
	ErrConflictOfInterest = refuse.Key(refuse.ErrForbidden, "grants.error.conflict_of_interest")
)

// orgPeople returns the ids of the members of an organisation and of the
// people holding a role scoped to it.
func (s *core) orgPeople(ctx context.Context, orgPID string) (map[int64]bool, error) {
	out := map[int64]bool{}
	if orgPID == "" {
		return out, nil
	}
	scoped, err := s.dir.UsersInScope(ctx, auth.ScopeOrg, orgPID)
	if err != nil {
		return nil, wrap("orgPeople", err)
	}
	for _, m := range scoped {
		out[m.User.ID] = true
	}
	o, err := s.dir.Organisation(ctx, orgPID)
	if err != nil {
		return nil, wrap("orgPeople", err)
	}
	members, err := s.dir.Members(ctx, o.ID)
	if err != nil {
		return nil, wrap("orgPeople", err)
	}
	for _, u := range members {
		out[u.ID] = true
	}
	return out, nil
}

// publisherPeople returns the ids of the people of c's publisher.
func (s *core) publisherPeople(ctx context.Context, c *Call) (map[int64]bool, error) {
	if c.LSG == "" {
		return s.orgPeople(ctx, c.OrgPID)
	}
	team, err := s.dir.UsersInScope(ctx, auth.ScopeLSG, c.LSG)
	if err != nil {
		return nil, wrap("publisherPeople", err)
	}
	out := map[int64]bool{}
	for _, m := range team {
		if m.Grant.Role == auth.RoleLSGCoordinator || m.Grant.Role == auth.RoleLSGStaff {
			out[m.User.ID] = true
		}
	}
	return out, nil
}

// ownCall refuses an application of orgPID to c by u when orgPID is the
// publisher or u is one of the publisher's people.
func (s *core) ownCall(ctx context.Context, u *auth.User, c *Call, orgPID string) error {
	if c.OrgPID != "" && orgPID == c.OrgPID {
		return ErrOwnCall
	}
	people, err := s.publisherPeople(ctx, c)
	if err != nil {
		return err
	}
	if u != nil && people[u.ID] {
		return ErrOwnCall
	}
	return nil
}

// tied returns the ids of the people of c's publisher and of a's applicant.
func (s *core) tied(ctx context.Context, c *Call, a *Application) (map[int64]bool, error) {
	people, err := s.publisherPeople(ctx, c)
	if err != nil {
		return nil, err
	}
	applicant, err := s.orgPeople(ctx, a.OrgPID)
	if err != nil {
		return nil, err
	}
	for id := range applicant {
		people[id] = true
	}
	return people, nil
}

// assessorConflict reports whether the person id is one of the people of
// c's publisher or of a's applicant.
func (s *core) assessorConflict(ctx context.Context, id int64, c *Call, a *Application) (bool, error) {
	people, err := s.tied(ctx, c, a)
	return err == nil && people[id], err
}

// impartialPool is pool without the people tied to c's publisher or a's
// applicant: the assessors who may be given a.
func (s *core) impartialPool(ctx context.Context, c *Call, a *Application, pool []auth.User) ([]auth.User, error) {
	people, err := s.tied(ctx, c, a)
	if err != nil {
		return nil, err
	}
	out := make([]auth.User, 0, len(pool))
	for _, p := range pool {
		if !people[p.ID] {
			out = append(out, p)
		}
	}
	return out, nil
}

// assessorsFor refuses u, an assessor of a, when u is tied to c's publisher
// or a's applicant, and otherwise returns the impartial assessors of a
// (to replace u or add a third).
func (s *core) assessorsFor(ctx context.Context, u *auth.User, c *Call, a *Application) ([]auth.User, error) {
	if conflict, err := s.assessorConflict(ctx, u.ID, c, a); err != nil || conflict {
		if err != nil {
			return nil, err
		}
		return nil, ErrConflictOfInterest
	}
	return s.replacements(ctx, c, a)
}

// replacements are the impartial assessors of a.
func (s *core) replacements(ctx context.Context, c *Call, a *Application) ([]auth.User, error) {
	pool, err := s.assessors(ctx)
	if err != nil {
		return nil, err
	}
	return s.impartialPool(ctx, c, a, pool)
}

// managerConflict reports whether u, a manager of c, is one of the people
// of an organisation that applied to c.
func (s *core) managerConflict(ctx context.Context, u *auth.User, c *Call) (bool, error) {
	if u == nil {
		return false, nil
	}
	apps, err := callApps(ctx, s.db, c.ID)
	if err != nil {
		return false, wrap("managerConflict", err)
	}
	seen := map[string]bool{}
	for _, a := range apps {
		if seen[a.OrgPID] {
			continue
		}
		seen[a.OrgPID] = true
		people, err := s.orgPeople(ctx, a.OrgPID)
		if err != nil {
			return false, err
		}
		if people[u.ID] {
			return true, nil
		}
	}
	return false, nil
}

// impartial refuses a manager of c with a conflict of interest.
func (s *core) impartial(ctx context.Context, u *auth.User, c *Call) error {
	conflict, err := s.managerConflict(ctx, u, c)
	if err != nil {
		return err
	}
	if conflict {
		return ErrConflictOfInterest
	}
	return nil
}

// Impartial returns ErrConflictOfInterest when u, a manager of c, is one of
// the people of an applicant: such a manager does not see the call's
// assessment.
func (s *Assessment) Impartial(ctx context.Context, u *auth.User, c *Call) error {
	return s.impartial(ctx, u, c)
}

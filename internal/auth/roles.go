package auth

// Role is a named set of permissions, granted to a user within a scope.
type Role string

// The roles of the platform. A signed-in person without any grant is a citizen.
const (
	RoleAdmin            Role = "admin"             // the whole platform
	RoleLSGCoordinator   Role = "lsg_coordinator"   // one LSG: its platform, staff and pages
	RoleLSGStaff         Role = "lsg_staff"         // one LSG: edits its records
	RoleCSORep           Role = "cso_rep"           // one CSO: applies, reports, edits its profile
	RoleAssessor         Role = "assessor"          // evaluates grant applications
	RoleModerator        Role = "moderator"         // comments and initiatives, globally or in one LSG
	RoleProgrammeManager Role = "programme_manager" // a donor's programme: projects across LSGs
)

// Roles lists every grantable role.
func Roles() []Role {
	return []Role{RoleAdmin, RoleLSGCoordinator, RoleLSGStaff, RoleCSORep, RoleAssessor, RoleModerator, RoleProgrammeManager}
}

// Scope kinds of a grant.
const (
	ScopeGlobal = "global"
	ScopeLSG    = "lsg" // ScopeRef is the place code, e.g. "ba-fbih-mostar"
	ScopeOrg    = "org" // ScopeRef is the organisation's public id
)

// ScopeKindFor is the scope kind a role must be granted with.
func ScopeKindFor(r Role) string {
	switch r {
	case RoleLSGCoordinator, RoleLSGStaff:
		return ScopeLSG
	case RoleCSORep, RoleProgrammeManager:
		return ScopeOrg
	case RoleModerator:
		return "" // global or one LSG
	}
	return ScopeGlobal
}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	for _, x := range Roles() {
		if x == r {
			return true
		}
	}
	return false
}

// Grant is one role of a user in one scope.
type Grant struct {
	Role      Role
	ScopeKind string
	ScopeRef  string
}

// Action is something a person may try to do.
type Action string

// Actions checked by handlers through Can.
const (
	ActAdminSite     Action = "admin.site"     // global administration: users, roles, audit log
	ActAdminLSG      Action = "admin.lsg"      // an LSG's administration pages
	ActManageLSGTeam Action = "lsg.team"       // grant and revoke staff roles in one LSG
	ActEditLSGRecord Action = "lsg.edit"       // create or edit a record that belongs to an LSG
	ActEditProgramme Action = "programme.edit" // create or edit a programme's records
	ActManageOrg     Action = "org.manage"     // edit an organisation and act for it
	ActModerate      Action = "moderate"       // hide or restore comments and initiatives
	ActAssess        Action = "assess"         // score grant applications
	ActParticipate   Action = "participate"    // comment, support, propose (any signed-in person)
	ActEditOwn       Action = "own.edit"       // edit one's own record
)

// Actions lists every action (for the permission matrix test).
func Actions() []Action {
	return []Action{ActAdminSite, ActAdminLSG, ActManageLSGTeam, ActEditLSGRecord, ActEditProgramme, ActManageOrg, ActModerate, ActAssess, ActParticipate, ActEditOwn}
}

// Object is what an action is done to: the scopes it belongs to.
type Object struct {
	LSG   string // place code of the LSG the object belongs to, if any
	Org   string // public id of the organisation it belongs to, if any
	Owner int64  // user id of its author, if any
}

// Can is the one permission check of the platform: may u do a to o?
// u is nil for an anonymous visitor. Disabled accounts may do nothing.
func Can(u *User, a Action, o Object) bool {
	if u == nil || u.Status != StatusActive {
		return false
	}
	if u.Has(RoleAdmin, ScopeGlobal, "") {
		return true
	}
	switch a {
	case ActAdminSite:
		return false
	case ActAdminLSG:
		return o.LSG != "" && (u.Has(RoleLSGCoordinator, ScopeLSG, o.LSG) || u.Has(RoleLSGStaff, ScopeLSG, o.LSG))
	case ActManageLSGTeam:
		return o.LSG != "" && u.Has(RoleLSGCoordinator, ScopeLSG, o.LSG)
	case ActEditLSGRecord:
		return o.LSG != "" && (u.Has(RoleLSGCoordinator, ScopeLSG, o.LSG) || u.Has(RoleLSGStaff, ScopeLSG, o.LSG))
	case ActEditProgramme:
		return o.Org != "" && u.Has(RoleProgrammeManager, ScopeOrg, o.Org)
	case ActManageOrg:
		return o.Org != "" && u.Has(RoleCSORep, ScopeOrg, o.Org)
	case ActModerate:
		return u.Has(RoleModerator, ScopeGlobal, "") || (o.LSG != "" && u.Has(RoleModerator, ScopeLSG, o.LSG))
	case ActAssess:
		return u.Has(RoleAssessor, ScopeGlobal, "")
	case ActParticipate:
		return true
	case ActEditOwn:
		return o.Owner != 0 && o.Owner == u.ID
	}
	return false
}

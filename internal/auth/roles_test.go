package auth

import (
	"fmt"
	"testing"
)

// TestCanMatrix checks every role against every action, in its own scope and
// in another one: the permission matrix of the platform in one table.
func TestCanMatrix(t *testing.T) {
	t.Parallel()
	const mostar, trebinje, lda, other = "ba-fbih-mostar", "ba-rs-trebinje", "org-lda", "org-other"
	user := func(id int64, gs ...Grant) *User { return &User{ID: id, Status: StatusActive, Grants: gs} }
	people := map[string]*User{
		"anonymous":          nil,
		"citizen":            user(1),
		"admin":              user(2, Grant{RoleAdmin, ScopeGlobal, ""}),
		"disabled admin":     {ID: 3, Status: StatusDisabled, Grants: []Grant{{RoleAdmin, ScopeGlobal, ""}}},
		"coordinator mostar": user(4, Grant{RoleLSGCoordinator, ScopeLSG, mostar}),
		"staff mostar":       user(5, Grant{RoleLSGStaff, ScopeLSG, mostar}),
		"cso rep lda":        user(6, Grant{RoleCSORep, ScopeOrg, lda}),
		"assessor":           user(7, Grant{RoleAssessor, ScopeGlobal, ""}),
		"moderator":          user(8, Grant{RoleModerator, ScopeGlobal, ""}),
		"moderator mostar":   user(9, Grant{RoleModerator, ScopeLSG, mostar}),
		"programme mgr lda":  user(10, Grant{RoleProgrammeManager, ScopeOrg, lda}),
	}
	objects := map[string]Object{
		"none":         {},
		"mostar":       {LSG: mostar},
		"trebinje":     {LSG: trebinje},
		"lda":          {Org: lda},
		"other org":    {Org: other},
		"own (user 1)": {Owner: 1},
		"mostar+lda":   {LSG: mostar, Org: lda},
	}
	// allowed[person] lists "action@object" pairs that must be allowed;
	// everything else must be denied. "*" means every pair.
	allowed := map[string][]string{
		"anonymous":      nil,
		"disabled admin": nil,
		"admin":          {"*"},
		"citizen":        {"participate@*", "own.edit@own (user 1)"},
		"coordinator mostar": {"participate@*", "admin.lsg@mostar", "admin.lsg@mostar+lda", "lsg.team@mostar", "lsg.team@mostar+lda",
			"lsg.edit@mostar", "lsg.edit@mostar+lda"},
		"staff mostar":      {"participate@*", "admin.lsg@mostar", "admin.lsg@mostar+lda", "lsg.edit@mostar", "lsg.edit@mostar+lda"},
		"cso rep lda":       {"participate@*", "org.manage@lda", "org.manage@mostar+lda"},
		"assessor":          {"participate@*", "assess@*"},
		"moderator":         {"participate@*", "moderate@*"},
		"moderator mostar":  {"participate@*", "moderate@mostar", "moderate@mostar+lda"},
		"programme mgr lda": {"participate@*", "programme.edit@lda", "programme.edit@mostar+lda"},
	}
	for who, u := range people {
		allow := map[string]bool{}
		for _, p := range allowed[who] {
			allow[p] = true
		}
		for _, a := range Actions() {
			for oname, o := range objects {
				want := allow["*"] || allow[string(a)+"@*"] || allow[string(a)+"@"+oname]
				if got := Can(u, a, o); got != want {
					t.Errorf("Can(%s, %s, %s) = %v, want %v", who, a, oname, got, want)
				}
			}
		}
	}
}

func TestCanGrant(t *testing.T) {
	t.Parallel()
	coord := &User{ID: 1, Status: StatusActive, Grants: []Grant{{RoleLSGCoordinator, ScopeLSG, "ba-fbih-mostar"}}}
	admin := &User{ID: 2, Status: StatusActive, Grants: []Grant{{RoleAdmin, ScopeGlobal, ""}}}
	tests := []struct {
		actor *User
		g     Grant
		want  bool
	}{
		{coord, Grant{RoleLSGStaff, ScopeLSG, "ba-fbih-mostar"}, true},
		{coord, Grant{RoleLSGStaff, ScopeLSG, "ba-rs-trebinje"}, false},
		{coord, Grant{RoleLSGCoordinator, ScopeLSG, "ba-fbih-mostar"}, false},
		{coord, Grant{RoleAdmin, ScopeGlobal, ""}, false},
		{admin, Grant{RoleAdmin, ScopeGlobal, ""}, true},
		{nil, Grant{RoleLSGStaff, ScopeLSG, "ba-fbih-mostar"}, false},
	}
	for i, tc := range tests {
		if got := CanGrant(tc.actor, tc.g); got != tc.want {
			t.Errorf("%d: CanGrant(%v) = %v, want %v", i, tc.g, got, tc.want)
		}
	}
}

func TestValidateGrant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		g  Grant
		ok bool
	}{
		{Grant{RoleAdmin, ScopeGlobal, ""}, true},
		{Grant{RoleAdmin, ScopeLSG, "x"}, false},
		{Grant{RoleLSGStaff, ScopeLSG, "ba-fbih-mostar"}, true},
		{Grant{RoleLSGStaff, ScopeLSG, ""}, false},
		{Grant{RoleLSGStaff, ScopeGlobal, ""}, false},
		{Grant{RoleCSORep, ScopeOrg, "abc"}, true},
		{Grant{RoleModerator, ScopeGlobal, ""}, true},
		{Grant{RoleModerator, ScopeLSG, "ba-fbih-mostar"}, true},
		{Grant{RoleModerator, ScopeOrg, "x"}, false},
		{Grant{"emperor", ScopeGlobal, ""}, false},
	}
	for _, tc := range tests {
		if got := len(ValidateGrant(tc.g)) == 0; got != tc.ok {
			t.Errorf("ValidateGrant(%v) ok = %v, want %v", tc.g, got, tc.ok)
		}
	}
}

func TestPassword(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batter", false}, {"", false}} {
		ok, err := CheckPassword(h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=0,t=0,p=0$x$y", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$a2V5"} {
		if _, err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("CheckPassword(%q) accepted a malformed hash", bad)
		}
	}
	if ok, err := CheckPassword(dummyHash, "anything"); err != nil || ok {
		t.Errorf("dummy hash: %v, %v", ok, err)
	}
}

func TestValidators(t *testing.T) {
	t.Parallel()
	emails := map[string]string{
		"ana@example.org": "", "": "form.required", "ana": "auth.email.invalid", "Ana <ana@example.org>": "auth.email.invalid",
		"ana@localhost": "auth.email.invalid", "a\x00@example.org": "auth.email.invalid", fmt.Sprintf("%0300d@x.org", 1): "auth.email.invalid",
	}
	for in, want := range emails {
		if got := ValidateEmail(in); got != want {
			t.Errorf("ValidateEmail(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ValidatePassword("short", ""); got != "auth.password.short" {
		t.Errorf("short password: %q", got)
	}
	if got := ValidatePassword("ana@example.org", "ana@example.org"); got != "auth.password.email" {
		t.Errorf("password = e-mail: %q", got)
	}
	if got := Slugify("Općina Žepče — Ђурђевац 2023"); got != "opcina-zepce-djurdjevac-2023" {
		t.Errorf("Slugify = %q", got)
	}
}

package auth

// Publishing as an identity: news articles and events are published by the
// platform, an LSG or an organisation, and a person may publish as each
// identity their roles give. Both modules ask here, so the rule is one.

// Kinds of publisher.
const (
	PublisherPlatform = "platform"
	PublisherLSG      = "lsg"
	PublisherOrg      = "org"
)

// Publisher is one identity a person may publish as.
type Publisher struct {
	Kind, Ref, Name string
}

// Key is the form value of a publisher: "lsg:ba-fbih-mostar".
func (p Publisher) Key() string { return p.Kind + ":" + p.Ref }

// CanPublishAs reports whether u may publish as the identity (kind, ref):
// the platform for active administrators, an LSG for those who edit its
// records, an organisation for its managers and programme editors.
func CanPublishAs(u *User, kind, ref string) bool {
	switch kind {
	case PublisherPlatform:
		return u != nil && u.IsAdmin() && u.Status == StatusActive
	case PublisherLSG:
		return ref != "" && Can(u, ActEditLSGRecord, Object{LSG: ref})
	case PublisherOrg:
		return ref != "" && (Can(u, ActManageOrg, Object{Org: ref}) || Can(u, ActEditProgramme, Object{Org: ref}))
	}
	return false
}

// PublishersOf lists the identities u may publish as, in the order of their
// grants, naming LSGs with lsgName(code) and organisations with
// orgName(public id).
func PublishersOf(u *User, platformName string, lsgName, orgName func(string) string) []Publisher {
	if u == nil {
		return nil
	}
	var out []Publisher
	if CanPublishAs(u, PublisherPlatform, "") {
		out = append(out, Publisher{Kind: PublisherPlatform, Name: platformName})
	}
	for _, g := range u.Grants {
		switch {
		case g.ScopeKind == ScopeLSG && CanPublishAs(u, PublisherLSG, g.ScopeRef):
			out = append(out, Publisher{Kind: PublisherLSG, Ref: g.ScopeRef, Name: lsgName(g.ScopeRef)})
		case g.ScopeKind == ScopeOrg && CanPublishAs(u, PublisherOrg, g.ScopeRef):
			out = append(out, Publisher{Kind: PublisherOrg, Ref: g.ScopeRef, Name: orgName(g.ScopeRef)})
		}
	}
	return out
}

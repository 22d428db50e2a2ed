package places

import "database/sql"

// Kinds of place, as stored in places.kind.
const (
	KindEntity         = "entity"          // FBiH, RS
	KindCanton         = "canton"          // the ten cantons of the Federation
	KindDistrict       = "district"        // Brčko District, as a level above its LSG
	KindLSG            = "lsg"             // a municipality or city: the tenant of most data
	KindLocalCommunity = "local_community" // mjesna zajednica (not loaded yet)
)

// Types of LSG, as stored in places.lsg_type ("" for places that are not LSGs).
const (
	TypeCity         = "city"
	TypeMunicipality = "municipality"
	TypeDistrict     = "district"
)

// Kinds of alias, as stored in place_aliases.kind.
const (
	AliasFormer   = "former"    // a name the place had before (Bosanski Novi)
	AliasGeo      = "geo"       // its name in the 2013 boundary and census data, for the map join
	AliasMemberOf = "member_of" // how a composite city's member list names it, when that differs
	AliasShort    = "short"     // an abbreviation (FBiH, HNK)
	AliasOther    = "other"     // another official or common name (Hercegbosanska županija)
)

// Place is an entity, canton, district, LSG or local community.
type Place struct {
	Code       string // stable public code, e.g. "ba-fbih-mostar"
	Country    string // ISO 3166-1 alpha-2 code, e.g. "BA"
	Kind       string // one of the Kind constants
	ParentCode string // the place directly above ("" for the top level)
	EntityCode string // the entity or district it lies in ("" for the top level)
	CantonCode string // the canton it lies in, if any
	Number     int    // a canton's constitutional number (1-10); 0 otherwise
	NameLat    string // name in Latin script
	NameCyr    string // name in Cyrillic script
	LSGType    string // one of the Type constants for LSGs; "" otherwise
	// Population is the census population; not valid when unknown
	// (Stanari, formed after the 2013 census, and the composite cities).
	Population     sql.Null[int64]
	PopulationYear int // census year of Population; 0 when unknown
	SortKey        int // position in the list (entities, cantons, LSGs)
	// Aliases are other names of the place: former, boundary-data, short
	// and alternative names.
	Aliases []Alias
	// Members are the codes of the member municipalities of a composite city
	// (the City of Sarajevo, the City of Istočno Sarajevo).
	Members []string
	// MemberOf are the codes of the composite cities the place belongs to.
	MemberOf []string
}

// Alias is another name of a place.
type Alias struct {
	Alias string
	Kind  string // one of the Alias constants
}

// IsLSG reports whether p is a local self-government (municipality, city or district).
func (p Place) IsLSG() bool { return p.Kind == KindLSG }

// IsCity reports whether p is an LSG with city status.
func (p Place) IsCity() bool { return p.Kind == KindLSG && p.LSGType == TypeCity }

// IsComposite reports whether p is a city made of member municipalities.
func (p Place) IsComposite() bool { return len(p.Members) > 0 }

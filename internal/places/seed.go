package places

import (
	"bytes"
	"database/sql"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/translit"
)

// The data files the places migration is generated from (see data/SOURCE.txt).
//
//go:embed data/regions.csv data/lsg.csv data/lsg-names.csv
var dataFS embed.FS

// CensusYear is the year of the population figures in the data files.
const CensusYear = 2013

// sortStep leaves room between sort keys for places added later.
const sortStep = 10

var codePattern = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)

// Seed returns every place compiled from the embedded data files, in list
// order, exactly as the migration inserts them: the entities, cantons and
// district of regions.csv, then the LSGs of lsg.csv with their 2013
// population joined from lsg-names.csv through geo_name, their aliases and
// the members of the composite cities. It checks the files' consistency.
func Seed() ([]Place, error) {
	regions, err := readCSV("data/regions.csv", []string{"code", "country", "kind", "parent_code", "number", "name_lat", "name_cyr", "lsg_csv_key", "short_names", "other_names"})
	if err != nil {
		return nil, err
	}
	lsgs, err := readCSV("data/lsg.csv", []string{"code", "name_lat", "name_cyr", "entity", "canton", "type", "former_names", "geo_name", "consists_of"})
	if err != nil {
		return nil, err
	}
	census, err := readCSV("data/lsg-names.csv", []string{"name_geoboundaries", "population2013_overall", "population1991_overall"})
	if err != nil {
		return nil, err
	}
	sd := &seeder{byCode: map[string]int{}, regionByKey: map[string]string{}, usedGeo: map[string]string{}}
	if err := sd.addRegions(regions); err != nil {
		return nil, err
	}
	if sd.pop, err = censusPopulation(census); err != nil {
		return nil, err
	}
	if err := sd.addLSGs(lsgs); err != nil {
		return nil, err
	}
	for name := range sd.pop {
		if _, ok := sd.usedGeo[name]; !ok {
			return nil, fmt.Errorf("places.Seed: lsg-names.csv: %q is not the geo_name of any LSG", name)
		}
	}
	if err := sd.linkComposites(); err != nil {
		return nil, err
	}
	return sd.out, nil
}

// seeder compiles the places of the data files, in list order.
type seeder struct {
	out         []Place
	byCode      map[string]int    // code -> index into out
	regionByKey map[string]string // lsg_csv_key -> code
	pop         map[string]int64  // census population by geo name
	usedGeo     map[string]string // geo name -> code of the LSG that has it
	composites  []composite
}

// composite is a city made of other LSGs, named in consists_of.
type composite struct {
	idx     int
	members []string
}

// add checks p's code and names and appends it with the next sort key.
func (sd *seeder) add(p Place) error {
	if !codePattern.MatchString(p.Code) {
		return fmt.Errorf("places.Seed: bad code %q", p.Code)
	}
	if _, dup := sd.byCode[p.Code]; dup {
		return fmt.Errorf("places.Seed: code %q defined twice", p.Code)
	}
	if strings.TrimSpace(p.NameLat) != p.NameLat || p.NameLat == "" {
		return fmt.Errorf("places.Seed: %s: bad Latin name %q", p.Code, p.NameLat)
	}
	if !translit.HasCyrillic(p.NameCyr) {
		return fmt.Errorf("places.Seed: %s: Cyrillic name %q has no Cyrillic letters", p.Code, p.NameCyr)
	}
	p.SortKey = (len(sd.out) + 1) * sortStep
	sd.byCode[p.Code] = len(sd.out)
	sd.out = append(sd.out, p)
	return nil
}

// addRegions adds the entities, cantons and district of regions.csv.
func (sd *seeder) addRegions(regions []map[string]string) error {
	for _, r := range regions {
		p := Place{Code: r["code"], Country: r["country"], Kind: r["kind"], ParentCode: r["parent_code"], NameLat: r["name_lat"], NameCyr: r["name_cyr"]}
		if err := sd.placeRegion(&p, r["number"]); err != nil {
			return err
		}
		if len(p.Country) != 2 || strings.ToUpper(p.Country) != p.Country || !strings.HasPrefix(p.Code, strings.ToLower(p.Country)+"-") {
			return fmt.Errorf("places.Seed: %s: country %q does not match the code", p.Code, p.Country)
		}
		p.Aliases = appendAliases(nil, AliasShort, r["short_names"])
		p.Aliases = appendAliases(p.Aliases, AliasOther, r["other_names"])
		key := r["lsg_csv_key"]
		if key == "" || sd.regionByKey[key] != "" {
			return fmt.Errorf("places.Seed: %s: lsg_csv_key %q empty or used twice", p.Code, key)
		}
		sd.regionByKey[key] = p.Code
		if err := sd.add(p); err != nil {
			return err
		}
	}
	return nil
}

// placeRegion checks a region's kind and parent; a canton lies in an
// entity defined above it and has a number.
func (sd *seeder) placeRegion(p *Place, number string) error {
	switch p.Kind {
	case KindEntity, KindDistrict:
		if p.ParentCode != "" {
			return fmt.Errorf("places.Seed: %s: a %s has no parent", p.Code, p.Kind)
		}
	case KindCanton:
		parent, ok := sd.byCode[p.ParentCode]
		if !ok || sd.out[parent].Kind != KindEntity {
			return fmt.Errorf("places.Seed: canton %s: parent %q is not an entity defined above it", p.Code, p.ParentCode)
		}
		p.EntityCode = p.ParentCode
		n, err := strconv.Atoi(number)
		if err != nil || n <= 0 {
			return fmt.Errorf("places.Seed: canton %s: bad number %q", p.Code, number)
		}
		p.Number = n
	default:
		return fmt.Errorf("places.Seed: %s: kind %q not allowed in regions.csv", p.Code, p.Kind)
	}
	return nil
}

// censusPopulation is the 2013 population by the boundary data's name.
func censusPopulation(census []map[string]string) (map[string]int64, error) {
	pop := map[string]int64{}
	for _, c := range census {
		name := c["name_geoboundaries"]
		n, err := strconv.ParseInt(c["population2013_overall"], 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("places.Seed: lsg-names.csv: %q: bad population %q", name, c["population2013_overall"])
		}
		if _, dup := pop[name]; dup {
			return nil, fmt.Errorf("places.Seed: lsg-names.csv: %q twice", name)
		}
		pop[name] = n
	}
	return pop, nil
}

// addLSGs adds the LSGs of lsg.csv in their entity (and canton), with
// their former names and census population.
func (sd *seeder) addLSGs(lsgs []map[string]string) error {
	for _, r := range lsgs {
		p := Place{Code: r["code"], Kind: KindLSG, NameLat: r["name_lat"], NameCyr: r["name_cyr"], LSGType: r["type"]}
		switch p.LSGType {
		case TypeCity, TypeMunicipality, TypeDistrict:
		default:
			return fmt.Errorf("places.Seed: %s: unknown type %q", p.Code, p.LSGType)
		}
		if err := sd.placeLSG(&p, r["entity"], r["canton"]); err != nil {
			return err
		}
		p.Aliases = appendAliases(nil, AliasFormer, r["former_names"])
		if err := sd.census(&p, r["geo_name"]); err != nil {
			return err
		}
		if m := splitList(r["consists_of"]); len(m) > 0 {
			sd.composites = append(sd.composites, composite{idx: len(sd.out), members: m})
		}
		if err := sd.add(p); err != nil {
			return err
		}
	}
	return nil
}

// placeLSG puts an LSG in its entity (or district) and canton, checking
// that its type and code fit them.
func (sd *seeder) placeLSG(p *Place, entityKey, cantonKey string) error {
	ent, ok := sd.regionByKey[entityKey]
	if !ok || (sd.out[sd.byCode[ent]].Kind != KindEntity && sd.out[sd.byCode[ent]].Kind != KindDistrict) {
		return fmt.Errorf("places.Seed: %s: unknown entity %q", p.Code, entityKey)
	}
	entity := sd.out[sd.byCode[ent]]
	p.Country, p.EntityCode, p.ParentCode = entity.Country, entity.Code, entity.Code
	if (p.LSGType == TypeDistrict) != (entity.Kind == KindDistrict) {
		return fmt.Errorf("places.Seed: %s: type %q does not fit %s", p.Code, p.LSGType, entity.Code)
	}
	if cantonKey != "" {
		can, ok := sd.regionByKey[cantonKey]
		if !ok || sd.out[sd.byCode[can]].Kind != KindCanton || sd.out[sd.byCode[can]].ParentCode != entity.Code {
			return fmt.Errorf("places.Seed: %s: canton %q unknown or not in %s", p.Code, cantonKey, entity.Code)
		}
		p.CantonCode, p.ParentCode = can, can
	}
	if !strings.HasPrefix(p.Code, entity.Code+"-") {
		return fmt.Errorf("places.Seed: %s: code does not start with its entity's code %s", p.Code, entity.Code)
	}
	return nil
}

// census joins an LSG's population through its geo name (used once).
func (sd *seeder) census(p *Place, geo string) error {
	if geo == "" {
		return nil
	}
	n, ok := sd.pop[geo]
	if !ok {
		return fmt.Errorf("places.Seed: %s: geo_name %q not in lsg-names.csv", p.Code, geo)
	}
	if other, dup := sd.usedGeo[geo]; dup {
		return fmt.Errorf("places.Seed: geo_name %q used by %s and %s", geo, other, p.Code)
	}
	sd.usedGeo[geo] = p.Code
	p.Population = sql.Null[int64]{V: n, Valid: true}
	p.PopulationYear = CensusYear
	p.Aliases = appendAliases(p.Aliases, AliasGeo, geo)
	return nil
}

// linkComposites finds the members of the composite cities, named as in
// consists_of: the member is the LSG of the same entity with that Latin
// name or geo name.
func (sd *seeder) linkComposites() error {
	out := sd.out
	for _, c := range sd.composites {
		city := &out[c.idx]
		for _, name := range c.members {
			var found []int
			for i, q := range out {
				if q.Kind != KindLSG || q.EntityCode != city.EntityCode || i == c.idx {
					continue
				}
				if q.NameLat == name || hasAlias(q, AliasGeo, name) {
					found = append(found, i)
				}
			}
			if len(found) != 1 {
				return fmt.Errorf("places.Seed: %s: member %q matches %d LSGs", city.Code, name, len(found))
			}
			m := &out[found[0]]
			if m.CantonCode != city.CantonCode {
				return fmt.Errorf("places.Seed: %s: member %s lies in another canton", city.Code, m.Code)
			}
			if m.NameLat != name {
				m.Aliases = appendAliases(m.Aliases, AliasMemberOf, name)
			}
			city.Members = append(city.Members, m.Code)
			m.MemberOf = append(m.MemberOf, city.Code)
		}
		// Members in list order, as the store reads them.
		slices.SortFunc(city.Members, func(a, b string) int { return out[sd.byCode[a]].SortKey - out[sd.byCode[b]].SortKey })
	}
	return nil
}

func hasAlias(p Place, kind, alias string) bool {
	for _, a := range p.Aliases {
		if a.Kind == kind && a.Alias == alias {
			return true
		}
	}
	return false
}

// appendAliases adds the ';'-separated names in list as aliases of one kind.
func appendAliases(as []Alias, kind, list string) []Alias {
	for _, s := range splitList(list) {
		dup := false
		for _, a := range as {
			if a.Kind == kind && a.Alias == s {
				dup = true
			}
		}
		if !dup {
			as = append(as, Alias{Alias: s, Kind: kind})
		}
	}
	return as
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// readCSV reads an embedded CSV file whose header must be want, returning
// one map per row.
func readCSV(name string, want []string) ([]map[string]string, error) {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("places.Seed: %w", err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
	r.FieldsPerRecord = len(want)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("places.Seed: %s: header: %w", name, err)
	}
	if strings.Join(header, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("places.Seed: %s: header is %q, want %q", name, header, want)
	}
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("places.Seed: %s: %w", name, err)
		}
		row := make(map[string]string, len(want))
		for i, k := range want {
			if strings.ContainsFunc(rec[i], unicode.IsControl) || !utf8.ValidString(rec[i]) {
				return nil, fmt.Errorf("places.Seed: %s: %s %q: control character or invalid UTF-8", name, k, rec[i])
			}
			row[k] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// MigrationSQL generates the places migration of one dialect from the
// embedded data files: the tables and every row. The committed files
// migrations/{sqlite,postgres}/00002_places.sql must equal its output (a
// test checks); regenerate them with `go generate ./internal/places`.
func MigrationSQL(d db.Dialect) ([]byte, error) {
	ps, err := Seed()
	if err != nil {
		return nil, err
	}
	var id, ts string
	switch d {
	case db.SQLite:
		id, ts = "INTEGER PRIMARY KEY", "TIMESTAMP"
	case db.Postgres:
		id, ts = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "TIMESTAMPTZ"
	default:
		return nil, fmt.Errorf("places.MigrationSQL: unknown dialect %q", d)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, migrationHead, translit.FoldVersion, id, ts, ts, id, ts, ts, id, ts, ts)
	writePlaceRows(&b, ps)
	writeAliasAndMemberRows(&b, ps)
	b.WriteString(`
-- +goose Down
DROP TABLE place_members;
DROP TABLE place_aliases;
DROP TABLE places;
`)
	return b.Bytes(), nil
}

// migrationHead is the migration's header and tables; its verbs are the
// fold version, then the id column and timestamp type of each table.
const migrationHead = `-- Code generated by "go run ./internal/places/gen"; DO NOT EDIT.
-- Source: internal/places/data/{regions,lsg,lsg-names}.csv (see data/SOURCE.txt).
-- Keys (name_key, alias_key) are translit.Fold(...).Search, fold version %d.

-- +goose Up
CREATE TABLE places (
    id              %s,
    code            TEXT NOT NULL UNIQUE,
    country         CHAR(2) NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('entity', 'canton', 'district', 'lsg', 'local_community')),
    parent_code     TEXT REFERENCES places(code),
    entity_code     TEXT REFERENCES places(code),
    canton_code     TEXT REFERENCES places(code),
    number          INTEGER,
    name_lat        TEXT NOT NULL,
    name_cyr        TEXT NOT NULL DEFAULT '',
    name_key        TEXT NOT NULL,
    lsg_type        TEXT NOT NULL DEFAULT '' CHECK (lsg_type IN ('city', 'municipality', 'district', '')),
    population      INTEGER CHECK (population IS NULL OR population >= 0),
    population_year INTEGER,
    sort_key        INTEGER NOT NULL,
    created_at      %s NOT NULL,
    updated_at      %s NOT NULL,
    CHECK ((kind = 'lsg') = (lsg_type <> ''))
);
CREATE INDEX places_parent ON places(parent_code);
CREATE INDEX places_list ON places(country, kind, sort_key);
CREATE INDEX places_name_key ON places(name_key);

CREATE TABLE place_aliases (
    id         %s,
    place_code TEXT NOT NULL REFERENCES places(code) ON DELETE CASCADE,
    alias      TEXT NOT NULL,
    alias_key  TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('former', 'geo', 'member_of', 'short', 'other')),
    created_at %s NOT NULL,
    updated_at %s NOT NULL,
    UNIQUE (place_code, kind, alias)
);
CREATE INDEX place_aliases_key ON place_aliases(alias_key);

CREATE TABLE place_members (
    id          %s,
    place_code  TEXT NOT NULL REFERENCES places(code) ON DELETE CASCADE,
    member_code TEXT NOT NULL REFERENCES places(code) ON DELETE CASCADE,
    created_at  %s NOT NULL,
    updated_at  %s NOT NULL,
    UNIQUE (place_code, member_code),
    CHECK (place_code <> member_code)
);
CREATE INDEX place_members_member ON place_members(member_code);
`

// writePlaceRows inserts the places, parents first, so that every foreign
// key points at an earlier statement.
func writePlaceRows(b *bytes.Buffer, ps []Place) {
	for _, group := range [][]string{{KindEntity, KindDistrict}, {KindCanton}, {KindLSG}} {
		var rows []string
		for _, p := range ps {
			if p.Kind != group[0] && (len(group) < 2 || p.Kind != group[1]) {
				continue
			}
			pop, year := "NULL", "NULL"
			if p.Population.Valid {
				pop, year = strconv.FormatInt(p.Population.V, 10), strconv.Itoa(p.PopulationYear)
			}
			num := "NULL"
			if p.Number != 0 {
				num = strconv.Itoa(p.Number)
			}
			rows = append(rows, fmt.Sprintf("(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %d, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
				quote(p.Code), quote(p.Country), quote(p.Kind), nullable(p.ParentCode), nullable(p.EntityCode), nullable(p.CantonCode), num,
				quote(p.NameLat), quote(p.NameCyr), quote(translit.Fold(p.NameLat).Search), quote(p.LSGType), pop, year, p.SortKey))
		}
		fmt.Fprintf(b, "\n-- %s\n", strings.Join(group, ", "))
		writeInsert(b, "places (code, country, kind, parent_code, entity_code, canton_code, number, name_lat, name_cyr, name_key, lsg_type, population, population_year, sort_key, created_at, updated_at)", rows)
	}
}

// writeAliasAndMemberRows inserts every alias and composite city member.
func writeAliasAndMemberRows(b *bytes.Buffer, ps []Place) {
	var aliases, members []string
	for _, p := range ps {
		for _, a := range p.Aliases {
			aliases = append(aliases, fmt.Sprintf("(%s, %s, %s, %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
				quote(p.Code), quote(a.Alias), quote(translit.Fold(a.Alias).Search), quote(a.Kind)))
		}
		for _, m := range p.Members {
			members = append(members, fmt.Sprintf("(%s, %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", quote(p.Code), quote(m)))
		}
	}
	if len(aliases) > 0 {
		b.WriteString("\n")
		writeInsert(b, "place_aliases (place_code, alias, alias_key, kind, created_at, updated_at)", aliases)
	}
	if len(members) > 0 {
		b.WriteString("\n")
		writeInsert(b, "place_members (place_code, member_code, created_at, updated_at)", members)
	}
}

// writeInsert writes one INSERT of rows into table (with its columns).
func writeInsert(b *bytes.Buffer, table string, rows []string) {
	b.WriteString("INSERT INTO " + table + " VALUES\n")
	b.WriteString(strings.Join(rows, ",\n"))
	b.WriteString(";\n")
}

// quote writes s as an SQL string literal. readCSV has refused control
// characters, so a literal never spans lines (which would confuse the
// migration parser).
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func nullable(s string) string {
	if s == "" {
		return "NULL"
	}
	return quote(s)
}

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

	var out []Place
	byCode := map[string]int{}
	add := func(p Place) error {
		if !codePattern.MatchString(p.Code) {
			return fmt.Errorf("places.Seed: bad code %q", p.Code)
		}
		if _, dup := byCode[p.Code]; dup {
			return fmt.Errorf("places.Seed: code %q defined twice", p.Code)
		}
		if strings.TrimSpace(p.NameLat) != p.NameLat || p.NameLat == "" {
			return fmt.Errorf("places.Seed: %s: bad Latin name %q", p.Code, p.NameLat)
		}
		if !translit.HasCyrillic(p.NameCyr) {
			return fmt.Errorf("places.Seed: %s: Cyrillic name %q has no Cyrillic letters", p.Code, p.NameCyr)
		}
		p.SortKey = (len(out) + 1) * sortStep
		byCode[p.Code] = len(out)
		out = append(out, p)
		return nil
	}

	// Entities, cantons, district.
	regionByKey := map[string]string{} // lsg_csv_key -> code
	for _, r := range regions {
		p := Place{Code: r["code"], Country: r["country"], Kind: r["kind"], ParentCode: r["parent_code"], NameLat: r["name_lat"], NameCyr: r["name_cyr"]}
		switch p.Kind {
		case KindEntity, KindDistrict:
			if p.ParentCode != "" {
				return nil, fmt.Errorf("places.Seed: %s: a %s has no parent", p.Code, p.Kind)
			}
		case KindCanton:
			parent, ok := byCode[p.ParentCode]
			if !ok || out[parent].Kind != KindEntity {
				return nil, fmt.Errorf("places.Seed: canton %s: parent %q is not an entity defined above it", p.Code, p.ParentCode)
			}
			p.EntityCode = p.ParentCode
			n, err := strconv.Atoi(r["number"])
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("places.Seed: canton %s: bad number %q", p.Code, r["number"])
			}
			p.Number = n
		default:
			return nil, fmt.Errorf("places.Seed: %s: kind %q not allowed in regions.csv", p.Code, p.Kind)
		}
		if len(p.Country) != 2 || strings.ToUpper(p.Country) != p.Country || !strings.HasPrefix(p.Code, strings.ToLower(p.Country)+"-") {
			return nil, fmt.Errorf("places.Seed: %s: country %q does not match the code", p.Code, p.Country)
		}
		p.Aliases = appendAliases(nil, AliasShort, r["short_names"])
		p.Aliases = appendAliases(p.Aliases, AliasOther, r["other_names"])
		key := r["lsg_csv_key"]
		if key == "" || regionByKey[key] != "" {
			return nil, fmt.Errorf("places.Seed: %s: lsg_csv_key %q empty or used twice", p.Code, key)
		}
		regionByKey[key] = p.Code
		if err := add(p); err != nil {
			return nil, err
		}
	}

	// Census population by the boundary data's name.
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
	usedGeo := map[string]string{}

	// LSGs.
	type composite struct {
		idx     int
		members []string
	}
	var composites []composite
	for _, r := range lsgs {
		p := Place{Code: r["code"], Kind: KindLSG, NameLat: r["name_lat"], NameCyr: r["name_cyr"], LSGType: r["type"]}
		switch p.LSGType {
		case TypeCity, TypeMunicipality, TypeDistrict:
		default:
			return nil, fmt.Errorf("places.Seed: %s: unknown type %q", p.Code, p.LSGType)
		}
		ent, ok := regionByKey[r["entity"]]
		if !ok || (out[byCode[ent]].Kind != KindEntity && out[byCode[ent]].Kind != KindDistrict) {
			return nil, fmt.Errorf("places.Seed: %s: unknown entity %q", p.Code, r["entity"])
		}
		entity := out[byCode[ent]]
		p.Country, p.EntityCode, p.ParentCode = entity.Country, entity.Code, entity.Code
		if (p.LSGType == TypeDistrict) != (entity.Kind == KindDistrict) {
			return nil, fmt.Errorf("places.Seed: %s: type %q does not fit %s", p.Code, p.LSGType, entity.Code)
		}
		if r["canton"] != "" {
			can, ok := regionByKey[r["canton"]]
			if !ok || out[byCode[can]].Kind != KindCanton || out[byCode[can]].ParentCode != entity.Code {
				return nil, fmt.Errorf("places.Seed: %s: canton %q unknown or not in %s", p.Code, r["canton"], entity.Code)
			}
			p.CantonCode, p.ParentCode = can, can
		}
		if !strings.HasPrefix(p.Code, entity.Code+"-") {
			return nil, fmt.Errorf("places.Seed: %s: code does not start with its entity's code %s", p.Code, entity.Code)
		}
		p.Aliases = appendAliases(nil, AliasFormer, r["former_names"])
		if geo := r["geo_name"]; geo != "" {
			n, ok := pop[geo]
			if !ok {
				return nil, fmt.Errorf("places.Seed: %s: geo_name %q not in lsg-names.csv", p.Code, geo)
			}
			if other, dup := usedGeo[geo]; dup {
				return nil, fmt.Errorf("places.Seed: geo_name %q used by %s and %s", geo, other, p.Code)
			}
			usedGeo[geo] = p.Code
			p.Population = sql.Null[int64]{V: n, Valid: true}
			p.PopulationYear = CensusYear
			p.Aliases = appendAliases(p.Aliases, AliasGeo, geo)
		}
		if m := splitList(r["consists_of"]); len(m) > 0 {
			composites = append(composites, composite{idx: len(out), members: m})
		}
		if err := add(p); err != nil {
			return nil, err
		}
	}
	for name := range pop {
		if _, ok := usedGeo[name]; !ok {
			return nil, fmt.Errorf("places.Seed: lsg-names.csv: %q is not the geo_name of any LSG", name)
		}
	}

	// Members of the composite cities, named as in consists_of: the member
	// is the LSG of the same entity with that Latin name or geo name.
	for _, c := range composites {
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
				return nil, fmt.Errorf("places.Seed: %s: member %q matches %d LSGs", city.Code, name, len(found))
			}
			m := &out[found[0]]
			if m.CantonCode != city.CantonCode {
				return nil, fmt.Errorf("places.Seed: %s: member %s lies in another canton", city.Code, m.Code)
			}
			if m.NameLat != name {
				m.Aliases = appendAliases(m.Aliases, AliasMemberOf, name)
			}
			city.Members = append(city.Members, m.Code)
			m.MemberOf = append(m.MemberOf, city.Code)
		}
		// Members in list order, as the store reads them.
		slices.SortFunc(city.Members, func(a, b string) int { return out[byCode[a]].SortKey - out[byCode[b]].SortKey })
	}
	return out, nil
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
	fmt.Fprintf(&b, `-- Code generated by "go run ./internal/places/gen"; DO NOT EDIT.
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
`, translit.FoldVersion, id, ts, ts, id, ts, ts, id, ts, ts)

	// Parents first, so that every foreign key points at an earlier statement.
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
		fmt.Fprintf(&b, "\n-- %s\nINSERT INTO places (code, country, kind, parent_code, entity_code, canton_code, number, name_lat, name_cyr, name_key, lsg_type, population, population_year, sort_key, created_at, updated_at) VALUES\n", strings.Join(group, ", "))
		b.WriteString(strings.Join(rows, ",\n"))
		b.WriteString(";\n")
	}

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
		b.WriteString("\nINSERT INTO place_aliases (place_code, alias, alias_key, kind, created_at, updated_at) VALUES\n")
		b.WriteString(strings.Join(aliases, ",\n"))
		b.WriteString(";\n")
	}
	if len(members) > 0 {
		b.WriteString("\nINSERT INTO place_members (place_code, member_code, created_at, updated_at) VALUES\n")
		b.WriteString(strings.Join(members, ",\n"))
		b.WriteString(";\n")
	}
	b.WriteString(`
-- +goose Down
DROP TABLE place_members;
DROP TABLE place_aliases;
DROP TABLE places;
`)
	return b.Bytes(), nil
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

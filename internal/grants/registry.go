package grants

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/csvout"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/google/uuid"
)

func sortRecipients(r []Recipient) {
	sort.Slice(r, func(i, j int) bool {
		if r[i].Amount != r[j].Amount {
			return r[i].Amount > r[j].Amount
		}
		return r[i].Name < r[j].Name
	})
}

func sortDesc(v []int) { sort.Sort(sort.Reverse(sort.IntSlice(v))) }

// SupportHeader is the CSV header of the registry (import and export).
var SupportHeader = []string{"year", "lsg", "funder", "recipient", "amount", "currency", "purpose", "procedure", "award_date"}

// ImportError is a refused line of an import.
type ImportError struct {
	Line  int
	Field string
	Err   string
}

func (e ImportError) Error() string { return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Err) }

// LSGChecker says whether a place code is a known LSG.
type LSGChecker func(ctx context.Context, code string) bool

// ParseSupportCSV reads registry records. The header must name the columns
// of SupportHeader (any order; award_date optional). Every line is checked;
// all errors are returned together and nothing is imported with errors.
func ParseSupportCSV(r io.Reader) ([]Support, []ImportError, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	col, err := supportColumns(cr)
	if err != nil {
		return nil, nil, err
	}
	var out []Support
	var errs []ImportError
	line := 1
	for {
		rec, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, ImportError{Line: line, Field: "csv", Err: "unreadable line"})
			if len(errs) > 100 {
				break
			}
			continue
		}
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		bad := func(field, msg string) { errs = append(errs, ImportError{Line: line, Field: field, Err: msg}) }
		out = append(out, readSupport(get, bad))
		if len(errs) > 100 {
			break
		}
	}
	return out, errs, nil
}

// supportColumns reads the header: the column of each name.
func supportColumns(cr *csv.Reader) (map[string]int, error) {
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("grants.ParseSupportCSV: header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, h := range SupportHeader {
		if _, ok := col[h]; !ok && h != "award_date" {
			return nil, fmt.Errorf("grants.ParseSupportCSV: missing column %q", h)
		}
	}
	return col, nil
}

// readSupport reads one record through get (a column's trimmed value) and
// reports each bad field to bad.
func readSupport(get func(string) string, bad func(field, msg string)) Support {
	s := Support{Funder: get("funder"), Recipient: get("recipient"), Purpose: get("purpose"), Procedure: get("procedure"), LSG: get("lsg"), Currency: strings.ToUpper(get("currency")), AwardDate: get("award_date"), JIB: get("recipient_jib")}
	if s.JIB != "" && !ValidJIB(s.JIB) {
		bad("recipient_jib", "not a JIB (13 digits)")
	}
	y, err := strconv.Atoi(get("year"))
	if err != nil || y < 1990 || y > 2100 {
		bad("year", "not a year between 1990 and 2100")
	}
	s.Year = y
	for _, f := range []struct{ name, v string }{{"funder", s.Funder}, {"recipient", s.Recipient}} {
		if f.v == "" || !utf8.ValidString(f.v) || utf8.RuneCountInString(f.v) > 300 {
			bad(f.name, "required, at most 300 characters")
		}
	}
	if !utf8.ValidString(s.Purpose) || utf8.RuneCountInString(s.Purpose) > 1000 {
		bad("purpose", "at most 1000 characters")
	}
	if len(s.LSG) > 100 || !utf8.ValidString(s.LSG) {
		bad("lsg", "not a place code")
	}
	switch strings.ToLower(strings.ReplaceAll(s.Procedure, " ", "_")) {
	case "open_call", "javni_poziv", "open":
		s.Procedure = "open_call"
	case "direct", "direktno", "direktna_dodjela":
		s.Procedure = "direct"
	default:
		bad("procedure", "open_call or direct")
	}
	if !money.Valid(s.Currency) {
		bad("currency", "unknown currency")
	} else if a, err := money.Parse(get("amount"), s.Currency); err != nil || a.Minor <= 0 {
		bad("amount", "not a positive amount")
	} else {
		s.Amount = a.Minor
	}
	if s.AwardDate == "" && s.Year != 0 {
		s.AwardDate = fmt.Sprintf("%04d-12-31", s.Year)
	} else if s.AwardDate != "" && (!validDate(s.AwardDate) || s.AwardDate[:4] != strconv.Itoa(s.Year)) {
		bad("award_date", "YYYY-MM-DD in the record's year")
	}
	return s
}

// ImportSupport checks and imports records in one transaction; unknown LSG
// codes are refused. It returns how many records were added.
func (s *Registry) Import(ctx context.Context, r io.Reader, known LSGChecker) (int, []ImportError, error) {
	recs, errs, err := ParseSupportCSV(r)
	if err != nil {
		return 0, nil, err
	}
	for i, rec := range recs {
		if rec.LSG != "" && known != nil && !known(ctx, rec.LSG) {
			errs = append(errs, ImportError{Line: i + 2, Field: "lsg", Err: "unknown LSG code " + strconv.Quote(rec.LSG)})
		}
	}
	if len(errs) > 0 {
		return 0, errs, nil
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for i := range recs {
			if err := s.Add(ctx, tx, &recs[i]); err != nil {
				return err
			}
		}
		return recordAudit(ctx, tx, nil, "grants.support.import", "grant_support", "", map[string]string{"records": strconv.Itoa(len(recs))}, Meta{IP: "cli"})
	})
	if err != nil {
		return 0, nil, wrap("ImportSupport", err)
	}
	return len(recs), nil, nil
}

// SupportExport are the columns the export adds to the import format:
// the recipient's JIB (which the import reads too) and the record's euro
// value at the rate of its award date, with that rate and its date ("" for
// a fixed rate; amount_eur "" when the currency has no rate).
var SupportExport = []string{"recipient_jib", "amount_eur", "eur_rate", "eur_rate_date"}

// WriteSupportCSV writes records in the import format, with the columns
// of SupportExport.
func WriteSupportCSV(w io.Writer, recs []Support) error {
	cw := csvout.New(w)
	if err := cw.Write(append(slices.Clone(SupportHeader), SupportExport...)); err != nil {
		return err
	}
	for _, r := range recs {
		eur, rate := "", ""
		if r.Converted {
			eur = dec(r.EUR, EUR)
		}
		if r.Rate.PerEUR > 0 {
			rate = strconv.FormatFloat(r.Rate.PerEUR, 'f', -1, 64)
		}
		if err := cw.Write([]string{strconv.Itoa(r.Year), r.LSG, r.Funder, r.Recipient, r.Money().Decimal(), r.Currency, r.Purpose, r.Procedure, r.AwardDate,
			r.JIB, eur, rate, r.Rate.Date}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ---- 360Giving ----

// GivingOrg is an organisation in 360Giving.
type GivingOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// GivingEvent is a planned date range.
type GivingEvent struct {
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate,omitempty"`
}

// GivingLocation is a beneficiary location.
type GivingLocation struct {
	Name        string `json:"name"`
	CountryCode string `json:"countryCode"`
	GeoCode     string `json:"geoCode,omitempty"`
}

// GivingGrant is one grant in the 360Giving standard.
type GivingGrant struct {
	ID                    string           `json:"id"`
	Title                 string           `json:"title"`
	Description           string           `json:"description"`
	Currency              string           `json:"currency"`
	AmountAwarded         float64          `json:"amountAwarded"`
	AwardDate             string           `json:"awardDate"`
	RecipientOrganization []GivingOrg      `json:"recipientOrganization"`
	FundingOrganization   []GivingOrg      `json:"fundingOrganization"`
	PlannedDates          []GivingEvent    `json:"plannedDates,omitempty"`
	BeneficiaryLocation   []GivingLocation `json:"beneficiaryLocation,omitempty"`
}

// GivingPackage is the 360Giving package document.
type GivingPackage struct {
	Grants []GivingGrant `json:"grants"`
}

// Prefix is the 360Giving identifier prefix of the platform's records.
const Prefix = "360G-dijalog-"

// Giving builds the 360Giving package of the registry. names gives an LSG's
// display name by code.
func (s *Registry) Giving(ctx context.Context, names func(code string) string) (GivingPackage, error) {
	recs, err := s.Support(ctx, SupportFilter{})
	if err != nil {
		return GivingPackage{}, err
	}
	pkg := GivingPackage{Grants: []GivingGrant{}}
	for _, r := range recs {
		title := r.Purpose
		if title == "" {
			title = r.Recipient
		}
		if utf8.RuneCountInString(title) > 140 {
			title = string([]rune(title)[:139]) + "…"
		}
		desc := r.Purpose
		if desc == "" {
			desc = title
		}
		recipientID := RecipientID(r)
		g := GivingGrant{
			ID: Prefix + r.PublicID, Title: title, Description: desc, Currency: r.Currency, AmountAwarded: r.Money().Major(), AwardDate: r.AwardDate,
			RecipientOrganization: []GivingOrg{{ID: recipientID, Name: r.Recipient}},
			FundingOrganization:   []GivingOrg{{ID: OwnOrgPrefix + orgKey("", r.Funder), Name: r.Funder}},
		}
		if r.StartsOn != "" { // the award's contract period, read in the same query
			g.PlannedDates = []GivingEvent{{StartDate: r.StartsOn, EndDate: r.EndsOn}}
		}
		if r.LSG != "" {
			g.BeneficiaryLocation = []GivingLocation{{Name: names(r.LSG), CountryCode: "BA", GeoCode: r.LSG}}
		}
		pkg.Grants = append(pkg.Grants, g)
	}
	return pkg, nil
}

// The organisation identifiers of the 360Giving export. 360Giving asks for
// an identifier from a register listed on org-id.guide, else one of the
// publisher's own under its 360Giving prefix:
//
//   - JIBPrefix + the JIB: the recipient's Unique Identification Number
//     (jedinstveni identifikacioni broj, 13 digits, issued by the Indirect
//     Taxation Authority), org-id.guide list BA-JIB, when the organisation
//     gave it in its application or the imported record carries it;
//   - OwnOrgPrefix + a key: the platform's own identifier otherwise: the
//     organisation's public id on the platform when it has an account, else
//     its name folded to ASCII letters and digits in upper case, words
//     joined by "_" ("KULTURNI_CENTAR_ABRASEVIC"). The fold keeps every
//     letter: Cyrillic is transliterated first, Š→S, Ž→Z, Č and Ć→C,
//     Đ→DJ (so "Đurđevac" and "Durdevac" stay apart), Dž→DZ, Lj→LJ,
//     Nj→NJ (translit.ASCIIWords).
const (
	JIBPrefix    = "BA-JIB-"
	OwnOrgPrefix = Prefix + "org-"
)

// ValidJIB reports whether s is written as a JIB: 13 digits.
func ValidJIB(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// RecipientID is the 360Giving identifier of a record's recipient: its
// registered JIB when known, else the platform's own (see JIBPrefix).
func RecipientID(r Support) string {
	if r.JIB != "" {
		return JIBPrefix + r.JIB
	}
	return OwnOrgPrefix + orgKey(r.OrgPID, r.Recipient)
}

// orgKey makes a stable identifier part from an organisation's public id
// or, without one, its name folded to ASCII without losing letters
// ("Kulturni centar Abrašević" → "KULTURNI_CENTAR_ABRASEVIC"). A name with
// letters that have no ASCII fold (another script) gets a digest of itself.
func orgKey(pid, name string) string {
	if pid != "" {
		return pid
	}
	key, ok := translit.ASCIIWords(name, '_')
	if !ok || key == "" {
		sum := sha256.Sum256([]byte(strings.TrimSpace(name)))
		key = "H" + strings.ToUpper(hex.EncodeToString(sum[:8]))
	}
	return key
}

// ---- the registry of who funded whom ----

// SupportFilter narrows the registry.
type SupportFilter struct {
	Year      int
	LSG       string
	Procedure string
}

// Support lists registry records, newest first.
func (s *Registry) Support(ctx context.Context, f SupportFilter) ([]Support, error) {
	out, err := listSupport(ctx, s.db, f)
	return out, wrap("Support", err)
}

// Dashboard summarises one LSG's (or all) support in one year (or all).
// Every sum is in euro: each record converted at the rate of its own
// award date (Registry.ToEUR). ByCurrency gives what was given in each
// currency present; a currency without a rate is stated there and in
// Unconverted, never dropped silently.
type Dashboard struct {
	Currency    string // EUR: the currency of every sum below
	Total       int64
	OpenCall    int64
	Direct      int64
	OpenCallPct int // share of the total given through open calls, percent
	Recipients  int
	Records     int // records in the euro sums
	Largest     []Recipient
	Years       []int
	ByCurrency  []CurrencyTotal // every currency of the records, most given first
	Rates       []RateUsed      // the rates that converted them, by currency and date
	Unconverted int             // records in a currency without a rate: not in the euro sums
}

// CurrencyTotal is what the records in one currency add up to, and their
// value in euro at the rates of their own dates.
type CurrencyTotal struct {
	Currency  string
	Records   int
	Amount    int64 // in Currency
	EUR       int64
	Converted bool // false: the currency has no rate; EUR is 0
}

// Recipient is a recipient and the euro value of what it received.
type Recipient struct {
	Name   string
	Amount int64
	Pct    int
}

// Summarise builds the dashboard of records whose euro values are set.
func Summarise(records []Support) Dashboard {
	d := Dashboard{Currency: EUR}
	by := map[string]int64{}
	years := map[int]bool{}
	cur := map[string]*CurrencyTotal{}
	used := map[Rate]int{}
	for _, r := range records {
		years[r.Year] = true
		ct := cur[r.Currency]
		if ct == nil {
			ct = &CurrencyTotal{Currency: r.Currency, Converted: true}
			cur[r.Currency] = ct
		}
		ct.Records++
		ct.Amount += r.Amount
		if !r.Converted {
			ct.Converted = false
			d.Unconverted++
			continue
		}
		ct.EUR += r.EUR
		if r.Currency != EUR {
			used[r.Rate]++
		}
		d.Records++
		d.Total += r.EUR
		if r.Procedure == "open_call" {
			d.OpenCall += r.EUR
		} else {
			d.Direct += r.EUR
		}
		by[r.Recipient] += r.EUR
	}
	d.OpenCallPct = pct(d.OpenCall, d.Total)
	d.Recipients = len(by)
	for name, amt := range by {
		d.Largest = append(d.Largest, Recipient{Name: name, Amount: amt})
	}
	sortRecipients(d.Largest)
	if len(d.Largest) > 10 {
		d.Largest = d.Largest[:10]
	}
	for i := range d.Largest {
		d.Largest[i].Pct = pct(d.Largest[i].Amount, d.Total)
	}
	for y := range years {
		d.Years = append(d.Years, y)
	}
	sortDesc(d.Years)
	d.ByCurrency = currencyTotals(cur)
	d.Rates = ratesUsed(used)
	return d
}

// currencyTotals lists the totals of each currency: the one given most in
// euro first, those without a rate last.
func currencyTotals(cur map[string]*CurrencyTotal) []CurrencyTotal {
	out := make([]CurrencyTotal, 0, len(cur))
	for _, ct := range cur {
		if !ct.Converted {
			ct.EUR = 0
		}
		out = append(out, *ct)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Converted != b.Converted {
			return a.Converted
		}
		if a.EUR != b.EUR {
			return a.EUR > b.EUR
		}
		return a.Currency < b.Currency
	})
	return out
}

// SupportYears lists the years that have records.
func (s *Registry) Years(ctx context.Context) ([]int, error) {
	out, err := supportYears(ctx, s.db)
	return out, wrap("SupportYears", err)
}

// SupportLSGs lists the LSG codes that have records.
func (s *Registry) LSGs(ctx context.Context) ([]string, error) {
	out, err := supportLSGs(ctx, s.db)
	return out, wrap("SupportLSGs", err)
}

// AddSupport adds one record given outside the platform (importer, demo).
func (s *Registry) Add(ctx context.Context, q db.Querier, r *Support) error {
	r.PublicID = uuid.NewString()
	return wrap("AddSupport", insertSupport(ctx, q, r, s.Now()))
}

// DB exposes the database for the importer's transaction.
func (s *Service) InTx(ctx context.Context, fn func(tx *db.Tx) error) error {
	return s.db.InTx(ctx, fn)
}

package i18n

import (
	"html/template"
	"testing"
	"time"
)

func TestShowAndLangOf(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		loc, in    string
		show, lang string
		html       template.HTML
	}{
		// English is not Serbian: not transliterated, marked as English.
		{SerbianCyrillic, "Trnovo staff project", "Trnovo staff project", "en", `<span lang="en">Trnovo staff project</span>`},
		{SerbianCyrillic, "Delegacija Evropske unije u BiH", "Делегација Европске уније у БиХ", "", "Делегација Европске уније у БиХ"},
		{SerbianCyrillic, "Mostar", "Мостар", "", "Мостар"},
		{SerbianCyrillic, "Plani i veprimit të komunës", "Plani i veprimit të komunës", "sq", `<span lang="sq">Plani i veprimit të komunës</span>`},
		{SerbianLatin, "Делегација Европске уније", "Delegacija Evropske unije", "", "Delegacija Evropske unije"},
		{SerbianLatin, "Општината ќе го поддржи проектот", "Општината ќе го поддржи проектот", "mk", `<span lang="mk">Општината ќе го поддржи проектот</span>`},
		{Bosnian, "Trnovo staff project", "Trnovo staff project", "en", `<span lang="en">Trnovo staff project</span>`},
		{Bosnian, "Delegacija Evropske unije u BiH", "Delegacija Evropske unije u BiH", "", "Delegacija Evropske unije u BiH"},
		{English, "Trnovo staff project", "Trnovo staff project", "", "Trnovo staff project"},
		// A Bosnian decision on an Albanian page is marked as such.
		{Albanian, "Općina je ispunila uslove za dodjelu oznake", "Općina je ispunila uslove za dodjelu oznake", "bs", `<span lang="bs">Općina je ispunila uslove za dodjelu oznake</span>`},
		{Albanian, "<b>&", "<b>&", "", "&lt;b&gt;&amp;"},
	}
	for _, tt := range tests {
		p := c.Printer(tt.loc)
		if got := p.Show(tt.in); got != tt.show {
			t.Errorf("%s Show(%q) = %q, want %q", tt.loc, tt.in, got, tt.show)
		}
		if got := p.LangOf(tt.in); got != tt.lang {
			t.Errorf("%s LangOf(%q) = %q, want %q", tt.loc, tt.in, got, tt.lang)
		}
		if got := p.ShowHTML(tt.in); got != tt.html {
			t.Errorf("%s ShowHTML(%q) = %q, want %q", tt.loc, tt.in, got, tt.html)
		}
	}
	// A marked text given to a message keeps its words, not its tags.
	if got := c.Printer(Bosnian).T("lang.note", "language", c.Printer(Bosnian).ShowHTML("Trnovo staff project")); got != "Ovaj tekst nije na vašem jeziku. Jezik teksta: Trnovo staff project." {
		t.Errorf("T with ShowHTML = %q", got)
	}
}

func TestShowMarkup(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	p := c.Printer(SerbianCyrillic)
	in := template.HTML(`<p>Zapisnik sa sastanka &amp; <a href="https://dijalog.ba/a">odluke</a></p>`)
	want := template.HTML(`<p>Записник са састанка &amp; <a href="https://dijalog.ba/a">одлуке</a></p>`)
	if got := p.ShowMarkup(in); got != want {
		t.Errorf("ShowMarkup = %q, want %q", got, want)
	}
	en := template.HTML(`<p>Minutes of the meeting with the staff</p>`)
	if got := p.ShowMarkup(en); got != en {
		t.Errorf("ShowMarkup(English) = %q, want it as written", got)
	}
}

func TestPlaceNames(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ loc, lat, cyr, want string }{
		{English, "Federacija Bosne i Hercegovine", "Федерација Босне и Херцеговине", "Federation of Bosnia and Herzegovina"},
		{English, "Unsko-sanski kanton", "Унско-сански кантон", "Una-Sana Canton"},
		{English, "Brčko distrikt Bosne i Hercegovine", "", "Brčko District of Bosnia and Herzegovina"},
		{English, "Mostar", "Мостар", "Mostar"},
		{Croatian, "Hercegovačko-neretvanski kanton", "", "Hercegovačko-neretvanska županija"},
		{Bosnian, "Hercegovačko-neretvanski kanton", "", "Hercegovačko-neretvanski kanton"},
		{SerbianCyrillic, "Federacija Bosne i Hercegovine", "Федерација Босне и Херцеговине", "Федерација Босне и Херцеговине"},
		{SerbianCyrillic, "Mostar", "Мостар", "Мостар"},
		{Macedonian, "Federacija Bosne i Hercegovine", "Федерација Босне и Херцеговине", "Федерација на Босна и Херцеговина"},
		{Macedonian, "Mostar", "Мостар", "Мостар"},
		{Albanian, "Republika Srpska", "Република Српска", "Republika Srpska"},
	}
	for _, tt := range tests {
		if got := c.Printer(tt.loc).Name(tt.lat, tt.cyr); got != tt.want {
			t.Errorf("%s Name(%q) = %q, want %q", tt.loc, tt.lat, got, tt.want)
		}
	}
}

func TestDateFormats(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ loc, got, want string }{
		{Bosnian, c.Printer(Bosnian).DateText("2026-12-07"), "7. decembra 2026."},
		{English, c.Printer(English).DateText("2026-12-07T10:00:00Z"), "7 December 2026"},
		{Bosnian, c.Printer(Bosnian).DateText("2025-01"), "01/2025"},
		{Croatian, c.Printer(Croatian).DateText("2025-01"), "01. 2025."},
		{English, c.Printer(English).DateText("2025"), "2025"},
		{English, c.Printer(English).DateText("soon"), "soon"},
		{Bosnian, c.Printer(Bosnian).ShortDateText("2026-06-05"), "5. 6. 2026."},
		{English, c.Printer(English).Dates("01-2026 2026-05-01 – 2026-12-31"), "01-2026 1/5/2026 – 31/12/2026"},
		{English, c.Printer(English).Zone("Europe/Sarajevo"), "Sarajevo time"},
		{SerbianCyrillic, c.Printer(SerbianCyrillic).Zone("Europe/Sarajevo"), "време у Сарајеву"},
		{English, c.Printer(English).Zone("Europe/Skopje"), "Skopje"},
		{Bosnian, c.Printer(Bosnian).DateTime(time.Date(2027, 1, 20, 23, 59, 59, 0, time.UTC)), "20. 1. 2027. u 23:59"},
		{Bosnian, c.Printer(Bosnian).Int(5000), "5.000"},
		{Albanian, c.Printer(Albanian).Int(5000), "5\u202f000"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.loc, tt.got, tt.want)
		}
	}
}

// TestOnePeriod: a value that ends with a period (a Bosnian date) ends
// the sentence of its message with that period only.
func TestOnePeriod(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	p := c.Printer(Bosnian)
	got := fill("Rok je {date}.", []any{"date", "7. 12. 2026."}, p)
	if got != "Rok je 7. 12. 2026." {
		t.Errorf("fill = %q", got)
	}
	if got := fill("{a}. {b}.", []any{"a", "x", "b", "y."}, p); got != "x. y." {
		t.Errorf("fill = %q", got)
	}
}

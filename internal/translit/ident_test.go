package translit

import "testing"

func TestASCIIWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Kulturni centar ABRAŠEVIĆ", "KULTURNI_CENTAR_ABRASEVIC", true},
		{"DRUŠTVO", "DRUSTVO", true},
		{"Udruženje „Žene Žepča”", "UDRUZENJE_ZENE_ZEPCA", true},
		{"Đurđevac", "DJURDJEVAC", true},
		{"Културни центар Абрашевић", "KULTURNI_CENTAR_ABRASEVIC", true},
		{"Ђурђевац, Љубушки и Џепче", "DJURDJEVAC_LJUBUSKI_I_DZEPCE", true},
		{"Завидовиќи", "ZAVIDOVICI", true},
		{"Gjakova Kjell", "GJAKOVA_KJELL", true},     // the search fold would give DJAKOVA CELL
		{"Abras\u030cevic\u0301", "ABRASEVIC", true}, // decomposed marks
		{"  LDA -- Mostar  ", "LDA_MOSTAR", true},
		{"Fond 2025", "FOND_2025", true},
		{"Ǆamija", "DZAMIJA", true},
		{"Øresund Æble Straße", "ORESUND_AEBLE_STRASSE", true},
		{"北京 Fond", "FOND", false},
		{"", "", true},
		{"\xff\xfe", "", true},
	}
	for _, tt := range tests {
		got, ok := ASCIIWords(tt.in, '_')
		if got != tt.want || ok != tt.ok {
			t.Errorf("ASCIIWords(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzASCIIWords(f *testing.F) {
	for _, s := range []string{"ABRAŠEVIĆ", "Ђурђевац", "a--b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, _ := ASCIIWords(s, '_')
		for i := 0; i < len(w); i++ {
			c := w[i]
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
				t.Fatalf("ASCIIWords(%q) = %q: byte %q", s, w, c)
			}
		}
		if len(w) > 0 && (w[0] == '_' || w[len(w)-1] == '_') {
			t.Fatalf("ASCIIWords(%q) = %q: separator at an end", s, w)
		}
		if again, ok := ASCIIWords(w, '_'); again != w || !ok {
			t.Fatalf("ASCIIWords(%q) = %q, not a fixed point: %q", s, w, again)
		}
	})
}
